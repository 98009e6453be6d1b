import type { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';

/** A registration as stored: the answered message, the pinned item and the columns decisions need. */
export interface StoredRegistration {
  readonly registration: pb.Registration;
  readonly item: items.Item;
  readonly applicantId: string;
  readonly queryPasswordHash: string | null;
}

/** A certificate of the certificate store (证照库), as the case service issued it to an applicant. */
export interface CertificateRow {
  readonly certificateId: string;
  readonly applicantId: string;
  readonly name: string;
  readonly number: string;
  readonly issuer: string;
  readonly caseNumber: string;
  readonly issuedAt: Date;
  /** Empty when it does not expire. */
  readonly validUntil: string;
}

/** A government-issued material verified at an acceptance, on file for the applicant's later cases. */
export interface VerifiedRow {
  readonly materialName: string;
  readonly caseNumber: string;
  readonly issuer: string;
  readonly verifiedAt: Date;
}

/** Which registrations a listing returns: the hall's, of one department and status unless empty. */
export type RegistrationFilter = {
  hallId: string;
  departmentId: string;
  status: string;
  offset: number;
  limit: number;
};

/** Reads shared by the transaction and the plain store; inside a command they see the command's own writes. */
export interface RegistrationReads {
  /** The registration; with `lock`, locked until commit. */
  registration(id: string, lock?: boolean): Promise<StoredRegistration | undefined>;
  /** The applicant's certificates still valid on `today` (or without an end), newest first. */
  certificates(applicantId: string, today: string): Promise<CertificateRow[]>;
  /** The applicant's verified materials, newest first. */
  verified(applicantId: string): Promise<VerifiedRow[]>;
  /** The agent. */
  agent(id: string): Promise<pb.Agent | undefined>;
  /** The applicant id of an identity key; undefined when it was never seen. */
  applicantByIdentity(identityKey: string): Promise<string | undefined>;
}

/** What a registration command's work may do, inside its transaction. */
export interface RegistrationTx extends RegistrationReads {
  /** The next number of a daily scope; concurrent commands serialise on the counter's row. */
  nextNumber(scope: string): Promise<number>;
  /** Inserts an agent with its sealed id number, look-up hash and sealed phone. */
  saveAgent(agent: pb.Agent, sealed: { idHash: string; id: string; phone: string }): Promise<void>;
  /** Whether the hall already has an appointment of this person (by id hash) from that date. */
  agentAppointment(hallId: string, idHash: string, from: string): Promise<boolean>;
  /** The applicant's id: the row of this identity, created on first sight (sealed data refreshed). */
  applicant(
    identityKey: string,
    kind: string,
    sealed: { id: string | null; phone: string },
    newId: string,
    at: Date,
  ): Promise<string>;
  /** Inserts a registration with its pinned item and applicant. */
  insertRegistration(registration: pb.Registration, item: items.Item, applicantId: string): Promise<void>;
  /**
   * Saves the registration (message, status, version, case, refusal) and, when given, its query password hash,
   * supplement deadline (null clears it) and the time it was reported overdue.
   */
  updateRegistration(
    registration: pb.Registration,
    extra?: {
      queryPasswordHash?: string;
      supplementDueAt?: Date | null;
      overdueAt?: Date;
    },
  ): Promise<void>;
  /** Records (or replaces) the applicant's verified material of that name. */
  recordVerified(applicantId: string, name: string, caseNumber: string, issuer: string, at: Date): Promise<void>;
  /** Inserts or replaces the hall's document template. */
  saveTemplate(template: pb.DocumentTemplate): Promise<void>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

/** The registrations' store: commands over `RegistrationTx`, and plain reads (outside any command). */
export interface RegistrationStore extends RegistrationReads {
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: RegistrationTx) => Promise<T>): Promise<T>;
  /** The registration of a registration number or (`case_number`) a case number. */
  byNumber(column: 'number' | 'case_number', value: string): Promise<StoredRegistration | undefined>;
  /** One page of the filter's registrations, newest first. */
  list(filter: RegistrationFilter): Promise<pb.Registration[]>;
  /** The hall's registrations refused in [from, to), oldest refusal first. */
  refusals(hallId: string, from: Date, to: Date): Promise<pb.Registration[]>;
  /** The hall's agents (appointed on `on` unless empty), oldest first. */
  listAgents(hallId: string, on: string): Promise<pb.Agent[]>;
  /** 容缺 cases past their supplement deadline, with materials outstanding, not yet reported overdue (500 at most). */
  overdueIds(now: Date): Promise<string[]>;
  /** The hall's document template; undefined when it has none of its own. */
  template(hallId: string): Promise<pb.DocumentTemplate | undefined>;
  /** The sealed phone of an applicant or an appointment; undefined when there is no such row (or no phone). */
  sealedPhone(of: { applicantId: string } | { appointmentId: string }): Promise<string | undefined>;
}
