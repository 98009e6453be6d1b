import { caseV1, type catalogueItemsV1 } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError, ValidationError } from '@govhall/kit';
import type { Case, CaseActor, CaseEnvironment, CaseEventDraft, Subtask } from './model';
import { caseRef, dueAfter } from './stages';

const S = caseV1.SubtaskStatus;

/**
 * The parts of a joint case from the item's graph (联办): a part with no dependency is READY at once (parallel);
 * one that depends on others WAITs until they are approved (serial, 串联).
 */
export function initialSubtasks(joint: catalogueItemsV1.JointProcess, hallId: string, env: CaseEnvironment): Subtask[] {
  return joint.subItems.map((part) => {
    const dependsOn = joint.edges.filter((e) => e.subItem === part.code).map((e) => e.dependsOn);
    const ready = dependsOn.length === 0;
    const dueAt = ready ? dueAfter(env, hallId, env.now, part.limit) : undefined;
    return caseV1.Subtask.fromPartial({
      code: part.code,
      name: part.name,
      departmentId: part.departmentId,
      itemId: part.itemId,
      dependsOn,
      status: ready ? S.SUBTASK_STATUS_READY : S.SUBTASK_STATUS_WAITING,
      ...(part.limit ? { budget: part.limit } : {}),
      ...(ready ? { readyAt: env.now } : {}),
      ...(dueAt ? { dueAt } : {}),
    });
  });
}

/** case.subtask.ready for each part that is ready. */
export function subtaskEvents(c: Case, subtasks: readonly Subtask[]): CaseEventDraft[] {
  return subtasks
    .filter((s) => s.status === S.SUBTASK_STATUS_READY)
    .map((subtask) => ({ name: 'subtaskReady', payload: { case: caseRef(c), subtask } }));
}

export function isSettled(s: Subtask): boolean {
  return s.status === S.SUBTASK_STATUS_APPROVED || s.status === S.SUBTASK_STATUS_DEEMED_PASSED;
}

export function isDecided(s: Subtask): boolean {
  return isSettled(s) || s.status === S.SUBTASK_STATUS_REFUSED;
}

/** The part named by an action, or INVALID_ARGUMENT on `path`. */
export function subtaskOf(c: Case, code: string, path: string): Subtask {
  const subtask = c.subtasks.find((s) => s.code === code);
  if (!subtask) {
    const known = c.subtasks.map((s) => s.code).join(', ') || 'none: not a joint case';
    throw ValidationError.single(path, `no part "${code}" in case ${c.caseNumber} (parts: ${known})`);
  }
  return subtask;
}

/** Only the part's own department works on it. */
export function requireSubtaskDepartment(subtask: Subtask, actor: CaseActor): void {
  if (actor.departmentId !== subtask.departmentId) {
    throw new PermissionDeniedError(
      `part ${subtask.code} belongs to department ${subtask.departmentId}; the caller is of ${actor.departmentId || 'no department'}`,
    );
  }
}

/** A part can be worked once its dependencies are approved, and only until the lead decides the case. */
export function requireWorkable(c: Case, subtask: Subtask): void {
  if (c.decision) {
    // The lead decided (a refusal may come before every part is): the open parts close with the case.
    throw new PreconditionFailedError(
      `case ${c.caseNumber} is decided (${c.decision.kind}); part ${subtask.code} can no longer be worked (case version ${c.version})`,
    );
  }
  if (subtask.status === S.SUBTASK_STATUS_WAITING) {
    const pending = subtask.dependsOn.filter((code) => !isSettled(c.subtasks.find((s) => s.code === code)!));
    throw new PreconditionFailedError(
      `part ${subtask.code} waits for ${pending.join(', ')} to be approved first (串联审批; case version ${c.version})`,
    );
  }
  if (isDecided(subtask)) {
    throw new PreconditionFailedError(
      `part ${subtask.code} is already decided (${subtask.status}; case version ${c.version})`,
    );
  }
}

/** After a part is approved (or deemed passed), the parts that waited only for settled parts become ready. */
export function releaseDependents(c: Case, env: CaseEnvironment, events: CaseEventDraft[]): void {
  for (const s of c.subtasks) {
    if (s.status !== S.SUBTASK_STATUS_WAITING) continue;
    const deps = s.dependsOn.map((code) => c.subtasks.find((x) => x.code === code));
    if (!deps.every((d) => d && isSettled(d))) continue;
    s.status = S.SUBTASK_STATUS_READY;
    s.readyAt = env.now;
    const dueAt = dueAfter(env, c.approvingHallId, env.now, s.budget);
    if (dueAt) s.dueAt = dueAt;
    events.push({ name: 'subtaskReady', payload: { case: caseRef(c), subtask: s } });
  }
}

/** Records a department's decision on its part; refusals go to the lead with their reason. */
export function decidePart(
  c: Case,
  subtask: Subtask,
  decision: { approved: boolean; opinion: string; refusalReason: string },
  handlerStaffId: string,
  env: CaseEnvironment,
  events: CaseEventDraft[],
): void {
  subtask.status = decision.approved ? S.SUBTASK_STATUS_APPROVED : S.SUBTASK_STATUS_REFUSED;
  subtask.opinion = decision.opinion;
  subtask.refusalReason = decision.approved ? '' : decision.refusalReason;
  subtask.decidedAt = env.now;
  if (!subtask.handlerStaffId) subtask.handlerStaffId = handlerStaffId;
  events.push({ name: 'subtaskDecided', payload: { case: caseRef(c), subtask } });
  if (decision.approved) releaseDependents(c, env, events);
}
