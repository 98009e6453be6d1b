import type { WorkingCalendar } from '@govhall/calendar';
import { catalogueItemsV1, type CaseEvents, type caseV1 } from '@govhall/contracts';
import type { PayloadOf } from '@govhall/kit';

// The case service works on the contract messages directly (as intake does, docs/adr/0017): the case is the
// `Case` message of case.proto, changed by pure functions that return the next message, its log entries and its
// events. Nothing here does I/O; the use case loads what a rule needs (calendars, the assignee) beforehand.

export type Case = caseV1.Case;
export type StageRecord = caseV1.StageRecord;
export type Subtask = caseV1.Subtask;
export type ProcessStage = catalogueItemsV1.ProcessStage;
export type TimeLimit = catalogueItemsV1.TimeLimit;
const P = catalogueItemsV1.ProcessStage;
export const Stage = {
  accept: P.PROCESS_STAGE_ACCEPT,
  preReview: P.PROCESS_STAGE_PRE_REVIEW,
  review: P.PROCESS_STAGE_REVIEW,
  verify: P.PROCESS_STAGE_VERIFY,
  approve: P.PROCESS_STAGE_APPROVE,
  issue: P.PROCESS_STAGE_ISSUE,
  archive: P.PROCESS_STAGE_ARCHIVE,
} as const;

/** What users read for each stage (progress query, documents). */
export const STAGE_NAMES: Readonly<Record<string, string>> = {
  PROCESS_STAGE_ACCEPT: '受理',
  PROCESS_STAGE_PRE_REVIEW: '初审',
  PROCESS_STAGE_REVIEW: '审核',
  PROCESS_STAGE_VERIFY: '核准',
  PROCESS_STAGE_APPROVE: '审批',
  PROCESS_STAGE_ISSUE: '发证办结',
  PROCESS_STAGE_ARCHIVE: '归档',
};

export const SPECIAL_PROCEDURE_NAMES: Readonly<Record<string, string>> = {
  SPECIAL_PROCEDURE_KIND_HEARING: '听证',
  SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW: '专家评审',
  SPECIAL_PROCEDURE_KIND_INSPECTION: '现场勘查',
  SPECIAL_PROCEDURE_KIND_TESTING: '检测',
  SPECIAL_PROCEDURE_KIND_APPRAISAL: '鉴定',
  SPECIAL_PROCEDURE_KIND_QUARANTINE: '检疫',
  SPECIAL_PROCEDURE_KIND_TENDER: '招标拍卖',
  SPECIAL_PROCEDURE_KIND_MISSING_MATERIAL_SUPPLEMENT: '容缺材料补齐',
};

/** The person acting, from the verified token; `system` for the service's own steps (超时默认, hand-off). */
export interface CaseActor {
  readonly staffId: string;
  readonly roles: readonly string[];
  readonly departmentId: string;
  readonly hallId: string;
}

export const SYSTEM_ACTOR: CaseActor = { staffId: 'system', roles: ['system'], departmentId: '', hallId: '' };

/** A person the use case looked up in the catalogue (an assignee). */
export interface StaffMember {
  readonly id: string;
  readonly hallId: string;
  readonly departmentId: string;
  readonly roles: readonly string[];
  readonly active: boolean;
}

/** The hall's case rules (SetHallCaseSettings); defaults when the hall set none. */
export type HallCaseSettings = caseV1.HallCaseSettings;

/** What the rules need besides the case, loaded before the transaction. */
export interface CaseEnvironment {
  readonly now: Date;
  /** The working calendar of a hall of the case (accepting, approving, current). */
  calendarOf(hallId: string): WorkingCalendar;
  settingsOf(hallId: string): HallCaseSettings;
  newId(): string;
  /** True when this deployment serves the hall (its region); otherwise a hand-up crosses deployments. */
  servesHall(hallId: string): boolean;
  /** Region code of a hall of the case. */
  regionOf(hallId: string): string;
  /** The staff member an action names (assign), when the use case looked one up. */
  staff(staffId: string): StaffMember | undefined;
  /** A department of the case by name (certificates, documents); '' when unknown. */
  departmentName(departmentId: string): string;
}

/** A log entry before the store numbers and chains it. */
export interface LogDraft {
  readonly action: string;
  readonly actor: CaseActor;
  /** The role the action was allowed by. */
  readonly role: string;
  readonly stage: ProcessStage;
  readonly subtaskCode?: string;
  readonly opinion?: string;
  readonly attachments?: readonly caseV1.AttachmentRef[];
  readonly detail?: Readonly<Record<string, string>>;
  /** The department / hall the action was taken for (the step's), when the actor is `system`. */
  readonly departmentId?: string;
  readonly hallId?: string;
}

type Contracts = typeof CaseEvents;
export type CaseEventName = keyof Contracts;
/** An event the change raises, by its contract's name. */
export type CaseEventDraft = {
  [K in CaseEventName]: { readonly name: K; readonly payload: PayloadOf<Contracts[K]> };
}[CaseEventName];

/** The result of a rule: the next case (version not yet bumped), its log entries, its events. */
export interface Transition {
  readonly case: Case;
  readonly log: readonly LogDraft[];
  readonly events: readonly CaseEventDraft[];
}

/** Roles that may take each kind of step (lower-case catalogue role names). */
export const Roles = {
  handle: ['clerk', 'reviewer', 'approver', 'chief_representative'],
  review: ['clerk', 'reviewer', 'approver', 'chief_representative'],
  verify: ['verifier', 'approver', 'chief_representative', 'deputy_leader'],
  decide: ['approver', 'chief_representative', 'deputy_leader', 'principal_leader'],
  assign: ['chief_representative', 'approver', 'deputy_leader', 'principal_leader'],
  extend: ['deputy_leader', 'principal_leader'],
  issue: ['clerk', 'reviewer', 'approver', 'chief_representative'],
} as const;
