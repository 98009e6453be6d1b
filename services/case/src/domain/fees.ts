import { caseV1, type catalogueItemsV1 } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';
import type { Case } from './model';

// 一费制: the fee service bills a case whose pinned item charges fees and reports when every bill is paid or
// exempt (fee.case.fees_paid); the certificate waits until then. The case keeps only what the rules need: whether
// fees are due, and when they were paid. Amounts, bills and receipts are the fee service's.

const F = caseV1.CaseFeeStatus;

/** The fee status a case opens with: FREE when its item is free (不收费) or lists no fee items, else DUE. */
export function openingFeeStatus(item: catalogueItemsV1.Item | undefined): caseV1.CaseFeeStatus {
  const content = item?.content;
  const charges = content !== undefined && !content.free && content.feeItems.length > 0;
  return charges ? F.CASE_FEE_STATUS_DUE : F.CASE_FEE_STATUS_FREE;
}

/** True while the case owes fees that hold back a granted decision's certificate. */
export function feesHoldIssue(c: Case): boolean {
  return c.feeStatus === F.CASE_FEE_STATUS_DUE && c.decision?.kind !== caseV1.DecisionKind.DECISION_KIND_REFUSED;
}

/**
 * A granted decision is issued once the case's fees are paid. A refusal (不予许可决定书) is never held back: no
 * certificate goes out, and the applicant is told at once. Cases opened before the fee service
 * (UNSPECIFIED) are not checked.
 */
export function requireFeesPaidForIssue(c: Case): void {
  if (!feesHoldIssue(c)) return;
  throw new PreconditionFailedError(
    `case ${c.caseNumber}: fees are not paid yet (一费制): the certificate is issued once the bill is paid (version ${c.version})`,
  );
}
