import type { KitTables } from '@govhall/kit';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** BIGINT fen: pg hands it over as a string; the store turns it into a safe integer (fenOf). */
type Fen = ColumnType<string, number, number>;
/** A DATE column read as YYYY-MM-DD text (the pg type parser is not changed): cast in the queries that read it. */
type Day = ColumnType<string, string, string>;
type Json = JSONColumnType<object, string, string>;

export interface HallSettingsTable {
  hall_id: string;
  version: number;
  doc: Json;
}

export interface BillsTable {
  id: string;
  number: string;
  payment_code: string | null;
  hall_id: string;
  status: string;
  open_key: string;
  is_open: boolean;
  case_ids: string[];
  department_ids: string[];
  pending_due_at: NullableTimestamp;
  total_fen: Fen;
  paid_fen: Fen;
  opened_at: Timestamp;
  version: number;
  doc: Json;
}

export interface DayCountersTable {
  scope: string;
  next: Fen;
}

export interface PaymentsTable {
  bank_transaction_id: string;
  bill_id: string;
  hall_id: string;
  payment_code: string;
  amount_fen: Fen;
  channel: string;
  paid_at: Timestamp;
  recorded_at: Timestamp;
  value_date: Day;
}

export interface PaymentExceptionsTable extends Omit<PaymentsTable, 'recorded_at'> {
  kind: string;
  reported_at: Timestamp;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  transaction_id: string;
  hall_id: string;
  movement: string;
  account: string;
  debit_fen: Fen;
  credit_fen: Fen;
  department_id: string;
  bill_id: string;
  line_id: string;
  deposit_id: string;
  value_date: Day;
  booked_at: Timestamp;
}

export interface DepositsTable {
  id: string;
  hall_id: string;
  status: string;
  bank_transaction_id: string;
  received_at: Timestamp;
  version: number;
  doc: Json;
}

export interface ReconciliationsTable {
  id: string;
  hall_id: string;
  day: Day;
  reconciled_at: Timestamp;
  doc: Json;
}

export interface FeeTables extends KitTables {
  hall_settings: HallSettingsTable;
  bills: BillsTable;
  day_counters: DayCountersTable;
  payments: PaymentsTable;
  payment_exceptions: PaymentExceptionsTable;
  ledger_entries: LedgerEntriesTable;
  deposits: DepositsTable;
  reconciliations: ReconciliationsTable;
}
