import { caseV1 } from '@govhall/contracts';
import { Stage, type Case } from './model';

export type Todo = Omit<caseV1.TodoItem, 'caseVersion'>;

/**
 * What a case waits for, and from whom: the active stage, the joint parts that can be worked, a running special
 * procedure, a pending commitment verification. Rebuilt from the case after every change.
 */
export function todosOf(c: Case): Todo[] {
  const base = { caseId: c.id, caseNumber: c.caseNumber, itemName: c.item?.content?.name ?? '' };
  const todos: Todo[] = [];
  const S = caseV1.CaseStatus;
  const open = c.status === S.CASE_STATUS_IN_PROGRESS || c.status === S.CASE_STATUS_SUSPENDED;
  const stage = c.stages[c.stages.length - 1];
  if (open && stage && stage.status === caseV1.StageStatus.STAGE_STATUS_ACTIVE && stage.stage !== Stage.archive) {
    const running = c.specialProcedures.find((p) => !p.endedAt);
    todos.push({
      ...base,
      kind: running ? caseV1.TodoKind.TODO_KIND_SPECIAL_PROCEDURE : caseV1.TodoKind.TODO_KIND_STAGE,
      stage: stage.stage,
      subtaskCode: '',
      hallId: stage.hallId,
      departmentId: stage.departmentId,
      // The window that hands the result over works the issue stage.
      windowId: stage.stage === Stage.issue ? c.bundle?.issuingWindowId || c.acceptingWindowId : '',
      staffId: stage.handlerStaffId,
      ...(stage.dueAt ? { dueAt: stage.dueAt } : {}),
      since: running?.startedAt ?? stage.enteredAt,
    });
  }
  // Once the lead decided, the parts still open are closed with the case: nobody is to work them.
  if (open && !c.decision) {
    for (const s of c.subtasks) {
      if (
        s.status !== caseV1.SubtaskStatus.SUBTASK_STATUS_READY &&
        s.status !== caseV1.SubtaskStatus.SUBTASK_STATUS_IN_PROGRESS
      )
        continue;
      todos.push({
        ...base,
        kind: caseV1.TodoKind.TODO_KIND_SUBTASK,
        stage: c.currentStage,
        subtaskCode: s.code,
        hallId: c.approvingHallId,
        departmentId: s.departmentId,
        windowId: '',
        staffId: s.handlerStaffId,
        ...(s.dueAt ? { dueAt: s.dueAt } : {}),
        since: s.readyAt,
      });
    }
  }
  const verification = c.commitmentVerification;
  if (
    verification?.status === caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING &&
    c.status !== S.CASE_STATUS_HANDED_UP
  ) {
    todos.push({
      ...base,
      kind: caseV1.TodoKind.TODO_KIND_COMMITMENT_VERIFICATION,
      stage: c.currentStage,
      subtaskCode: '',
      hallId: c.approvingHallId,
      departmentId: verification.departmentId,
      windowId: '',
      staffId: '',
      ...(verification.dueAt ? { dueAt: verification.dueAt } : {}),
      since: c.decision?.decidedAt,
    });
  }
  return todos;
}
