// Templates, hall settings and Send over gRPC, on the harness of dispatch.test.ts (catalogue, intake, case,
// timing and notify in this process): who may change what, the rules at save, versions, idempotent requests.
import { notifyV1 } from '@govhall/contracts';
import { callUnary, fieldViolationsOf, type TokenSigner } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { TemplateCodes } from '../src/domain/default-templates';
import { variablesOf } from '../src/domain/templates';
import { ADMINISTRATOR, startNotifyForTest, type NotifyUnderTest } from './start-for-test';

const Category = notifyV1.TemplateCategory;
const Audience = notifyV1.Audience;
const St = notifyV1.DispatchStatus;
const Kind = notifyV1.RecipientKind;

let under: NotifyUnderTest;
/** A client with no token of its own: each call says who it is (metadata). */
let bare: notifyV1.NotifyServiceClient;
beforeAll(async () => {
  under = await startNotifyForTest();
  bare = new notifyV1.NotifyServiceClient(`127.0.0.1:${under.notify.grpcPort}`, grpc.credentials.createInsecure());
}, 180_000);
afterAll(async () => {
  bare?.close();
  await under?.stop();
});

const signer = (): TokenSigner => under.timing.cases.intake.signer;
const demo = () => under.timing.cases.demo;
const admin = () => under.client(ADMINISTRATOR);
const clerk = () => under.client('700SCJG01');

/** Call options carrying `authorization: Bearer <token>`. */
function bearer(token: string): { metadata: grpc.Metadata } {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { metadata };
}
const asService = async (service: string) => bearer(await signer().signService(service));

/** The gRPC error a call ends with (fails the test when it answers). */
async function failure(call: Promise<unknown>): Promise<grpc.ServiceError> {
  return call.then(
    (answer) => {
      throw new Error(`expected an error, got ${JSON.stringify(answer).slice(0, 300)}`);
    },
    (error: unknown) => error as grpc.ServiceError,
  );
}

/** Awaits a refusal with this status; answers it. */
async function refusedWith(call: Promise<unknown>, code: grpc.status): Promise<grpc.ServiceError> {
  const error = await failure(call);
  expect(`${grpc.status[error.code]}: ${error.details}`).toMatch(new RegExp(`^${grpc.status[code]}: `));
  return error;
}

/** Awaits INVALID_ARGUMENT and answers the fields it names. */
async function invalidFields(call: Promise<unknown>): Promise<string[]> {
  const error = await refusedWith(call, grpc.status.INVALID_ARGUMENT);
  return fieldViolationsOf(error).map((v) => v.field);
}

let serial = 0;
const rid = (what: string) => `${what}-${String(++serial).padStart(4, '0')}`;

/** A save of the template's next version, the current one's fields unless changed. */
function saveOf(
  t: notifyV1.Template,
  change: Partial<notifyV1.SaveTemplateRequest> = {},
): notifyV1.SaveTemplateRequest {
  return notifyV1.SaveTemplateRequest.fromPartial({
    requestId: rid(`save-${t.code}`),
    code: t.code,
    name: t.name,
    category: t.category,
    audience: t.audience,
    text: t.text,
    holdInQuietHours: t.holdInQuietHours,
    providers: t.providers,
    expectedVersion: t.version,
    ...change,
  });
}

async function current(code: string): Promise<notifyV1.Template> {
  return (await callUnary(await admin(), 'getTemplate', { code, version: 0 })).template!;
}

describe('templates', () => {
  it('lists every built-in template, at the version with both providers’ ids', async () => {
    const { templates } = await callUnary(await clerk(), 'listTemplates', {});
    expect(templates.map((t) => t.code).sort()).toEqual(Object.values(TemplateCodes).sort());
    for (const t of templates) {
      // Version 1 is the seed; the harness saved version 2 with the ids (as a hall does once approved).
      expect(t.version).toBeGreaterThanOrEqual(2);
      expect(t.providers.map((p) => p.provider)).toEqual(['aliyun', 'tencent']);
      expect(t.variables).toEqual(variablesOf(t.text));
      expect(t.category).toBe(Category.TEMPLATE_CATEGORY_NOTIFICATION);
    }
    const accepted = templates.find((t) => t.code === TemplateCodes.caseAccepted)!;
    expect(accepted.audience).toBe(Audience.AUDIENCE_APPLICANT);
    expect(accepted.variables).toEqual(['item', 'caseNumber', 'promisedDate', 'queryHint']);
  });

  it('saves the next version as the administrator, and refuses a save that followed an older one', async () => {
    const before = await current(TemplateCodes.pickupReminder);
    const text = '提醒：您的${certificate}已可领取，请于${when}持受理通知书到${hall}领取。';
    const saved = (await callUnary(await admin(), 'saveTemplate', saveOf(before, { text, name: '  领证提醒  ' })))
      .template!;
    expect(saved).toMatchObject({
      code: TemplateCodes.pickupReminder,
      version: before.version + 1,
      text,
      name: '领证提醒',
      variables: ['certificate', 'when', 'hall'],
      savedBy: demo().staff[ADMINISTRATOR],
    });
    expect(saved.savedAt).toEqual(under.clock.now());
    expect(await current(TemplateCodes.pickupReminder)).toMatchObject({ version: saved.version, text });

    // A second editor who read the same version: refused, nothing saved.
    const stale = await refusedWith(
      callUnary(await admin(), 'saveTemplate', saveOf(before, { text: `${text}谢谢。` })),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(stale.details).toContain(`version ${saved.version}`);
    expect((await current(TemplateCodes.pickupReminder)).version).toBe(saved.version);
  });

  it('saves a new code as version 1 (expected version 0), once', async () => {
    const draft = notifyV1.SaveTemplateRequest.fromPartial({
      requestId: rid('new-code'),
      code: 'fee_notice',
      name: '缴费通知',
      category: Category.TEMPLATE_CATEGORY_NOTIFICATION,
      audience: Audience.AUDIENCE_APPLICANT,
      text: '您的办件${caseNumber}需缴纳${fee}元，请于${dueDate}前缴纳。',
      holdInQuietHours: true,
      providers: [{ provider: 'aliyun', templateId: 'SMS_480000001', signName: '潍坊市政务服务中心' }],
      expectedVersion: 0,
    });
    const saved = (await callUnary(await admin(), 'saveTemplate', draft)).template!;
    expect(saved).toMatchObject({ code: 'fee_notice', version: 1, variables: ['caseNumber', 'fee', 'dueDate'] });
    await refusedWith(
      callUnary(await admin(), 'saveTemplate', { ...draft, requestId: rid('new-code-again') }),
      grpc.status.FAILED_PRECONDITION,
    );
    const { templates } = await callUnary(await admin(), 'listTemplates', {});
    expect(templates.filter((t) => t.code === 'fee_notice').map((t) => t.version)).toEqual([1]);
  });

  it('refuses a draft that breaks a rule, naming the fields, and saves nothing', async () => {
    const before = await current(TemplateCodes.certificateReady);
    const fields = await invalidFields(
      callUnary(
        await admin(),
        'saveTemplate',
        saveOf(before, {
          text: '【潍坊】您申请的${certificate}已制证{1}',
          providers: [
            { provider: 'aliyun', templateId: '471234567', signName: '潍坊市政务服务中心' },
            { provider: 'tencent', templateId: '2100001', signName: '【潍坊】' },
          ],
        }),
      ),
    );
    expect(fields).toEqual(['text', 'text', 'providers[0].template_id', 'providers[1].sign_name']);
    expect(await invalidFields(callUnary(await admin(), 'saveTemplate', saveOf(before, { code: 'Bad-Code' })))).toEqual(
      ['code'],
    );
    expect(
      await invalidFields(
        callUnary(await admin(), 'saveTemplate', saveOf(before, { category: Category.TEMPLATE_CATEGORY_UNSPECIFIED })),
      ),
    ).toEqual(['category']);
    expect(
      await invalidFields(
        callUnary(
          await admin(),
          'saveTemplate',
          saveOf(before, { category: Category.TEMPLATE_CATEGORY_MARKETING, audience: Audience.AUDIENCE_STAFF }),
        ),
      ),
    ).toEqual(['text', 'audience']);
    expect(
      await invalidFields(callUnary(await admin(), 'saveTemplate', saveOf(before, { expectedVersion: -1 }))),
    ).toEqual(['expected_version']);
    expect(await current(TemplateCodes.certificateReady)).toEqual(before);
  });

  it('refuses staff who are not administrators', async () => {
    const before = await current(TemplateCodes.ratingInvitation);
    const error = await refusedWith(
      callUnary(await clerk(), 'saveTemplate', saveOf(before, { text: `${before.text}谢谢。` })),
      grpc.status.PERMISSION_DENIED,
    );
    expect(error.details).toContain('administrator');
    // A supervisor of the same hall neither.
    await refusedWith(
      callUnary(await under.client('700GLB03'), 'saveTemplate', saveOf(before)),
      grpc.status.PERMISSION_DENIED,
    );
    // Nor a service.
    await refusedWith(
      callUnary(bare, 'saveTemplate', saveOf(before), await asService('gateway')),
      grpc.status.PERMISSION_DENIED,
    );
    expect(await current(TemplateCodes.ratingInvitation)).toEqual(before);
  });

  it('answers the same version to the same save request twice, and refuses the id for another request', async () => {
    const before = await current(TemplateCodes.expressDispatched);
    const request = saveOf(before, {
      text: '您的${certificate}已交${company}寄出（运单号${trackingNumber}），请注意查收。',
    });
    const first = (await callUnary(await admin(), 'saveTemplate', request)).template!;
    const again = (await callUnary(await admin(), 'saveTemplate', request)).template!;
    expect(again).toEqual(first);
    expect(first.version).toBe(before.version + 1);
    expect((await current(TemplateCodes.expressDispatched)).version).toBe(first.version);
    await refusedWith(
      callUnary(await admin(), 'saveTemplate', { ...request, text: `${request.text}谢谢。` }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect((await current(TemplateCodes.expressDispatched)).version).toBe(first.version);
  });

  it('gets a template by version, the current one for version 0', async () => {
    const reader = await clerk();
    const seed = (await callUnary(reader, 'getTemplate', { code: TemplateCodes.caseAccepted, version: 1 })).template!;
    expect(seed).toMatchObject({ version: 1, savedBy: 'notify', providers: [] });
    const approved = (await callUnary(reader, 'getTemplate', { code: TemplateCodes.caseAccepted, version: 2 }))
      .template!;
    expect(approved.version).toBe(2);
    expect(approved.text).toBe(seed.text);
    expect(approved.providers).toHaveLength(2);
    expect((await callUnary(reader, 'getTemplate', { code: TemplateCodes.caseAccepted, version: 0 })).template).toEqual(
      approved,
    );
    await refusedWith(
      callUnary(reader, 'getTemplate', { code: TemplateCodes.caseAccepted, version: 99 }),
      grpc.status.NOT_FOUND,
    );
    await refusedWith(
      callUnary(reader, 'getTemplate', { code: 'no_such_template', version: 0 }),
      grpc.status.NOT_FOUND,
    );
    expect(await invalidFields(callUnary(reader, 'getTemplate', { code: '', version: 0 }))).toEqual(['code']);
    expect(await invalidFields(callUnary(reader, 'getTemplate', { code: 'case_accepted', version: -1 }))).toEqual([
      'version',
    ]);
  });

  describe('RenderTemplate', () => {
    const variables = { item: '食品经营许可证核发', caseNumber: 'SP2026000001', promisedDate: '2026年10月26日' };

    it('refuses a missing or empty variable, naming variables.<name>', async () => {
      const reader = await clerk();
      expect(
        await invalidFields(callUnary(reader, 'renderTemplate', { code: 'case_accepted', version: 0, variables })),
      ).toEqual(['variables.queryHint']);
      expect(
        await invalidFields(
          callUnary(reader, 'renderTemplate', {
            code: 'case_accepted',
            version: 0,
            variables: { ...variables, queryHint: '政务服务网', caseNumber: ' ' },
          }),
        ),
      ).toEqual(['variables.caseNumber']);
    });

    it('renders with the approved signature, counting length and parts', async () => {
      const rendered = await callUnary(await clerk(), 'renderTemplate', {
        code: 'case_accepted',
        version: 0,
        variables: { ...variables, queryHint: '政务服务网' },
      });
      expect(rendered.text).toBe(
        '【潍坊市政务服务中心】您申请的食品经营许可证核发已受理，受理编号SP2026000001，承诺2026年10月26日前办结。' +
          '可凭受理编号和查询密码通过政务服务网查询办理进度。',
      );
      expect(rendered.length).toBe([...rendered.text].length);
      expect(rendered.parts).toBe(Math.ceil(rendered.length / 67));
      expect(rendered.parts).toBe(2);
    });

    it('renders a version without providers with the default signature', async () => {
      const rendered = await callUnary(await clerk(), 'renderTemplate', {
        code: 'case_accepted',
        version: 1,
        variables: { ...variables, queryHint: '政务服务网' },
      });
      expect(rendered.text.startsWith('【政务服务中心】您申请的')).toBe(true);
    });

    it('answers NOT_FOUND for an unknown template', async () => {
      await refusedWith(
        callUnary(await clerk(), 'renderTemplate', { code: 'no_such_template', version: 0, variables: {} }),
        grpc.status.NOT_FOUND,
      );
    });
  });
});

describe('hall settings', () => {
  const settingsOf = (over: Partial<notifyV1.HallSettings>) =>
    notifyV1.HallSettings.fromPartial({
      quietHoursStart: '22:00',
      quietHoursEnd: '07:30',
      queryHint: '政务服务网或大厅触摸屏',
      dailySummary: true,
      dailySummaryAt: '17:00',
      ...over,
    });

  it('answers the defaults for a hall that saved none', async () => {
    const { settings } = await callUnary(await clerk(), 'getHallSettings', { hallId: demo().halls['township']! });
    expect(settings).toEqual({
      hallId: demo().halls['township'],
      quietHoursStart: '21:00',
      quietHoursEnd: '08:00',
      queryHint: '政务服务网或大厅自助查询机',
      dailySummary: false,
      dailySummaryAt: '17:30',
      version: 0,
      isDefault: true,
    });
    expect(await invalidFields(callUnary(await clerk(), 'getHallSettings', { hallId: '' }))).toEqual(['hall_id']);
  });

  it('refuses a malformed time, naming the field', async () => {
    const hallId = demo().halls['city']!;
    const fields = await invalidFields(
      callUnary(await admin(), 'setHallSettings', {
        requestId: rid('settings-bad'),
        settings: settingsOf({ hallId, quietHoursStart: '9:00', dailySummaryAt: '24:00', queryHint: '网' }),
        expectedVersion: 0,
      }),
    );
    expect(fields).toEqual(['settings.quiet_hours_start', 'settings.daily_summary_at', 'settings.query_hint']);
    expect(
      await invalidFields(
        callUnary(await admin(), 'setHallSettings', { requestId: rid('settings-none'), expectedVersion: 0 }),
      ),
    ).toEqual(['settings']);
  });

  it('saves the hall’s settings by version, and refuses a change that followed an older one', async () => {
    const hallId = demo().halls['city']!;
    const first = await callUnary(await admin(), 'setHallSettings', {
      requestId: rid('settings'),
      settings: settingsOf({ hallId, queryHint: '  政务服务网或大厅触摸屏  ' }),
      expectedVersion: 0,
    });
    expect(first.settings).toMatchObject({
      hallId,
      quietHoursStart: '22:00',
      quietHoursEnd: '07:30',
      queryHint: '政务服务网或大厅触摸屏',
      version: 1,
      isDefault: false,
    });
    expect((await callUnary(await clerk(), 'getHallSettings', { hallId })).settings).toEqual(first.settings);

    await refusedWith(
      callUnary(await admin(), 'setHallSettings', {
        requestId: rid('settings-stale'),
        settings: settingsOf({ hallId, quietHoursStart: '20:00' }),
        expectedVersion: 0,
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    const second = await callUnary(await admin(), 'setHallSettings', {
      requestId: rid('settings'),
      settings: settingsOf({ hallId, quietHoursStart: '20:00' }),
      expectedVersion: 1,
    });
    expect(second.settings).toMatchObject({ version: 2, quietHoursStart: '20:00' });
    expect((await callUnary(await clerk(), 'getHallSettings', { hallId })).settings).toEqual(second.settings);
  });

  it('refuses another hall’s administrator, and staff who are not administrators', async () => {
    // The demo directory has one administrator, of the city hall (700GLB07): it may not change the district hall.
    const district = demo().halls['district']!;
    const city = demo().halls['city']!;
    const error = await refusedWith(
      callUnary(await admin(), 'setHallSettings', {
        requestId: rid('settings-other-hall'),
        settings: settingsOf({ hallId: district }),
        expectedVersion: 0,
      }),
      grpc.status.PERMISSION_DENIED,
    );
    expect(error.details).toContain(district);
    // An administrator of the district hall (a token minted for one; the demo has none) may not change the city's.
    const districtAdmin = await signer().signStaff({
      staffId: 'district-administrator',
      roles: ['administrator'],
      departmentId: null,
      hallId: district,
      regionCode: under.timing.region,
    });
    const before = (await callUnary(await clerk(), 'getHallSettings', { hallId: city })).settings!;
    await refusedWith(
      callUnary(
        bare,
        'setHallSettings',
        {
          requestId: rid('settings-from-district'),
          settings: settingsOf({ hallId: city }),
          expectedVersion: before.version,
        },
        bearer(districtAdmin),
      ),
      grpc.status.PERMISSION_DENIED,
    );
    await refusedWith(
      callUnary(await clerk(), 'setHallSettings', {
        requestId: rid('settings-clerk'),
        settings: settingsOf({ hallId: city }),
        expectedVersion: before.version,
      }),
      grpc.status.PERMISSION_DENIED,
    );
    expect((await callUnary(await clerk(), 'getHallSettings', { hallId: city })).settings).toEqual(before);
    expect((await callUnary(await clerk(), 'getHallSettings', { hallId: district })).settings!.isDefault).toBe(true);
  });
});

describe('Send, from services', () => {
  const acceptance = (over: Partial<notifyV1.SendRequest> = {}) =>
    notifyV1.SendRequest.fromPartial({
      requestId: rid('send'),
      templateCode: TemplateCodes.caseAccepted,
      recipient: { kind: Kind.RECIPIENT_KIND_APPLICANT, id: 'applicant-of-gateway' },
      variables: {
        item: '食品经营许可证核发',
        caseNumber: 'SP2026000002',
        promisedDate: '2026年10月26日',
        queryHint: '政务服务网',
      },
      hallId: demo().halls['city']!,
      caseId: '',
      caseNumber: 'SP2026000002',
      urgent: false,
      ...over,
    });

  it('refuses a missing variable before anything is stored', async () => {
    const request = acceptance();
    const { queryHint: _left, ...withoutHint } = request.variables;
    const fields = await invalidFields(
      callUnary(bare, 'send', { ...request, variables: withoutHint }, await asService('gateway')),
    );
    expect(fields).toEqual(['variables.queryHint']);
    const { dispatches } = await callUnary(
      await admin(),
      'listDispatches',
      notifyV1.ListDispatchesRequest.fromPartial({ hallId: request.hallId, templateCode: TemplateCodes.caseAccepted }),
    );
    expect(dispatches.filter((d) => d.eventId === `request:${request.requestId}`)).toEqual([]);
  });

  it('refuses a malformed request, naming every field', async () => {
    const options = await asService('gateway');
    expect(
      await invalidFields(
        callUnary(bare, 'send', notifyV1.SendRequest.fromPartial({ requestId: rid('send-empty') }), options),
      ),
    ).toEqual(['recipient.kind', 'recipient.id', 'hall_id', 'template_code']);
    // An applicant template to a staff member.
    expect(
      await invalidFields(
        callUnary(bare, 'send', acceptance({ recipient: { kind: Kind.RECIPIENT_KIND_STAFF, id: 'x' } }), options),
      ),
    ).toEqual(['recipient.kind']);
    await refusedWith(
      callUnary(bare, 'send', acceptance({ templateCode: 'no_such_template' }), options),
      grpc.status.NOT_FOUND,
    );
  });

  it('makes a pending message, once per request id', async () => {
    const options = await asService('gateway');
    const request = acceptance();
    const { dispatch } = await callUnary(bare, 'send', request, options);
    expect(dispatch).toMatchObject({
      status: St.DISPATCH_STATUS_PENDING,
      templateCode: TemplateCodes.caseAccepted,
      hallId: request.hallId,
      caseNumber: 'SP2026000002',
      eventId: `request:${request.requestId}`,
      eventType: 'notify.send',
      recipient: { kind: Kind.RECIPIENT_KIND_APPLICANT, id: 'applicant-of-gateway' },
      attempts: 0,
    });
    expect(dispatch!.templateVersion).toBe((await current(TemplateCodes.caseAccepted)).version);
    expect(dispatch!.id).toMatch(/^[0-9a-f-]{36}$/);

    const again = await callUnary(bare, 'send', request, options);
    expect(again.dispatch!.id).toBe(dispatch!.id);
    // The same id asking for something else is refused, not a second message.
    await refusedWith(
      callUnary(
        bare,
        'send',
        { ...request, recipient: { kind: Kind.RECIPIENT_KIND_APPLICANT, id: 'another' } },
        options,
      ),
      grpc.status.FAILED_PRECONDITION,
    );
    const { dispatches } = await callUnary(
      await admin(),
      'listDispatches',
      notifyV1.ListDispatchesRequest.fromPartial({ hallId: request.hallId, templateCode: TemplateCodes.caseAccepted }),
    );
    expect(dispatches.filter((d) => d.eventId === `request:${request.requestId}`).map((d) => d.id)).toEqual([
      dispatch!.id,
    ]);
    const read = (await callUnary(bare, 'getDispatch', { id: dispatch!.id }, options)).dispatch!;
    expect(read).toMatchObject({ id: dispatch!.id, status: St.DISPATCH_STATUS_PENDING });
  });

  it('takes the other services that may send', async () => {
    for (const service of ['evaluation', 'fee', 'case', 'intake']) {
      const { dispatch } = await callUnary(bare, 'send', acceptance(), await asService(service));
      expect(dispatch!.status).toBe(St.DISPATCH_STATUS_PENDING);
    }
  });

  it('refuses staff, other services and callers without a token', async () => {
    await refusedWith(callUnary(await admin(), 'send', acceptance()), grpc.status.PERMISSION_DENIED);
    await refusedWith(callUnary(await clerk(), 'send', acceptance()), grpc.status.PERMISSION_DENIED);
    await refusedWith(callUnary(bare, 'send', acceptance(), await asService('timing')), grpc.status.PERMISSION_DENIED);
    await refusedWith(callUnary(bare, 'send', acceptance()), grpc.status.UNAUTHENTICATED);
  });
});
