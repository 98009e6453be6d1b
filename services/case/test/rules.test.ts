import { caseV1, catalogueItemsV1 } from '@govhall/contracts';
import { callUnary, type FakeClock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { entryHash } from '../src/domain/action-log';
import {
  FOOD,
  P,
  S,
  WORKING_DAYS,
  at,
  caseEventsUntil,
  cityShortcuts,
  invalid,
  ofType,
  refused,
  stageTrail,
} from './case-test-helpers';
import { startCaseForTest, testPerson, type CaseUnderTest, type OpenSpec } from './start-for-test';

// The rules around the lifecycle, through gRPC against real PostgreSQL and nats-server: concurrent actions,
// idempotency, the tamper-evident log, department and role gates, the public progress query's lock-out, special
// procedures, extensions and 超时默认. Tests that move the clock come last, in the order they move it.

const MINUTE = 60_000;
const LIMITS = { perCase: 5, perClient: 8, windowMs: 15 * MINUTE, lockMs: 10 * MINUTE };

describe('case rules', () => {
  let under: CaseUnderTest;
  let region: string;
  let pg: Client;
  let people = 0;
  const open = (spec: Partial<OpenSpec> = {}) =>
    under.openCase({ ...FOOD, applicant: testPerson('测试申请人', ++people), ...spec });
  const { staff, scjg, city, approve } = cityShortcuts(() => under);
  const clock = () => under.clock as FakeClock;
  const review = (no: string, caseId: string, extra: Partial<caseV1.ActRequest> = {}) =>
    under.act(no, { caseId, review: { opinion: '材料齐全，符合法定形式', attachments: [] }, ...extra });
  const todo = async (no: string, scope: Partial<caseV1.ListTodoRequest>) =>
    callUnary(await under.client(no), 'listTodo', {
      staffId: '',
      windowId: '',
      departmentId: '',
      hallId: '',
      pageSize: 200,
      pageToken: '',
      ...scope,
    });

  beforeAll(async () => {
    under = await startCaseForTest({ progressLimits: LIMITS });
    region = under.intake.region;
    pg = new Client({ connectionString: under.intake.env['DATABASE_URL'] });
    await pg.connect();
  }, 120_000);
  afterAll(async () => {
    await pg?.end();
    await under?.stop();
  });

  describe('concurrency and idempotency', () => {
    it('two staff take the same review at once: exactly one wins, the other is told the current version', async () => {
      for (let round = 0; round < 3; round++) {
        const opened = await open();
        const take = (no: string) => under.act(no, { caseId: opened.caseId, take: { subtaskCode: '' } });
        const results = await Promise.allSettled([take('700SCJG02'), take('700SCJG05')]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const error = lost[0]!.reason as grpc.ServiceError;
        expect(grpc.status[error.code]).toBe('FAILED_PRECONDITION');
        const { case: c, history } = await under.getCase('700SCJG02', opened.caseId);
        // Whether the loser read the case before or after the winner's change, its message says what the case is
        // now: the version, and the stage or who holds it.
        expect(c?.version).toBe(2);
        expect(error.details).toContain(`version ${c!.version}`);
        const winner = results[0].status === 'fulfilled' ? '700SCJG02' : '700SCJG05';
        expect(error.details).toMatch(
          new RegExp(`is being handled by ${staff(winner)}|CASE_STATUS_IN_PROGRESS at PROCESS_STAGE_REVIEW`),
        );
        expect(c?.stages[1]?.handlerStaffId).toBe(staff(winner));
        expect(history.map((e) => e.action)).toEqual(['opened', 'take']);
      }
    });

    it('approve against send-back at the same moment: one wins, the other is told the stage and version', async () => {
      const opened = await open();
      await review('700SCJG02', opened.caseId);
      const results = await Promise.allSettled([
        approve('700SCJG04', opened.caseId),
        under.act('700SCJG05', {
          caseId: opened.caseId,
          sendBack: { toStage: P.PROCESS_STAGE_REVIEW, reason: '申请材料需重新审核' },
        }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const error = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as grpc.ServiceError;
      expect(grpc.status[error.code]).toBe('FAILED_PRECONDITION');
      const { case: c, history } = await under.getCase('700SCJG02', opened.caseId);
      expect(c?.version).toBe(3);
      expect(error.details).toContain(`at ${c!.currentStage}`);
      expect(error.details).toContain('version 3');
      if (results[0].status === 'fulfilled') {
        expect(c?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
        expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'approve']);
      } else {
        expect(c?.currentStage).toBe(P.PROCESS_STAGE_REVIEW);
        expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'send_back']);
      }
    });

    it('an action on a stale expected_version is refused with the version now', async () => {
      const opened = await open();
      const reviewed = await review('700SCJG02', opened.caseId, { expectedVersion: 1 });
      expect(reviewed.case?.version).toBe(2);
      await refused(
        under.act('700SCJG04', {
          caseId: opened.caseId,
          expectedVersion: 1,
          approve: { opinion: '准予许可', attachments: [], upperAuthority: '' },
        }),
        grpc.status.FAILED_PRECONDITION,
        'is at version 2 (CASE_STATUS_IN_PROGRESS, PROCESS_STAGE_APPROVE), not 1',
      );
      await invalid(
        under.act('700SCJG04', { caseId: opened.caseId, expectedVersion: -1, take: { subtaskCode: '' } }),
        'expected_version',
      );
      const approved = await under.act('700SCJG04', {
        caseId: opened.caseId,
        expectedVersion: 2,
        approve: { opinion: '准予许可', attachments: [], upperAuthority: '' },
      });
      expect(approved.case?.version).toBe(3);
    });

    it('the same request_id replayed answers the same response and writes one log entry', async () => {
      const opened = await open();
      const request = { requestId: `review-once-${opened.caseId}`, caseId: opened.caseId };
      const first = await review('700SCJG02', opened.caseId, request);
      // A retry after the case moved on still answers the first answer (the review itself would now be refused).
      const again = await review('700SCJG02', opened.caseId, request);
      expect(caseV1.ActResponse.toJSON(again)).toEqual(caseV1.ActResponse.toJSON(first));
      // Two retries racing each other: one answer, still.
      const raced = await Promise.all([
        review('700SCJG02', opened.caseId, request),
        review('700SCJG02', opened.caseId, request),
      ]);
      for (const r of raced) expect(caseV1.ActResponse.toJSON(r)).toEqual(caseV1.ActResponse.toJSON(first));
      const { case: c, history } = await under.getCase('700SCJG02', opened.caseId);
      expect(c?.version).toBe(2);
      expect(history.map((e) => e.action)).toEqual(['opened', 'review']);
      expect(history.filter((e) => e.requestId === request.requestId)).toHaveLength(1);
      // Without the request id, the same review is a new command, refused at the case's stage now.
      await refused(review('700SCJG02', opened.caseId), grpc.status.FAILED_PRECONDITION, 'PROCESS_STAGE_APPROVE');
      // The same id for another request is refused.
      await refused(
        under.act('700SCJG02', {
          ...request,
          review: { opinion: '另一条审核意见', attachments: [] },
        }),
        grpc.status.FAILED_PRECONDITION,
        `request_id ${request.requestId} was already used`,
      );
    });
  });

  describe('the action log', () => {
    const verify = async (caseId: string) => callUnary(await under.client('700SCJG02'), 'verifyActionLog', { caseId });
    const logged = async (caseId: string) => {
      const opened = (await under.getCase('700SCJG02', caseId)).history;
      return opened;
    };

    it('refuses UPDATE and DELETE: the table is append-only', async () => {
      const opened = await open();
      await expect(
        pg.query(`UPDATE cases.action_log SET entry = entry WHERE case_id = $1 AND seq = 1`, [opened.caseId]),
      ).rejects.toThrow('the action log is append-only');
      await expect(pg.query(`DELETE FROM cases.action_log WHERE case_id = $1`, [opened.caseId])).rejects.toThrow(
        'the action log is append-only',
      );
      expect(await verify(opened.caseId)).toEqual({ intact: true, entries: 1, firstBrokenSeq: 0, problem: '' });
    });

    /** What a DBA could do: the trigger off, one change, the trigger on again, in one transaction. */
    const asDba = async (statement: string, params: unknown[]) => {
      await pg.query('BEGIN');
      try {
        await pg.query('ALTER TABLE cases.action_log DISABLE TRIGGER action_log_append_only');
        const result = await pg.query(statement, params);
        await pg.query('ALTER TABLE cases.action_log ENABLE TRIGGER action_log_append_only');
        await pg.query('COMMIT');
        return result.rowCount;
      } catch (error) {
        await pg.query('ROLLBACK');
        throw error;
      }
    };
    const reviewedAndApproved = async () => {
      const opened = await open();
      await review('700SCJG02', opened.caseId);
      await approve('700SCJG04', opened.caseId);
      return opened;
    };

    it('a changed entry breaks the chain at that entry; an untouched case stays intact', async () => {
      const tampered = await reviewedAndApproved();
      const untouched = await reviewedAndApproved();
      expect(await verify(tampered.caseId)).toEqual({ intact: true, entries: 3, firstBrokenSeq: 0, problem: '' });
      const changed = await asDba(
        `UPDATE cases.action_log SET entry = jsonb_set(entry, '{opinion}', to_jsonb('材料不全，不同意'::text))
           WHERE case_id = $1 AND seq = 2`,
        [tampered.caseId],
      );
      expect(changed).toBe(1);
      expect((await logged(tampered.caseId))[1]?.opinion).toBe('材料不全，不同意');
      expect(await verify(tampered.caseId)).toEqual({
        intact: false,
        entries: 3,
        firstBrokenSeq: 2,
        problem: 'entry 2 was changed after it was written',
      });
      expect(await verify(untouched.caseId)).toEqual({ intact: true, entries: 3, firstBrokenSeq: 0, problem: '' });
      // The trigger is back on.
      await expect(
        pg.query(`UPDATE cases.action_log SET entry = entry WHERE case_id = $1`, [untouched.caseId]),
      ).rejects.toThrow('append-only');
    });

    it('a forger who rewrites the entry’s hash too is caught at the next entry; a removed entry is missing', async () => {
      const forged = await reviewedAndApproved();
      const [, second] = await logged(forged.caseId);
      const rewritten = { ...second!, actorId: staff('700SCJG05'), hash: '' };
      rewritten.hash = entryHash(rewritten);
      await asDba(`UPDATE cases.action_log SET entry = $2::jsonb, hash = $3 WHERE case_id = $1 AND seq = 2`, [
        forged.caseId,
        JSON.stringify(caseV1.ActionLogEntry.toJSON(rewritten)),
        rewritten.hash,
      ]);
      expect(await verify(forged.caseId)).toEqual({
        intact: false,
        entries: 3,
        firstBrokenSeq: 3,
        problem: 'entry 3 does not follow entry 2',
      });

      const removed = await reviewedAndApproved();
      await asDba(`DELETE FROM cases.action_log WHERE case_id = $1 AND seq = 2`, [removed.caseId]);
      expect(await verify(removed.caseId)).toMatchObject({
        intact: false,
        entries: 2,
        firstBrokenSeq: 3,
        problem: 'entry 2 is missing (found 3)',
      });
    });
  });

  describe('who may act and see', () => {
    it('another department is refused: acting, reading, verifying the log, listing its to-dos', async () => {
      const opened = await open();
      const fgw = under.demo.departments['city/FGW']!;
      await refused(
        review('700FGW02', opened.caseId),
        grpc.status.PERMISSION_DENIED,
        `reviewing is for department ${scjg()} of hall ${city()}; the caller is of department ${fgw}`,
      );
      await refused(
        under.act('700FGW06', {
          caseId: opened.caseId,
          extend: { amount: { amount: 2, unit: WORKING_DAYS }, reason: '需现场核查' },
        }),
        grpc.status.PERMISSION_DENIED,
        'an extension is for department',
      );
      await refused(
        under.getCase('700FGW02', opened.caseId),
        grpc.status.PERMISSION_DENIED,
        `case ${opened.caseNumber} is not one of the caller's department`,
      );
      await refused(
        callUnary(await under.client('700FGW02'), 'verifyActionLog', { caseId: opened.caseId }),
        grpc.status.PERMISSION_DENIED,
        "caller's department",
      );
      // Another hall (the district's market regulation) does not see the city's case at all.
      await refused(
        under.getCase('705QSCJ02', opened.caseId),
        grpc.status.PERMISSION_DENIED,
        "not handled in the caller's hall",
      );
      await refused(todo('700FGW02', { departmentId: scjg() }), grpc.status.PERMISSION_DENIED, 'is not the caller');
      await refused(
        todo('700SCJG01', { staffId: staff('700SCJG02') }),
        grpc.status.PERMISSION_DENIED,
        "only leaders and supervisors list another person's to-dos",
      );
      // Hall-wide staff (the hall's supervisor) see every department's cases; nothing changed on the case.
      const { case: c, history } = await under.getCase('700GLB03', opened.caseId);
      expect(c?.version).toBe(1);
      expect(history.map((e) => e.action)).toEqual(['opened']);
      // The anonymous caller is not a staff member.
      await refused(
        callUnary(under.publicClient(), 'getCase', { caseId: opened.caseId, caseNumber: '' }),
        grpc.status.UNAUTHENTICATED,
        '',
      );
    });

    it('only a decider approves: a clerk and a reviewer of the department are refused at the approve stage', async () => {
      const opened = await open();
      await review('700SCJG02', opened.caseId);
      await refused(
        approve('700SCJG01', opened.caseId),
        grpc.status.PERMISSION_DENIED,
        'approving needs one of the roles approver, chief_representative, deputy_leader, principal_leader; the caller has clerk',
      );
      await refused(approve('700SCJG02', opened.caseId), grpc.status.PERMISSION_DENIED, 'the caller has reviewer');
      await refused(approve('700FGW04', opened.caseId), grpc.status.PERMISSION_DENIED, 'approving is for department');
      // The stage is still free: the refused callers did not claim it.
      const { case: c } = await under.getCase('700SCJG04', opened.caseId);
      expect(c?.stages.at(-1)).toMatchObject({ stage: P.PROCESS_STAGE_APPROVE, handlerStaffId: '' });
      expect((await approve('700SCJG06', opened.caseId)).entry?.actorRole).toBe('deputy_leader');
    });
  });

  describe('public progress query', () => {
    const query = (caseNumber: string, password: string) =>
      callUnary(under.publicClient(), 'queryProgress', { caseNumber, password });
    const wrong = (password: string) => String((Number(password) + 1) % 1_000_000).padStart(6, '0');

    it('with the right password: stages, current stage and promised date, nothing personal', async () => {
      const applicant = testPerson('上官婉儿', ++people);
      const opened = await open({ applicant });
      await review('700SCJG02', opened.caseId, {
        review: { opinion: '经审核，申请人提交材料真实有效', attachments: [] },
      });
      const answer = await query(opened.caseNumber, opened.queryPassword);
      const { case: c } = await under.getCase('700SCJG02', opened.caseId);
      expect(answer.progress).toMatchObject({
        caseNumber: opened.caseNumber,
        itemName: '食品经营许可',
        departmentName: '市市场监督管理局',
        status: S.CASE_STATUS_IN_PROGRESS,
        currentStage: P.PROCESS_STAGE_APPROVE,
        currentStageName: '审批',
        promisedAt: c!.promisedAt,
        acceptedAt: c!.acceptedAt,
      });
      expect(answer.progress?.stages.map((s) => [s.name, s.status])).toEqual([
        ['受理', caseV1.StageStatus.STAGE_STATUS_COMPLETED],
        ['审核', caseV1.StageStatus.STAGE_STATUS_COMPLETED],
        ['审批', caseV1.StageStatus.STAGE_STATUS_ACTIVE],
      ]);
      const json = JSON.stringify(caseV1.QueryProgressResponse.toJSON(answer));
      for (const secret of [
        '上官婉儿',
        c!.applicantName,
        applicant.person!.idNumber,
        applicant.person!.phone,
        opened.applicantId,
        opened.caseId,
        staff('700SCJG02'),
        staff('700SCJG01'),
        '经审核，申请人提交材料真实有效',
        opened.queryPassword,
      ]) {
        expect(json).not.toContain(secret);
      }
      await invalid(query(opened.caseNumber, '12345'), 'password');
      await invalid(query('', opened.queryPassword), 'case_number');
    });

    it('five wrong passwords lock the case, even for the right one, until the lock time has passed', async () => {
      const opened = await open();
      const other = await open();
      for (let i = 0; i < 5; i++) {
        await refused(query(opened.caseNumber, wrong(opened.queryPassword)), grpc.status.NOT_FOUND, '');
      }
      await refused(query(opened.caseNumber, opened.queryPassword), grpc.status.FAILED_PRECONDITION, 'locked');
      await refused(query(opened.caseNumber, wrong(opened.queryPassword)), grpc.status.FAILED_PRECONDITION, 'locked');
      // The lock is the case's: another case answers (the client has 5 failures of its 8).
      expect((await query(other.caseNumber, other.queryPassword)).progress?.caseNumber).toBe(other.caseNumber);
      clock().advance(LIMITS.lockMs - MINUTE);
      await refused(query(opened.caseNumber, opened.queryPassword), grpc.status.FAILED_PRECONDITION, 'locked');
      clock().advance(MINUTE + 1000);
      expect((await query(opened.caseNumber, opened.queryPassword)).progress?.caseNumber).toBe(opened.caseNumber);
    });

    it('one client guessing across cases is locked out of every case', async () => {
      // A fresh window for the client's failures.
      clock().advance(LIMITS.windowMs + MINUTE);
      const cases = [await open(), await open(), await open()];
      const [a, b, c] = cases as [(typeof cases)[0], (typeof cases)[0], (typeof cases)[0]];
      for (let i = 0; i < 4; i++) await refused(query(a.caseNumber, wrong(a.queryPassword)), grpc.status.NOT_FOUND, '');
      // An unknown case number costs as much as a wrong password.
      for (let i = 0; i < 3; i++) await refused(query(`${a.caseNumber}9`, '123456'), grpc.status.NOT_FOUND, '');
      expect((await query(c.caseNumber, c.queryPassword)).progress?.caseNumber).toBe(c.caseNumber);
      await refused(query(b.caseNumber, wrong(b.queryPassword)), grpc.status.NOT_FOUND, '');
      // Eight failures from this client: every case is refused, the never-guessed one too.
      await refused(query(c.caseNumber, c.queryPassword), grpc.status.FAILED_PRECONDITION, 'locked');
      await refused(query(b.caseNumber, b.queryPassword), grpc.status.FAILED_PRECONDITION, 'locked');
      clock().advance(LIMITS.lockMs + 1000);
      for (const x of cases)
        expect((await query(x.caseNumber, x.queryPassword)).progress?.caseNumber).toBe(x.caseNumber);
    });
  });

  describe('the clock', () => {
    it('a special procedure pauses the case; its end moves the stage due time and the promised date by the pause', async () => {
      const opened = await open();
      const before = (await under.getCase('700SCJG02', opened.caseId)).case!;
      const startedAt = under.clock.now();
      const reviewStage = before.stages[1]!;
      await invalid(
        under.act('700SCJG02', {
          caseId: opened.caseId,
          startSpecialProcedure: {
            kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW,
            reason: '',
          },
        }),
        'action.start_special_procedure.reason',
      );
      const started = await under.act('700SCJG02', {
        caseId: opened.caseId,
        startSpecialProcedure: {
          kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW,
          reason: '经营场所布局需组织专家评审',
        },
      });
      expect(started.case?.status).toBe(S.CASE_STATUS_SUSPENDED);
      const procedure = started.case!.specialProcedures[0]!;
      expect(procedure).toMatchObject({
        kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW,
        startedAt,
        startedByStaffId: staff('700SCJG02'),
        stage: P.PROCESS_STAGE_REVIEW,
      });
      await refused(review('700SCJG02', opened.caseId), grpc.status.FAILED_PRECONDITION, 'paused by special procedure');
      expect(
        (await todo('700SCJG02', { departmentId: scjg() })).items.find((t) => t.caseId === opened.caseId)?.kind,
      ).toBe(caseV1.TodoKind.TODO_KIND_SPECIAL_PROCEDURE);
      const progress = await callUnary(under.publicClient(), 'queryProgress', {
        caseNumber: opened.caseNumber,
        password: opened.queryPassword,
      });
      expect(progress.progress).toMatchObject({
        status: S.CASE_STATUS_SUSPENDED,
        pauses: [{ kind: procedure.kind, name: '专家评审', startedAt }],
      });

      // Two working days later (Monday → Wednesday, same time of day).
      clock().advance(2 * 86_400_000);
      const end = (procedureId: string, resultNote: string) =>
        under.act('700SCJG02', { caseId: opened.caseId, endSpecialProcedure: { procedureId, resultNote } });
      await invalid(end('no-such-procedure', '专家评审通过'), 'action.end_special_procedure.procedure_id');
      await invalid(end(procedure.id, ''), 'action.end_special_procedure.result_note');
      const ended = await end(procedure.id, '专家评审通过，布局合理');
      const DAY = 86_400_000;
      expect(ended.case?.status).toBe(S.CASE_STATUS_IN_PROGRESS);
      // Two whole working days of pause: every running deadline moves two working days (here: two days) later.
      expect(ended.case!.stages[1]!.dueAt!.getTime() - reviewStage.dueAt!.getTime()).toBe(2 * DAY);
      expect(ended.case!.promisedAt!.getTime() - before.promisedAt!.getTime()).toBe(2 * DAY);
      expect(ended.case?.specialProcedures[0]).toMatchObject({
        endedAt: under.clock.now(),
        endedByStaffId: staff('700SCJG02'),
        resultNote: '专家评审通过，布局合理',
      });
      // 2 working days of the hall's 7-hour days.
      expect(ended.entry?.detail).toContain(`paused_ms=${2 * 7 * 3_600_000}`);
      await refused(
        end(procedure.id, '再次结束'),
        grpc.status.FAILED_PRECONDITION,
        `special procedure ${procedure.id} ended`,
      );
      expect((await review('700SCJG02', opened.caseId)).case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);

      const events = await caseEventsUntil(region, opened.caseId, 'case.special_procedure.ended');
      expect(
        events
          .filter((e) => e.type === 'case.special_procedure.started' || e.type === 'case.special_procedure.ended')
          .map((e) => [e.type, e.data.procedure?.id, e.data.procedure?.reason]),
      ).toEqual([
        ['case.special_procedure.started', procedure.id, '经营场所布局需组织专家评审'],
        ['case.special_procedure.ended', procedure.id, '经营场所布局需组织专家评审'],
      ]);
      expect(ofType(events, 'case.special_procedure.ended')[0]?.data.case?.promisedAt).toEqual(ended.case?.promisedAt);
    });

    it('延期: a deputy leader grants working days within the bound of 10; a reviewer cannot', async () => {
      const opened = await open();
      const before = (await under.getCase('700SCJG06', opened.caseId)).case!;
      const extend = (no: string, amount: number, unit = WORKING_DAYS, reason = '需补充现场核查') =>
        under.act(no, { caseId: opened.caseId, extend: { amount: { amount, unit }, reason } });
      await refused(
        extend('700SCJG02', 5),
        grpc.status.PERMISSION_DENIED,
        'granting an extension (延期) needs one of the roles',
      );
      await invalid(
        extend('700SCJG06', 5, catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_DAYS),
        'action.extend.amount.unit',
      );
      await invalid(extend('700SCJG06', 0.3), 'action.extend.amount.amount');
      await invalid(extend('700SCJG06', 5, WORKING_DAYS, ''), 'action.extend.reason');
      const first = await extend('700SCJG06', 5);
      // Opened on Wednesday 14 October: promised the 21st at the close; five working days more, the 28th.
      expect(before.promisedAt).toEqual(at('2026-10-21T17:30:00'));
      expect(first.case?.promisedAt).toEqual(at('2026-10-28T17:30:00'));
      expect(first.case?.extensions).toEqual([
        expect.objectContaining({
          amount: { amount: 5, unit: WORKING_DAYS },
          grantedByStaffId: staff('700SCJG06'),
          previousPromisedAt: at('2026-10-21T17:30:00'),
          promisedAt: at('2026-10-28T17:30:00'),
          reason: '需补充现场核查',
        }),
      ]);
      await refused(
        extend('700SCJG07', 6),
        grpc.status.FAILED_PRECONDITION,
        'the item allows 10 working days of extension; 5 granted already',
      );
      // Up to the bound is fine (the principal leader grants the rest); beyond it, not even half a day.
      expect((await extend('700SCJG07', 5)).case?.promisedAt).toEqual(at('2026-11-04T17:30:00'));
      await refused(extend('700SCJG06', 0.5), grpc.status.FAILED_PRECONDITION, '10 granted already');
      const events = await caseEventsUntil(
        region,
        opened.caseId,
        'case.case.extended',
        (e) =>
          e.type === 'case.case.extended' &&
          e.data.extension?.promisedAt?.getTime() === at('2026-11-04T17:30:00').getTime(),
      );
      expect(
        ofType(events, 'case.case.extended').map((e) => [e.data.extension?.amount?.amount, e.data.case?.promisedAt]),
      ).toEqual([
        [5, at('2026-10-28T17:30:00')],
        [5, at('2026-11-04T17:30:00')],
      ]);
      const progress = await callUnary(under.publicClient(), 'queryProgress', {
        caseNumber: opened.caseNumber,
        password: opened.queryPassword,
      });
      expect(progress.progress?.promisedAt).toEqual(at('2026-11-04T17:30:00'));
    });

    // Last: it turns 超时默认 on for the city hall.
    it('超时默认: off by default; on, a review overdue past the grace is deemed passed, on the accepting unit', async () => {
      // Accepted at the 企业开办 comprehensive window by a tax bureau clerk seated there: the accepting unit is the
      // tax bureau, and it answers for the market regulator's review deemed passed.
      const swj = under.demo.departments['city/SWJ']!;
      await under.intake.catalogue.organisation.createStaff(
        { requestId: 'staff-700SWJ90' },
        {
          hallId: city(),
          departmentId: swj,
          employeeNo: '700SWJ90',
          name: '综合窗口测试员',
          mobile: '13905369990',
          roles: ['clerk'],
          windowId: under.demo.windows['city/A02']!,
          photoRef: '',
          title: '',
          duties: '',
          backupStaffId: null,
        },
      );
      const opened = await open({
        item: '11370700SCJG000105001000',
        clerk: '700SWJ90',
        acceptWindow: 'A02',
        situationCodes: ['LLC'],
      });
      const c0 = (await under.getCase('700SCJG02', opened.caseId)).case!;
      expect(c0).toMatchObject({ acceptingDepartmentId: swj, approvingDepartmentId: scjg() });
      // Opened on Wednesday: half a working day for the review, due Thursday at noon.
      expect(c0.stages[1]).toMatchObject({ departmentId: scjg(), dueAt: at('2026-10-15T12:00:00') });
      const admin = await under.client('700GLB07');
      const settings = await callUnary(admin, 'getHallCaseSettings', { hallId: city() });
      expect(settings.settings).toMatchObject({ hallId: city(), deemOverdueStepsPassed: false, version: 0 });

      // Friday 14:00: overdue by a day.
      clock().set(at('2026-10-16T14:00:00'));
      expect(await under.running.service.sweepOverdueSteps()).toBe(0);
      expect((await under.getCase('700SCJG02', opened.caseId)).case?.version).toBe(c0.version);

      const set = (version: number, grace: catalogueItemsV1.TimeLimit, client = admin) =>
        callUnary(client, 'setHallCaseSettings', {
          requestId: `settings-${version}-${grace.amount}-${grace.unit}`,
          settings: { hallId: city(), deemOverdueStepsPassed: true, overdueGrace: grace, version },
        });
      await refused(
        set(
          0,
          { amount: 4, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS },
          await under.client('700SCJG04'),
        ),
        grpc.status.PERMISSION_DENIED,
        'administrator',
      );
      await invalid(
        set(0, { amount: 1, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_DAYS }),
        'settings.overdue_grace.unit',
      );
      await refused(
        set(3, { amount: 1, unit: WORKING_DAYS }),
        grpc.status.FAILED_PRECONDITION,
        'are at version 0, not 3',
      );
      // On, with a grace of one working day: Friday's close; not yet.
      expect((await set(0, { amount: 1, unit: WORKING_DAYS })).settings?.version).toBe(1);
      await under.running.service.sweepOverdueSteps();
      expect((await under.getCase('700SCJG02', opened.caseId)).case?.version).toBe(c0.version);

      // A grace of 4 working hours (Thursday afternoon and half an hour on Friday): Friday 09:00, past.
      await set(1, { amount: 4, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS });
      expect(await under.running.service.sweepOverdueSteps()).toBeGreaterThanOrEqual(1);
      const { case: c, history } = await under.getCase('700SCJG02', opened.caseId);
      expect(stageTrail(c)).toEqual(['ACCEPT:COMPLETED', 'REVIEW:DEEMED_PASSED', 'VERIFY:ACTIVE']);
      expect(c?.stages[1]).toMatchObject({
        departmentId: scjg(),
        responsibleDepartmentId: swj,
        opinion: '超时默认通过',
        completedAt: at('2026-10-16T14:00:00'),
      });
      expect(history.at(-1)).toMatchObject({ action: 'deemed_passed', actorRole: 'system', actorId: 'system' });
      expect(history.at(-1)?.detail).toContain(`responsible=${swj}`);
      // The verifier's stage is fresh (half a day from Friday: Monday noon); sweeping again changes nothing.
      expect(c?.stages[2]?.dueAt).toEqual(at('2026-10-19T12:00:00'));
      await under.running.service.sweepOverdueSteps();
      expect((await under.getCase('700SCJG02', opened.caseId)).case?.version).toBe(c!.version);
      const events = await caseEventsUntil(
        region,
        opened.caseId,
        'case.stage.entered',
        (e) => e.type === 'case.stage.entered' && e.data.stage?.stage === P.PROCESS_STAGE_VERIFY,
      );
      expect(
        ofType(events, 'case.stage.completed').find((e) => e.data.stage?.stage === P.PROCESS_STAGE_REVIEW)?.data.stage,
      ).toMatchObject({ status: caseV1.StageStatus.STAGE_STATUS_DEEMED_PASSED, responsibleDepartmentId: swj });
      // Within the grace at one sweep, past it at a later one: the later sweep deems it (settings unchanged).
      const later = await open();
      expect((await under.getCase('700SCJG02', later.caseId)).case?.stages[1]?.dueAt).toEqual(
        at('2026-10-20T17:30:00'),
      );
      // Wednesday 10:00: overdue since Tuesday's close; the grace of 4 working hours runs to Wednesday 14:30.
      clock().set(at('2026-10-21T10:00:00'));
      await under.running.service.sweepOverdueSteps();
      const within = (await under.getCase('700SCJG02', later.caseId)).case!;
      expect(within.currentStage).toBe(P.PROCESS_STAGE_REVIEW);
      clock().set(at('2026-10-21T15:00:00'));
      await under.running.service.sweepOverdueSteps();
      const past = (await under.getCase('700SCJG02', later.caseId)).case!;
      expect(stageTrail(past)).toEqual(['ACCEPT:COMPLETED', 'REVIEW:DEEMED_PASSED', 'APPROVE:ACTIVE']);
      expect(past.version).toBe(within.version + 1);
      // 审批 is never deemed: a case waiting at APPROVE stays, however late.
      const waiting = await open();
      await review('700SCJG02', waiting.caseId);
      clock().advance(10 * 86_400_000);
      await under.running.service.sweepOverdueSteps();
      expect((await under.getCase('700SCJG02', waiting.caseId)).case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);
      // Longest overdue first, among steps it may deem: the cases waiting at 审批 for weeks, overdue longer, do not
      // take the places of a review past its grace (a sweep of one case here).
      clock().set(at('2026-11-02T09:00:00'));
      const fresh = await open();
      clock().set(at('2026-11-06T15:00:00'));
      expect(await under.running.service.sweepOverdueSteps(1)).toBe(1);
      expect(stageTrail((await under.getCase('700SCJG02', fresh.caseId)).case)).toContain('REVIEW:DEEMED_PASSED');
    });
  });
});
