import { catalogueItemsV1, intakeV1 as pb } from '@govhall/contracts';
import { anItem } from '../../catalogue/test/item-builders';
import { callUnary } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { organisationCodeCheckChar, residentIdCheckChar, socialCreditCheckChar } from '../src/domain/identity';
import { intakeEventsOf, residentId, startIntakeForTest, type IntakeUnderTest } from './start-for-test';

const ID17 = '37070219900101123';
const ID = residentId(ID17);
const PHONE = '13805361234';
let seq = 0;
const USCC17 = `91370700MA3C8X2Y${organisationCodeCheckChar('MA3C8X2Y')}`;
const USCC = USCC17 + socialCreditCheckChar(USCC17);
const ORG = {
  kind: pb.ApplicantKind.APPLICANT_KIND_ORGANISATION,
  organisation: {
    name: '潍坊示例餐饮有限公司',
    creditCode: USCC,
    legalRepresentative: '李四',
    contactName: '王五',
    contactPhone: '13905369999',
  },
};
const rid = (p: string) => `${p}-${Date.now()}-${++seq}`;

describe('IntakeService registration and decisions', () => {
  let under: IntakeUnderTest;
  let front: pb.IntakeServiceClient;
  let scjg: pb.IntakeServiceClient;
  let other: pb.IntakeServiceClient;
  let admin: pb.IntakeServiceClient;
  let demo: Awaited<ReturnType<IntakeUnderTest['demo']>>;
  beforeAll(async () => {
    under = await startIntakeForTest();
    demo = await under.demo();
    const client = async (no: string) =>
      new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as(no));
    front = await client('700GLB01');
    scjg = await client('700SCJG01');
    other = await client('700FGW01');
    admin = await client('700GLB07');
  }, 120_000);
  afterAll(async () => {
    for (const c of [front, scjg, other, admin]) c?.close();
    await under?.stop();
  });

  const foodBusiness = (over: Partial<pb.RegisterRequest> = {}): pb.RegisterRequest =>
    pb.RegisterRequest.fromPartial({
      requestId: rid('reg'),
      hallId: demo.halls['city'],
      windowId: demo.windows['city/A01'],
      channel: pb.Channel.CHANNEL_HALL_WINDOW,
      applicant: {
        kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
        person: { name: '张三', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: ID, phone: PHONE },
      },
      itemId: demo.items['11370700SCJG000105003000'],
      situationCodes: ['COMPANY'],
      materials: ['M01', 'M03', 'M05', 'M06', 'M07'].map((code) => ({ code, copies: 1 })),
      ...over,
    });
  const register = (r: pb.RegisterRequest) => callUnary(front, 'register', r).then((x) => x.registration!);
  const count = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from intake.registrations`.execute(under.database.db)).rows[0]!.n,
    );
  // A gRPC error's details name every bad field (`field: description; ...`); typed, as jest's matcher is `any`.
  const detailsWith = (text: string) => expect.stringContaining(text) as string;

  it('registers with masked data, the pinned item and the acceptance clock, and emits registered', async () => {
    const registration = await register(foodBusiness());
    expect(registration.number).toMatch(/^DJ20261012\d{5}$/);
    expect(registration.applicant?.idNumberMasked).toBe(`370702********${ID.slice(-4)}`);
    expect(registration.applicant?.phoneMasked).toBe('138****1234');
    expect(registration.acceptanceLimit?.amount).toBe(4);
    expect(registration.acceptanceDueAt?.toISOString()).toBe('2026-10-12T07:30:00.000Z');
    expect(registration.materials.find((m) => m.code === 'M02')?.status).toBe(
      pb.MaterialStatus.MATERIAL_STATUS_MISSING,
    );
    expect(JSON.stringify(pb.Registration.toJSON(registration))).not.toContain(ID);
    expect(JSON.stringify(pb.Registration.toJSON(registration))).not.toContain(PHONE);
    const raw = JSON.stringify(
      (
        await sql`select r.*, a.* from intake.registrations r join intake.applicants a on a.id = r.applicant_id`.execute(
          under.database.db,
        )
      ).rows,
    );
    expect(raw).not.toContain(ID);
    expect(raw).not.toContain(PHONE);
    const again = await register(foodBusiness());
    expect(again.applicant?.id).toBe(registration.applicant?.id);
    let events: Awaited<ReturnType<typeof intakeEventsOf<'intake.application.registered'>>> = [];
    await waitFor(
      async () =>
        (events = await intakeEventsOf(under.region, 'intake.application.registered')).some(
          (e) => e.data.registrationId === registration.id,
        ),
      { what: 'the registered event' },
    );
    const event = events.find((e) => e.data.registrationId === registration.id)!;
    expect(event.data).toMatchObject({
      hallId: demo.halls['city'],
      itemId: registration.itemId,
      missingMaterialCodes: ['M02'],
    });
    expect(event.data.acceptanceDueAt?.toISOString()).toBe('2026-10-12T07:30:00.000Z');
  });

  it('refuses bad input by field and writes nothing', async () => {
    const before = await count();
    const bad = ID17 + (residentIdCheckChar(ID17) === '0' ? '1' : '0');
    await expect(
      register(
        foodBusiness({
          applicant: {
            kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
            person: { name: '张三', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: bad, phone: PHONE },
          },
        }),
      ),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: detailsWith('applicant.person.id_number'),
    });
    await expect(register(foodBusiness({ itemId: 'no-such-item' }))).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(
      register(foodBusiness({ materials: [{ code: 'M99', copies: 1, originalChecked: false, fileRef: '' }] })),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(register(foodBusiness({ situationCodes: [] }))).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    expect(await count()).toBe(before);
  });

  it('accepts once per request id, with the password only on the first answer, and refuses Accept with a material missing', async () => {
    const missing = await register(foodBusiness());
    await expect(
      callUnary(scjg, 'accept', {
        requestId: rid('acc'),
        registrationId: missing.id,
        windowId: demo.windows['city/B02']!,
      }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: detailsWith('营业执照') });
    const full = await register(
      foodBusiness({
        materials: ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'].map((code) => ({
          code,
          copies: 1,
          originalChecked: false,
          fileRef: '',
        })),
      }),
    );
    const request = { requestId: rid('acc'), registrationId: full.id, windowId: demo.windows['city/B02']! };
    await expect(callUnary(other, 'accept', { ...request, windowId: demo.windows['city/B03']! })).rejects.toMatchObject(
      {
        code: grpc.status.PERMISSION_DENIED,
      },
    );
    const first = await callUnary(scjg, 'accept', request);
    expect(first.queryPassword).toMatch(/^\d{6}$/);
    expect(first.registration?.acceptance?.caseNumber).toMatch(new RegExp(`^${under.region}20261012\\d{5}$`));
    expect(first.registration?.acceptance?.promisedDate).toBe('2026-10-19');
    const replay = await callUnary(scjg, 'accept', request);
    expect(replay.registration?.acceptance?.caseNumber).toBe(first.registration?.acceptance?.caseNumber);
    expect(replay.queryPassword).toBe('');
    await expect(callUnary(scjg, 'accept', { ...request, registrationId: missing.id })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
    });
    // The government-issued 营业执照 is now verified for this applicant: a later registration finds it on file.
    const later = await register(foodBusiness());
    expect(later.materials.find((m) => m.code === 'M02')).toMatchObject({
      status: pb.MaterialStatus.MATERIAL_STATUS_ON_FILE,
      onFileSource: pb.OnFileSource.ON_FILE_SOURCE_EARLIER_CASE,
      onFileReference: first.registration?.acceptance?.caseNumber,
    });
  });

  it('容缺: refuses an unflagged material, accepts a flagged one with a commitment', async () => {
    const reg = await register(
      foodBusiness({
        applicant: ORG,
        materials: ['M01', 'M02', 'M03', 'M05', 'M06'].map((code) => ({
          code,
          copies: 1,
          originalChecked: false,
          fileRef: '',
        })),
      }),
    );
    const base = {
      registrationId: reg.id,
      windowId: demo.windows['city/B02']!,
      commitment: { signedBy: '张三', statement: '' },
    };
    await expect(
      callUnary(
        scjg,
        'acceptWithMissing',
        pb.AcceptWithMissingRequest.fromPartial({ ...base, requestId: rid('am'), missingMaterialCodes: ['M01'] }),
      ),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: detailsWith('missing_material_codes[0]'),
    });
    const ok = await callUnary(
      scjg,
      'acceptWithMissing',
      pb.AcceptWithMissingRequest.fromPartial({ ...base, requestId: rid('am'), missingMaterialCodes: ['M07'] }),
    );
    expect(ok.registration?.status).toBe(pb.RegistrationStatus.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING);
    expect(ok.registration?.acceptance?.commitment?.supplementDueAt).toBeDefined();
  });

  it('supplement notices: none empty, a later one only names what the first named; refusal needs a reason', async () => {
    const reg = await register(foodBusiness());
    const w = demo.windows['city/B02']!;
    await expect(
      callUnary(scjg, 'requestSupplement', { requestId: rid('s'), registrationId: reg.id, windowId: w, entries: [] }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: detailsWith('entries'),
    });
    const entry = (materialCode: string) => ({
      materialCode,
      materialName: '',
      problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
      reason: '请补交营业执照复印件',
    });
    await callUnary(scjg, 'requestSupplement', {
      requestId: rid('s'),
      registrationId: reg.id,
      windowId: w,
      entries: [entry('M02')],
    });
    await callUnary(scjg, 'resubmit', {
      requestId: rid('r'),
      registrationId: reg.id,
      windowId: w,
      materials: [{ code: 'M02', copies: 1, originalChecked: false, fileRef: '' }],
    });
    await expect(
      callUnary(scjg, 'requestSupplement', {
        requestId: rid('s'),
        registrationId: reg.id,
        windowId: w,
        entries: [entry('M05')],
      }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(
      callUnary(scjg, 'refuse', {
        requestId: rid('f'),
        registrationId: reg.id,
        windowId: w,
        reason: '',
        legalBasis: '',
      }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    const refused = await callUnary(scjg, 'refuse', {
      requestId: rid('f'),
      registrationId: reg.id,
      windowId: w,
      reason: '申请事项依法不属于本机关职权范围',
      legalBasis: '',
    });
    expect(refused.registration?.refusal?.filedAt).toBeDefined();
  });
  it('pages the hall’s registrations newest first, with tokens bound to the query', async () => {
    const list = (over: Partial<pb.ListRegistrationsRequest>) =>
      callUnary(
        front,
        'listRegistrations',
        pb.ListRegistrationsRequest.fromPartial({ hallId: demo.halls['city'], ...over }),
      );
    const all = await list({ pageSize: 200 });
    expect(all.registrations.length).toBeGreaterThanOrEqual(3);
    const first = await list({ pageSize: 2 });
    expect(first.registrations.map((r) => r.id)).toEqual(all.registrations.slice(0, 2).map((r) => r.id));
    const second = await list({ pageSize: 2, pageToken: first.nextPageToken });
    expect(second.registrations[0]?.id).toBe(all.registrations[2]?.id);
    await expect(
      list({ pageSize: 2, pageToken: first.nextPageToken, status: pb.RegistrationStatus.REGISTRATION_STATUS_REFUSED }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: detailsWith('page_token') });
    await expect(list({ pageSize: 201 })).rejects.toMatchObject({ details: detailsWith('page_size') });
    await expect(list({ hallId: demo.halls['district'] })).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
  });
  it('refuses an item that is only a draft, and one the catalogue froze, by item_id', async () => {
    const catalogueAdmin = await under.as('700GLB07');
    const itemClient = new catalogueItemsV1.ItemServiceClient(
      under.catalogueAddress,
      grpc.credentials.createInsecure(),
      catalogueAdmin,
    );
    try {
      const draft = (
        await callUnary(itemClient, 'createItem', {
          requestId: rid('draft'),
          item: anItem(demo.departments['city/SCJG']!),
        })
      ).item!;
      await expect(
        register(foodBusiness({ itemId: draft.id, situationCodes: [], materials: [] })),
      ).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: detailsWith('item_id'),
      });

      const before = await count();
      const published = (
        await callUnary(itemClient, 'getItem', {
          itemId: demo.items['11370700SCJG000105003000']!,
          implementationCode: '',
          version: 0,
        })
      ).item!;
      await callUnary(itemClient, 'freezeItem', {
        requestId: rid('freeze'),
        itemId: published.id,
        version: published.version,
        cleanup: { round: '2026年政务服务事项清理', basis: '潍政办字〔2026〕12号', note: '' },
      });
      try {
        await expect(register(foodBusiness())).rejects.toMatchObject({
          code: grpc.status.INVALID_ARGUMENT,
          details: detailsWith('item_id'),
        });
        expect(await count()).toBe(before);
      } finally {
        await callUnary(itemClient, 'unfreezeItem', {
          requestId: rid('unfreeze'),
          itemId: published.id,
          version: published.version,
          cleanup: { round: '2026年政务服务事项清理', basis: '潍政办字〔2026〕13号', note: '' },
        });
      }
      expect((await register(foodBusiness())).itemVersion).toBe(published.version);
    } finally {
      itemClient.close();
    }
  });
});
