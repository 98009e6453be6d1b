import type { KitTables } from '@govhall/kit';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface CasesTable {
  id: string;
  case_number: string;
  version: number;
  status: string;
  current_stage: string;
  accepting_hall_id: string;
  current_hall_id: string;
  approving_hall_id: string;
  department_ids: string[];
  applicant_id: string;
  decision: string;
  publish_results: boolean;
  accepted_at: Timestamp;
  completed_at: NullableTimestamp;
  bundle_id: string | null;
  mirror: boolean;
  query_password_hash: string;
  log_seq: Generated<number>;
  log_head: Generated<string>;
  state: JSONColumnType<object, string, string>;
  updated_at: Timestamp;
}

export interface ActionLogTable {
  case_id: string;
  seq: number;
  entry: JSONColumnType<object, string, string>;
  hash: string;
  at: Timestamp;
}

export interface TodosTable {
  case_id: string;
  kind: string;
  stage: string;
  subtask_code: string;
  hall_id: string;
  department_id: string;
  window_id: string;
  staff_id: string;
  due_at: NullableTimestamp;
  since: NullableTimestamp;
  item: JSONColumnType<object, string, string>;
}

export interface BundlesTable {
  id: string;
  catalogue_bundle_id: string;
  name: string;
  hall_id: string;
  window_id: string;
  applicant_id: string;
  item_ids: string[];
  case_ids: string[];
  pickup_at: NullableTimestamp;
  issued_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface JointMeetingsTable {
  id: string;
  hall_id: string;
  record: JSONColumnType<object, string, string>;
  held_at: Timestamp;
}

export interface ArchiveBatchesTable {
  id: string;
  hall_id: string;
  department_id: string;
  week_start: ColumnType<string, string, string>;
  week_end: ColumnType<string, string, string>;
  case_ids: string[];
  created_by: string;
  created_at: Timestamp;
}

export interface HallSettingsTable {
  hall_id: string;
  settings: JSONColumnType<object, string, string>;
  version: number;
  updated_at: Timestamp;
}

export interface ProgressAttemptsTable {
  scope: string;
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: NullableTimestamp;
}

/** Every table of the `cases` schema (migrations/), for Kysely. */
export interface CaseTables extends KitTables {
  cases: CasesTable;
  action_log: ActionLogTable;
  todos: TodosTable;
  bundles: BundlesTable;
  joint_meetings: JointMeetingsTable;
  archive_batches: ArchiveBatchesTable;
  hall_settings: HallSettingsTable;
  progress_attempts: ProgressAttemptsTable;
}
