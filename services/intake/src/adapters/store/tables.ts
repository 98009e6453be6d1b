import type { KitTables } from '@govhall/kit';
import type { QueueTables } from './queue-tables';
import type { RegistrationTables } from './registration-tables';

/** Every table of the intake schema (migrations/), for Kysely. */
export interface IntakeTables extends KitTables, QueueTables, RegistrationTables {}
