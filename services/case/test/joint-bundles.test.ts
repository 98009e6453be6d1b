import { caseV1, catalogueItemsV1 } from '@govhall/contracts';
import { FakeClock, callUnary } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { part, statuses } from '../src/domain/spec-fixtures';
import { D, P, WORKING_DAYS, caseEventsCounted, refused, type CaseEvent } from './case-test-helpers';
import { TEST_NOW, startCaseForTest, testPerson, type CaseUnderTest, type OpenedCase } from './start-for-test';

// 联办 / 并联审批, 联席会议 and 两证齐发 through gRPC, on real PostgreSQL and nats-server.
// Demo: services/catalogue/demo/items/02-investment-construction.yaml (investment-joint: LX → XZ ∥ YD → HP → SG,
// led by the city FGW) and 03-real-estate.yaml (the two-certificates bundle at the district hall's window B03).

const JOINT = '11370700FGW000199002000';
const PROPERTY = '11370705QZJJ000131005000';
const LAND = '11370700ZRZY000130005000';

const S = caseV1.SubtaskStatus;
const CS = caseV1.CertificateStatus;
const HOUR = 3_600_000;

const detailsWith = (text: string) => expect.stringContaining(text) as string;

describe('joint approval (联办 / 并联审批), joint meetings and bundles (两证齐发)', () => {
  let under: CaseUnderTest;
  let clock: FakeClock;
  let n = 0;
  const dept = (key: string) => under.demo.departments[key]!;

  beforeAll(async () => {
    clock = new FakeClock(TEST_NOW);
    under = await startCaseForTest({ clock });
  }, 120_000);
  afterAll(async () => under?.stop());

  /** At least `count` events of `type` that `match` on the case service's stream. */
  const eventsOf = <T extends CaseEvent['type']>(
    type: T,
    match: (e: Extract<CaseEvent, { type: T }>) => boolean,
    count: number,
  ) => caseEventsCounted(under.env['REGION_CODE']!, type, match, count);

  const openJoint = (name: string): Promise<OpenedCase> =>
    under.openCase({
      item: JOINT,
      hall: 'city',
      frontDesk: '700GLB01',
      frontWindow: 'A01',
      clerk: '700FGW01',
      acceptWindow: 'B03',
      applicant: testPerson(name, ++n),
      projectName: `${name}年产10万吨新材料项目`,
    });
  // 一费制: these items charge fees; the fee service's fee.case.fees_paid (tested end to end in services/fee) stands
  // here as the use case its consumer calls.
  let paidSerial = 0;
  const feesPaid = (caseId: string) =>
    under.running.service.feesPaid(`fees-paid-${caseId}-${++paidSerial}`, {
      caseId,
      caseNumber: '',
      billIds: [],
      paidFen: 0,
    });
  const decide = (employeeNo: string, caseId: string, subtaskCode: string, refusalReason = '') =>
    under.act(employeeNo, {
      caseId,
      decideSubtask: {
        subtaskCode,
        approved: !refusalReason,
        opinion: refusalReason ? '不同意' : '同意',
        refusalReason,
        attachments: [],
      },
    });
  const todoOf = async (employeeNo: string, departmentId: string) =>
    (
      await callUnary(
        await under.client(employeeNo),
        'listTodo',
        caseV1.ListTodoRequest.fromPartial({ departmentId, pageSize: 200 }),
      )
    ).items;
  /** LX, then XZ and YD, then HP approved: the case waits for SG. */
  const upToSg = async (caseId: string) => {
    await decide('700FGW04', caseId, 'LX');
    await decide('700ZRZY04', caseId, 'XZ');
    await decide('700ZRZY04', caseId, 'YD');
    await decide('700STHJ04', caseId, 'HP');
  };

  describe('joint and parallel approval', () => {
    it('opens with every part department related, LX ready, the others waiting, each with its budget', async () => {
      const opened = await openJoint('并联一');
      const { case: c } = await under.getCase('700FGW02', opened.caseId);
      expect(c!.leadDepartmentId).toBe(dept('city/FGW'));
      expect([...c!.relatedDepartmentIds].sort()).toEqual(
        [dept('city/FGW'), dept('city/ZRZY'), dept('city/STHJ'), dept('city/ZJJ')].sort(),
      );
      expect(c!.currentStage).toBe(P.PROCESS_STAGE_REVIEW);
      expect(c!.stages.at(-1)).toMatchObject({ stage: P.PROCESS_STAGE_REVIEW, departmentId: dept('city/FGW') });
      expect(statuses(c)).toEqual({
        LX: S.SUBTASK_STATUS_READY,
        XZ: S.SUBTASK_STATUS_WAITING,
        YD: S.SUBTASK_STATUS_WAITING,
        HP: S.SUBTASK_STATUS_WAITING,
        SG: S.SUBTASK_STATUS_WAITING,
      });
      expect(c!.subtasks.map((s) => [s.code, s.departmentId, s.budget?.amount, s.budget?.unit])).toEqual([
        ['LX', dept('city/FGW'), 3, WORKING_DAYS],
        ['XZ', dept('city/ZRZY'), 5, WORKING_DAYS],
        ['YD', dept('city/ZRZY'), 5, WORKING_DAYS],
        ['HP', dept('city/STHJ'), 7, WORKING_DAYS],
        ['SG', dept('city/ZJJ'), 3, WORKING_DAYS],
      ]);
      expect(part(c, 'HP').dependsOn).toEqual(['XZ', 'YD']);
      // Monday 09:30 + 3 working days: the close of Thursday.
      expect(part(c, 'LX').readyAt?.toISOString()).toBe(new Date(TEST_NOW).toISOString());
      expect(part(c, 'LX').dueAt?.toISOString()).toBe('2026-10-15T09:30:00.000Z');
      expect(part(c, 'XZ').dueAt).toBeUndefined();

      // 抄告相关: every related department reads the case from the start.
      for (const no of ['700ZRZY02', '700STHJ02', '700ZJJ02'])
        expect((await under.getCase(no, opened.caseId)).case?.id).toBe(opened.caseId);
      await refused(
        under.getCase('700SCJG02', opened.caseId),
        grpc.status.PERMISSION_DENIED,
        "not one of the caller's department",
      );
      // The ready part is on its department's list; waiting parts are on nobody's.
      const fgw = (await todoOf('700FGW04', dept('city/FGW'))).filter((t) => t.caseId === opened.caseId);
      expect(fgw.map((t) => [t.kind, t.subtaskCode]).sort()).toEqual([
        [caseV1.TodoKind.TODO_KIND_STAGE, ''],
        [caseV1.TodoKind.TODO_KIND_SUBTASK, 'LX'],
      ]);
      expect(fgw.find((t) => t.subtaskCode === 'LX')?.dueAt?.toISOString()).toBe('2026-10-15T09:30:00.000Z');
      expect((await todoOf('700ZRZY04', dept('city/ZRZY'))).filter((t) => t.caseId === opened.caseId)).toEqual([]);

      const ready = await eventsOf('case.subtask.ready', (e) => e.data.case?.caseId === opened.caseId, 1);
      expect(ready.map((e) => e.data.subtask?.code)).toEqual(['LX']);
      const [openedEvent] = await eventsOf('case.case.opened', (e) => e.data.case?.caseId === opened.caseId, 1);
      expect(openedEvent!.data).toMatchObject({
        caseType: catalogueItemsV1.CaseType.CASE_TYPE_JOINT,
        leadDepartmentId: dept('city/FGW'),
      });
      expect([...openedEvent!.data.relatedDepartmentIds].sort()).toEqual([...c!.relatedDepartmentIds].sort());
    });

    it('serial order: a dependent part cannot be taken, assigned or decided before what it waits for', async () => {
      const opened = await openJoint('并联二');
      const { caseId } = opened;
      await refused(
        under.act('700ZRZY02', { caseId, take: { subtaskCode: 'XZ' } }),
        grpc.status.FAILED_PRECONDITION,
        'part XZ waits for LX',
      );
      await refused(decide('700ZRZY04', caseId, 'YD'), grpc.status.FAILED_PRECONDITION, 'part YD waits for LX');
      await refused(decide('700STHJ04', caseId, 'HP'), grpc.status.FAILED_PRECONDITION, 'part HP waits for XZ, YD');
      await refused(
        under.act('700ZRZY05', { caseId, assign: { staffId: under.demo.staff['700ZRZY02']!, subtaskCode: 'XZ' } }),
        grpc.status.FAILED_PRECONDITION,
        'part XZ waits for LX',
      );
      // The lead joins only when every part is decided.
      await refused(
        under.act('700FGW02', { caseId, review: { opinion: '同意', attachments: [] } }),
        grpc.status.FAILED_PRECONDITION,
        'waiting for LX',
        'SG',
      );
      // Another department's part: PERMISSION_DENIED; an unknown part: INVALID_ARGUMENT by field.
      await refused(decide('700STHJ04', caseId, 'LX'), grpc.status.PERMISSION_DENIED, 'part LX belongs to department');
      await expect(decide('700FGW04', caseId, 'ZZ')).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: detailsWith('action.decide_subtask.subtask_code'),
      });
      await expect(
        under.act('700ZRZY04', {
          caseId,
          decideSubtask: { subtaskCode: 'XZ', approved: false, opinion: '不同意', refusalReason: '', attachments: [] },
        }),
      ).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: detailsWith('action.decide_subtask.refusal_reason'),
      });
      const { case: c, history } = await under.getCase('700FGW02', caseId);
      expect(c!.version).toBe(1);
      expect(statuses(c)).toMatchObject({ LX: S.SUBTASK_STATUS_READY, XZ: S.SUBTASK_STATUS_WAITING });
      expect(history.map((e) => e.action)).toEqual(['opened']);
    });

    it('deciding parts in order releases the dependents; parallel parts in either order; then review, verify, approve, issue', async () => {
      const opened = await openJoint('并联三');
      const { caseId } = opened;
      // LX taken by the FGW approver, decided a day later.
      const taken = await under.act('700FGW04', { caseId, take: { subtaskCode: 'LX' } });
      expect(part(taken.case, 'LX')).toMatchObject({
        status: S.SUBTASK_STATUS_IN_PROGRESS,
        handlerStaffId: under.demo.staff['700FGW04'],
      });
      clock.advance(24 * HOUR + 30 * 60_000); // Tuesday 10:00
      const lx = await decide('700FGW04', caseId, 'LX');
      expect(statuses(lx.case)).toEqual({
        LX: S.SUBTASK_STATUS_APPROVED,
        XZ: S.SUBTASK_STATUS_READY,
        YD: S.SUBTASK_STATUS_READY,
        HP: S.SUBTASK_STATUS_WAITING,
        SG: S.SUBTASK_STATUS_WAITING,
      });
      expect(part(lx.case, 'LX')).toMatchObject({ opinion: '同意', handlerStaffId: under.demo.staff['700FGW04'] });
      // Released parts count their budget from their release: Tuesday 10:00 + 5 working days (the close of the next Tuesday).
      expect(part(lx.case, 'XZ').readyAt?.toISOString()).toBe('2026-10-13T02:00:00.000Z');
      expect(part(lx.case, 'XZ').dueAt?.toISOString()).toBe('2026-10-20T09:30:00.000Z');
      expect(part(lx.case, 'YD').dueAt?.toISOString()).toBe('2026-10-20T09:30:00.000Z');
      const released = await eventsOf('case.subtask.ready', (e) => e.data.case?.caseId === caseId, 3);
      expect(released.map((e) => e.data.subtask?.code)).toEqual(['LX', 'XZ', 'YD']);
      expect(released[1]!.data.subtask?.dueAt?.toISOString()).toBe('2026-10-20T09:30:00.000Z');
      const zrzy = (await todoOf('700ZRZY04', dept('city/ZRZY'))).filter((t) => t.caseId === caseId);
      expect(zrzy.map((t) => t.subtaskCode).sort()).toEqual(['XZ', 'YD']);

      // Parallel: YD before XZ; HP still waits for XZ alone.
      await decide('700ZRZY04', caseId, 'YD');
      await refused(
        under.act('700STHJ02', { caseId, take: { subtaskCode: 'HP' } }),
        grpc.status.FAILED_PRECONDITION,
        'part HP waits for XZ to be approved',
      );
      const xz = await decide('700ZRZY04', caseId, 'XZ');
      expect(part(xz.case, 'HP')).toMatchObject({ status: S.SUBTASK_STATUS_READY });
      expect(part(xz.case, 'HP').dueAt?.toISOString()).toBe('2026-10-22T09:30:00.000Z'); // + 7 working days
      // A decided part is decided once.
      await refused(
        decide('700ZRZY04', caseId, 'XZ', '重新研究不同意'),
        grpc.status.FAILED_PRECONDITION,
        'part XZ is already decided',
      );
      const hp = await decide('700STHJ04', caseId, 'HP');
      expect(part(hp.case, 'SG').status).toBe(S.SUBTASK_STATUS_READY);
      await refused(
        under.act('700FGW02', { caseId, review: { opinion: '同意', attachments: [] } }),
        grpc.status.FAILED_PRECONDITION,
        'waiting for SG (SUBTASK_STATUS_READY)',
      );
      await decide('700ZJJ04', caseId, 'SG');
      const decided = await eventsOf('case.subtask.decided', (e) => e.data.case?.caseId === caseId, 5);
      expect(decided.map((e) => e.data.subtask?.code)).toEqual(['LX', 'YD', 'XZ', 'HP', 'SG']);
      const ready = await eventsOf('case.subtask.ready', (e) => e.data.case?.caseId === caseId, 5);
      expect(ready.map((e) => e.data.subtask?.code)).toEqual(['LX', 'XZ', 'YD', 'HP', 'SG']);
      const started = await eventsOf('case.subtask.started', (e) => e.data.case?.caseId === caseId, 1);
      expect(started.map((e) => e.data.subtask?.code)).toEqual(['LX']);

      // The lead joins, then 一审一核 (review_verify), the decision, the result document.
      const reviewed = await under.act('700FGW02', {
        caseId,
        review: { opinion: '各部门均同意，汇总', attachments: [] },
      });
      expect(reviewed.case?.currentStage).toBe(P.PROCESS_STAGE_VERIFY);
      await refused(
        under.act('700ZRZY03', { caseId, verify: { opinion: '核准', attachments: [] } }),
        grpc.status.PERMISSION_DENIED,
      );
      const verified = await under.act('700FGW03', { caseId, verify: { opinion: '核准', attachments: [] } });
      expect(verified.case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);
      const approved = await under.act('700FGW04', {
        caseId,
        approve: { opinion: '准予并联审批', attachments: [], upperAuthority: '' },
      });
      expect(approved.case?.decision?.kind).toBe(D.DECISION_KIND_APPROVED);
      await feesPaid(caseId);
      const issued = await under.act('700FGW01', {
        caseId,
        issue: { certificateNumber: '潍发改投资〔2026〕101号', validUntil: '' },
      });
      expect(issued.case?.certificates[0]).toMatchObject({
        status: CS.CERTIFICATE_STATUS_ISSUED,
        name: '项目审批结果文件',
      });
      await under.act('700FGW01', {
        caseId,
        deliver: {
          method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
          windowId: '',
          expressCompany: '',
          trackingNumber: '',
        },
      });
      const done = await under.act('700FGW01', { caseId, complete: { note: '' } });
      expect(done.case?.status).toBe(caseV1.CaseStatus.CASE_STATUS_COMPLETED);
      const { history } = await under.getCase('700FGW01', caseId);
      expect(history.map((e) => `${e.action}${e.subtaskCode ? `:${e.subtaskCode}` : ''}`)).toEqual([
        'opened',
        'take:LX',
        'decide_subtask:LX',
        'decide_subtask:YD',
        'decide_subtask:XZ',
        'decide_subtask:HP',
        'decide_subtask:SG',
        'review',
        'verify',
        'approve',
        'fees_paid',
        'issue',
        'deliver',
        'complete',
      ]);
      const log = await callUnary(await under.client('700FGW01'), 'verifyActionLog', { caseId });
      expect(log).toMatchObject({ intact: true, entries: 14 });
    });

    it("a refused part's reason reaches the lead: approval is refused naming it, the lead refuses the case", async () => {
      const { caseId } = await openJoint('并联四');
      await upToSg(caseId);
      const sg = await decide('700ZJJ04', caseId, 'SG', '施工图设计文件审查未通过');
      expect(part(sg.case, 'SG')).toMatchObject({
        status: S.SUBTASK_STATUS_REFUSED,
        refusalReason: '施工图设计文件审查未通过',
      });
      // Every part is decided: the lead joins them and sees the reason.
      await under.act('700FGW02', { caseId, review: { opinion: '施工许可部门不同意', attachments: [] } });
      await under.act('700FGW03', { caseId, verify: { opinion: '核', attachments: [] } });
      const lead = await under.getCase('700FGW04', caseId);
      expect(part(lead.case, 'SG').refusalReason).toBe('施工图设计文件审查未通过');
      await refused(
        under.act('700FGW04', { caseId, approve: { opinion: '准予', attachments: [], upperAuthority: '' } }),
        grpc.status.FAILED_PRECONDITION,
        'every part approved',
        'SG',
        '施工图设计文件审查未通过',
      );
      const decided = await under.act('700FGW04', {
        caseId,
        refuse: {
          reason: '建筑工程施工许可未通过：施工图设计文件审查未通过',
          opinion: '',
          attachments: [],
          upperAuthority: '',
        },
      });
      expect(decided.case?.decision).toMatchObject({
        kind: D.DECISION_KIND_REFUSED,
        reason: '建筑工程施工许可未通过：施工图设计文件审查未通过',
      });
      expect(decided.case?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
    });

    it('a refused dependency: the lead refuses the case at once, and the remaining parts close with it', async () => {
      const { caseId } = await openJoint('并联五');
      await decide('700FGW04', caseId, 'LX');
      const xz = await decide('700ZRZY04', caseId, 'XZ', '选址不符合国土空间规划');
      expect(statuses(xz.case)).toMatchObject({
        XZ: S.SUBTASK_STATUS_REFUSED,
        YD: S.SUBTASK_STATUS_READY,
        HP: S.SUBTASK_STATUS_WAITING,
      });
      await refused(
        under.act('700FGW02', { caseId, review: { opinion: '同意', attachments: [] } }),
        grpc.status.FAILED_PRECONDITION,
        'waiting for YD',
      );
      const refusal = await under.act('700FGW04', {
        caseId,
        refuse: { reason: '建设项目选址不符合国土空间规划', opinion: '', attachments: [], upperAuthority: '' },
      });
      expect(refusal.case?.decision?.kind).toBe(D.DECISION_KIND_REFUSED);
      // The case is decided: its open parts leave the departments' lists and can no longer be decided.
      expect((await todoOf('700ZRZY04', dept('city/ZRZY'))).filter((t) => t.caseId === caseId)).toEqual([]);
      await refused(decide('700ZRZY04', caseId, 'YD'), grpc.status.FAILED_PRECONDITION, 'decided');
      await refused(
        under.act('700ZRZY02', { caseId, take: { subtaskCode: 'YD' } }),
        grpc.status.FAILED_PRECONDITION,
        'decided',
      );
    });
  });

  describe('joint review meetings (联席会议 / 并联审批会)', () => {
    let meetingSerial = 0;
    const hold = async (employeeNo: string, request: Partial<caseV1.HoldJointMeetingRequest>) =>
      callUnary(
        await under.client(employeeNo),
        'holdJointMeeting',
        caseV1.HoldJointMeetingRequest.fromPartial({
          requestId: `meeting-${Date.now().toString(36)}-${++meetingSerial}`,
          hallId: under.demo.halls['city'],
          title: `2026年第${meetingSerial}次并联审批会`,
          heldAt: new Date('2026-10-13T06:00:00Z'),
          attendingDepartmentIds: [dept('city/FGW'), dept('city/ZRZY'), dept('city/STHJ'), dept('city/ZJJ')],
          minutes: '会议听取了各部门意见',
          ...request,
        }),
      );
    const approve = (caseId: string, subtaskCode: string) =>
      caseV1.MeetingDecision.fromPartial({ caseId, subtaskCode, approved: true, opinion: '会议同意' });
    const refuse = (caseId: string, subtaskCode: string, refusalReason: string) =>
      caseV1.MeetingDecision.fromPartial({
        caseId,
        subtaskCode,
        approved: false,
        opinion: '会议不同意',
        refusalReason,
      });

    it('decides parts of two cases at once: one record, each part decided with the meeting id', async () => {
      const a = await openJoint('会议甲');
      const b = await openJoint('会议乙');
      await decide('700FGW04', a.caseId, 'LX');
      await decide('700FGW04', b.caseId, 'LX');
      const decisions = [
        approve(a.caseId, 'XZ'),
        approve(a.caseId, 'YD'),
        approve(b.caseId, 'XZ'),
        refuse(b.caseId, 'YD', '用地预审：占用永久基本农田'),
      ];
      const request = {
        requestId: `meeting-two-cases-${Date.now().toString(36)}`,
        title: '2026年第12次并联审批会',
        decisions,
      };
      const { meeting } = await hold('700GLB07', request);
      expect(meeting).toMatchObject({
        hallId: under.demo.halls['city'],
        title: '2026年第12次并联审批会',
        convenedByStaffId: under.demo.staff['700GLB07'],
        minutes: '会议听取了各部门意见',
      });
      expect(meeting!.heldAt?.toISOString()).toBe('2026-10-13T06:00:00.000Z');
      expect(meeting!.decisions).toEqual(decisions);
      const { meeting: read } = await callUnary(await under.client('700FGW04'), 'getJointMeeting', {
        meetingId: meeting!.id,
      });
      expect(read).toEqual(meeting);
      // A retry (same request id) answers the same meeting and decides nothing again.
      expect((await hold('700GLB07', request)).meeting?.id).toBe(meeting!.id);

      const caseA = (await under.getCase('700FGW02', a.caseId)).case;
      expect(statuses(caseA)).toMatchObject({
        XZ: S.SUBTASK_STATUS_APPROVED,
        YD: S.SUBTASK_STATUS_APPROVED,
        HP: S.SUBTASK_STATUS_READY,
      });
      expect([part(caseA, 'XZ').meetingId, part(caseA, 'YD').meetingId]).toEqual([meeting!.id, meeting!.id]);
      expect(part(caseA, 'LX').meetingId).toBe('');
      const caseB = (await under.getCase('700FGW02', b.caseId)).case;
      expect(part(caseB, 'XZ')).toMatchObject({ status: S.SUBTASK_STATUS_APPROVED, meetingId: meeting!.id });
      expect(part(caseB, 'YD')).toMatchObject({
        status: S.SUBTASK_STATUS_REFUSED,
        refusalReason: '用地预审：占用永久基本农田',
        meetingId: meeting!.id,
      });
      expect(part(caseB, 'HP').status).toBe(S.SUBTASK_STATUS_WAITING);
      // Each case's history records the meeting's decisions once.
      const historyA = (await under.getCase('700FGW02', a.caseId)).history;
      const entries = historyA.filter((e) => e.action === 'meeting_decision');
      expect(entries.map((e) => e.subtaskCode)).toEqual(['XZ', 'YD']);
      expect(entries[0]).toMatchObject({ actorRole: 'administrator', actorId: under.demo.staff['700GLB07'] });
      expect(entries[0]!.detail).toContain(`meeting=${meeting!.id}`);
      const decided = await eventsOf('case.subtask.decided', (e) => e.data.subtask?.meetingId === meeting!.id, 4);
      expect(decided.map((e) => `${e.data.case?.caseId === a.caseId ? 'A' : 'B'}:${e.data.subtask?.code}`)).toEqual([
        'A:XZ',
        'A:YD',
        'B:XZ',
        'B:YD',
      ]);
      const released = await eventsOf('case.subtask.ready', (e) => e.data.case?.caseId === a.caseId, 4);
      expect(released.map((e) => e.data.subtask?.code)).toEqual(['LX', 'XZ', 'YD', 'HP']);
      // Another hall does not read the record.
      await expect(
        callUnary(await under.client('705QZJJ01'), 'getJointMeeting', { meetingId: meeting!.id }),
      ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    });

    it('all or nothing: a part still waiting refuses the whole meeting and changes no case', async () => {
      const c = await openJoint('会议丙');
      const d = await openJoint('会议丁');
      await decide('700FGW04', c.caseId, 'LX');
      const before = (await under.getCase('700FGW02', c.caseId)).case!;
      await refused(
        hold('700FGW05', { decisions: [approve(c.caseId, 'XZ'), approve(c.caseId, 'YD'), approve(d.caseId, 'XZ')] }),
        grpc.status.FAILED_PRECONDITION,
        'part XZ waits for LX',
      );
      const after = await under.getCase('700FGW02', c.caseId);
      expect(after.case!.version).toBe(before.version);
      expect(statuses(after.case)).toMatchObject({ XZ: S.SUBTASK_STATUS_READY, YD: S.SUBTASK_STATUS_READY });
      expect(after.history.map((e) => e.action)).toEqual(['opened', 'decide_subtask']);
      expect((await under.getCase('700FGW02', d.caseId)).case!.version).toBe(1);
      // A chief representative holds it once the order allows.
      await decide('700FGW04', d.caseId, 'LX');
      const { meeting } = await hold('700FGW05', {
        decisions: [approve(c.caseId, 'XZ'), approve(d.caseId, 'XZ')],
      });
      expect(meeting!.convenedByStaffId).toBe(under.demo.staff['700FGW05']);
      expect(part((await under.getCase('700FGW02', d.caseId)).case, 'XZ').meetingId).toBe(meeting!.id);
      // Decided parts are decided once, by meetings too.
      await refused(
        hold('700FGW05', { decisions: [approve(c.caseId, 'XZ')] }),
        grpc.status.FAILED_PRECONDITION,
        'part XZ is already decided',
      );
    });

    it('validates the request by field, and who may hold a meeting', async () => {
      const e = await openJoint('会议戊');
      await decide('700FGW04', e.caseId, 'LX');
      const invalid = async (request: Partial<caseV1.HoldJointMeetingRequest>, field: string) =>
        expect(hold('700GLB07', request)).rejects.toMatchObject({
          code: grpc.status.INVALID_ARGUMENT,
          details: detailsWith(field),
        });
      await invalid(
        { decisions: [approve(e.caseId, 'XZ'), refuse(e.caseId, 'YD', '')] },
        'decisions[1].refusal_reason',
      );
      await invalid({ decisions: [approve(e.caseId, 'XZ'), approve(e.caseId, 'XZ')] }, 'decisions[1]: part');
      await invalid({ decisions: [] }, 'decisions');
      await invalid({ title: '', decisions: [approve(e.caseId, 'XZ')] }, 'title');
      await invalid({ decisions: [approve(e.caseId, 'XZ'), approve('no-such-case', 'XZ')] }, 'decisions[1].case_id');
      await invalid({ decisions: [approve(e.caseId, 'XZ'), approve(e.caseId, 'QQ')] }, 'decisions[1].subtask_code');
      // The meeting decides for the departments that attend it.
      await invalid(
        { attendingDepartmentIds: [dept('city/FGW')], decisions: [approve(e.caseId, 'XZ')] },
        `attending_department_ids: must include department ${dept('city/ZRZY')} of part XZ`,
      );
      await refused(
        hold('700FGW02', { decisions: [approve(e.caseId, 'XZ')] }),
        grpc.status.PERMISSION_DENIED,
        'holding a joint meeting',
      );
      await expect(
        hold('700GLB07', { hallId: under.demo.halls['district'], decisions: [approve(e.caseId, 'XZ')] }),
      ).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
      expect((await under.getCase('700FGW02', e.caseId)).case!.version).toBe(2);
    });
  });

  describe('两证齐发: the property and land certificates of one applicant, issued together at district window B03', () => {
    const B03 = () => under.demo.windows['district/B03']!;
    const openProperty = (applicant: ReturnType<typeof testPerson>) =>
      under.openCase({
        item: PROPERTY,
        hall: 'district',
        frontDesk: '705QZJJ01',
        frontWindow: 'B03',
        clerk: '705QZJJ01',
        acceptWindow: 'B03',
        situationCodes: ['SALE'],
        applicant,
      });
    const openLand = (applicant: ReturnType<typeof testPerson>) =>
      under.openCase({
        item: LAND,
        hall: 'district',
        frontDesk: '705ZRZY01',
        frontWindow: 'B03',
        clerk: '705ZRZY01',
        acceptWindow: 'B03',
        applicant,
      });
    /** review → approve: the case waits at ISSUE. */
    const decideCase = async (caseId: string, reviewer: string, approver: string) => {
      await under.act(reviewer, { caseId, review: { opinion: '材料齐全，符合登记条件', attachments: [] } });
      const approved = await under.act(approver, {
        caseId,
        approve: { opinion: '准予登记', attachments: [], upperAuthority: '' },
      });
      expect(approved.case?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
    };
    const getBundle = async (employeeNo: string, bundleId: string) =>
      (await callUnary(await under.client(employeeNo), 'getBundle', { bundleId })).bundle!;
    const atWindow = (windowId = '') => ({
      deliver: {
        method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
        windowId,
        expressCompany: '',
        trackingNumber: '',
      },
    });

    it('joins, waits for the partner, issues both together, agrees the pick-up, delivers at B03', async () => {
      const applicant = testPerson('两证甲', ++n);
      const property = await openProperty(applicant);
      const land = await openLand(applicant);
      expect(land.applicantId).toBe(property.applicantId);
      let p = (await under.getCase('705QZJJ01', property.caseId)).case!;
      let l = (await under.getCase('705ZRZY01', land.caseId)).case!;
      expect(p.bundle).toMatchObject({ partnerCaseIds: [land.caseId], issuingWindowId: B03() });
      expect(l.bundle).toMatchObject({ bundleId: p.bundle!.bundleId, partnerCaseIds: [property.caseId] });
      const bundleId = p.bundle!.bundleId;
      expect(await getBundle('705ZRZY01', bundleId)).toMatchObject({
        id: bundleId,
        name: '房屋所有权证、国有土地使用证两证齐发',
        hallId: under.demo.halls['district'],
        windowId: B03(),
        applicantId: property.applicantId,
        caseIds: [property.caseId, land.caseId],
        issued: false,
      });
      const opened = await eventsOf(
        'case.case.opened',
        (e) => e.data.case?.caseId === property.caseId || e.data.case?.caseId === land.caseId,
        2,
      );
      expect(opened.map((e) => e.data.bundleId)).toEqual([bundleId, bundleId]);
      // The property case is issued first: its certificate waits for the land certificate.
      await decideCase(property.caseId, '705QZJJ02', '705QZJJ03');
      // The issue step is on the bundle's window.
      const windowTodo = (
        await callUnary(
          await under.client('705QZJJ01'),
          'listTodo',
          caseV1.ListTodoRequest.fromPartial({ windowId: B03(), pageSize: 200 }),
        )
      ).items.filter((t) => t.caseId === property.caseId || t.caseId === land.caseId);
      expect(windowTodo.map((t) => [t.caseId, t.stage])).toEqual([[property.caseId, P.PROCESS_STAGE_ISSUE]]);
      await feesPaid(property.caseId);
      const first = await under.act('705QZJJ01', {
        caseId: property.caseId,
        issue: { certificateNumber: '潍房权证奎字第2026001号', validUntil: '' },
      });
      expect(first.case?.certificates.map((x) => x.status)).toEqual([CS.CERTIFICATE_STATUS_PREPARED]);
      expect(first.case?.certificates[0]?.issuedAt).toBeUndefined();
      await refused(
        under.act('705QZJJ01', { caseId: property.caseId, ...atWindow() }),
        grpc.status.FAILED_PRECONDITION,
        '两证齐发',
      );
      expect((await getBundle('705QZJJ01', bundleId)).issued).toBe(false);

      // The pick-up time is agreed with the applicant for the whole bundle.
      const pickupAt = new Date(clock.now().getTime() + 48 * HOUR);
      await expect(
        under.act('705QZJJ01', {
          caseId: property.caseId,
          agreePickup: { pickupAt: new Date(clock.now().getTime() - HOUR) },
        }),
      ).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: detailsWith('action.agree_pickup.pickup_at'),
      });
      const agreed = await under.act('705QZJJ01', { caseId: property.caseId, agreePickup: { pickupAt } });
      expect(agreed.case?.bundle?.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      l = (await under.getCase('705ZRZY01', land.caseId)).case!;
      expect(l.bundle?.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      expect((await getBundle('705QZJJ01', bundleId)).pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      const [pickup] = await eventsOf('case.bundle.pickup_agreed', (e) => e.data.bundleId === bundleId, 1);
      expect(pickup!.data).toMatchObject({ hallId: under.demo.halls['district'], windowId: B03() });
      expect(pickup!.data.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      expect(pickup!.data.cases.map((x) => x.caseId)).toEqual([property.caseId, land.caseId]);
      for (const opened of [property, land]) {
        const { progress } = await callUnary(under.publicClient(), 'queryProgress', {
          caseNumber: opened.caseNumber,
          password: opened.queryPassword,
        });
        expect(progress?.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      }

      // The land case is issued an hour later: both certificates go out together, now.
      clock.advance(HOUR);
      const releasedAt = clock.now().toISOString();
      await decideCase(land.caseId, '705ZRZY02', '705ZRZY03');
      await feesPaid(land.caseId);
      const second = await under.act('705ZRZY01', {
        caseId: land.caseId,
        issue: { certificateNumber: '潍国用（2026）第0001号', validUntil: '' },
      });
      expect(second.case?.certificates.map((x) => [x.status, x.issuedAt?.toISOString()])).toEqual([
        [CS.CERTIFICATE_STATUS_ISSUED, releasedAt],
      ]);
      p = (await under.getCase('705QZJJ01', property.caseId)).case!;
      expect(p.certificates.map((x) => [x.status, x.issuedAt?.toISOString()])).toEqual([
        [CS.CERTIFICATE_STATUS_ISSUED, releasedAt],
      ]);
      const bundle = await getBundle('705QZJJ01', bundleId);
      expect(bundle).toMatchObject({ issued: true });
      expect(bundle.issuedAt?.toISOString()).toBe(releasedAt);
      const issued = await eventsOf(
        'case.certificate.issued',
        (e) => e.data.caseId === property.caseId || e.data.caseId === land.caseId,
        2,
      );
      // One each, both at the release: none left when the property case was issued alone.
      expect(issued.map((e) => [e.data.caseId, e.data.certificateNumber, e.data.issuedAt?.toISOString()])).toEqual([
        [property.caseId, '潍房权证奎字第2026001号', releasedAt],
        [land.caseId, '潍国用（2026）第0001号', releasedAt],
      ]);
      expect((await under.getCase('705QZJJ01', property.caseId)).history.map((e) => e.action)).toEqual([
        'opened',
        'review',
        'approve',
        'fees_paid',
        'issue',
        'agree_pickup',
        'bundle_issued',
      ]);

      // Completed early, collected early: before the agreed time, at the bundle's window.
      expect(clock.now().getTime()).toBeLessThan(pickupAt.getTime());
      await expect(
        under.act('705QZJJ01', { caseId: property.caseId, ...atWindow(under.demo.windows['district/B01']) }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: detailsWith('action.deliver.window_id') });
      for (const [opened, clerk] of [
        [property, '705QZJJ01'],
        [land, '705ZRZY01'],
      ] as const) {
        const delivered = await under.act(clerk, { caseId: opened.caseId, ...atWindow() });
        expect(delivered.case?.delivery?.windowId).toBe(B03());
        const done = await under.act(clerk, { caseId: opened.caseId, complete: { note: '申请人已领取两证' } });
        expect(done.case?.status).toBe(caseV1.CaseStatus.CASE_STATUS_COMPLETED);
      }
      await refused(
        under.act('705QZJJ01', {
          caseId: property.caseId,
          agreePickup: { pickupAt: new Date(clock.now().getTime() + HOUR) },
        }),
        grpc.status.FAILED_PRECONDITION,
        'CASE_STATUS_COMPLETED',
      );
    });

    it("another applicant's case of the same item starts its own bundle", async () => {
      const applicant = testPerson('两证乙', ++n);
      const property = await openProperty(applicant);
      const land = await openLand(applicant);
      const other = await openProperty(testPerson('两证丙', ++n));
      const mine = (await under.getCase('705QZJJ01', property.caseId)).case!.bundle!;
      const theirs = (await under.getCase('705QZJJ01', other.caseId)).case!.bundle!;
      expect(theirs.bundleId).not.toBe(mine.bundleId);
      expect(theirs.partnerCaseIds).toEqual([]);
      expect(mine.partnerCaseIds).toEqual([land.caseId]);
      expect((await getBundle('705QZJJ01', mine.bundleId)).caseIds).toEqual([property.caseId, land.caseId]);
      expect((await getBundle('705QZJJ01', theirs.bundleId)).caseIds).toEqual([other.caseId]);
      // Alone in its bundle, the other applicant's certificate waits for its own land case.
      await decideCase(other.caseId, '705QZJJ02', '705QZJJ03');
      await feesPaid(other.caseId);
      const issued = await under.act('705QZJJ01', {
        caseId: other.caseId,
        issue: { certificateNumber: '潍房权证奎字第2026002号', validUntil: '' },
      });
      expect(issued.case?.certificates[0]?.status).toBe(CS.CERTIFICATE_STATUS_PREPARED);
      // Staff of another hall do not read the bundle; pick-up is agreed at the bundle's hall.
      await expect(getBundle('700FGW01', mine.bundleId)).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
      const pickupAt = new Date(clock.now().getTime() + 24 * HOUR);
      await refused(
        under.act('705QSCJ01', { caseId: land.caseId, agreePickup: { pickupAt } }),
        grpc.status.PERMISSION_DENIED,
        'agreed by its department',
      );
      await refused(
        under.act('700ZRZY01', { caseId: land.caseId, agreePickup: { pickupAt } }),
        grpc.status.PERMISSION_DENIED,
        'the pick-up is agreed at hall',
      );
      // Agreed by the land reviewer: the partner's entry names the reviewer's role.
      await under.act('705ZRZY02', { caseId: land.caseId, agreePickup: { pickupAt } });
      const partnerEntry = (await under.getCase('705QZJJ01', property.caseId)).history.at(-1)!;
      expect(partnerEntry).toMatchObject({
        action: 'agree_pickup',
        actorRole: 'reviewer',
        actorId: under.demo.staff['705ZRZY02'],
      });
      expect((await under.getCase('705QZJJ01', other.caseId)).case!.bundle?.pickupAt).toBeUndefined();
      await refused(
        under.act('705QZJJ01', {
          caseId: (await openJoint('非两证')).caseId,
          agreePickup: { pickupAt: new Date(clock.now().getTime() + HOUR) },
        }),
        grpc.status.FAILED_PRECONDITION,
        'not in a bundle',
      );
    });

    it('a partner accepted after the pick-up was agreed gets the agreed time too', async () => {
      const applicant = testPerson('两证丁', ++n);
      const land = await openLand(applicant);
      const pickupAt = new Date(clock.now().getTime() + 72 * HOUR);
      await under.act('705ZRZY01', { caseId: land.caseId, agreePickup: { pickupAt } });
      const property = await openProperty(applicant);
      const p = (await under.getCase('705QZJJ01', property.caseId)).case!;
      expect(p.bundle?.partnerCaseIds).toEqual([land.caseId]);
      expect(p.bundle?.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
      const { progress } = await callUnary(under.publicClient(), 'queryProgress', {
        caseNumber: property.caseNumber,
        password: property.queryPassword,
      });
      expect(progress?.pickupAt?.toISOString()).toBe(pickupAt.toISOString());
    });
  });
});
