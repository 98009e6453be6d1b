import type { ColumnType } from 'kysely';

type Json = ColumnType<unknown, string, string>;
type DateOnly = ColumnType<string | null, string | null, string | null>;

/** Tables of agents, applicants, registrations, decisions and the certificate store (migrations/0003_registrations.sql). */
export interface RegistrationTables {
  agents: {
    id: string;
    hall_id: string;
    id_number_hash: string;
    id_number_sealed: string;
    phone_sealed: string;
    appointed_from: ColumnType<string, string, string>;
    appointed_until: DateOnly;
    doc: Json;
    created_at: Date;
  };
  applicants: {
    id: string;
    identity_key: string;
    kind: string;
    id_number_sealed: string | null;
    phone_sealed: string | null;
    created_at: Date;
  };
  number_counters: { scope: string; next: ColumnType<string, number, number> };
  registrations: {
    id: string;
    number: string;
    hall_id: string;
    department_id: string;
    applicant_id: string;
    status: string;
    registered_at: Date;
    case_id: string | null;
    case_number: string | null;
    refused_at: Date | null;
    query_password_hash: string | null;
    supplement_due_at: Date | null;
    overdue_at: Date | null;
    item: Json;
    doc: Json;
    version: number;
  };
  verified_materials: {
    applicant_id: string;
    material_name: string;
    case_number: string;
    issuer: string;
    verified_at: Date;
  };
  certificates: {
    certificate_id: string;
    applicant_id: string;
    name: string;
    number: string;
    issuer: string;
    case_number: string;
    issued_at: Date;
    valid_until: DateOnly;
  };
  document_templates: { hall_id: string; doc: Json; version: number };
}
