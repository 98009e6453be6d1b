import type { KitTables } from '@govhall/kit';
import type { ColumnType, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface ClocksTable {
  id: string;
  clock_key: string;
  kind: string;
  status: string;
  case_id: string;
  case_number: string;
  registration_id: string;
  item_id: string;
  item_name: string;
  applicant_id: string;
  stage: string;
  stage_seq: number;
  subtask_code: string;
  hall_id: string;
  department_id: string;
  window_id: string;
  handler_staff_id: string;
  budget_amount: number;
  budget_unit: string;
  started_at: Timestamp;
  adjustments: Json<unknown[]>;
  due_at: NullableTimestamp;
  paused_since: NullableTimestamp;
  paused_working_ms: ColumnType<string, number, number>;
  parked_year: number | null;
  steps: Json<unknown[]>;
  fired_steps: number;
  next_fire_at: NullableTimestamp;
  stopped_at: NullableTimestamp;
  overdue: boolean;
  created_at: ColumnType<Date, never, never>;
  updated_at: Timestamp;
}

export interface TimingTables extends KitTables {
  clocks: ClocksTable;
  cards: {
    id: string;
    clock_id: string;
    level: string;
    status: string;
    card: Json<object>;
    case_id: string;
    hall_id: string;
    department_id: string;
    issued_at: Timestamp;
  };
  card_history: {
    card_id: string;
    seq: number;
    status: string;
    staff_id: string;
    reason: string;
    at: Timestamp;
  };
  rule_breaches: {
    id: string;
    breach_key: string;
    rule: string;
    breach: Json<object>;
    case_id: string;
    hall_id: string;
    department_id: string;
    detected_at: Timestamp;
  };
  hall_rules: {
    hall_id: string;
    rules: Json<object>;
    version: number;
    updated_at: Timestamp;
    updated_by: string;
  };
  leader_chains: {
    department_id: string;
    chief_representative_id: string;
    deputy_leader_id: string;
    principal_leader_id: string;
    version: number;
  };
  registration_facts: {
    registration_id: string;
    hall_id: string;
    department_id: string;
    window_id: string;
    item_id: string;
    item_name: string;
    registered_at: Timestamp;
    outcome: string | null;
    decided_at: NullableTimestamp;
    acceptance_working_ms: ColumnType<string | null, number | null, number | null>;
  };
  case_facts: {
    case_id: string;
    case_number: string;
    hall_id: string;
    department_id: string;
    window_id: string;
    item_id: string;
    item_name: string;
    accepted_at: Timestamp;
    statutory_working_days: number | null;
    promised_working_days: number | null;
    promised_due_at: NullableTimestamp;
    completed_at: NullableTimestamp;
    completed_on_the_spot: boolean;
    actual_working_days: number | null;
    on_time: boolean | null;
    early: boolean | null;
  };
  stage_trails: {
    case_id: string;
    trail: Json<object>;
  };
}
