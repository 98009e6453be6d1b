import type { KitTables } from '@govhall/kit';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface TemplatesTable {
  code: string;
  version: number;
  doc: Json<object>;
  saved_at: Timestamp;
}

export interface DispatchesTable {
  id: string;
  dispatch_key: string;
  event_id: string;
  event_type: string;
  case_id: string;
  case_number: string;
  hall_id: string;
  template_code: string;
  template_version: number;
  variables: Json<Record<string, string>>;
  recipient_kind: string;
  recipient_id: string;
  phone_masked: Generated<string>;
  urgent: boolean;
  status: string;
  waiting_for: string;
  next_attempt_at: NullableTimestamp;
  lease_until: NullableTimestamp;
  cancel_group: string | null;
  provider: Generated<string>;
  provider_message_id: Generated<string>;
  attempts: number;
  round: Generated<number>;
  last_error: Generated<string>;
  text: Generated<string>;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AttemptsTable {
  dispatch_id: string;
  number: number;
  round: number;
  provider: string;
  outcome: string;
  code: string;
  message: string;
  at: Timestamp;
}

export interface NotifyTables extends KitTables {
  templates: TemplatesTable;
  dispatches: DispatchesTable;
  attempts: AttemptsTable;
  hall_settings: { hall_id: string; doc: Json<object>; version: number };
  registrations: {
    registration_id: string;
    registration_number: string;
    item_name: string;
    hall_id: string;
    window_id: string;
  };
  cases: { case_id: string; hall_id: string; window_id: string };
  window_days: {
    hall_id: string;
    window_id: string;
    day: ColumnType<string, string, string>;
    accepted: Generated<number>;
    completed: Generated<number>;
    reminders: Generated<number>;
    yellow: Generated<number>;
    red: Generated<number>;
  };
  daily_summaries: { hall_id: string; day: ColumnType<string, string, string>; planned_at: Timestamp };
}
