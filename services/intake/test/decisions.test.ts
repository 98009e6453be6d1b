import { CaseEvents, catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import {
  type FakeClock,
  JetStreamBus,
  callUnary,
  eventFactory,
  uuidV7Ids,
  type EventEnvelope,
  type EventFactory,
} from '@govhall/kit';
import { sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { organisationCodeCheckChar, socialCreditCheckChar } from '../src/domain/identity';
import {
  intakeEventsOf,
  intakeEventsUntil,
  outboxDrained,
  intakeEventsOn,
  residentId,
  startIntakeForTest,
  type DemoIds,
  type IntakeEvent,
  type IntakeUnderTest,
} from './start-for-test';

const personId = (birth: string, order: string) => residentId(`370702${birth}${order}`);
const creditCode = (org8: string) => {
  const first17 = `91370700${org8}${organisationCodeCheckChar(org8)}`;
  return first17 + socialCreditCheckChar(first17);
};
const person = (name: string, idNumber: string, phone: string): pb.ApplicantInput =>
  pb.ApplicantInput.fromPartial({
    kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
    person: { name, idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber, phone },
  });
const organisation = (name: string, code: string, contactPhone: string): pb.ApplicantInput =>
  pb.ApplicantInput.fromPartial({
    kind: pb.ApplicantKind.APPLICANT_KIND_ORGANISATION,
    organisation: { name, creditCode: code, legalRepresentative: '孙立平', contactName: '周晓梅', contactPhone },
  });

const S = pb.RegistrationStatus;
const M = pb.MaterialStatus;
let seq = 0;
const rid = (p: string) => `dec-${p}-${++seq}`;
const handed = (...codes: string[]) => codes.map((code) => ({ code, copies: 1, originalChecked: true, fileRef: '' }));
/** Every personal value this file sends: none may come back in clear. */
const SENT: string[] = [];
const sent = (value: string) => (SENT.push(value), value);

type Client = pb.IntakeServiceClient;

describe('IntakeService decisions, certificates on file, agents and refusal filing', () => {
  let under: IntakeUnderTest;
  let demo: DemoIds;
  let bus: JetStreamBus;
  let caseEvents: EventFactory;
  const clients: Client[] = [];
  let front: Client; // city front desk clerk
  let scjg: Client;
  let zjj: Client;
  let wjw: Client;
  let supervisor: Client;
  let admin: Client;
  let township: Client;
  /** JSON of every answer of this file, for the masking check at the end. */
  const answers: string[] = [];

  const call = async <R>(client: Client, method: string, request: unknown): Promise<R> => {
    const answer = await (callUnary as (c: Client, m: string, r: unknown) => Promise<R>)(client, method, request);
    answers.push(JSON.stringify(answer, (key, value: unknown) => (key === 'content' ? undefined : value)));
    return answer;
  };
  /** Refused with `code`, the message naming `text` (a field path or the rule). */
  const rejected = async (promise: Promise<unknown>, code: grpc.status, text: string) => {
    await expect(promise).rejects.toMatchObject({ code });
    await expect(promise).rejects.toThrow(text);
  };

  const register = (r: Partial<pb.RegisterRequest>, client: Client = front) =>
    call<pb.RegisterResponse>(
      client,
      'register',
      pb.RegisterRequest.fromPartial({
        requestId: rid('reg'),
        hallId: demo.halls['city'],
        windowId: demo.windows['city/A01'],
        channel: pb.Channel.CHANNEL_HALL_WINDOW,
        ...r,
      }),
    ).then((x) => x.registration!);
  const foodBusiness = (applicant: pb.ApplicantInput, codes: string[], over: Partial<pb.RegisterRequest> = {}) =>
    register({
      applicant,
      itemId: demo.items['11370700SCJG000105003000'],
      situationCodes: ['COMPANY'],
      materials: handed(...codes),
      ...over,
    });
  const accept = (client: Client, registrationId: string, window: string, requestId = rid('acc')) =>
    call<pb.AcceptResponse>(client, 'accept', { requestId, registrationId, windowId: demo.windows[window]! });

  /** Waits until the stream holds events of `type` that `match`, at least `n`, and answers them. */
  const eventsOf = <T extends IntakeEvent['type']>(
    type: T,
    match: (e: Extract<IntakeEvent, { type: T }>) => boolean,
    n = 1,
  ) => intakeEventsUntil(under.region, type, match, n);

  beforeAll(async () => {
    under = await startIntakeForTest();
    demo = await under.demo();
    const client = async (no: string) => {
      const c = new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as(no));
      clients.push(c);
      return c;
    };
    front = await client('700GLB01');
    scjg = await client('700SCJG01');
    zjj = await client('700ZJJ01');
    wjw = await client('700WJW01');
    supervisor = await client('700GLB03');
    admin = await client('700GLB07');
    township = await client('001SHSW01');
    bus = await JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'test' });
    caseEvents = eventFactory({ clock: under.clock, ids: uuidV7Ids, regionCode: under.region });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await bus?.close();
    await under?.stop();
  });

  describe('certificates on file (证照库)', () => {
    const code = creditCode('MA3CDJ11');
    const applicant = organisation('潍坊鸢都建设发展有限公司', code, sent('13805360101'));
    let applicantId = '';
    const issue = (certificateId: string, name: string, number: string, department: string) =>
      caseEvents.create(CaseEvents.certificateIssued, {
        caseId: uuidV7Ids.next(),
        caseNumber: `${under.region}2026090100001`,
        certificateId,
        certificateName: name,
        certificateNumber: number,
        applicantId,
        holderName: '潍坊鸢都建设发展有限公司',
        issuingDepartmentId: '',
        issuingDepartmentName: department,
        issuedAt: new Date('2026-09-01T10:00:00+08:00'),
        validUntil: '',
      });
    const onFile = () =>
      call<pb.ListOnFileResponse>(front, 'listOnFile', {
        kind: pb.ApplicantKind.APPLICANT_KIND_ORGANISATION,
        idType: pb.IdType.ID_TYPE_UNSPECIFIED,
        idNumber: '',
        creditCode: code,
      }).then((x) => x.entries);
    const publishAndWait = async (envelope: EventEnvelope, name: string) => {
      await bus.publish(envelope);
      await waitFor(async () => (await onFile()).some((e) => e.name === name), {
        timeoutMs: 15_000,
        intervalMs: 100,
        what: `${name} on file`,
      });
    };

    it('a certificate issued by the market regulation (营业执照) stands for the food business licence material', async () => {
      // The first registration makes the applicant known to intake: its id is the holder the case service names.
      const first = await foodBusiness(applicant, ['M01', 'M03', 'M05', 'M06', 'M07']);
      applicantId = first.applicant!.id;
      expect(first.materials.find((m) => m.code === 'M02')?.status).toBe(M.MATERIAL_STATUS_MISSING);
      expect(await onFile()).toEqual([]);

      const envelope = issue('cert-yyzz-1', '营业执照', '91370700MA3CDJ110T-01', '市市场监督管理局');
      await publishAndWait(envelope, '营业执照');
      expect((await onFile()).find((e) => e.name === '营业执照')).toMatchObject({
        source: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
        reference: '91370700MA3CDJ110T-01',
        issuer: '市市场监督管理局',
      });

      const second = await foodBusiness(applicant, ['M01', 'M03', 'M05', 'M06', 'M07']);
      expect(second.applicant?.id).toBe(applicantId);
      expect(second.materials.find((m) => m.code === 'M02')).toMatchObject({
        status: M.MATERIAL_STATUS_ON_FILE,
        onFileSource: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
        onFileReference: '91370700MA3CDJ110T-01',
        onFileIssuer: '市市场监督管理局',
      });
      const accepted = await accept(scjg, second.id, 'city/B02');
      expect(accepted.registration?.status).toBe(S.REGISTRATION_STATUS_ACCEPTED);
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === second.id);
      expect(event!.data.materials.find((m) => m.code === 'M02')).toMatchObject({
        status: M.MATERIAL_STATUS_ON_FILE,
        onFileSource: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
        onFileReference: '91370700MA3CDJ110T-01',
      });
    });

    it("another department's certificate (规划许可证 of 自然资源) is not asked for again by the construction permit", async () => {
      await publishAndWait(
        issue('cert-ghxk-1', '建设工程规划许可证', '建字第370700202600123号', '市自然资源和规划局'),
        '建设工程规划许可证',
      );
      const registration = await register({
        applicant,
        itemId: demo.items['11370700ZJJ000131001000'],
        materials: handed('M01', 'M03', 'M04'),
      });
      expect(registration.departmentId).toBe(demo.departments['city/ZJJ']);
      expect(registration.materials.find((m) => m.code === 'M02')).toMatchObject({
        status: M.MATERIAL_STATUS_ON_FILE,
        onFileSource: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
        onFileReference: '建字第370700202600123号',
        onFileIssuer: '市自然资源和规划局',
      });
      const accepted = await accept(zjj, registration.id, 'city/B05');
      expect(accepted.registration?.status).toBe(S.REGISTRATION_STATUS_ACCEPTED);
      expect(accepted.queryPassword).toMatch(/^\d{6}$/);
    });

    it('the same certificate delivered twice is stored once', async () => {
      const envelope = issue('cert-yyzz-2', '食品经营许可证', 'JY13707000012345', '市市场监督管理局');
      await publishAndWait(envelope, '食品经营许可证');
      // The same envelope again: JetStream drops it by id; a producer's retry under a new envelope id reaches
      // the consumer and must not store a second row.
      expect((await bus.publish(envelope)).duplicate).toBe(true);
      const resent = { ...envelope, id: uuidV7Ids.next() };
      expect((await bus.publish(resent)).duplicate).toBe(false);
      // The consumer handles in stream order: once the marker is on file, the resent one was handled.
      await publishAndWait(issue('cert-marker', '卫生许可证', 'WS-001', '市卫生健康委员会'), '卫生许可证');
      expect((await onFile()).filter((e) => e.name === '食品经营许可证')).toHaveLength(1);
      const rows = await sql<{ n: string }>`select count(*) as n from intake.certificates
        where certificate_id = 'cert-yyzz-2'`.execute(under.database.db);
      expect(Number(rows.rows[0]!.n)).toBe(1);
    });
  });

  describe('即办件', () => {
    const applicant = organisation('潍坊鸢飞商贸有限公司', creditCode('MA3CDJ22'), sent('13805360102'));
    const companyChange = () =>
      register({
        applicant,
        itemId: demo.items['11370700SCJG000105002000'],
        situationCodes: ['SCOPE'],
        materials: handed('M01', 'M02', 'M04'),
      });
    const complete = (registrationId: string, resultNote: string, requestId = rid('ci')) =>
      call<pb.CompleteImmediatelyResponse>(scjg, 'completeImmediately', {
        requestId,
        registrationId,
        windowId: demo.windows['city/B01']!,
        resultNote,
        certificateNumber: '91370700MA3CDJ2251-02',
      });

    it('Accept is refused for an immediate item, pointing to CompleteImmediately', async () => {
      const registration = await companyChange();
      await rejected(accept(scjg, registration.id, 'city/B01'), grpc.status.FAILED_PRECONDITION, 'CompleteImmediately');
    });

    it('CompleteImmediately needs an immediate item and a result note', async () => {
      const promised = await foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07']);
      await rejected(
        call(scjg, 'completeImmediately', {
          requestId: rid('ci'),
          registrationId: promised.id,
          windowId: demo.windows['city/B02']!,
          resultNote: '已当场办结',
          certificateNumber: '',
        }),
        grpc.status.FAILED_PRECONDITION,
        '只有即办件',
      );
      const immediate = await companyChange();
      await rejected(complete(immediate.id, ''), grpc.status.INVALID_ARGUMENT, 'result_note');
    });

    it('completes on the spot: COMPLETED with case number and password, completed_immediately with the whole item', async () => {
      const registration = await companyChange();
      const done = await complete(registration.id, '经营范围变更登记已办结，当场换发营业执照');
      expect(done.registration?.status).toBe(S.REGISTRATION_STATUS_COMPLETED);
      expect(done.registration?.acceptance?.caseNumber).toMatch(new RegExp(`^${under.region}20261012\\d{5}$`));
      expect(done.registration?.acceptance?.completedAt?.toISOString()).toBe(under.clock.now().toISOString());
      expect(done.queryPassword).toMatch(/^\d{6}$/);
      const [event] = await eventsOf(
        'intake.application.completed_immediately',
        (e) => e.data.registrationId === registration.id,
      );
      expect(event!.envelope.caseId).toBe(done.registration?.acceptance?.caseId);
      expect(event!.data.item).toMatchObject({
        id: registration.itemId,
        version: registration.itemVersion,
        content: { name: '企业变更登记（住所、注册资本、经营范围）', caseType: items.CaseType.CASE_TYPE_IMMEDIATE },
      });
      expect(event!.data.item?.content?.materials.map((m) => m.code)).toEqual(['M01', 'M02', 'M03', 'M04']);
      expect(event!.data.resultNote).toBe('经营范围变更登记已办结，当场换发营业执照');
      expect(event!.data.certificateNumber).toBe('91370700MA3CDJ2251-02');
      expect(
        (await intakeEventsOf(under.region, 'intake.application.accepted')).map((e) => e.data.registrationId),
      ).not.toContain(registration.id);
    });
  });

  describe('query password reissue', () => {
    it('issues a new password: the old one no longer prints, the new one does; a replay answers none', async () => {
      const applicant = person('刘晓燕', sent(personId('19880312', '024')), sent('13805360105'));
      const registration = await foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07']);
      const accepted = await accept(scjg, registration.id, 'city/B02');
      const old = accepted.queryPassword;
      const request = { requestId: rid('rp'), registrationId: registration.id, windowId: demo.windows['city/B02']! };
      const reissued = await call<pb.ReissueQueryPasswordResponse>(scjg, 'reissueQueryPassword', request);
      expect(reissued.queryPassword).toMatch(/^\d{6}$/);
      expect(reissued.registration?.acceptance?.queryPasswordIssues).toBe(2);
      const render = (queryPassword: string) =>
        call<pb.RenderDocumentResponse>(front, 'renderDocument', {
          registrationId: registration.id,
          kind: pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE,
          format: pb.DocumentFormat.DOCUMENT_FORMAT_HTML,
          queryPassword,
          sequence: 0,
        });
      if (old !== reissued.queryPassword) await rejected(render(old), grpc.status.INVALID_ARGUMENT, 'query_password');
      const html = Buffer.from((await render(reissued.queryPassword)).content).toString('utf8');
      expect(html).toContain(reissued.queryPassword);
      const replay = await call<pb.ReissueQueryPasswordResponse>(scjg, 'reissueQueryPassword', request);
      expect(replay.queryPassword).toBe('');
      expect(replay.registration?.version).toBe(reissued.registration?.version);
      const events = await eventsOf(
        'intake.application.query_password_reissued',
        (e) => e.data.caseId === accepted.registration?.acceptance?.caseId,
      );
      expect(events).toHaveLength(1);
      expect(events[0]!.data.queryPasswordHash).toMatch(/^scrypt\$/);
      expect(events[0]!.data.caseNumber).toBe(accepted.registration?.acceptance?.caseNumber);
      // A registration not yet accepted has no password to reissue.
      const waiting = await foodBusiness(applicant, ['M01']);
      await rejected(
        call(scjg, 'reissueQueryPassword', { ...request, requestId: rid('rp'), registrationId: waiting.id }),
        grpc.status.FAILED_PRECONDITION,
        '重置查询密码',
      );
    });
  });

  describe('refusals: written reason, filing (否定报备), retries', () => {
    const applicant = person('王海涛', sent(personId('19790521', '035')), sent('13805360106'));
    let refusedId = '';

    it('a retried Refuse or RequestSupplement changes nothing: same answer, one event', async () => {
      const registration = await foodBusiness(applicant, ['M01', 'M03', 'M05', 'M06', 'M07']);
      const supplement = {
        requestId: rid('s'),
        registrationId: registration.id,
        windowId: demo.windows['city/B02']!,
        entries: [
          {
            materialCode: 'M02',
            materialName: '',
            problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
            reason: '请提交营业执照复印件并出示原件',
          },
        ],
      };
      const first = await call<pb.RequestSupplementResponse>(scjg, 'requestSupplement', supplement);
      const again = await call<pb.RequestSupplementResponse>(scjg, 'requestSupplement', supplement);
      expect(again).toEqual(first);
      expect(first.registration?.status).toBe(S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED);
      expect(first.registration?.supplementNotices[0]?.entries[0]?.materialName).toBe('营业执照');

      const refuse = {
        requestId: rid('f'),
        registrationId: registration.id,
        windowId: demo.windows['city/B02']!,
        reason: '申请人未取得营业执照，不具备申请食品经营许可的主体资格',
        legalBasis: '《食品经营许可和备案管理办法》第十二条',
      };
      const refused = await call<pb.RefuseResponse>(scjg, 'refuse', refuse);
      const replay = await call<pb.RefuseResponse>(scjg, 'refuse', refuse);
      expect(replay).toEqual(refused);
      expect(refused.registration?.status).toBe(S.REGISTRATION_STATUS_REFUSED);
      expect(refused.registration?.refusal?.filedAt?.toISOString()).toBe(under.clock.now().toISOString());
      refusedId = registration.id;

      const [event] = await eventsOf('intake.application.refused', (e) => e.data.registrationId === registration.id);
      expect(event!.data.refusal?.reason).toBe(refuse.reason);
      expect(event!.data.refusal?.legalBasis).toBe(refuse.legalBasis);
      await outboxDrained(under);
      const all = await intakeEventsOn(under.region);
      const mine = (type: string) =>
        all.filter(
          (e) => e.type === type && (e.data as { registrationId?: string }).registrationId === registration.id,
        );
      expect(mine('intake.application.refused')).toHaveLength(1);
      expect(mine('intake.application.supplement_requested')).toHaveLength(1);
    });

    it('supplement_requested then resubmitted, in order', async () => {
      const registration = await foodBusiness(applicant, ['M01', 'M03', 'M05', 'M06', 'M07']);
      const w = demo.windows['city/B02']!;
      await call(scjg, 'requestSupplement', {
        requestId: rid('s'),
        registrationId: registration.id,
        windowId: w,
        entries: [
          {
            materialCode: 'M02',
            materialName: '',
            problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
            reason: '请提交营业执照复印件',
          },
        ],
      });
      const back = await call<pb.ResubmitResponse>(scjg, 'resubmit', {
        requestId: rid('r'),
        registrationId: registration.id,
        windowId: w,
        materials: handed('M02'),
      });
      expect(back.registration?.status).toBe(S.REGISTRATION_STATUS_REGISTERED);
      await eventsOf('intake.application.resubmitted', (e) => e.data.registrationId === registration.id);
      const all = await intakeEventsOn(under.region);
      const order = all
        .filter((e) => (e.data as { registrationId?: string }).registrationId === registration.id)
        .map((e) => e.type);
      expect(order).toEqual([
        'intake.application.registered',
        'intake.application.supplement_requested',
        'intake.application.resubmitted',
      ]);
      const resubmitted = all.find(
        (e): e is Extract<IntakeEvent, { type: 'intake.application.resubmitted' }> =>
          e.type === 'intake.application.resubmitted' && e.data.registrationId === registration.id,
      )!;
      expect(resubmitted.data).toMatchObject({ noticeSequence: 1, materialCodes: ['M02'] });
    });

    it('ListRefusals: supervisors and administrators of the hall see a date range; clerks may not; at most 366 days', async () => {
      const list = (client: Client, fromDate: string, toDate: string) =>
        call<pb.ListRefusalsResponse>(client, 'listRefusals', { hallId: demo.halls['city']!, fromDate, toDate });
      const today = await list(supervisor, '2026-10-12', '2026-10-12');
      const filed = today.registrations.find((r) => r.id === refusedId);
      expect(filed?.refusal?.filedAt).toBeDefined();
      expect(filed?.refusal?.reason).toContain('主体资格');
      expect((await list(admin, '2026-10-01', '2026-10-31')).registrations.map((r) => r.id)).toContain(refusedId);
      expect((await list(supervisor, '2026-10-13', '2026-10-20')).registrations).toEqual([]);
      expect((await list(supervisor, '2026-01-01', '2027-01-01')).registrations.map((r) => r.id)).toContain(refusedId);
      await rejected(list(front, '2026-10-12', '2026-10-12'), grpc.status.PERMISSION_DENIED, '');
      await rejected(list(supervisor, '2026-01-01', '2027-01-02'), grpc.status.INVALID_ARGUMENT, 'to_date');
      await rejected(list(supervisor, '2026-10-12', '2026-10-11'), grpc.status.INVALID_ARGUMENT, 'to_date');
      await rejected(list(supervisor, '2026-13-45', '2026-10-12'), grpc.status.INVALID_ARGUMENT, 'from_date');
      await rejected(list(supervisor, '2026-02-30', '2026-10-12'), grpc.status.INVALID_ARGUMENT, 'from_date');
    });
  });

  describe('agents (代办员) and channels', () => {
    const agentInput = (name: string, idNumber: string, appointedFrom: string, appointedUntil = '') => ({
      requestId: rid('agent'),
      agent: {
        hallId: demo.halls['city']!,
        kind: pb.AgentKind.AGENT_KIND_AGENT,
        name,
        idNumber: sent(idNumber),
        phone: sent(`1380536${String(2000 + seq).slice(-4)}`),
        community: '奎文区北关街道东关社区',
        regionCode: '370705001',
        appointedFrom,
        appointedUntil,
      },
    });
    let appointed: pb.Agent;
    let later: pb.Agent;

    it('administrators of the hall register agents (ID masked) and list them by appointment date', async () => {
      const input = agentInput('陈美玲', personId('19750815', '046'), '2026-01-01', '2026-12-31');
      await rejected(call(front, 'registerAgent', input), grpc.status.PERMISSION_DENIED, '');
      appointed = (await call<pb.RegisterAgentResponse>(admin, 'registerAgent', input)).agent!;
      expect(appointed.idNumberMasked).toBe(`370702********${input.agent.idNumber.slice(-4)}`);
      expect(appointed.phoneMasked).toMatch(/^138\*{4}\d{4}$/);
      later = (
        await call<pb.RegisterAgentResponse>(
          admin,
          'registerAgent',
          agentInput('李振华', personId('19800101', '057'), '2026-11-01'),
        )
      ).agent!;
      await rejected(
        call(admin, 'registerAgent', agentInput('赵雅琴', personId('19820202', '068'), '2026-13-01')),
        grpc.status.INVALID_ARGUMENT,
        'agent.appointed_from',
      );
      const listed = (on: string) =>
        call<pb.ListAgentsResponse>(front, 'listAgents', { hallId: demo.halls['city']!, appointedOn: on }).then((x) =>
          x.agents.map((a) => a.id),
        );
      expect(await listed('2026-10-12')).toEqual([appointed.id]);
      expect((await listed('')).sort()).toEqual([appointed.id, later.id].sort());
      expect((await listed('2026-11-15')).sort()).toEqual([appointed.id, later.id].sort());
      await rejected(listed('12/10/2026'), grpc.status.INVALID_ARGUMENT, 'appointed_on');
      await rejected(
        call(township, 'listAgents', { hallId: demo.halls['city']!, appointedOn: '' }),
        grpc.status.PERMISSION_DENIED,
        '',
      );
    });

    it('CHANNEL_AGENT needs an agent of the hall appointed today; the registration names the agent', async () => {
      const applicant = person('张桂兰', sent(personId('19450309', '024')), sent('13805360107'));
      const viaAgent = (agentId: string) =>
        foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'], {
          channel: pb.Channel.CHANNEL_AGENT,
          agentId,
        });
      await rejected(viaAgent(''), grpc.status.INVALID_ARGUMENT, 'agent_id');
      await rejected(viaAgent(later.id), grpc.status.INVALID_ARGUMENT, 'agent_id');
      await rejected(viaAgent('no-such-agent'), grpc.status.INVALID_ARGUMENT, 'agent_id');
      const registration = await viaAgent(appointed.id);
      expect(registration).toMatchObject({
        channel: pb.Channel.CHANNEL_AGENT,
        agentId: appointed.id,
        agentName: '陈美玲',
        agentKind: pb.AgentKind.AGENT_KIND_AGENT,
      });
      const accepted = await accept(scjg, registration.id, 'city/B02');
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === registration.id);
      expect(event!.data.agentId).toBe(appointed.id);
      expect(event!.data.channel).toBe(pb.Channel.CHANNEL_AGENT);
      expect(accepted.registration?.agentName).toBe('陈美玲');
    });

    it('CHANNEL_ONLINE_PRE_REVIEW needs the portal reference', async () => {
      const applicant = person('何建平', sent(personId('19900606', '013')), sent('13805360108'));
      await rejected(
        foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'], {
          channel: pb.Channel.CHANNEL_ONLINE_PRE_REVIEW,
        }),
        grpc.status.INVALID_ARGUMENT,
        'pre_review_reference',
      );
      const registration = await foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'], {
        channel: pb.Channel.CHANNEL_ONLINE_PRE_REVIEW,
        preReviewReference: 'WSYS2026101200017',
      });
      expect(registration.preReviewReference).toBe('WSYS2026101200017');
    });
  });

  describe('the accepted event carries what the case service needs', () => {
    it('case id, the whole pinned item, materials, promise, hall/department/window/handler, password hash', async () => {
      const applicant = person('孙丽娟', sent(personId('19861120', '082')), sent('13805360109'));
      const registration = await foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06', 'M07']);
      const accepted = await accept(scjg, registration.id, 'city/B02');
      const acceptance = accepted.registration!.acceptance!;
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === registration.id);
      const e = event!;
      expect(e.envelope.caseId).toBe(acceptance.caseId);
      expect(e.data.caseId).toBe(acceptance.caseId);
      expect(e.data.caseNumber).toBe(acceptance.caseNumber);
      expect(e.data.item?.id).toBe(registration.itemId);
      expect(e.data.item?.version).toBe(registration.itemVersion);
      expect(e.data.item?.content?.name).toBe('食品经营许可');
      expect(e.data.item?.content?.promisedLimit?.amount).toBe(5);
      expect(e.data.item?.content?.materials).toHaveLength(7);
      expect(e.data.materials.map((m) => [m.code, m.status])).toEqual(
        ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'].map((c) => [c, M.MATERIAL_STATUS_SUBMITTED]),
      );
      expect(e.data.promisedAt?.toISOString()).toBe(acceptance.promisedAt?.toISOString());
      expect(acceptance.promisedDate).toBe('2026-10-19');
      expect(e.data).toMatchObject({
        hallId: demo.halls['city'],
        departmentId: demo.departments['city/SCJG'],
        windowId: demo.windows['city/B02'],
        handlerStaffId: demo.staff['700SCJG01'],
        applicantId: registration.applicant?.id,
        channel: pb.Channel.CHANNEL_HALL_WINDOW,
      });
      expect(e.data.queryPasswordHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$/);
      expect(e.data.reported).toBeUndefined();
    });

    it('a 上报件 (高龄津贴, township) is accepted with its upper authority on the event', async () => {
      const applicant = person('马秀珍', sent(personId('19400118', '027')), sent('13805360110'));
      const registration = await register(
        {
          hallId: demo.halls['township'],
          windowId: demo.windows['township/A01'],
          channel: pb.Channel.CHANNEL_TOWNSHIP,
          applicant,
          itemId: demo.items['11370705001SHSW000125001000'],
          materials: handed('M01', 'M02', 'M03'),
        },
        township,
      );
      const accepted = await accept(township, registration.id, 'township/A01');
      expect(accepted.registration?.acceptance?.reported?.upperAuthority).toBe('奎文区民政局');
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === registration.id);
      expect(event!.data.reported).toMatchObject({ upperAuthority: '奎文区民政局' });
      expect(event!.data.hallId).toBe(demo.halls['township']);
    });

    it("市县联动: the city bureau's 食品生产许可 is accepted at the district's B01 by its 对口 market regulation clerk", async () => {
      const districtClient = async (no: string) => {
        const c = new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as(no));
        clients.push(c);
        return c;
      };
      const qscj = await districtClient('705QSCJ01');
      const qzjj = await districtClient('705QZJJ01');
      const applicant = organisation('潍坊乐港食品有限公司', creditCode('MA3CDJ55'), sent('13805360111'));
      const registration = await register(
        {
          hallId: demo.halls['district'],
          windowId: demo.windows['district/A01'],
          applicant,
          itemId: demo.items['11370700SCJG000105004000'],
          materials: handed('M01', 'M02', 'M03', 'M04', 'M05'),
        },
        qscj,
      );
      expect(registration).toMatchObject({
        hallId: demo.halls['district'],
        departmentId: demo.departments['city/SCJG'],
      });
      // A district clerk of an unrelated department: neither at the market regulation window nor at their own.
      await rejected(
        accept(qzjj, registration.id, 'district/B01'),
        grpc.status.PERMISSION_DENIED,
        '只有事项所属部门的窗口工作人员',
      );
      await rejected(
        accept(qzjj, registration.id, 'district/B03'),
        grpc.status.PERMISSION_DENIED,
        '该窗口不承办本事项所属部门的业务',
      );
      const accepted = await accept(qscj, registration.id, 'district/B01');
      expect(accepted.registration?.status).toBe(S.REGISTRATION_STATUS_ACCEPTED);
      expect(accepted.registration?.acceptance).toMatchObject({
        windowId: demo.windows['district/B01'],
        handlerStaffId: demo.staff['705QSCJ01'],
      });
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === registration.id);
      expect(event!.data).toMatchObject({
        hallId: demo.halls['district'],
        departmentId: demo.departments['city/SCJG'],
        windowId: demo.windows['district/B01'],
        handlerStaffId: demo.staff['705QSCJ01'],
      });
      expect(event!.data.item?.content?.name).toBe('食品生产许可');
    });
  });

  describe('容缺受理', () => {
    // 公共场所卫生许可: 容缺 only for 招商引资 projects.
    const hygiene = (applicant: pb.ApplicantInput, project?: pb.ProjectInput) =>
      register({
        applicant,
        itemId: demo.items['11370700WJW000118001000'],
        situationCodes: ['NEW'],
        materials: handed('M01', 'M02', 'M03'),
        ...(project ? { project } : {}),
      });
    const acceptMissing = (registrationId: string, requestId = rid('am')) =>
      call<pb.AcceptWithMissingResponse>(wjw, 'acceptWithMissing', {
        requestId,
        registrationId,
        windowId: demo.windows['city/B11']!,
        missingMaterialCodes: ['M04'],
        commitment: { signedBy: '周晓梅', statement: '' },
      });

    it('refuses an applicant outside the policy, quoting the rule; accepts one of an eligible key project', async () => {
      const applicant = organisation('潍坊白浪河酒店管理有限公司', creditCode('MA3CDJ33'), sent('13805360103'));
      const plain = await hygiene(applicant);
      await rejected(acceptMissing(plain.id), grpc.status.FAILED_PRECONDITION, '容缺受理仅限招商引资项目');
      const wrong = await hygiene(applicant, {
        name: '潍坊滨海乡村振兴帮扶项目',
        category: items.ProjectCategory.PROJECT_CATEGORY_POVERTY_ALLEVIATION,
        directorStaffId: '',
      });
      await rejected(acceptMissing(wrong.id), grpc.status.FAILED_PRECONDITION, '潍坊滨海乡村振兴帮扶项目');
      const eligible = await hygiene(applicant, {
        name: '潍坊滨海文旅综合体招商项目',
        category: items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION,
        directorStaffId: '',
      });
      const ok = await acceptMissing(eligible.id);
      expect(ok.registration?.status).toBe(S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING);
      expect(ok.registration?.materials.find((m) => m.code === 'M04')?.supplementDueAt).toBeDefined();
      const [event] = await eventsOf('intake.application.accepted', (e) => e.data.registrationId === eligible.id);
      expect(event!.data.commitment?.signedBy).toBe('周晓梅');
      expect(event!.data.materials.find((m) => m.code === 'M04')).toMatchObject({ acceptedMissing: true });
      expect(event!.data.projectCategory).toBe(items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION);
    });

    let overdueCase = '';
    let supplementDueAt: Date;
    let suppliedCase = '';
    it('supplies the missing material: all_supplied and missing_materials_supplied', async () => {
      const applicant = organisation('潍坊风筝文化传播有限公司', creditCode('MA3CDJ44'), sent('13805360104'));
      const due = await hygiene(applicant, {
        name: '潍坊风筝小镇招商项目',
        category: items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION,
        directorStaffId: '',
      });
      supplementDueAt = (await acceptMissing(due.id)).registration!.acceptance!.commitment!.supplementDueAt!;
      // 1 working day (后补时限) from Monday morning: by the end of Tuesday's working hours.
      expect(supplementDueAt.toISOString()).toBe('2026-10-13T09:30:00.000Z');
      overdueCase = due.id;

      const other = await foodBusiness(applicant, ['M01', 'M02', 'M03', 'M05', 'M06']);
      await call(scjg, 'acceptWithMissing', {
        requestId: rid('am'),
        registrationId: other.id,
        windowId: demo.windows['city/B02']!,
        missingMaterialCodes: ['M07'],
        commitment: { signedBy: '周晓梅', statement: '' },
      });
      suppliedCase = other.id;
      const supply = (codes: string[]) =>
        call<pb.SupplyMissingMaterialsResponse>(scjg, 'supplyMissingMaterials', {
          requestId: rid('sup'),
          registrationId: other.id,
          windowId: demo.windows['city/B02']!,
          materials: handed(...codes),
        });
      await rejected(supply(['M01']), grpc.status.INVALID_ARGUMENT, 'materials[0].code');
      const all = await supply(['M07']);
      expect(all.allSupplied).toBe(true);
      expect(all.registration?.materials.find((m) => m.code === 'M07')).toMatchObject({
        status: M.MATERIAL_STATUS_SUBMITTED,
      });
      expect(all.registration?.acceptance?.commitment?.allSuppliedAt).toBeDefined();
      await rejected(supply(['M07']), grpc.status.INVALID_ARGUMENT, '已补交');
      const [event] = await eventsOf(
        'intake.application.missing_materials_supplied',
        (e) => e.data.registrationId === other.id,
      );
      expect(event!.data).toMatchObject({ materialCodes: ['M07'], allSupplied: true });
      expect(event!.envelope.caseId).toBe(all.registration?.acceptance?.caseId);
    });

    // Moves the clock: kept the last of the file's tests that depend on today (see the describe order).
    it('the overdue sweep reports a case past its supplement deadline once; a supplied case never', async () => {
      const sweep = () => under.running.intake.sweepOverdueSupplements();
      expect(await sweep()).toBe(0);
      (under.clock as FakeClock).advance(14 * 86_400_000);
      await sweep();
      await sweep();
      const events = await eventsOf(
        'intake.application.missing_materials_overdue',
        (e) => e.data.registrationId === overdueCase,
      );
      await outboxDrained(under);
      const all = await intakeEventsOf(under.region, 'intake.application.missing_materials_overdue');
      expect(all.filter((e) => e.data.registrationId === overdueCase)).toHaveLength(1);
      expect(all.filter((e) => e.data.registrationId === suppliedCase)).toHaveLength(0);
      expect(events[0]!.data.materialCodes).toEqual(['M04']);
      expect(events[0]!.data.supplementDueAt?.toISOString()).toBe(supplementDueAt.toISOString());
      const { registration } = await call<pb.GetRegistrationResponse>(wjw, 'getRegistration', {
        id: overdueCase,
        number: '',
        caseNumber: '',
      });
      expect(registration?.acceptance?.commitment?.overdueAt).toBeDefined();
      expect(await sweep()).toBe(0);
    });
  });
  describe('personal data', () => {
    it('no answer of this file carries an 18-digit ID or an 11-digit mobile in clear', () => {
      expect(answers.length).toBeGreaterThan(40);
      const all = answers.join('\n');
      expect(all.match(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g)).toBeNull();
      expect(all.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g)).toBeNull();
      for (const value of SENT) expect(all).not.toContain(value);
    });
  });
});
