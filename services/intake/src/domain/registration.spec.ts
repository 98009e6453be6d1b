import { catalogueItemsV1 as items, catalogueV1, intakeV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit/errors';
import { organisationCodeCheckChar, residentIdCheckChar, socialCreditCheckChar } from './identity';
import {
  DEFAULT_ACCEPTANCE_LIMIT,
  acceptanceLimitOf,
  agentAppointedOn,
  applicantIdentityKey,
  checkItemForRegistration,
  materialList,
  missingRequiredCodes,
  registrationMaterials,
  validateAgentInput,
  validateApplicant,
  validateRegisterShape,
  validateSituations,
  validateSubmittedMaterials,
  type OnFileLookup,
} from './registration';

// 2026-10-12 10:00 in China.
const NOW = new Date('2026-10-12T02:00:00Z');
const ID17 = '37070219900101123';
const ID = ID17 + residentIdCheckChar(ID17);
const USCC17 = `91370700MA3C8X2Y${organisationCodeCheckChar('MA3C8X2Y')}`;
const USCC = USCC17 + socialCreditCheckChar(USCC17);
const fields = (violations: readonly FieldViolation[]) => violations.map((x) => x.field);
const S = pb.MaterialStatus;

const material = (partial: Partial<items.Material>): items.Material =>
  items.Material.fromPartial({ necessity: items.MaterialNecessity.MATERIAL_NECESSITY_REQUIRED, ...partial });

/** 食品经营许可 as the demo catalogue has it, cut to what the rules read. */
const FOOD = items.Item.fromPartial({
  id: 'item-food',
  version: 3,
  status: items.ItemStatus.ITEM_STATUS_PUBLISHED,
  content: {
    name: '食品经营许可',
    caseType: items.CaseType.CASE_TYPE_PROMISED,
    acceptTiers: [catalogueV1.HallTier.HALL_TIER_CITY],
    situations: [
      { code: 'COMPANY', name: '申请人为企业', group: '经营者类型' },
      { code: 'PERSON', name: '申请人为个体工商户', group: '经营者类型' },
      { code: 'CHAIN', name: '连锁经营', group: '' },
    ],
    materials: [
      material({ code: 'M01', name: '食品经营许可申请书' }),
      material({
        code: 'M02',
        name: '营业执照',
        form: items.MaterialForm.MATERIAL_FORM_COPY,
        originalForCheck: true,
        source: items.MaterialSource.MATERIAL_SOURCE_GOVERNMENT,
        certificateName: '营业执照',
      }),
      material({ code: 'M03', name: '法定代表人身份证明', situationCodes: ['COMPANY'] }),
      material({ code: 'M04', name: '经营者身份证明', situationCodes: ['PERSON'] }),
      material({
        code: 'M07',
        name: '从业人员健康证明',
        source: items.MaterialSource.MATERIAL_SOURCE_GOVERNMENT,
        mayBeAcceptedMissing: true,
      }),
      material({ code: 'M08', name: '连锁经营协议', situationCodes: ['CHAIN'] }),
      material({
        code: 'M09',
        name: '场所照片',
        necessity: items.MaterialNecessity.MATERIAL_NECESSITY_OPTIONAL,
      }),
      material({ code: 'M10', name: '卫生检测报告', source: items.MaterialSource.MATERIAL_SOURCE_INTERMEDIARY }),
    ],
  },
});

const nothingOnFile: OnFileLookup = { certificate: () => undefined, verified: () => undefined };

describe('the material list for the chosen situations', () => {
  it('holds the materials of no situation and those of a chosen one, in the item order', () => {
    expect(materialList(FOOD, ['COMPANY']).map((m) => m.code)).toEqual(['M01', 'M02', 'M03', 'M07', 'M09', 'M10']);
    expect(materialList(FOOD, ['PERSON', 'CHAIN']).map((m) => m.code)).toEqual([
      'M01',
      'M02',
      'M04',
      'M07',
      'M08',
      'M09',
      'M10',
    ]);
  });
});

describe('situations', () => {
  it('takes one situation per group, and ungrouped ones freely', () => {
    expect(validateSituations(FOOD, ['COMPANY'])).toEqual([]);
    expect(validateSituations(FOOD, ['PERSON', 'CHAIN'])).toEqual([]);
  });

  it('refuses an unknown, a repeated and a second situation of a group, by index', () => {
    expect(validateSituations(FOOD, ['COMPANY', 'NOPE'])).toEqual([
      { field: 'situation_codes[1]', description: '事项没有情形 NOPE' },
    ]);
    expect(fields(validateSituations(FOOD, ['COMPANY', 'CHAIN', 'CHAIN']))).toEqual(['situation_codes[2]']);
    const both = validateSituations(FOOD, ['COMPANY', 'PERSON']);
    expect(both).toEqual([{ field: 'situation_codes[1]', description: '“经营者类型”只能选择一个情形' }]);
  });

  it('refuses a group left unanswered', () => {
    expect(validateSituations(FOOD, ['CHAIN'])).toEqual([
      { field: 'situation_codes', description: '必须选择：经营者类型' },
    ]);
    expect(fields(validateSituations(FOOD, []))).toEqual(['situation_codes']);
  });
});

describe('materials handed in', () => {
  const list = materialList(FOOD, ['COMPANY']);
  const handed = (code: string, over: Partial<pb.SubmittedMaterial> = {}) =>
    pb.SubmittedMaterial.fromPartial({ code, copies: 1, ...over });

  it('accepts materials of the list, and a missing one is no refusal at registration', () => {
    expect(validateSubmittedMaterials(list, [handed('M01'), handed('M02')], pb.Channel.CHANNEL_HALL_WINDOW)).toEqual(
      [],
    );
  });

  it('refuses a material of another situation, a repeated one and copies out of range, by index', () => {
    const out = validateSubmittedMaterials(
      list,
      [handed('M04'), handed('M01'), handed('M01'), handed('M03', { copies: 101 }), handed('M07', { copies: -1 })],
      pb.Channel.CHANNEL_HALL_WINDOW,
    );
    expect(out).toEqual([
      { field: 'materials[0].code', description: '材料 M04 不在所选情形的材料清单中' },
      { field: 'materials[2].code', description: '材料 M01 重复提交' },
      { field: 'materials[3].copies', description: '份数为 0 至 100' },
      { field: 'materials[4].copies', description: '份数为 0 至 100' },
    ]);
  });

  it('online pre-review: an original the item checks must have been seen at the window', () => {
    const online = pb.Channel.CHANNEL_ONLINE_PRE_REVIEW;
    expect(validateSubmittedMaterials(list, [handed('M01'), handed('M02')], online)).toEqual([
      { field: 'materials[1].original_checked', description: '网上预审件须在窗口核验“营业执照”原件' },
    ]);
    expect(validateSubmittedMaterials(list, [handed('M02', { originalChecked: true })], online)).toEqual([]);
    // At the window the original is seen as it is handed in: not a field to fill.
    expect(validateSubmittedMaterials(list, [handed('M02')], pb.Channel.CHANNEL_HALL_WINDOW)).toEqual([]);
  });

  it('uses the field prefix it is given (Resubmit, SupplyMissingMaterials)', () => {
    expect(fields(validateSubmittedMaterials(list, [handed('X')], pb.Channel.CHANNEL_HALL_WINDOW, 'items'))).toEqual([
      'items[0].code',
    ]);
  });
});

describe('materials on file (不得要求重复提供)', () => {
  const list = materialList(FOOD, ['COMPANY']);
  const onFile: OnFileLookup = {
    certificate: (name) => (name === '营业执照' ? { number: 'YYZZ-0001', issuer: '潍坊市市场监督管理局' } : undefined),
    verified: (name) =>
      ({
        从业人员健康证明: { caseNumber: '3707002026090100003', issuer: '疾病预防控制机构' },
        卫生检测报告: { caseNumber: '3707002026090100004', issuer: '检测机构' },
        食品经营许可申请书: { caseNumber: '3707002026090100005', issuer: '申请人' },
      })[name],
  };
  const byCode = (materials: pb.RegistrationMaterial[]) => new Map(materials.map((m) => [m.code, m]));

  it('a certificate in the store and a government-issued material verified earlier are on file, with their source', () => {
    const materials = byCode(registrationMaterials(list, [], onFile));
    expect(materials.get('M02')).toMatchObject({
      status: S.MATERIAL_STATUS_ON_FILE,
      onFileSource: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
      onFileReference: 'YYZZ-0001',
      onFileIssuer: '潍坊市市场监督管理局',
      required: true,
    });
    expect(materials.get('M07')).toMatchObject({
      status: S.MATERIAL_STATUS_ON_FILE,
      onFileSource: pb.OnFileSource.ON_FILE_SOURCE_EARLIER_CASE,
      onFileReference: '3707002026090100003',
      mayBeAcceptedMissing: true,
    });
  });

  it('materials not issued by government are asked for again, however often they were seen', () => {
    const materials = byCode(registrationMaterials(list, [], onFile));
    expect(materials.get('M10')!.status).toBe(S.MATERIAL_STATUS_MISSING);
    expect(materials.get('M01')!.status).toBe(S.MATERIAL_STATUS_MISSING);
    expect(materials.get('M03')!.status).toBe(S.MATERIAL_STATUS_MISSING);
  });

  it('a material handed in is SUBMITTED as handed in, copies defaulting to what the item asks', () => {
    const list2 = [material({ code: 'M02', name: '营业执照', copies: 2, certificateName: '营业执照' })];
    const [m] = registrationMaterials(
      list2,
      [pb.SubmittedMaterial.fromPartial({ code: 'M02', copies: 0, originalChecked: true, fileRef: 'f-1' })],
      onFile,
    );
    expect(m).toMatchObject({
      status: S.MATERIAL_STATUS_SUBMITTED,
      copies: 2,
      originalChecked: true,
      fileRef: 'f-1',
      onFileSource: pb.OnFileSource.ON_FILE_SOURCE_UNSPECIFIED,
    });
  });

  it('missing required codes: only required materials neither handed in nor on file', () => {
    const materials = registrationMaterials(list, [pb.SubmittedMaterial.fromPartial({ code: 'M01' })], onFile);
    // M09 is optional; M02 and M07 are on file.
    expect(missingRequiredCodes(materials)).toEqual(['M03', 'M10']);
    expect(missingRequiredCodes(registrationMaterials(list, [], nothingOnFile))).toEqual([
      'M01',
      'M02',
      'M03',
      'M07',
      'M10',
    ]);
  });
});

describe('the item as registered', () => {
  it('takes the published, unfrozen version at a tier that accepts it', () => {
    expect(checkItemForRegistration(FOOD, 0, 'city')).toEqual([]);
    expect(checkItemForRegistration(FOOD, 3, 'HALL_TIER_CITY')).toEqual([]);
  });

  it('refuses an unknown item, a retired version, a frozen item and a tier that does not accept it', () => {
    expect(checkItemForRegistration(undefined, 0, 'city')).toEqual([
      { field: 'item_id', description: '事项不存在或尚未发布' },
    ]);
    expect(checkItemForRegistration(undefined, 2, 'city')).toEqual([
      { field: 'item_id', description: '事项没有已发布的第 2 版' },
    ]);
    const retired = { ...FOOD, status: items.ItemStatus.ITEM_STATUS_RETIRED };
    expect(fields(checkItemForRegistration(retired, 3, 'city'))).toEqual(['item_version']);
    expect(fields(checkItemForRegistration(retired, 0, 'city'))).toEqual(['item_id']);
    expect(checkItemForRegistration({ ...FOOD, frozen: true }, 0, 'city')).toEqual([
      { field: 'item_id', description: '事项已冻结（清理规范中），暂停受理' },
    ]);
    expect(checkItemForRegistration(FOOD, 0, 'district')).toEqual([
      { field: 'item_id', description: '本中心（区县级）不受理该事项；受理层级：市级' },
    ]);
  });

  it('the acceptance clock: the item limit, or 4 working hours when it names none', () => {
    expect(acceptanceLimitOf(FOOD)).toEqual(DEFAULT_ACCEPTANCE_LIMIT);
    expect(DEFAULT_ACCEPTANCE_LIMIT).toEqual({ amount: 4, unit: items.LimitUnit.LIMIT_UNIT_WORKING_HOURS });
    const oneDay = { amount: 1, unit: items.LimitUnit.LIMIT_UNIT_WORKING_DAYS };
    expect(acceptanceLimitOf({ ...FOOD, content: { ...FOOD.content!, acceptanceLimit: oneDay } })).toEqual(oneDay);
    const zero = { amount: 0, unit: items.LimitUnit.LIMIT_UNIT_WORKING_DAYS };
    expect(acceptanceLimitOf({ ...FOOD, content: { ...FOOD.content!, acceptanceLimit: zero } })).toEqual(
      DEFAULT_ACCEPTANCE_LIMIT,
    );
  });
});

describe('applicants', () => {
  const person = (over: Partial<pb.PersonApplicant> = {}): pb.ApplicantInput => ({
    kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
    person: { name: '张三', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: ID, phone: '13805361234', ...over },
    organisation: undefined,
  });
  const organisation = (over: Partial<pb.OrganisationApplicant> = {}): pb.ApplicantInput => ({
    kind: pb.ApplicantKind.APPLICANT_KIND_ORGANISATION,
    person: undefined,
    organisation: {
      name: '潍坊示例餐饮有限公司',
      creditCode: USCC,
      legalRepresentative: '李四',
      contactName: '王五',
      contactPhone: '0536-8231234',
      ...over,
    },
  });

  it('takes a valid person and a valid organisation', () => {
    expect(validateApplicant(person(), NOW)).toEqual([]);
    expect(validateApplicant(organisation(), NOW)).toEqual([]);
  });

  it('refuses each bad field of a person by its path', () => {
    expect(validateApplicant(undefined, NOW)).toEqual([{ field: 'applicant', description: '必须填写申请人' }]);
    expect(fields(validateApplicant({ ...person(), person: undefined }, NOW))).toEqual(['applicant.person']);
    expect(fields(validateApplicant(person({ name: ' 张 ' }), NOW))).toEqual(['applicant.person.name']);
    expect(fields(validateApplicant(person({ idType: pb.IdType.ID_TYPE_UNSPECIFIED }), NOW))).toEqual([
      'applicant.person.id_type',
    ]);
    const badCheck = ID17 + (residentIdCheckChar(ID17) === '0' ? '1' : '0');
    expect(fields(validateApplicant(person({ idNumber: badCheck, phone: '12345' }), NOW))).toEqual([
      'applicant.person.id_number',
      'applicant.person.phone',
    ]);
    expect(fields(validateApplicant({ ...person(), kind: pb.ApplicantKind.APPLICANT_KIND_UNSPECIFIED }, NOW))).toEqual([
      'applicant.kind',
    ]);
  });

  it('refuses each bad field of an organisation by its path', () => {
    expect(
      fields(
        validateApplicant(
          organisation({
            name: '店',
            creditCode: USCC17 + (socialCreditCheckChar(USCC17) === '0' ? '1' : '0'),
            legalRepresentative: '',
            contactName: '王',
            contactPhone: '',
          }),
          NOW,
        ),
      ),
    ).toEqual([
      'applicant.organisation.name',
      'applicant.organisation.credit_code',
      'applicant.organisation.legal_representative',
      'applicant.organisation.contact_name',
      'applicant.organisation.contact_phone',
    ]);
  });

  it('keys a person by document type and look-up hash, an organisation by its upper-cased code', () => {
    const hash = (value: string) => `h(${value})`;
    expect(applicantIdentityKey(person(), hash)).toBe(`person:resident_id:h(${ID})`);
    expect(applicantIdentityKey(organisation({ creditCode: ` ${USCC.toLowerCase()} ` }), hash)).toBe(`org:${USCC}`);
  });
});

describe('the shape of a Register request', () => {
  const request = (over: Partial<pb.RegisterRequest> = {}) =>
    pb.RegisterRequest.fromPartial({
      hallId: 'hall',
      windowId: 'window',
      itemId: 'item',
      channel: pb.Channel.CHANNEL_HALL_WINDOW,
      applicant: {
        kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
        person: { name: '张三', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: ID, phone: '13805361234' },
      },
      ...over,
    });

  it('takes a complete request', () => {
    expect(validateRegisterShape(request(), NOW)).toEqual([]);
  });

  it('names every missing field at once', () => {
    expect(
      fields(
        validateRegisterShape(
          request({ hallId: '', windowId: '', itemId: '', itemVersion: -1, channel: pb.Channel.CHANNEL_UNSPECIFIED }),
          NOW,
        ),
      ),
    ).toEqual(['hall_id', 'window_id', 'item_id', 'item_version', 'channel']);
  });

  it('an agent case names its agent; an online pre-review names its portal reference', () => {
    expect(validateRegisterShape(request({ channel: pb.Channel.CHANNEL_AGENT }), NOW)).toEqual([
      { field: 'agent_id', description: '代办件必须指定代办员' },
    ]);
    expect(validateRegisterShape(request({ channel: pb.Channel.CHANNEL_AGENT, agentId: 'a-1' }), NOW)).toEqual([]);
    expect(
      fields(
        validateRegisterShape(
          request({ channel: pb.Channel.CHANNEL_ONLINE_PRE_REVIEW, preReviewReference: '   ' }),
          NOW,
        ),
      ),
    ).toEqual(['pre_review_reference']);
    expect(fields(validateRegisterShape(request({ preReviewReference: 'W'.repeat(65) }), NOW))).toEqual([
      'pre_review_reference',
    ]);
  });

  it('a key project has a name and one of the three categories (never ANY)', () => {
    const project = (name: string, category: items.ProjectCategory) =>
      request({ project: { name, category, directorStaffId: '' } });
    expect(
      validateRegisterShape(
        project('潍坊滨海新能源产业园项目', items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION),
        NOW,
      ),
    ).toEqual([]);
    expect(
      validateRegisterShape(project('园', items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION), NOW),
    ).toEqual([{ field: 'project.name', description: '项目名称为 2 至 100 个字符' }]);
    expect(
      fields(
        validateRegisterShape(project('潍坊滨海新能源产业园项目', items.ProjectCategory.PROJECT_CATEGORY_ANY), NOW),
      ),
    ).toEqual(['project.category']);
  });
});

describe('agents', () => {
  const agent = (over: Partial<pb.AgentInput> = {}) =>
    pb.AgentInput.fromPartial({
      hallId: 'hall',
      kind: pb.AgentKind.AGENT_KIND_LIAISON,
      name: '赵六',
      idNumber: ID,
      phone: '13805361234',
      community: '北关街道东关社区',
      regionCode: '370702001',
      appointedFrom: '2026-01-01',
      appointedUntil: '2026-12-31',
      ...over,
    });

  it('takes an agent of a community inside the hall region', () => {
    expect(validateAgentInput(agent(), '370700', NOW)).toEqual([]);
  });

  it('refuses a region outside the hall, bad dates and an end before the start, by field', () => {
    expect(validateAgentInput(agent({ regionCode: '370800001' }), '370700', NOW)).toEqual([
      { field: 'agent.region_code', description: '须在本中心所在行政区划（370700）之内' },
    ]);
    expect(fields(validateAgentInput(agent({ appointedFrom: '2026-02-30' }), '370700', NOW))).toEqual([
      'agent.appointed_from',
    ]);
    expect(fields(validateAgentInput(agent({ appointedUntil: '2025-12-31' }), '370700', NOW))).toEqual([
      'agent.appointed_until',
    ]);
    expect(fields(validateAgentInput(agent({ kind: pb.AgentKind.AGENT_KIND_UNSPECIFIED }), '370700', NOW))).toEqual([
      'agent.kind',
    ]);
  });

  it('is appointed from its first day to its last, or open-ended', () => {
    const a = pb.Agent.fromPartial({ appointedFrom: '2026-01-01', appointedUntil: '2026-12-31' });
    expect([
      agentAppointedOn(a, '2025-12-31'),
      agentAppointedOn(a, '2026-01-01'),
      agentAppointedOn(a, '2026-12-31'),
    ]).toEqual([false, true, true]);
    expect(agentAppointedOn(a, '2027-01-01')).toBe(false);
    expect(agentAppointedOn({ ...a, appointedUntil: '' }, '2030-01-01')).toBe(true);
  });
});
