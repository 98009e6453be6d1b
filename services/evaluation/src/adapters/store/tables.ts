import type { KitTables } from '@govhall/kit';
import type { ColumnType, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** A DATE column read as YYYY-MM-DD text (the pg type parser is not changed): cast in the queries that read it. */
type Day = ColumnType<string, string, string>;
type NullableDay = ColumnType<string | null, string | null, string | null>;
type Json = JSONColumnType<object, string, string>;

export interface HallSettingsTable {
  hall_id: string;
  version: number;
  doc: Json;
}

export interface CasesTable {
  case_id: string;
  case_number: string;
  hall_id: string;
  department_id: string;
  window_id: string;
  staff_id: string;
  handler_staff_id: string;
  item_name: string;
  applicant_id: string;
  accepted_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  completed_day: NullableDay;
  statutory_working_days: number;
  promised_working_days: number;
  taken_working_days: number;
}

export interface RatingsTable {
  id: string;
  case_id: string;
  hall_id: string;
  department_id: string;
  window_id: string;
  staff_id: string;
  channel: string;
  bad: boolean;
  satisfied: boolean;
  withdrawn: boolean;
  rated_at: Timestamp;
  doc: Json;
  rater_name: string;
  rater_phone_masked: string;
}

export interface RatingLinksTable {
  id: string;
  case_id: string;
  expires_at: Timestamp;
  issued_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface RectificationsTable {
  id: string;
  rating_id: string;
  hall_id: string;
  status: string;
  assignee_staff_id: string;
  due_at: Timestamp;
  opened_at: Timestamp;
  resolved_at: NullableTimestamp;
  version: number;
  doc: Json;
}

export interface ReturnVisitsTable {
  id: string;
  hall_id: string;
  kind: string;
  status: string;
  channel: string;
  rectification_id: string | null;
  complaint_id: string | null;
  case_id: string;
  visited_at: NullableTimestamp;
  created_at: Timestamp;
  contact_name: string;
  contact_phone_masked: string;
  doc: Json;
}

export interface ComplaintsTable {
  id: string;
  number: string;
  hall_id: string;
  step: string;
  staff_id: string;
  next_due_at: NullableTimestamp;
  filed_at: Timestamp;
  version: number;
  complainant_name: string;
  complainant_phone_masked: string;
  doc: Json;
}

export interface CountersTable {
  scope: string;
  next: ColumnType<string, number, number>;
}

export interface AssessmentRulesTable {
  hall_id: string;
  version: number;
  effective_from: string;
  doc: Json;
}

export interface FactsTable {
  id: string;
  hall_id: string;
  code: string;
  quantity: number;
  day: Day;
  month: string;
  staff_id: string;
  window_id: string;
  department_id: string;
  case_id: string;
  source: string;
  source_ref: string;
  voided: boolean;
  recorded_at: Timestamp;
  doc: Json;
}

export interface MonthsTable {
  hall_id: string;
  month: string;
  status: string;
  version: number;
  doc: Json;
}

export interface EvaluationTables extends KitTables {
  hall_settings: HallSettingsTable;
  cases: CasesTable;
  ratings: RatingsTable;
  rating_links: RatingLinksTable;
  rectifications: RectificationsTable;
  return_visits: ReturnVisitsTable;
  complaints: ComplaintsTable;
  counters: CountersTable;
  assessment_rules: AssessmentRulesTable;
  facts: FactsTable;
  months: MonthsTable;
}
