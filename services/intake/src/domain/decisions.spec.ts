import { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import { PreconditionFailedError, type FieldViolation } from '@govhall/kit/errors';
import {
  assertCanDecide,
  carryingDepartments,
  decidingRefusal,
  validateAccept,
  validateAcceptWithMissing,
  validateCompletion,
  validateRefusal,
  validateResubmitted,
  validateSupplementEntries,
  validateSupplied,
  type Decision,
  type DecidingWindow,
  type LinkedDepartment,
} from './decisions';

const S = pb.RegistrationStatus;
const MS = pb.MaterialStatus;
const P = items.ProjectCategory;
const fields = (violations: readonly FieldViolation[]) => violations.map((x) => x.field);
const DUE = new Date('2026-10-19T09:00:00Z');

const material = (
  code: string,
  name: string,
  status: pb.MaterialStatus,
  over: Partial<pb.RegistrationMaterial> = {},
): pb.RegistrationMaterial => pb.RegistrationMaterial.fromPartial({ code, name, required: true, status, ...over });

/** A 食品经营许可 registration: M02 营业执照 on file, M07 健康证明 missing (容缺 allowed), M09 optional missing. */
const registration = (over: Partial<pb.Registration> = {}): pb.Registration =>
  pb.Registration.fromPartial({
    id: 'reg-1',
    number: 'DJ2026101200001',
    hallId: 'hall-city',
    departmentId: 'dept-scjg',
    itemName: '食品经营许可',
    caseType: items.CaseType.CASE_TYPE_PROMISED,
    status: S.REGISTRATION_STATUS_REGISTERED,
    materials: [
      material('M01', '食品经营许可申请书', MS.MATERIAL_STATUS_SUBMITTED),
      material('M02', '营业执照', MS.MATERIAL_STATUS_ON_FILE),
      material('M03', '法定代表人身份证明', MS.MATERIAL_STATUS_SUBMITTED),
      material('M07', '从业人员健康证明', MS.MATERIAL_STATUS_MISSING, { mayBeAcceptedMissing: true }),
      material('M09', '场所照片', MS.MATERIAL_STATUS_MISSING, { required: false, mayBeAcceptedMissing: true }),
    ],
    ...over,
  });
const withMaterial = (code: string, over: Partial<pb.RegistrationMaterial>) =>
  registration({ materials: registration().materials.map((m) => (m.code === code ? { ...m, ...over } : m)) });

const item = (eligibleCategories: items.ProjectCategory[] | undefined) =>
  items.Item.fromPartial({
    content: {
      name: '食品经营许可',
      ...(eligibleCategories
        ? {
            missingMaterials: {
              eligibleCategories,
              supplementLimit: { amount: 5, unit: items.LimitUnit.LIMIT_UNIT_WORKING_DAYS },
            },
          }
        : {}),
    },
  });

describe('the state machine: which decision from which status', () => {
  const statuses = [
    S.REGISTRATION_STATUS_REGISTERED,
    S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED,
    S.REGISTRATION_STATUS_ACCEPTED,
    S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
    S.REGISTRATION_STATUS_REFUSED,
    S.REGISTRATION_STATUS_COMPLETED,
  ];
  const allowed: Record<Exclude<Decision, 'complete_immediately'>, pb.RegistrationStatus[]> = {
    accept: [S.REGISTRATION_STATUS_REGISTERED],
    accept_with_missing: [S.REGISTRATION_STATUS_REGISTERED],
    request_supplement: [S.REGISTRATION_STATUS_REGISTERED],
    resubmit: [S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED],
    refuse: [S.REGISTRATION_STATUS_REGISTERED, S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED],
    supply_missing: [S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING],
    reissue_password: [
      S.REGISTRATION_STATUS_ACCEPTED,
      S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
      S.REGISTRATION_STATUS_COMPLETED,
    ],
  };
  const admits = (status: pb.RegistrationStatus, decision: Decision, caseType = items.CaseType.CASE_TYPE_PROMISED) => {
    try {
      assertCanDecide(registration({ status, caseType }), decision);
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(PreconditionFailedError);
      return false;
    }
  };

  it.each(Object.entries(allowed))('%s: only from its statuses, FAILED_PRECONDITION from every other', (d, ok) => {
    const decision = d as Decision;
    expect(statuses.filter((status) => admits(status, decision))).toEqual(ok);
  });

  it('即办: only an immediate item completes on the spot, and an immediate item is never plainly accepted', () => {
    const immediate = items.CaseType.CASE_TYPE_IMMEDIATE;
    expect(statuses.filter((s) => admits(s, 'complete_immediately', immediate))).toEqual([
      S.REGISTRATION_STATUS_REGISTERED,
    ]);
    expect(admits(S.REGISTRATION_STATUS_REGISTERED, 'complete_immediately')).toBe(false);
    expect(admits(S.REGISTRATION_STATUS_REGISTERED, 'accept', immediate)).toBe(false);
    expect(admits(S.REGISTRATION_STATUS_REGISTERED, 'accept_with_missing', immediate)).toBe(false);
    // An immediate item may still be sent for supplement or refused.
    expect(admits(S.REGISTRATION_STATUS_REGISTERED, 'request_supplement', immediate)).toBe(true);
    expect(admits(S.REGISTRATION_STATUS_REGISTERED, 'refuse', immediate)).toBe(true);
  });

  it('the refusal names the registration, its status and the decision', () => {
    expect(() => assertCanDecide(registration({ status: S.REGISTRATION_STATUS_REFUSED }), 'accept')).toThrow(
      '登记 DJ2026101200001 当前状态为“不予受理”，不能受理',
    );
    expect(() => assertCanDecide(registration({ caseType: items.CaseType.CASE_TYPE_IMMEDIATE }), 'accept')).toThrow(
      /CompleteImmediately/,
    );
  });
});

describe('who decides', () => {
  const window = (over: Partial<DecidingWindow> = {}): DecidingWindow => ({
    id: 'w-b02',
    hallId: 'hall-city',
    kind: 'department',
    departmentIds: ['dept-scjg'],
    active: true,
    ...over,
  });
  const clerk = (over: Partial<{ hallId: string; departmentId: string | null; windowId: string }> = {}) => ({
    hallId: 'hall-city',
    departmentId: 'dept-scjg' as string | null,
    windowId: '',
    ...over,
  });

  it("staff of the item's department at its department window", () => {
    expect(decidingRefusal(clerk(), registration(), window())).toBeUndefined();
  });

  it('staff at a comprehensive window serving the department, even of another department', () => {
    const comprehensive = window({ id: 'w-a05', kind: 'comprehensive', departmentIds: ['dept-scjg', 'dept-swj'] });
    expect(decidingRefusal(clerk({ departmentId: null, windowId: 'w-a05' }), registration(), comprehensive)).toBe(
      undefined,
    );
    expect(decidingRefusal(clerk(), registration(), comprehensive)).toBeUndefined();
    expect(decidingRefusal(clerk({ departmentId: 'dept-fgw', windowId: 'w-a06' }), registration(), comprehensive)).toBe(
      '只有事项所属部门的窗口工作人员或承办该部门业务的综合窗口工作人员可以作出受理决定',
    );
  });

  it('refuses another hall, a window of another hall or inactive, one not serving the department, another department', () => {
    expect(decidingRefusal(clerk({ hallId: 'hall-district' }), registration(), window())).toBe(
      '只有本中心工作人员可以作出受理决定',
    );
    expect(decidingRefusal(clerk(), registration(), undefined)).toBe('受理窗口不属于本中心');
    expect(decidingRefusal(clerk(), registration(), window({ hallId: 'hall-district' }))).toBe('受理窗口不属于本中心');
    expect(decidingRefusal(clerk(), registration(), window({ active: false }))).toBe('受理窗口不属于本中心');
    expect(decidingRefusal(clerk(), registration(), window({ departmentIds: ['dept-fgw'] }))).toBe(
      '该窗口不承办本事项所属部门的业务',
    );
    expect(
      decidingRefusal(
        clerk({ departmentId: 'dept-fgw' }),
        registration(),
        window({ departmentIds: ['dept-scjg', 'dept-fgw'] }),
      ),
    ).toMatch(/^只有事项所属部门/);
    // The front desk registers; it does not decide.
    expect(decidingRefusal(clerk(), registration(), window({ kind: 'front_desk' }))).toMatch(/^只有事项所属部门/);
  });
});

describe("市县联动: a district department accepts its city counterpart's item at the district hall", () => {
  /** 食品生产许可 of the city's 市场监管局 (city hall), registered at the Kuiwen district hall. */
  const atDistrict = () => registration({ hallId: 'hall-district', departmentId: 'dept-scjg' });
  const b01 = (over: Partial<DecidingWindow> = {}): DecidingWindow => ({
    id: 'w-kw-b01',
    hallId: 'hall-district',
    kind: 'department',
    departmentIds: ['dept-qscj'],
    active: true,
    ...over,
  });
  const clerk = (over: Partial<{ hallId: string; departmentId: string | null; windowId: string }> = {}) => ({
    hallId: 'hall-district',
    departmentId: 'dept-qscj' as string | null,
    windowId: '',
    ...over,
  });
  const departments: LinkedDepartment[] = [
    { id: 'dept-scjg', hallId: 'hall-city', upperDepartmentId: '', active: true },
    { id: 'dept-rsj', hallId: 'hall-city', upperDepartmentId: '', active: true },
    { id: 'dept-qscj', hallId: 'hall-district', upperDepartmentId: 'dept-scjg', active: true },
    { id: 'dept-qrsj', hallId: 'hall-district', upperDepartmentId: 'dept-rsj', active: true },
    { id: 'dept-qzjj', hallId: 'hall-district', upperDepartmentId: '', active: true },
    // A street office two links below the city bureau, through the district one.
    { id: 'dept-sbz', hallId: 'hall-street', upperDepartmentId: 'dept-qrsj', active: true },
    { id: 'dept-old', hallId: 'hall-district', upperDepartmentId: 'dept-scjg', active: false },
    { id: 'dept-via-old', hallId: 'hall-street', upperDepartmentId: 'dept-old', active: true },
    { id: 'dept-loop-a', hallId: 'hall-district', upperDepartmentId: 'dept-loop-b', active: true },
    { id: 'dept-loop-b', hallId: 'hall-city', upperDepartmentId: 'dept-loop-a', active: true },
  ];
  const byId = new Map(departments.map((d) => [d.id, d]));
  const of = (id: string) => byId.get(id);
  const carriers = (itemDepartment: string, hall: string, candidates: string[]) =>
    carryingDepartments(of(itemDepartment), hall, candidates, of);

  it("finds the departments of this hall whose chain of upper departments reaches the item's department", () => {
    expect(carriers('dept-scjg', 'hall-district', ['dept-qscj', 'dept-qzjj', 'dept-qrsj'])).toEqual(['dept-qscj']);
    expect(carriers('dept-rsj', 'hall-street', ['dept-sbz'])).toEqual(['dept-sbz']);
    expect(carriers('dept-qrsj', 'hall-street', ['dept-sbz'])).toEqual(['dept-sbz']);
  });

  it("finds none in the item department's own hall, for an unknown department, an inactive link or a loop", () => {
    expect(carriers('dept-qscj', 'hall-district', ['dept-qscj'])).toEqual([]);
    expect(carriers('dept-unknown', 'hall-district', ['dept-qscj'])).toEqual([]);
    // A department of another hall is no carrier here, whatever its chain.
    expect(carriers('dept-scjg', 'hall-street', ['dept-qscj'])).toEqual([]);
    expect(carriers('dept-scjg', 'hall-district', ['dept-old', 'dept-missing'])).toEqual([]);
    expect(carriers('dept-scjg', 'hall-street', ['dept-via-old'])).toEqual([]);
    expect(carriers('dept-scjg', 'hall-district', ['dept-loop-a'])).toEqual([]);
  });

  it("lets the carrying department's clerk decide at its window", () => {
    expect(decidingRefusal(clerk(), atDistrict(), b01(), ['dept-qscj'])).toBeUndefined();
    const comprehensive = b01({ id: 'w-kw-a02', kind: 'comprehensive', departmentIds: ['dept-qzjj', 'dept-qscj'] });
    expect(decidingRefusal(clerk(), atDistrict(), comprehensive, ['dept-qscj'])).toBeUndefined();
    expect(
      decidingRefusal(clerk({ departmentId: null, windowId: 'w-kw-a02' }), atDistrict(), comprehensive, ['dept-qscj']),
    ).toBeUndefined();
  });

  it('still refuses without a carrier, a clerk of another department, another window or another hall', () => {
    // Without the link the district window does not serve the city bureau: the refusal of old.
    expect(decidingRefusal(clerk(), atDistrict(), b01(), [])).toBe('该窗口不承办本事项所属部门的业务');
    expect(decidingRefusal(clerk(), atDistrict(), b01({ departmentIds: ['dept-qzjj'] }), ['dept-qscj'])).toBe(
      '该窗口不承办本事项所属部门的业务',
    );
    // A district clerk of an unrelated department, at a window serving both.
    const b03 = b01({ id: 'w-kw-b03', departmentIds: ['dept-qzjj', 'dept-qscj'] });
    expect(decidingRefusal(clerk({ departmentId: 'dept-qzjj' }), atDistrict(), b03, ['dept-qscj'])).toMatch(
      /^只有事项所属部门/,
    );
    expect(decidingRefusal(clerk({ departmentId: null }), atDistrict(), b01(), ['dept-qscj'])).toMatch(
      /^只有事项所属部门/,
    );
    const comprehensive = b01({ id: 'w-kw-a02', kind: 'comprehensive', departmentIds: ['dept-qscj'] });
    expect(
      decidingRefusal(clerk({ departmentId: 'dept-qzjj', windowId: 'w-kw-a09' }), atDistrict(), comprehensive, [
        'dept-qscj',
      ]),
    ).toMatch(/^只有事项所属部门/);
    expect(decidingRefusal(clerk(), atDistrict(), b01({ kind: 'front_desk' }), ['dept-qscj'])).toMatch(
      /^只有事项所属部门/,
    );
    // The city bureau's own clerk decides at the city, not at the district hall.
    expect(
      decidingRefusal(clerk({ hallId: 'hall-city', departmentId: 'dept-scjg' }), atDistrict(), b01(), ['dept-qscj']),
    ).toBe('只有本中心工作人员可以作出受理决定');
    expect(decidingRefusal(clerk(), atDistrict(), b01({ hallId: 'hall-city' }), ['dept-qscj'])).toBe(
      '受理窗口不属于本中心',
    );
  });
});

describe('Accept', () => {
  it('takes a registration with every required material submitted or on file (optional ones may be missing)', () => {
    expect(validateAccept(withMaterial('M07', { status: MS.MATERIAL_STATUS_SUBMITTED }))).toEqual([]);
    expect(validateAccept(withMaterial('M07', { status: MS.MATERIAL_STATUS_ON_FILE }))).toEqual([]);
  });

  it('refuses a required material missing, by material', () => {
    expect(validateAccept(registration())).toEqual([
      { field: 'materials[M07]', description: '缺少必要材料“从业人员健康证明”：请补正（一次性告知）或按容缺受理办理' },
    ]);
    expect(fields(validateAccept(withMaterial('M01', { status: MS.MATERIAL_STATUS_MISSING })))).toEqual([
      'materials[M01]',
      'materials[M07]',
    ]);
  });
});

describe('容缺受理 (AcceptWithMissing)', () => {
  const commitment = pb.MissingMaterialCommitment.fromPartial({ signedBy: '张三', statement: '' });
  const decide = (
    over: Partial<pb.Registration> = {},
    codes: string[] = ['M07'],
    eligible: items.ProjectCategory[] | undefined = [P.PROJECT_CATEGORY_ANY],
    c: pb.MissingMaterialCommitment | undefined = commitment,
  ) => validateAcceptWithMissing(registration(over), item(eligible), codes, c);

  it('ANY: every applicant, with the missing material listed and a signed commitment', () => {
    expect(decide()).toEqual([]);
    // An optional material the item flags may be listed as well.
    expect(decide({}, ['M07', 'M09'])).toEqual([]);
  });

  it('an item without a 容缺 policy: FAILED_PRECONDITION', () => {
    expect(() => validateAcceptWithMissing(registration(), item(undefined), ['M07'], commitment)).toThrow(
      new PreconditionFailedError('事项“食品经营许可”不实行容缺受理'),
    );
  });

  it('key project categories: only a registration of such a project', () => {
    const keyOnly = [P.PROJECT_CATEGORY_MAJOR_GOVERNMENT_INVESTMENT, P.PROJECT_CATEGORY_INVESTMENT_ATTRACTION];
    expect(() => decide({}, ['M07'], keyOnly)).toThrow(
      new PreconditionFailedError('容缺受理仅限重大政府投资、招商引资项目；本申请未登记所属重点项目'),
    );
    expect(() =>
      decide(
        { projectName: '潍坊扶贫车间项目', projectCategory: P.PROJECT_CATEGORY_POVERTY_ALLEVIATION },
        ['M07'],
        keyOnly,
      ),
    ).toThrow(PreconditionFailedError);
    expect(
      decide(
        { projectName: '潍坊滨海新能源产业园项目', projectCategory: P.PROJECT_CATEGORY_INVESTMENT_ATTRACTION },
        ['M07'],
        keyOnly,
      ),
    ).toEqual([]);
  });

  it('refuses an empty list, unknown, repeated, unflagged and present materials, by index', () => {
    expect(fields(decide({}, []))).toEqual(['missing_material_codes', 'materials[M07]']);
    const flaggedOnFile = {
      materials: [
        ...registration().materials,
        material('M20', '检测报告', MS.MATERIAL_STATUS_ON_FILE, { mayBeAcceptedMissing: true }),
      ],
    };
    expect(decide(flaggedOnFile, ['M07', 'M99', 'M07', 'M01', 'M20'])).toEqual([
      { field: 'missing_material_codes[1]', description: '材料 M99 不在本申请的材料清单中' },
      { field: 'missing_material_codes[2]', description: '材料 M07 重复' },
      { field: 'missing_material_codes[3]', description: '“食品经营许可申请书”不属于可容缺材料' },
      { field: 'missing_material_codes[4]', description: '“检测报告”已提交或已在库，无需容缺' },
    ]);
  });

  it('refuses a required material missing but not listed, one not flagged for 容缺 included', () => {
    const noApplication = withMaterial('M01', { status: MS.MATERIAL_STATUS_MISSING });
    expect(validateAcceptWithMissing(noApplication, item([P.PROJECT_CATEGORY_ANY]), ['M07'], commitment)).toEqual([
      { field: 'materials[M01]', description: '缺少必要材料“食品经营许可申请书”，且未列为容缺' },
    ]);
    expect(fields(decide({}, ['M09']))).toEqual(['materials[M07]']);
  });

  it('refuses a commitment unsigned, signed by too long a name, or too long a statement', () => {
    expect(
      fields(validateAcceptWithMissing(registration(), item([P.PROJECT_CATEGORY_ANY]), ['M07'], undefined)),
    ).toEqual(['commitment.signed_by']);
    expect(fields(decide({}, ['M07'], [P.PROJECT_CATEGORY_ANY], { ...commitment, signedBy: ' 张 ' }))).toEqual([
      'commitment.signed_by',
    ]);
    expect(fields(decide({}, ['M07'], [P.PROJECT_CATEGORY_ANY], { ...commitment, signedBy: '张'.repeat(51) }))).toEqual(
      ['commitment.signed_by'],
    );
    expect(decide({}, ['M07'], [P.PROJECT_CATEGORY_ANY], { ...commitment, statement: '承'.repeat(500) })).toEqual([]);
    expect(
      fields(decide({}, ['M07'], [P.PROJECT_CATEGORY_ANY], { ...commitment, statement: '承'.repeat(501) })),
    ).toEqual(['commitment.statement']);
  });
});

describe('补正 notices (一次性告知)', () => {
  const entry = (materialCode: string, over: Partial<pb.SupplementEntry> = {}) =>
    pb.SupplementEntry.fromPartial({
      materialCode,
      problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
      reason: '请补交原件及复印件',
      ...over,
    });
  const afterFirst = (codes: string[]) =>
    registration({
      supplementNotices: [
        pb.SupplementNotice.fromPartial({ sequence: 1, entries: codes.map((c) => entry(c)), resubmittedAt: DUE }),
      ],
    });

  it('the first notice names every problem at once, missing or non-conforming, any material of the list', () => {
    expect(
      validateSupplementEntries(registration(), [
        entry('M07'),
        entry('M03', { problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_NON_CONFORMING, reason: '复印件不清晰' }),
      ]),
    ).toEqual([]);
  });

  it('refuses a notice with no entries', () => {
    expect(validateSupplementEntries(registration(), [])).toEqual([
      { field: 'entries', description: '补正告知必须一次性列明需补正的全部材料' },
    ]);
    expect(fields(validateSupplementEntries(afterFirst(['M07']), []))).toEqual(['entries']);
  });

  it('refuses an unknown or repeated material, an unspecified problem and a reason of bad length, by entry', () => {
    expect(
      validateSupplementEntries(registration(), [
        entry('M99'),
        entry('M07'),
        entry('M07'),
        entry('M03', { problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_UNSPECIFIED }),
        entry('M01', { reason: ' 缺 ' }),
        entry('M02', { reason: '因'.repeat(301) }),
      ]),
    ).toEqual([
      { field: 'entries[0].material_code', description: '材料 M99 不在本申请的材料清单中' },
      { field: 'entries[2].material_code', description: '材料 M07 重复' },
      { field: 'entries[3].problem', description: '必须说明是缺少还是不符合法定形式' },
      { field: 'entries[4].reason', description: '补正理由为 2 至 300 个字符' },
      { field: 'entries[5].reason', description: '补正理由为 2 至 300 个字符' },
    ]);
    expect(validateSupplementEntries(registration(), [entry('M02', { reason: '因'.repeat(300) })])).toEqual([]);
  });

  it('a later notice only names materials the first one named', () => {
    const reg = afterFirst(['M07', 'M03']);
    expect(validateSupplementEntries(reg, [entry('M03')])).toEqual([]);
    expect(validateSupplementEntries(reg, [entry('M07'), entry('M01')])).toEqual([
      {
        field: 'entries[1].material_code',
        description: '一次性告知：再次补正只能针对首次告知列明的材料，“食品经营许可申请书”不在其中',
      },
    ]);
  });

  it('Resubmit brings only materials the latest notice named', () => {
    const reg = registration({
      status: S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED,
      supplementNotices: [
        pb.SupplementNotice.fromPartial({ sequence: 1, entries: [entry('M07'), entry('M03')] }),
        pb.SupplementNotice.fromPartial({ sequence: 2, entries: [entry('M03')] }),
      ],
    });
    expect(validateResubmitted(reg, [pb.SubmittedMaterial.fromPartial({ code: 'M03' })])).toEqual([]);
    expect(
      validateResubmitted(reg, [
        pb.SubmittedMaterial.fromPartial({ code: 'M03' }),
        pb.SubmittedMaterial.fromPartial({ code: 'M07' }),
      ]),
    ).toEqual([{ field: 'materials[1].code', description: '材料 M07 不在补正告知书列明的材料中' }]);
  });
});

describe('不予受理 and 即办', () => {
  it('a refusal needs a written reason of 2 to 1000 characters; a legal basis up to 300', () => {
    expect(validateRefusal('申请事项依法不属于本机关职权范围', '《中华人民共和国行政许可法》第三十二条')).toEqual([]);
    expect(validateRefusal('', '')).toEqual([
      { field: 'reason', description: '不予受理必须书面说明理由（2 至 1000 个字符）' },
    ]);
    expect(fields(validateRefusal('   无 ', ''))).toEqual(['reason']);
    expect(validateRefusal('由'.repeat(1000), '法'.repeat(300))).toEqual([]);
    expect(fields(validateRefusal('由'.repeat(1001), '法'.repeat(301)))).toEqual(['reason', 'legal_basis']);
  });

  it('completing on the spot records the result; a certificate number up to 64 characters', () => {
    expect(validateCompletion('当场核发居民身份证', 'SFZ-0001')).toEqual([]);
    expect(fields(validateCompletion(' ', 'C'.repeat(65)))).toEqual(['result_note', 'certificate_number']);
    expect(fields(validateCompletion('结'.repeat(501), ''))).toEqual(['result_note']);
  });
});

describe('容缺 materials supplied', () => {
  const accepted = registration({
    status: S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
    materials: [
      material('M01', '食品经营许可申请书', MS.MATERIAL_STATUS_SUBMITTED),
      material('M07', '从业人员健康证明', MS.MATERIAL_STATUS_MISSING, { supplementDueAt: DUE }),
      material('M08', '连锁经营协议', MS.MATERIAL_STATUS_SUBMITTED, { supplementDueAt: DUE, suppliedAt: DUE }),
    ],
  });
  const supplied = (...codes: string[]) => codes.map((code) => pb.SubmittedMaterial.fromPartial({ code, copies: 1 }));

  it('takes a material accepted missing and not yet supplied', () => {
    expect(validateSupplied(accepted, supplied('M07'))).toEqual([]);
  });

  it('refuses none, one not accepted missing, one already supplied and one twice, by index', () => {
    expect(validateSupplied(accepted, [])).toEqual([{ field: 'materials', description: '必须列出补交的材料' }]);
    expect(validateSupplied(accepted, supplied('M01', 'M99', 'M08', 'M07', 'M07'))).toEqual([
      { field: 'materials[0].code', description: '材料 M01 不是容缺受理的材料' },
      { field: 'materials[1].code', description: '材料 M99 不是容缺受理的材料' },
      { field: 'materials[2].code', description: '“连锁经营协议”已补交' },
      { field: 'materials[4].code', description: '材料 M07 重复' },
    ]);
  });
});
