import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';
import type { HallCalendar } from '../domain/calendar-admin';
import type { OpeningSchedule, OpeningScope, OpeningWindow, StoredOpeningHours } from '../domain/opening-hours';

/** What the opening hours need to know of a hall of the directory. */
export interface OpeningHall {
  readonly id: string;
  readonly regionCode: string;
  readonly active: boolean;
}

/** The newest version of one scope: its schedule in force, or null when that version cleared it. */
export interface ScopeVersion {
  readonly version: number;
  readonly inForce: StoredOpeningHours | null;
}

/** Reads of the opening hours; inside a command they see the command's own writes. */
export interface OpeningHoursReads {
  /** A hall of the directory (active or not). */
  getHall(hallId: string): Promise<OpeningHall | undefined>;
  /** A window of the directory (active or not). */
  getWindow(windowId: string): Promise<OpeningWindow | undefined>;
  /** The newest version of a scope of a hall; undefined when it never had a schedule. */
  scopeVersion(hallId: string, scope: OpeningScope): Promise<ScopeVersion | undefined>;
  /** Every schedule in force in a hall (scopes whose newest version is a clear left out), in any order. */
  listInForce(hallId: string): Promise<StoredOpeningHours[]>;
}

/** One version of a scope as stored: a schedule, or null for a clear. */
export interface OpeningHoursVersion {
  readonly hallId: string;
  readonly scope: OpeningScope;
  readonly version: number;
  readonly schedule: OpeningSchedule | null;
  readonly setAt: Date;
}

/** One opening-hours command's transaction: reads, writes, and events that leave through the outbox on commit. */
export interface OpeningHoursTransaction extends OpeningHoursReads {
  /**
   * Stores a new version of a scope; stored versions are never changed. Throws PreconditionFailedError when
   * that version exists already (someone else changed the scope concurrently).
   */
  insertVersion(version: OpeningHoursVersion): Promise<void>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

/** The opening hours' store. */
export interface OpeningHoursStore {
  readonly reads: OpeningHoursReads;
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: OpeningHoursTransaction) => Promise<T>): Promise<T>;
}

/**
 * A hall's working-time calendar as `CalendarService.getHallCalendar` resolves it (region chain, stored
 * versions, chinese-days default): the opening hours read holidays and make-up days from it, never resolve
 * them on their own.
 */
export interface HallCalendars {
  getHallCalendar(hallId: string, years: readonly number[]): Promise<HallCalendar>;
}
