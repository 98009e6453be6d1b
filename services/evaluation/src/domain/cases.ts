import { catalogueItemsV1 } from '@govhall/contracts';

/** What evaluation keeps of a case (from the case service's events): whom a rating or a card is about. */
export interface CaseRecord {
  readonly caseId: string;
  readonly caseNumber: string;
  /** The accepting hall: its settings, rules and rates count the case. */
  readonly hallId: string;
  readonly departmentId: string;
  readonly windowId: string;
  /** Who served the applicant at the window: the one rated, and whom a bad review's rectification goes to. */
  readonly staffId: string;
  /** The last handler assigned (催办 goes to them): a rule breach without a named person is theirs. */
  readonly handlerStaffId: string;
  readonly itemName: string;
  readonly applicantId: string;
  readonly acceptedAt: Date | undefined;
  readonly completedAt: Date | undefined;
  /** YYYY-MM-DD of completedAt in China Standard Time. */
  readonly completedDay?: string;
  readonly statutoryWorkingDays: number;
  readonly promisedWorkingDays: number;
  readonly takenWorkingDays: number;
}

/** A limit in working days, or 0 when it is counted otherwise (natural days, hours) or absent. */
export function workingDaysOf(limit: catalogueItemsV1.TimeLimit | undefined): number {
  if (!limit || limit.unit !== catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS) return 0;
  return Math.max(0, Math.trunc(limit.amount));
}

/** Who answers for a case's fault when the event names nobody: the handler, else whoever served at the window. */
export const responsibleStaffOf = (c: CaseRecord | undefined): string => c?.handlerStaffId || c?.staffId || '';
