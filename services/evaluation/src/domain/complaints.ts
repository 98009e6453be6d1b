import { evaluationV1 as pb } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';

const S = pb.ComplaintStep;

/** The steps after acceptance, in order (GB/T 36113: 受理 → 调查 → 处理 → 答复 → 归档). */
export const COMPLAINT_STEPS: readonly pb.ComplaintStep[] = [
  S.COMPLAINT_STEP_INVESTIGATED,
  S.COMPLAINT_STEP_HANDLED,
  S.COMPLAINT_STEP_REPLIED,
  S.COMPLAINT_STEP_ARCHIVED,
];

export const STEP_WORDING: Readonly<Partial<Record<pb.ComplaintStep, string>>> = {
  [S.COMPLAINT_STEP_UNSPECIFIED]: '',
  [S.COMPLAINT_STEP_ACCEPTED]: '受理',
  [S.COMPLAINT_STEP_INVESTIGATED]: '调查',
  [S.COMPLAINT_STEP_HANDLED]: '处理',
  [S.COMPLAINT_STEP_REPLIED]: '答复',
  [S.COMPLAINT_STEP_ARCHIVED]: '归档',
};

/** Working days a step may take after the one before it (archiving: the archive deadline). */
export function stepDays(deadlines: pb.ComplaintDeadlines, step: pb.ComplaintStep): number {
  if (step === S.COMPLAINT_STEP_INVESTIGATED) return deadlines.investigateWorkingDays;
  if (step === S.COMPLAINT_STEP_HANDLED) return deadlines.handleWorkingDays;
  if (step === S.COMPLAINT_STEP_REPLIED) return deadlines.replyWorkingDays;
  return deadlines.archiveWorkingDays;
}

/** Adds working days to an instant (the hall's calendar). */
export type AddWorkingDays = (from: Date, days: number) => Date;

/** A complaint just accepted: the acceptance done, the investigation due by the hall's deadline. */
export function accepted(
  base: Omit<pb.Complaint, 'step' | 'steps' | 'substantiated' | 'reply' | 'version'>,
  deadlines: pb.ComplaintDeadlines,
  staffId: string,
  now: Date,
  addWorkingDays: AddWorkingDays,
): pb.Complaint {
  return pb.Complaint.fromPartial({
    ...base,
    step: S.COMPLAINT_STEP_ACCEPTED,
    steps: [
      { step: S.COMPLAINT_STEP_ACCEPTED, dueAt: now, doneAt: now, byStaffId: staffId, note: '' },
      {
        step: S.COMPLAINT_STEP_INVESTIGATED,
        dueAt: addWorkingDays(now, stepDays(deadlines, S.COMPLAINT_STEP_INVESTIGATED)),
      },
    ],
    substantiated: false,
    reply: '',
    version: 0,
  });
}

/**
 * The next step done: only the one due next, in order. A step done after its due time is marked late; the step
 * after it is due its deadline from now. HANDLED fixes whether the complaint is substantiated; REPLIED keeps the
 * reply.
 */
export function advance(
  c: pb.Complaint,
  step: pb.ComplaintStep,
  input: { note: string; substantiated: boolean; staffId: string },
  deadlines: pb.ComplaintDeadlines,
  now: Date,
  addWorkingDays: AddWorkingDays,
): pb.Complaint {
  const expected = COMPLAINT_STEPS[COMPLAINT_STEPS.indexOf(c.step) + 1] ?? COMPLAINT_STEPS[0];
  if (c.step === S.COMPLAINT_STEP_ARCHIVED) throw new PreconditionFailedError(`complaint ${c.number} is archived`);
  if (step !== expected)
    throw new PreconditionFailedError(
      `complaint ${c.number} is at ${STEP_WORDING[c.step]}: the next step is ${STEP_WORDING[expected!]}`,
    );
  const steps = c.steps.map((s) =>
    s.step === step && !s.doneAt
      ? { ...s, doneAt: now, byStaffId: input.staffId, note: input.note, late: !!s.dueAt && now > s.dueAt }
      : s,
  );
  const following = COMPLAINT_STEPS[COMPLAINT_STEPS.indexOf(step) + 1];
  if (following)
    steps.push({
      step: following,
      dueAt: addWorkingDays(now, stepDays(deadlines, following)),
      doneAt: undefined,
      byStaffId: '',
      note: '',
      late: false,
    });
  return pb.Complaint.fromPartial({
    ...c,
    step,
    steps,
    substantiated: step === S.COMPLAINT_STEP_HANDLED ? input.substantiated : c.substantiated,
    reply: step === S.COMPLAINT_STEP_REPLIED ? input.note : c.reply,
  });
}

/** Steps past their due time and not done, at `now`. */
export const overdueSteps = (c: pb.Complaint, now: Date): pb.ComplaintStepRecord[] =>
  c.steps.filter((s) => !s.doneAt && s.dueAt && s.dueAt < now);
