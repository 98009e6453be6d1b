import { GrpcCatalogue } from '@govhall/catalogue-client';
import { caseV1, catalogueItemsV1 } from '@govhall/contracts';
import { demoIdsOf, demoStaffOf, signAsStaff, startDemoCatalogue, type DemoIds } from '@govhall/intake/testing';
import {
  JetStreamBus,
  Services,
  bearerInterceptor,
  callUnary,
  sourcedStreamFor,
  sourcedStreamName,
  streamFor,
  systemClock,
  type TokenSigner,
} from '@govhall/kit';
import {
  createTestDatabase,
  readStream,
  sharedNatsUrl,
  startNatsHubAndLeaf,
  waitFor,
  type NatsHubAndLeaf,
  type TestDatabase,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { testCallerKey, type CatalogueUnderTest } from '../../catalogue/test/start-for-test';
import { loadCaseConfig } from '../src/config';
import { startCase, type RunningCase } from '../src/main';
import { refused } from './case-test-helpers';
import {
  FOOD_PRODUCTION,
  acceptanceAt,
  publishAcceptance,
  startCaseProcess,
  type CaseProcess,
} from './cross-tier-fixtures';
import { startCaseForTest, type CaseUnderTest } from './start-for-test';

const CS = caseV1.CaseStatus;
const Stage = catalogueItemsV1.ProcessStage;
const containing = (text: string) => expect.stringContaining(text) as string;

describe('市县联动 in one deployment (SERVED_REGIONS *)', () => {
  let under: CaseUnderTest;
  let bus: JetStreamBus;
  let catalogue: GrpcCatalogue;
  beforeAll(async () => {
    under = await startCaseForTest({ servedRegions: '*' });
    bus = await JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'cross-tier-test' });
    catalogue = new GrpcCatalogue({ address: under.intake.catalogueAddress });
  }, 120_000);
  afterAll(async () => {
    catalogue?.close();
    await bus?.close();
    await under?.stop();
  });

  it('district accepts and pre-reviews, the city reviews, verifies, approves and issues: one number, one history', async () => {
    const { demo } = under;
    const district = demo.halls['district']!;
    const city = demo.halls['city']!;
    // Through intake: the district's market regulation bureau carries the city's (对口上级部门) and accepts.
    const registered = await under.openCase({
      item: FOOD_PRODUCTION,
      hall: 'district',
      // The district has no front-desk staff in the demo: its clerk registers at the front desk window.
      frontDesk: '705QSCJ01',
      frontWindow: 'A01',
      clerk: '705QSCJ01',
      acceptWindow: 'B01',
    });
    const caseId = registered.caseId;
    const accepted = {
      caseId,
      caseNumber: registered.caseNumber,
      promisedAt: (await under.getCase('705QSCJ01', caseId)).case!.promisedAt,
    };

    const opened = (await under.getCase('705QSCJ02', caseId)).case!;
    expect(opened).toMatchObject({
      caseNumber: accepted.caseNumber,
      status: CS.CASE_STATUS_IN_PROGRESS,
      currentStage: 'PROCESS_STAGE_PRE_REVIEW',
      acceptingHallId: district,
      acceptingDepartmentId: demo.departments['district/QSCJ'],
      approvingHallId: city,
      approvingDepartmentId: demo.departments['city/SCJG'],
      currentHallId: district,
      promisedAt: accepted.promisedAt,
    });
    // 初审 is the district's: in its to-do list, not the city's.
    const todoOf = async (employeeNo: string, hallId: string) =>
      (
        await callUnary(await under.client(employeeNo), 'listTodo', {
          hallId,
          staffId: '',
          windowId: '',
          departmentId: '',
          pageSize: 50,
          pageToken: '',
        })
      ).items
        .filter((t) => t.caseId === caseId)
        .map((t) => t.stage);
    expect(await todoOf('705QSCJ02', district)).toEqual(['PROCESS_STAGE_PRE_REVIEW']);
    expect(await todoOf('700SCJG02', city)).toEqual([]);
    // The city cannot review before the district hands it up: 初审 is the district's step.
    await refused(
      under.act('700SCJG02', { caseId, review: { opinion: '提前审核', attachments: [] } }),
      grpc.status.PERMISSION_DENIED,
      `of hall ${district}; the caller is of department`,
    );

    const handedUp = await under.act('705QSCJ02', {
      caseId,
      review: { opinion: '初审通过：材料齐全，符合法定形式，报市级审批', attachments: [] },
    });
    expect(handedUp.case).toMatchObject({
      status: CS.CASE_STATUS_IN_PROGRESS,
      currentStage: 'PROCESS_STAGE_REVIEW',
      currentHallId: city,
      handoff: {
        fromHallId: district,
        fromRegionCode: '370705',
        toHallId: city,
        toRegionCode: '370700',
        status: caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED,
        remote: false,
      },
    });
    expect(await todoOf('705QSCJ02', district)).toEqual([]);
    expect(await todoOf('700SCJG02', city)).toEqual(['PROCESS_STAGE_REVIEW']);

    // The district has handed it on: its staff can no longer act on it.
    await refused(
      under.act('705QSCJ02', { caseId, review: { opinion: '再审一次', attachments: [] } }),
      grpc.status.PERMISSION_DENIED,
      `hall ${city}`,
    );
    await refused(
      under.act('705QSCJ03', { caseId, approve: { opinion: '准予许可', attachments: [], upperAuthority: '' } }),
      grpc.status.FAILED_PRECONDITION,
    );

    await under.act('700SCJG02', { caseId, review: { opinion: '现场核查合格', attachments: [] } });
    await under.act('700SCJG03', { caseId, verify: { opinion: '核准', attachments: [] } });
    await under.act('700SCJG04', { caseId, approve: { opinion: '准予许可', attachments: [], upperAuthority: '' } });
    await under.act('700SCJG01', {
      caseId,
      issue: { certificateNumber: 'SC10637070500001', validUntil: '2031-10-11' },
    });
    await under.act('700SCJG01', {
      caseId,
      deliver: {
        method: caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS,
        windowId: '',
        expressCompany: '中国邮政EMS',
        trackingNumber: '1187654321098',
      },
    });
    const done = await under.act('700SCJG01', { caseId, complete: { note: '' } });
    expect(done.case).toMatchObject({
      status: CS.CASE_STATUS_COMPLETED,
      caseNumber: accepted.caseNumber,
      promisedAt: accepted.promisedAt,
    });

    // One history, read the same from both halls; the chain holds.
    const atCity = await under.getCase('700SCJG02', caseId);
    const atDistrict = await under.getCase('705QSCJ02', caseId);
    expect(atDistrict.history).toEqual(atCity.history);
    expect(atCity.history.map((e) => [e.action, e.hallId])).toEqual([
      ['opened', district],
      ['pre_review', district],
      ['hand_up', district],
      ['review', city],
      ['verify', city],
      ['approve', city],
      ['issue', city],
      ['deliver', city],
      ['complete', city],
    ]);
    expect(atCity.history[2]).toMatchObject({ actorRole: 'system', detail: containing('remote=false') });
    expect(await callUnary(await under.client('700SCJG02'), 'verifyActionLog', { caseId })).toMatchObject({
      intact: true,
      entries: 9,
    });

    // Both halls list it (ListCases by hall).
    for (const [employeeNo, hallId] of [
      ['705QSCJ02', district],
      ['700SCJG02', city],
    ] as const) {
      const { cases } = await callUnary(await under.client(employeeNo), 'listCases', {
        hallId,
        departmentId: '',
        status: CS.CASE_STATUS_UNSPECIFIED,
        pageSize: 200,
        pageToken: '',
      });
      expect(cases.filter((c) => c.caseId === caseId)).toEqual([
        expect.objectContaining({
          caseNumber: accepted.caseNumber,
          status: CS.CASE_STATUS_COMPLETED,
          acceptingHallId: district,
          currentHallId: city,
        }),
      ]);
    }
  });
});

// The demo's real region codes: these servers are the test's own, nobody else's events are on them.
const CITY = '370700';
const DISTRICT = '370705';
const LOG_LEVEL = process.env['TEST_LOG_LEVEL'] ?? 'silent';

describe('市县联动 across two deployments (hub and leaf)', () => {
  let net: NatsHubAndLeaf;
  const databases: TestDatabase[] = [];
  let catalogue: CatalogueUnderTest;
  let reader: GrpcCatalogue;
  let ids: DemoIds;
  let signer: TokenSigner;
  let cityEnv: Record<string, string>;
  let districtEnv: Record<string, string>;
  let city: CaseProcess | undefined;
  let district: RunningCase | undefined;
  let leafBus: JetStreamBus;

  /** The city's hand-off copy (the district's requests) and the district's (the city's reports). */
  const atCity = sourcedStreamName(Services.case, DISTRICT, CITY);
  const atDistrict = sourcedStreamName(Services.case, CITY, DISTRICT);

  const clients: grpc.Client[] = [];
  /** One client per service address and staff member (the waits below ask many times). */
  const callers = new Map<string, caseV1.CaseServiceClient>();
  const client = async (address: string, employeeNo: string) => {
    let c = callers.get(`${address} ${employeeNo}`);
    if (!c) {
      const s = await demoStaffOf(catalogue.running, employeeNo);
      const token = await signAsStaff(signer, s, s.hallId === ids.halls['city'] ? CITY : DISTRICT);
      c = new caseV1.CaseServiceClient(address, grpc.credentials.createInsecure(), {
        interceptors: [bearerInterceptor(token)],
      });
      callers.set(`${address} ${employeeNo}`, c);
      clients.push(c);
    }
    return c;
  };
  const cityAddress = () => city!.address;
  const districtAddress = () => `127.0.0.1:${district!.grpcPort}`;
  let serial = 0;
  const act = async (address: string, employeeNo: string, request: Partial<caseV1.ActRequest>) =>
    callUnary(
      await client(address, employeeNo),
      'act',
      caseV1.ActRequest.fromPartial({ requestId: `act-${Date.now().toString(36)}-${++serial}`, ...request }),
    );
  const getCase = async (address: string, employeeNo: string, caseId: string) =>
    callUnary(await client(address, employeeNo), 'getCase', { caseId, caseNumber: '' });

  const listedAt = async (address: string, employeeNo: string, hallId: string) =>
    (
      await callUnary(await client(address, employeeNo), 'listCases', {
        hallId,
        departmentId: '',
        status: CS.CASE_STATUS_UNSPECIFIED,
        pageSize: 200,
        pageToken: '',
      })
    ).cases;

  /** What a durable consumer of a stream has left: undelivered plus unacknowledged messages. */
  const consumerBacklog = async (url: string, stream: string, durable: string): Promise<number> => {
    const nc = await connect({ servers: url, name: 'cross-tier-inspect' });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
      return info.num_pending + info.num_ack_pending;
    } finally {
      await nc.close();
    }
  };
  const deleteConsumer = async (url: string, stream: string, durable: string): Promise<void> => {
    const nc = await connect({ servers: url, name: 'cross-tier-admin' });
    try {
      await (await jetstreamManager(nc)).consumers.delete(stream, durable);
    } finally {
      await nc.close();
    }
  };
  const handoffDurable = (stream: string) => `case-handoffs-${stream.toLowerCase()}`;

  beforeAll(async () => {
    net = await startNatsHubAndLeaf({ hubDomain: 'city-370700', leafDomain: 'district-370705' });
    const [cityDb, districtDb] = await Promise.all([createTestDatabase('city'), createTestDatabase('district')]);
    databases.push(cityDb, districtDb);
    const callerKey = testCallerKey();
    const { trustedKeysFile } = callerKey;
    signer = callerKey.key.signer();

    // The catalogue serves both tiers; it runs at the city, on the hub.
    catalogue = await startDemoCatalogue({
      databaseUrl: cityDb.url,
      natsUrl: net.hubUrl,
      region: CITY,
      callerKey,
      testYearsAt: systemClock.now(),
    });
    ids = await demoIdsOf(catalogue.running);
    const catalogueAddress = catalogue.address;
    reader = new GrpcCatalogue({ address: catalogueAddress });

    // What the operator does once per pair of tiers (deploy/nats/sources.md), as admin: each tier's case stream,
    // and the copies of the other tier's hand-off subjects.
    const hubAdmin = await JetStreamBus.connect({ servers: net.hubUrl, name: 'admin-city' });
    leafBus = await JetStreamBus.connect({ servers: net.leafUrl, name: 'admin-district' });
    try {
      await hubAdmin.ensureStream(streamFor(Services.case, CITY));
      await leafBus.ensureStream(streamFor(Services.case, DISTRICT));
      await hubAdmin.ensureStream(
        sourcedStreamFor(Services.case, DISTRICT, CITY, {
          ownerDomain: net.leafDomain,
          filterSubject: `hall.${DISTRICT}.case.handoff.>`,
        }),
      );
      await leafBus.ensureStream(
        sourcedStreamFor(Services.case, CITY, DISTRICT, {
          ownerDomain: net.hubDomain,
          filterSubject: `hall.${CITY}.case.handoff.>`,
        }),
      );
    } finally {
      await hubAdmin.close();
    }

    const common = {
      LOG_LEVEL,
      OUTBOX_POLL_MS: '50',
      AUTH_TRUSTED_KEYS_FILE: trustedKeysFile,
      CATALOGUE_ADDRESS: catalogueAddress,
      OVERDUE_SWEEP_MS: '3600000',
    };
    cityEnv = {
      ...common,
      REGION_CODE: CITY,
      SERVED_REGIONS: CITY,
      DATABASE_URL: cityDb.url,
      NATS_URL: net.hubUrl,
      HANDOFF_STREAMS: atCity,
    };
    districtEnv = {
      ...common,
      REGION_CODE: DISTRICT,
      SERVED_REGIONS: DISTRICT,
      DATABASE_URL: districtDb.url,
      NATS_URL: net.leafUrl,
      HANDOFF_STREAMS: atDistrict,
    };
    [city, district] = await Promise.all([
      startCaseProcess(cityEnv),
      startCase(loadCaseConfig({ ...districtEnv, GRPC_PORT: '0', HTTP_PORT: '0' })),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    reader?.close();
    await city?.stop();
    await district?.stop();
    await leafBus?.close();
    await catalogue?.stop();
    await net?.stop();
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('the district hands up while the city is down; the city finishes; both keep one history', async () => {
    const districtHall = ids.halls['district']!;
    const cityHall = ids.halls['city']!;
    const { accepted, password } = await acceptanceAt(
      reader,
      ids.items[FOOD_PRODUCTION]!,
      {
        hallId: districtHall,
        windowId: ids.windows['district/B01']!,
        clerkStaffId: ids.staff['705QSCJ01']!,
        regionCode: DISTRICT,
      },
      systemClock.now(),
      '潍坊鸢都食品有限公司',
    );
    const caseId = accepted.caseId;
    await publishAcceptance(leafBus, DISTRICT, systemClock, accepted);
    await waitFor(
      async () =>
        (await getCase(districtAddress(), '705QSCJ02', caseId)).case?.currentStage === Stage.PROCESS_STAGE_PRE_REVIEW,
      { timeoutMs: 15_000, what: 'the case opened at the district' },
    );

    // The city's case service goes down; the district pre-reviews and hands up meanwhile.
    await city!.stop();
    const handedUp = await act(districtAddress(), '705QSCJ02', {
      caseId,
      review: { opinion: '初审通过：材料齐全，符合法定形式，报市级审批', attachments: [] },
    });
    expect(handedUp.case).toMatchObject({
      status: CS.CASE_STATUS_HANDED_UP,
      currentHallId: cityHall,
      handoff: {
        fromRegionCode: DISTRICT,
        toHallId: cityHall,
        toRegionCode: CITY,
        status: caseV1.HandoffStatus.HANDOFF_STATUS_REQUESTED,
        remote: true,
      },
    });
    await refused(
      act(districtAddress(), '705QSCJ02', { caseId, review: { opinion: '再审一次', attachments: [] } }),
      grpc.status.FAILED_PRECONDITION,
      `was handed up to hall ${cityHall}`,
    );
    // The request waits at the city, in its copy of the district's hand-offs, with nobody reading it.
    await waitFor(
      async () =>
        (await readStream(net.hubUrl, atCity)).some(
          (m) =>
            m.subject === `hall.${DISTRICT}.case.handoff.requested` &&
            (m.json as { caseId?: string }).caseId === caseId,
        ),
      { timeoutMs: 20_000, what: 'the hand-off request in the city’s copy' },
    );
    expect(await consumerBacklog(net.hubUrl, atCity, handoffDurable(atCity))).toBe(1);

    city = await startCaseProcess(cityEnv);
    await waitFor(
      async () => (await getCase(cityAddress(), '700SCJG02', caseId)).case?.currentStage === Stage.PROCESS_STAGE_REVIEW,
      { timeoutMs: 20_000, what: 'the city to take the case over' },
    );
    await waitFor(
      async () =>
        (await getCase(districtAddress(), '705QSCJ02', caseId)).case?.handoff?.status ===
        caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED,
      { timeoutMs: 20_000, what: 'the district to learn the city accepted' },
    );
    // The district's copy now mirrors the city's: still not the district's to change.
    await refused(
      act(districtAddress(), '705QSCJ02', { caseId, review: { opinion: '再审一次', attachments: [] } }),
      grpc.status.FAILED_PRECONDITION,
      'it is handled there now',
    );
    const todo = await callUnary(await client(cityAddress(), '700SCJG02'), 'listTodo', {
      hallId: cityHall,
      staffId: '',
      windowId: '',
      departmentId: '',
      pageSize: 50,
      pageToken: '',
    });
    expect(todo.items.filter((t) => t.caseId === caseId).map((t) => t.stage)).toEqual(['PROCESS_STAGE_REVIEW']);

    await act(cityAddress(), '700SCJG02', { caseId, review: { opinion: '现场核查合格', attachments: [] } });
    await act(cityAddress(), '700SCJG03', { caseId, verify: { opinion: '核准', attachments: [] } });
    await act(cityAddress(), '700SCJG04', {
      caseId,
      approve: { opinion: '准予许可', attachments: [], upperAuthority: '' },
    });
    await act(cityAddress(), '700SCJG01', {
      caseId,
      issue: { certificateNumber: 'SC10637070500002', validUntil: '2031-10-11' },
    });
    await act(cityAddress(), '700SCJG01', {
      caseId,
      deliver: {
        method: caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS,
        windowId: '',
        expressCompany: '中国邮政EMS',
        trackingNumber: '1187654321099',
      },
    });
    const done = await act(cityAddress(), '700SCJG01', { caseId, complete: { note: '' } });
    expect(done.case?.status).toBe(CS.CASE_STATUS_COMPLETED);

    await waitFor(
      async () => (await getCase(districtAddress(), '705QSCJ02', caseId)).case?.status === CS.CASE_STATUS_COMPLETED,
      { timeoutMs: 20_000, what: 'the district’s copy to complete' },
    );
    const upper = await getCase(cityAddress(), '700SCJG02', caseId);
    const lower = await getCase(districtAddress(), '705QSCJ02', caseId);
    expect(upper.history.map((e) => e.action)).toEqual([
      'opened',
      'pre_review',
      'hand_up',
      'handoff_accepted',
      'review',
      'verify',
      'approve',
      'issue',
      'deliver',
      'complete',
    ]);
    expect(upper.history.map((e) => e.hallId)).toEqual([
      ...Array<string>(3).fill(districtHall),
      ...Array<string>(7).fill(cityHall),
    ]);
    expect(upper.history[2]).toMatchObject({ actorRole: 'system', detail: containing('remote=true') });
    // One history: the same entries with the same hashes on both sides; one number, one promised date.
    expect(lower.history).toEqual(upper.history);
    expect(lower.case).toMatchObject({
      caseNumber: accepted.caseNumber,
      version: upper.case!.version,
      status: CS.CASE_STATUS_COMPLETED,
      promisedAt: accepted.promisedAt,
      decision: { kind: caseV1.DecisionKind.DECISION_KIND_APPROVED },
    });
    expect(upper.case?.promisedAt).toEqual(accepted.promisedAt);
    for (const [address, employeeNo] of [
      [cityAddress(), '700SCJG02'],
      [districtAddress(), '705QSCJ02'],
    ] as const) {
      expect(await callUnary(await client(address, employeeNo), 'verifyActionLog', { caseId })).toEqual({
        intact: true,
        entries: 10,
        firstBrokenSeq: 0,
        problem: '',
      });
    }
    // The applicant's query password works at either hall.
    for (const address of [cityAddress(), districtAddress()]) {
      const anonymous = new caseV1.CaseServiceClient(address, grpc.credentials.createInsecure());
      clients.push(anonymous);
      const { progress } = await callUnary(anonymous, 'queryProgress', {
        caseNumber: accepted.caseNumber,
        password,
      });
      expect(progress).toMatchObject({ status: CS.CASE_STATUS_COMPLETED, promisedAt: accepted.promisedAt });
    }
    // Both halls list it.
    for (const [address, employeeNo, hallId] of [
      [cityAddress(), '700SCJG02', cityHall],
      [districtAddress(), '705QSCJ02', districtHall],
    ] as const) {
      const cases = await listedAt(address, employeeNo, hallId);
      expect(cases.filter((c) => c.caseNumber === accepted.caseNumber)).toEqual([
        expect.objectContaining({ caseId, status: CS.CASE_STATUS_COMPLETED, acceptingHallId: districtHall }),
      ]);
    }

    // Redelivery: both tiers read their copies from the start again (a consumer recreated, or a crash before the
    // acknowledgement) and the city restarts once more: nothing is created or written twice.
    await city.stop();
    await district!.stop();
    await deleteConsumer(net.hubUrl, atCity, handoffDurable(atCity));
    await deleteConsumer(net.leafUrl, atDistrict, handoffDurable(atDistrict));
    [city, district] = await Promise.all([
      startCaseProcess(cityEnv),
      startCase(loadCaseConfig({ ...districtEnv, GRPC_PORT: '0', HTTP_PORT: '0' })),
    ]);
    // The district's copy holds the city's reports only: the acceptance, then one per change with its entries.
    const reports = await readStream(net.leafUrl, atDistrict);
    expect(reports.map((m) => m.subject.replace(`hall.${CITY}.case.handoff.`, ''))).toEqual([
      'accepted',
      ...Array<string>(7).fill('progressed'),
    ]);
    await waitFor(async () => (await consumerBacklog(net.hubUrl, atCity, handoffDurable(atCity))) === 0, {
      what: 'the city to read the request again',
    });
    await waitFor(async () => (await consumerBacklog(net.leafUrl, atDistrict, handoffDurable(atDistrict))) === 0, {
      what: 'the district to read every report again',
    });
    const upperAgain = await getCase(cityAddress(), '700SCJG02', caseId);
    const lowerAgain = await getCase(districtAddress(), '705QSCJ02', caseId);
    expect(upperAgain).toEqual(upper);
    expect(lowerAgain.history).toEqual(upper.history);
    expect(lowerAgain.case?.version).toBe(upper.case!.version);
    for (const [address, employeeNo, hallId] of [
      [cityAddress(), '700SCJG02', cityHall],
      [districtAddress(), '705QSCJ02', districtHall],
    ] as const) {
      expect(
        (await listedAt(address, employeeNo, hallId)).filter((c) => c.caseNumber === accepted.caseNumber),
      ).toHaveLength(1);
    }
    // Nothing was refused on the way: no dead letters on either side.
    expect(await readStream(net.hubUrl, `DLQ_${CITY}`)).toEqual([]);
    expect(await readStream(net.leafUrl, `DLQ_${DISTRICT}`)).toEqual([]);
  }, 90_000);
});
