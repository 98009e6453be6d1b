import { isIsoDate } from '@govhall/calendar';
import { evaluationV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';

export const FACT_CODE = /^[a-z][a-z0-9_.]{1,47}$/;

/** A fact from an event (its source_ref names the card, breach, rating or complaint: one fact per source and code). */
export function newFact(
  id: string,
  f: {
    hallId: string;
    code: string;
    day: string;
    staffId: string;
    windowId: string;
    departmentId: string;
    caseId: string;
    note: string;
    sourceRef: string;
    recordedAt: Date;
    quantity?: number;
    source?: pb.FactSource;
    recordedByStaffId?: string;
  },
): pb.AssessmentFact {
  return pb.AssessmentFact.fromPartial({
    id,
    hallId: f.hallId,
    code: f.code,
    quantity: f.quantity ?? 1,
    day: f.day,
    staffId: f.staffId,
    windowId: f.windowId,
    departmentId: f.departmentId,
    caseId: f.caseId,
    note: f.note.slice(0, 200),
    source: f.source ?? pb.FactSource.FACT_SOURCE_EVENT,
    sourceRef: f.sourceRef,
    voided: false,
    voidReason: '',
    recordedByStaffId: f.recordedByStaffId ?? '',
    recordedAt: f.recordedAt,
  });
}

/** An entered fact's problems, with paths under `prefix` (e.g. `facts[2]`). */
export function factInputViolations(f: pb.FactInput, prefix: string): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!FACT_CODE.test(f.code))
    v.push({ field: `${prefix}.code`, description: 'a rule code: lower-case letters, digits, _ or ., 2 to 48' });
  if (f.quantity !== 0 && (!Number.isFinite(f.quantity) || f.quantity < 0 || f.quantity > 10_000))
    v.push({
      field: `${prefix}.quantity`,
      description: 'a number from 0 to 10000 (0 or absent: 1, except for an entered rate, where it is 0%)',
    });
  if (!isIsoDate(f.day)) v.push({ field: `${prefix}.day`, description: 'must be a date, YYYY-MM-DD' });
  if (f.note.length > 200) v.push({ field: `${prefix}.note`, description: 'at most 200 characters' });
  for (const [field, value] of [
    ['staff_id', f.staffId],
    ['window_id', f.windowId],
    ['department_id', f.departmentId],
    ['case_id', f.caseId],
  ] as const)
    if (value.length > 64) v.push({ field: `${prefix}.${field}`, description: 'at most 64 characters' });
  return v;
}
