import {
  compareLimits,
  delegatedContent,
  deriveProcess,
  deriveStages,
  findDependencyCycle,
  jointCriticalPath,
  jointLayers,
  publishProblems,
  selectMaterials,
  storedContent,
  sumLimits,
  amountProblem,
  validateBundleInput,
  validateItemInput,
  withItemDefaults,
  type ItemContent,
  type ItemInput,
  type JointProcess,
  type LimitUnit,
  type Material,
  type MissingMaterialPolicy,
} from './items';
import { shownInGuide } from './items-search';
import type { HallTier } from './organisation';

/** A valid promised item of a city department; override what the test is about. */
function anItem(overrides: Partial<ItemInput> = {}): ItemInput {
  return {
    baseCode: '000105001000',
    implementationCode: '11370700MB2812345X000105001000',
    name: '食品经营许可',
    departmentId: 'dept-scjg',
    bodyNature: 'legal_organ',
    itemType: 'licensing',
    exercisingTier: 'city',
    duties: '负责食品经营许可的受理、审查和发证',
    legalBasis: [{ name: '《中华人民共和国食品安全法》', article: '第三十五条', text: '' }],
    acceptanceConditions: ['申请人已取得营业执照'],
    prerequisites: [],
    notificationCommitment: false,
    procedure: {
      description: '受理 → 审核 → 审批 → 发证',
      channels: { onlineDepth: 3, appointment: true, expressDelivery: true, onlinePayment: false },
    },
    statutoryLimit: { amount: 20, unit: 'working_days' },
    promisedLimit: { amount: 5, unit: 'working_days' },
    acceptanceLimit: null,
    stageBudgets: [],
    limitNote: '',
    commitment: { text: '最多跑一次', maxVisits: 1 },
    free: true,
    feeItems: [],
    result: { name: '食品经营许可证', kind: 'certificate', sampleRef: '' },
    caseType: 'promised',
    reviewMode: 'single',
    situations: [],
    materials: [aMaterial()],
    acceptTiers: ['city'],
    approveTier: 'city',
    handlingScope: 'local',
    delegation: null,
    joint: null,
    missingMaterials: null,
    reported: null,
    refusalFilingRequired: false,
    publishResults: false,
    extensionLimit: null,
    ...overrides,
  };
}

/** 容缺 for key projects, materials brought within 3 working days. */
const KEY_PROJECTS: MissingMaterialPolicy = {
  eligibleCategories: ['major_government_investment', 'investment_attraction', 'poverty_alleviation'],
  supplementLimit: { amount: 3, unit: 'working_days' },
  basis: '《潍坊市政务服务容缺受理制度（试行）》',
};

/** 初审 at the lower tier of a cross-tier item: 2 of its 5 promised working days. */
const PRE_REVIEW = { stage: 'pre_review', limit: { amount: 2, unit: 'working_days' } } as const;

function aMaterial(overrides: Partial<Material> = {}): Material {
  return {
    code: 'M01',
    name: '食品经营许可申请书',
    necessity: 'required',
    form: 'original',
    copies: 1,
    originalForCheck: false,
    source: 'applicant',
    sourceDepartment: '',
    paperSize: 'A4',
    blankFormRef: '',
    sampleRef: '',
    acceptanceStandard: '',
    basis: '',
    mayBeAcceptedMissing: false,
    situationCodes: [],
    certificateName: '',
    ...overrides,
  };
}

/** 项目立项 → 选址意见 ∥ 用地预审 → 环境影响评价 → 施工许可. */
function investmentGraph(): JointProcess {
  const part = (code: string, name: string, days: number) => ({
    code,
    name,
    departmentId: `dept-${code}`,
    itemId: null,
    limit: { amount: days, unit: 'working_days' as const },
  });
  return {
    leadDepartmentId: 'dept-LX',
    leadRule: 'named',
    subItems: [
      part('LX', '项目立项', 5),
      part('XZ', '选址意见', 7),
      part('YD', '用地预审', 10),
      part('HP', '环境影响评价', 8),
      part('SG', '施工许可', 5),
    ],
    edges: [
      { subItem: 'XZ', dependsOn: 'LX' },
      { subItem: 'YD', dependsOn: 'LX' },
      { subItem: 'HP', dependsOn: 'XZ' },
      { subItem: 'HP', dependsOn: 'YD' },
      { subItem: 'SG', dependsOn: 'HP' },
    ],
  };
}

const fieldsOf = (input: ItemInput): string[] => validateItemInput(withItemDefaults(input)).map((v) => v.field);

describe('stage derivation', () => {
  it('derives accept → review → approve → issue → archive for 审核合一', () => {
    expect(deriveStages('promised', 'single')).toEqual(['accept', 'review', 'approve', 'issue', 'archive']);
  });
  it('adds verify after review for 一审一核', () => {
    expect(deriveStages('promised', 'review_verify')).toEqual([
      'accept',
      'review',
      'verify',
      'approve',
      'issue',
      'archive',
    ]);
    expect(deriveStages('joint', 'review_verify')).toContain('verify');
  });
  it('lets an immediate item be decided at acceptance and issued on the spot', () => {
    expect(deriveStages('immediate', 'single')).toEqual(['accept', 'issue', 'archive']);
  });
});

describe('time limits', () => {
  it('compares like units, and natural hours with natural days', () => {
    expect(compareLimits({ amount: 5, unit: 'working_days' }, { amount: 20, unit: 'working_days' })).toBeLessThan(0);
    expect(compareLimits({ amount: 48, unit: 'natural_hours' }, { amount: 2, unit: 'natural_days' })).toBe(0);
    expect(compareLimits({ amount: 49, unit: 'natural_hours' }, { amount: 2, unit: 'natural_days' })).toBeGreaterThan(
      0,
    );
  });
  it('never converts working days to working hours, nor working time to natural time', () => {
    expect(compareLimits({ amount: 8, unit: 'working_hours' }, { amount: 1, unit: 'working_days' })).toBeUndefined();
    expect(compareLimits({ amount: 1, unit: 'natural_days' }, { amount: 1, unit: 'working_days' })).toBeUndefined();
  });
  it('adds limits in one unit, natural ones in hours, and refuses to add mixed scales', () => {
    expect(
      sumLimits([
        { amount: 1.5, unit: 'working_days' },
        { amount: 0.5, unit: 'working_days' },
      ]),
    ).toEqual({ amount: 2, unit: 'working_days' });
    expect(
      sumLimits([
        { amount: 1, unit: 'natural_days' },
        { amount: 6, unit: 'natural_hours' },
      ]),
    ).toEqual({ amount: 30, unit: 'natural_hours' });
    expect(
      sumLimits([
        { amount: 1, unit: 'working_days' },
        { amount: 4, unit: 'working_hours' },
      ]),
    ).toBeUndefined();
  });
  it('takes whole and half units only', () => {
    expect(amountProblem(0.5)).toBeUndefined();
    expect(amountProblem(0.3)).toMatch(/half/);
    expect(amountProblem(0.5, 'working_days')).toBeUndefined();
    expect(amountProblem(1.5, 'natural_days')).toMatch(/whole natural days/);
    expect(amountProblem(-1)).toBeDefined();
    expect(amountProblem(Number.NaN)).toBeDefined();
  });
  it('defaults the acceptance limit to 4 working hours', () => {
    expect(withItemDefaults(anItem()).acceptanceLimit).toEqual({ amount: 4, unit: 'working_hours' });
    const own = withItemDefaults(anItem({ acceptanceLimit: { amount: 1, unit: 'working_days' } }));
    expect(own.acceptanceLimit).toEqual({ amount: 1, unit: 'working_days' });
  });
});

describe('item validation', () => {
  it('accepts a complete promised item', () => {
    expect(validateItemInput(withItemDefaults(anItem()))).toEqual([]);
  });

  it('refuses a promised limit above the statutory limit, naming the field', () => {
    const violations = validateItemInput(
      withItemDefaults(anItem({ promisedLimit: { amount: 25, unit: 'working_days' } })),
    );
    expect(violations).toEqual([
      {
        field: 'item.promised_limit',
        description: '25 working_days exceeds the statutory limit of 20 working_days',
      },
    ]);
  });

  it('refuses limits that cannot be compared without a calendar', () => {
    expect(fieldsOf(anItem({ promisedLimit: { amount: 30, unit: 'working_hours' } }))).toEqual([
      'item.promised_limit.unit',
    ]);
    expect(fieldsOf(anItem({ promisedLimit: { amount: 10, unit: 'natural_days' } }))).toEqual([
      'item.promised_limit.unit',
    ]);
    // Natural hours against natural days is the same clock.
    const natural = {
      statutoryLimit: { amount: 1, unit: 'natural_days' as const },
      promisedLimit: { amount: 25, unit: 'natural_hours' as const },
    };
    expect(fieldsOf(anItem(natural))).toEqual(['item.promised_limit']);
    expect(fieldsOf(anItem({ ...natural, promisedLimit: { amount: 24, unit: 'natural_hours' } }))).toEqual([]);
  });

  it('lets an item without a statutory limit promise any limit', () => {
    expect(fieldsOf(anItem({ statutoryLimit: null, promisedLimit: { amount: 3, unit: 'working_days' } }))).toEqual([]);
  });

  it('requires an immediate item to promise 0 and decide with one reviewer', () => {
    expect(fieldsOf(anItem({ caseType: 'immediate', promisedLimit: { amount: 0, unit: 'working_days' } }))).toEqual([]);
    expect(fieldsOf(anItem({ caseType: 'immediate' }))).toEqual(['item.promised_limit.amount']);
    expect(
      fieldsOf(
        anItem({
          caseType: 'immediate',
          reviewMode: 'review_verify',
          promisedLimit: { amount: 0, unit: 'working_days' },
        }),
      ),
    ).toEqual(['item.review_mode']);
    expect(fieldsOf(anItem({ promisedLimit: { amount: 0, unit: 'working_days' } }))).toEqual([
      'item.promised_limit.amount',
    ]);
  });

  it('fits stage budgets into the promised limit, on stages the item has', () => {
    const budget = (stage: 'review' | 'verify' | 'approve' | 'issue' | 'accept', days: number) => ({
      stage,
      limit: { amount: days, unit: 'working_days' as const },
    });
    expect(fieldsOf(anItem({ stageBudgets: [budget('review', 2), budget('approve', 2), budget('issue', 1)] }))).toEqual(
      [],
    );
    const over = validateItemInput(
      withItemDefaults(anItem({ stageBudgets: [budget('review', 3), budget('approve', 2), budget('issue', 1)] })),
    );
    expect(over).toEqual([
      { field: 'item.stage_budgets', description: '6 working_days exceeds the promised limit of 5 working_days' },
    ]);
    expect(fieldsOf(anItem({ stageBudgets: [budget('verify', 1)] }))).toEqual(['item.stage_budgets[0].stage']);
    expect(fieldsOf(anItem({ stageBudgets: [budget('accept', 1)] }))).toEqual(['item.stage_budgets[0].stage']);
    expect(fieldsOf(anItem({ stageBudgets: [budget('review', 1), budget('review', 1)] }))).toEqual([
      'item.stage_budgets[1].stage',
    ]);
    expect(
      fieldsOf(anItem({ stageBudgets: [{ stage: 'review', limit: { amount: 4, unit: 'working_hours' } }] })),
    ).toEqual(['item.stage_budgets[0].limit.unit']);
  });

  it('keeps 容缺 to required materials and the main materials complete', () => {
    const missingMaterials = KEY_PROJECTS;
    expect(fieldsOf(anItem({ missingMaterials, materials: [aMaterial({ mayBeAcceptedMissing: true })] }))).toEqual([
      'item.materials',
    ]);
    expect(
      fieldsOf(
        anItem({
          missingMaterials,
          materials: [aMaterial(), aMaterial({ code: 'M02', necessity: 'optional', mayBeAcceptedMissing: true })],
        }),
      ),
    ).toEqual(['item.materials[1].may_be_accepted_missing']);
    expect(
      fieldsOf(
        anItem({ missingMaterials, materials: [aMaterial(), aMaterial({ code: 'M02', mayBeAcceptedMissing: true })] }),
      ),
    ).toEqual([]);
  });

  it('names a certificate only on a government-issued material', () => {
    const licence = { certificateName: '营业执照', name: '营业执照', form: 'copy' as const };
    expect(fieldsOf(anItem({ materials: [aMaterial({ ...licence, source: 'applicant' })] }))).toEqual([
      'item.materials[0].certificate_name',
    ]);
    expect(fieldsOf(anItem({ materials: [aMaterial({ ...licence, source: 'government' })] }))).toEqual([]);
    expect(
      fieldsOf(
        anItem({ materials: [aMaterial({ ...licence, source: 'government', certificateName: '证'.repeat(65) })] }),
      ),
    ).toEqual(['item.materials[0].certificate_name']);
  });

  it('checks copies by form and situation references', () => {
    expect(fieldsOf(anItem({ materials: [aMaterial({ copies: 0 })] }))).toEqual(['item.materials[0].copies']);
    expect(fieldsOf(anItem({ materials: [aMaterial({ form: 'electronic', copies: 0 })] }))).toEqual([]);
    expect(fieldsOf(anItem({ materials: [aMaterial({ situationCodes: ['NOPE'] })] }))).toEqual([
      'item.materials[0].situation_codes[0]',
    ]);
    expect(fieldsOf(anItem({ materials: [aMaterial(), aMaterial()] }))).toEqual(['item.materials[1].code']);
  });

  it('requires fee items or free, and a complete standard for each', () => {
    expect(fieldsOf(anItem({ free: false }))).toEqual(['item.fee_items']);
    const fee = {
      code: 'F01',
      name: '不动产登记费',
      kind: 'per_unit' as const,
      amountFen: 0,
      unitPriceFen: 300,
      unitName: '',
      legalBasis: '发改价格规〔2016〕2559号',
      receivingDepartmentId: 'dept-bdc',
      fiscalAccount: '37070012345678',
      reducible: true,
      reductionBasis: '',
    };
    expect(fieldsOf(anItem({ free: false, feeItems: [fee] }))).toEqual([
      'item.fee_items[0].unit_name',
      'item.fee_items[0].reduction_basis',
    ]);
    expect(
      fieldsOf(anItem({ free: false, feeItems: [{ ...fee, unitName: '件', reductionBasis: '小微企业免收' }] })),
    ).toEqual([]);
    expect(
      fieldsOf(anItem({ free: true, feeItems: [{ ...fee, unitName: '件', reductionBasis: '小微企业免收' }] })),
    ).toEqual(['item.fee_items']);
  });

  it('keeps the approving tier at the exercising tier unless delegated, and accepting tiers at or below it', () => {
    expect(fieldsOf(anItem({ acceptTiers: ['district', 'city'], stageBudgets: [PRE_REVIEW] }))).toEqual([]);
    expect(fieldsOf(anItem({ approveTier: 'district', acceptTiers: ['district'] }))).toEqual(['item.approve_tier']);
    expect(
      fieldsOf(
        anItem({
          exercisingTier: 'district',
          approveTier: 'district',
          acceptTiers: ['city'],
        }),
      ),
    ).toEqual(['item.accept_tiers[0]']);
    const delegated = anItem({
      exercisingTier: 'district',
      approveTier: 'township',
      acceptTiers: ['township', 'village'],
      stageBudgets: [PRE_REVIEW],
      delegation: { tier: 'township', mode: 'devolved', basis: '奎政发〔2020〕3号' },
    });
    expect(fieldsOf(delegated)).toEqual([]);
    expect(
      fieldsOf({ ...delegated, delegation: { tier: 'district', mode: 'devolved', basis: '奎政发〔2020〕3号' } }),
    ).toEqual(['item.delegation.tier', 'item.approve_tier']);
  });

  it('derives cross-tier linkage when a lower tier accepts', () => {
    const content = withItemDefaults(anItem({ acceptTiers: ['district'] })) as ItemContent;
    expect(deriveProcess(content).crossTierLinkage).toBe(true);
    expect(deriveProcess(withItemDefaults(anItem()) as ItemContent).crossTierLinkage).toBe(false);
  });

  it('names what a draft lacks before publishing', () => {
    const draft = withItemDefaults(
      anItem({ duties: '', acceptanceConditions: [], result: { name: '', kind: null, sampleRef: '' } }),
    ) as ItemContent;
    expect(publishProblems(draft).map((v) => v.field)).toEqual([
      'item.duties',
      'item.acceptance_conditions',
      'item.result.name',
      'item.result.kind',
    ]);
  });
});

describe('joint graphs', () => {
  const jointItem = (joint: JointProcess, days = 30): ItemInput =>
    anItem({
      caseType: 'joint',
      joint,
      statutoryLimit: { amount: 45, unit: 'working_days' },
      promisedLimit: { amount: days, unit: 'working_days' },
    });

  it('layers a project: approval, then site ∥ land, then environment, then construction', () => {
    expect(jointLayers(investmentGraph())).toEqual([['LX'], ['XZ', 'YD'], ['HP'], ['SG']]);
    expect(fieldsOf(jointItem(investmentGraph()))).toEqual([]);
  });

  it('runs independent parts in one parallel layer', () => {
    const graph = { ...investmentGraph(), edges: [] };
    expect(jointLayers(graph)).toEqual([['LX', 'XZ', 'YD', 'HP', 'SG']]);
  });

  it('takes the longest chain of part limits as the critical path', () => {
    // LX 5 + max(XZ 7, YD 10) + HP 8 + SG 5 = 28 working days.
    expect(jointCriticalPath(investmentGraph())).toEqual({ amount: 28, unit: 'working_days' });
    expect(fieldsOf(jointItem(investmentGraph(), 27))).toEqual(['item.joint.sub_items']);
  });

  it('refuses a cycle, naming it and blaming its last-listed edge', () => {
    const graph = investmentGraph();
    const cyclic = { ...graph, edges: [...graph.edges, { subItem: 'LX', dependsOn: 'SG' }] };
    expect(findDependencyCycle(['LX', 'XZ', 'YD', 'HP', 'SG'], cyclic.edges)).toEqual({
      codes: ['LX', 'SG', 'HP', 'XZ', 'LX'],
      edgeIndex: 5,
    });
    const violations = validateItemInput(withItemDefaults(jointItem(cyclic)));
    expect(violations).toEqual([
      {
        field: 'item.joint.edges[5]',
        description: 'makes a dependency cycle: LX → SG → HP → XZ → LX (→ reads "depends on")',
      },
    ]);
    // A self-dependency listed first is reported on its own and does not shift the blamed edge.
    const withSelf = { ...graph, edges: [{ subItem: 'SG', dependsOn: 'SG' }, ...cyclic.edges] };
    expect(fieldsOf(jointItem(withSelf))).toEqual(['item.joint.edges[0]', 'item.joint.edges[6]']);
    expect(() => jointLayers(cyclic)).toThrow(/cycle/);
  });

  it('says which edge names an unknown part, depends on itself or repeats', () => {
    const graph = investmentGraph();
    const bad = {
      ...graph,
      edges: [
        ...graph.edges,
        { subItem: 'SG', dependsOn: 'NOPE' },
        { subItem: 'SG', dependsOn: 'SG' },
        graph.edges[0]!,
      ],
    };
    expect(fieldsOf(jointItem(bad))).toEqual([
      'item.joint.edges[5].depends_on',
      'item.joint.edges[6]',
      'item.joint.edges[7]',
    ]);
  });

  it('refuses a lead department without a part in the graph', () => {
    expect(fieldsOf(jointItem({ ...investmentGraph(), leadDepartmentId: 'dept-other' }))).toEqual([
      'item.joint.lead_department_id',
    ]);
  });

  it('ties the graph to the joint case type', () => {
    expect(fieldsOf(anItem({ caseType: 'joint' }))).toEqual(['item.joint']);
    expect(fieldsOf(anItem({ joint: investmentGraph() }))).toEqual(['item.joint']);
  });

  it('returns layers and critical path in the derived process', () => {
    const derived = deriveProcess(withItemDefaults(jointItem(investmentGraph())) as ItemContent);
    expect(derived.jointLayers).toEqual([['LX'], ['XZ', 'YD'], ['HP'], ['SG']]);
    expect(derived.jointCriticalPath).toEqual({ amount: 28, unit: 'working_days' });
  });
});

describe('joint lead rules (牵头部门)', () => {
  const jointItem = (joint: Partial<ItemInput['joint'] & object>): ItemInput =>
    anItem({
      caseType: 'joint',
      joint: { ...investmentGraph(), ...joint },
      statutoryLimit: { amount: 45, unit: 'working_days' },
      promisedLimit: { amount: 30, unit: 'working_days' },
    });
  const violationsOf = (input: ItemInput) => validateItemInput(withItemDefaults(input));
  const leadOf = (input: ItemInput) => deriveProcess(withItemDefaults(input) as ItemContent).jointLeadDepartmentId;

  it('leads by the named department under NAMED, and derives it', () => {
    expect(violationsOf(jointItem({ leadRule: 'named' }))).toEqual([]);
    expect(leadOf(jointItem({ leadRule: 'named' }))).toBe('dept-LX');
    expect(violationsOf(jointItem({ leadRule: 'named', leadDepartmentId: '' }))).toEqual([
      { field: 'item.joint.lead_department_id', description: 'is required' },
    ]);
    expect(leadOf(anItem())).toBeNull();
  });

  it('refuses an unknown lead rule', () => {
    expect(violationsOf(jointItem({ leadRule: undefined }))).toEqual([
      { field: 'item.joint.lead_rule', description: 'is not a known lead rule' },
    ]);
  });

  it('leads by the one source part under FIRST_DEPARTMENT (责任部门牵头), the named lead left empty or agreeing', () => {
    const first = (leadDepartmentId: string, edges = investmentGraph().edges) =>
      jointItem({ leadRule: 'first_department', leadDepartmentId, edges });
    expect(violationsOf(first(''))).toEqual([]);
    expect(leadOf(first(''))).toBe('dept-LX');
    expect(violationsOf(first('dept-LX'))).toEqual([]);
    expect(violationsOf(first('dept-SG'))).toEqual([
      {
        field: 'item.joint.lead_department_id',
        description:
          "under FIRST_DEPARTMENT the lead is part LX's department dept-LX: leave it empty or name that department",
      },
    ]);
    // XZ and YD no longer wait for LX: three parts start the graph.
    const threeSources = investmentGraph().edges.filter((e) => e.dependsOn !== 'LX');
    expect(violationsOf(first('', threeSources))).toEqual([
      {
        field: 'item.joint.lead_rule',
        description:
          'FIRST_DEPARTMENT needs one part that every other part follows, but LX, XZ, YD depend on nothing: add edges or name the lead (NAMED)',
      },
    ]);
    expect(leadOf(first('', threeSources))).toBeNull();
  });

  it('leads by the one sink part under LAST_APPROVING (最后审批把关部门牵头)', () => {
    const last = (leadDepartmentId: string, edges = investmentGraph().edges) =>
      jointItem({ leadRule: 'last_approving', leadDepartmentId, edges });
    expect(violationsOf(last(''))).toEqual([]);
    expect(leadOf(last(''))).toBe('dept-SG');
    expect(violationsOf(last('dept-SG'))).toEqual([]);
    expect(violationsOf(last('dept-LX')).map((v) => v.field)).toEqual(['item.joint.lead_department_id']);
    // SG (施工许可) no longer waits for HP: HP and SG both end the graph.
    const twoSinks = investmentGraph().edges.filter((e) => e.subItem !== 'SG');
    expect(violationsOf(last('', twoSinks))).toEqual([
      {
        field: 'item.joint.lead_rule',
        description:
          'LAST_APPROVING needs one part that follows every other part, but nothing depends on HP, SG: add edges or name the lead (NAMED)',
      },
    ]);
  });

  it('checks a lead department given under a graph rule against the part found, after the graph itself', () => {
    expect(
      violationsOf(jointItem({ leadRule: 'last_approving', leadDepartmentId: 'dept-other' })).map((v) => v.field),
    ).toEqual(['item.joint.lead_department_id']);
    const cyclic = [...investmentGraph().edges, { subItem: 'LX', dependsOn: 'SG' }];
    expect(
      violationsOf(jointItem({ leadRule: 'first_department', leadDepartmentId: '', edges: cyclic })).map(
        (v) => v.field,
      ),
    ).toEqual(['item.joint.edges[5]']);
  });
});

describe('延期 bound (extension_limit, 行政许可法 art. 42)', () => {
  const extended = (amount: number, unit: LimitUnit = 'working_days') => anItem({ extensionLimit: { amount, unit } });

  it('takes working days, whole or half, above 0 and at most 30', () => {
    expect(fieldsOf(extended(15))).toEqual([]);
    expect(fieldsOf(extended(0.5))).toEqual([]);
    expect(fieldsOf(extended(30))).toEqual([]);
    expect(fieldsOf(anItem({ extensionLimit: null }))).toEqual([]);
    expect(validateItemInput(withItemDefaults(extended(30.5)))).toEqual([
      { field: 'item.extension_limit.amount', description: 'must be at most 30 working_days' },
    ]);
    expect(fieldsOf(extended(0))).toEqual(['item.extension_limit.amount']);
    expect(fieldsOf(extended(2.25))).toEqual(['item.extension_limit.amount']);
    expect(validateItemInput(withItemDefaults(extended(10, 'natural_days')))).toEqual([
      { field: 'item.extension_limit.unit', description: 'an extension (延期) is counted in working days' },
    ]);
    expect(fieldsOf(anItem({ extensionLimit: { amount: 10, unit: undefined } }))).toEqual([
      'item.extension_limit.unit',
    ]);
  });

  it('does not extend an immediate item, decided on the spot', () => {
    expect(
      fieldsOf(
        anItem({
          caseType: 'immediate',
          promisedLimit: { amount: 0, unit: 'working_days' },
          extensionLimit: { amount: 5, unit: 'working_days' },
        }),
      ),
    ).toEqual(['item.extension_limit']);
  });
});

describe('materials by situation', () => {
  const content = {
    situations: [
      { code: 'COMPANY', name: '申请人为企业', group: '申请人类型' },
      { code: 'PERSON', name: '申请人为个人', group: '申请人类型' },
      { code: 'AGENT', name: '委托代理人办理', group: '' },
    ],
    materials: [
      aMaterial({ code: 'FORM' }),
      aMaterial({ code: 'LICENCE', situationCodes: ['COMPANY'] }),
      aMaterial({ code: 'ID', situationCodes: ['PERSON'] }),
      aMaterial({ code: 'POA', situationCodes: ['AGENT'] }),
    ],
  };

  it('shows the common materials and those of the chosen situations only', () => {
    const selection = selectMaterials(content, ['COMPANY']);
    expect(selection.materials.map((m) => m.code)).toEqual(['FORM', 'LICENCE']);
    expect(selection.unansweredGroups).toEqual([]);
    expect(selectMaterials(content, ['PERSON', 'AGENT']).materials.map((m) => m.code)).toEqual(['FORM', 'ID', 'POA']);
  });

  it('lists the groups still unanswered', () => {
    const selection = selectMaterials(content, []);
    expect(selection.materials.map((m) => m.code)).toEqual(['FORM']);
    expect(selection.unansweredGroups).toEqual(['申请人类型']);
  });

  it('refuses unknown situations and two answers to one question', () => {
    expect(selectMaterials(content, ['COMPANY', 'PERSON', 'NOPE']).violations.map((v) => v.field)).toEqual([
      'situation_codes[1]',
      'situation_codes[2]',
    ]);
  });
});

describe('delegation and bundles', () => {
  it('moves approval to the delegated tier and acceptance there and below', () => {
    const content = withItemDefaults(
      anItem({
        exercisingTier: 'district',
        approveTier: 'district',
        acceptTiers: ['district', 'village'],
        stageBudgets: [PRE_REVIEW],
      }),
    ) as ItemContent;
    const delegated = delegatedContent(content, { tier: 'township', mode: 'entrusted', basis: '奎政发〔2020〕3号' });
    expect(delegated).toMatchObject({ approveTier: 'township', acceptTiers: ['township', 'village'] });
    expect(validateItemInput(delegated)).toEqual([]);
  });

  it('needs at least two distinct items in a bundle', () => {
    const place = { hallId: 'hall-kw', windowId: 'window-b03' };
    expect(validateBundleInput({ name: '不动产两证齐发', description: '', itemIds: ['a'], ...place })).toHaveLength(1);
    expect(
      validateBundleInput({ name: '不动产两证齐发', description: '', itemIds: ['a', 'a'], ...place })[0]?.field,
    ).toBe('bundle.item_ids[1]');
  });
});

describe('容缺 policy (《容缺受理制度》)', () => {
  const withMissing = (overrides: Partial<ItemInput> = {}): ItemInput =>
    anItem({
      materials: [aMaterial(), aMaterial({ code: 'M02', name: '环境影响报告表', mayBeAcceptedMissing: true })],
      missingMaterials: KEY_PROJECTS,
      ...overrides,
    });
  const policy = (overrides: Partial<NonNullable<ItemInput['missingMaterials']>>): ItemInput =>
    withMissing({ missingMaterials: { ...KEY_PROJECTS, ...overrides } });

  it('accepts key projects with a supplement limit within the promise, and derives what intake needs', () => {
    expect(fieldsOf(withMissing())).toEqual([]);
    expect(fieldsOf(policy({ supplementLimit: { amount: 5, unit: 'working_days' } }))).toEqual([]);
    expect(fieldsOf(policy({ supplementLimit: { amount: 2.5, unit: 'working_days' } }))).toEqual([]);
    expect(fieldsOf(policy({ eligibleCategories: ['any'] }))).toEqual([]);
    const derived = deriveProcess(withItemDefaults(withMissing()) as ItemContent);
    expect(derived).toMatchObject({ acceptsMissingMaterials: true, missingMaterialCodes: ['M02'] });
    expect(deriveProcess(withItemDefaults(anItem()) as ItemContent)).toMatchObject({
      acceptsMissingMaterials: false,
      missingMaterialCodes: [],
    });
  });

  it('refuses a material that may be missing without a policy, and a policy without such a material', () => {
    expect(fieldsOf(withMissing({ missingMaterials: null }))).toEqual(['item.materials[1].may_be_accepted_missing']);
    expect(fieldsOf(anItem({ missingMaterials: KEY_PROJECTS }))).toEqual(['item.missing_materials']);
  });

  it('refuses 容缺 on an immediate item, decided at the window with every material in hand', () => {
    const immediate = { caseType: 'immediate', promisedLimit: { amount: 0, unit: 'working_days' } } as const;
    expect(fieldsOf(withMissing(immediate))).toEqual([
      'item.materials[1].may_be_accepted_missing',
      'item.missing_materials',
    ]);
    expect(fieldsOf(withMissing({ ...immediate, missingMaterials: null }))).toEqual([
      'item.materials[1].may_be_accepted_missing',
    ]);
  });

  it('names the projects it is for: at least one, none twice, none unknown, ANY alone', () => {
    expect(fieldsOf(policy({ eligibleCategories: [] }))).toEqual(['item.missing_materials.eligible_categories']);
    expect(fieldsOf(policy({ eligibleCategories: ['investment_attraction', 'investment_attraction'] }))).toEqual([
      'item.missing_materials.eligible_categories[1]',
    ]);
    expect(fieldsOf(policy({ eligibleCategories: [undefined] }))).toEqual([
      'item.missing_materials.eligible_categories[0]',
    ]);
    expect(fieldsOf(policy({ eligibleCategories: ['poverty_alleviation', 'any'] }))).toEqual([
      'item.missing_materials.eligible_categories[1]',
    ]);
  });

  it('counts the supplement deadline in working days, whole or half, above 0 and within the promised limit', () => {
    expect(
      validateItemInput(withItemDefaults(policy({ supplementLimit: { amount: 6, unit: 'working_days' } }))),
    ).toEqual([
      {
        field: 'item.missing_materials.supplement_limit',
        description: '6 working_days exceeds the promised limit of 5 working_days',
      },
    ]);
    expect(fieldsOf(policy({ supplementLimit: { amount: 3, unit: 'natural_days' } }))).toEqual([
      'item.missing_materials.supplement_limit.unit',
    ]);
    expect(fieldsOf(policy({ supplementLimit: { amount: 0, unit: 'working_days' } }))).toEqual([
      'item.missing_materials.supplement_limit.amount',
    ]);
    expect(fieldsOf(policy({ supplementLimit: { amount: 1.25, unit: 'working_days' } }))).toEqual([
      'item.missing_materials.supplement_limit.amount',
    ]);
    expect(fieldsOf(policy({ supplementLimit: null }))).toEqual(['item.missing_materials.supplement_limit']);
    expect(fieldsOf(policy({ basis: '' }))).toEqual(['item.missing_materials.basis']);
  });
});

describe('上报件 and 否定报备', () => {
  it('names the upper authority that decides, above the approving tier when its tier is given', () => {
    const reported = (upperTier: HallTier | null | undefined) =>
      anItem({ reported: { upperAuthority: '山东省市场监督管理局', upperTier }, refusalFilingRequired: true });
    expect(fieldsOf(reported('province'))).toEqual([]);
    expect(fieldsOf(reported(null))).toEqual([]);
    expect(fieldsOf(reported('city'))).toEqual(['item.reported.upper_tier']);
    expect(fieldsOf(reported('district'))).toEqual(['item.reported.upper_tier']);
    expect(fieldsOf(reported(undefined))).toEqual(['item.reported.upper_tier']);
    expect(fieldsOf(anItem({ reported: { upperAuthority: '', upperTier: null } }))).toEqual([
      'item.reported.upper_authority',
    ]);
  });

  it('does not report an immediate item: the window decides it on the spot', () => {
    expect(
      fieldsOf(
        anItem({
          caseType: 'immediate',
          promisedLimit: { amount: 0, unit: 'working_days' },
          reported: { upperAuthority: '奎文区民政局', upperTier: null },
        }),
      ),
    ).toEqual(['item.reported']);
  });

  it('reads content stored before these rules as none of them', () => {
    const {
      missingMaterials: _m,
      reported: _r,
      refusalFilingRequired: _f,
      publishResults: _p,
      extensionLimit: _e,
      ...before
    } = withItemDefaults(anItem()) as ItemContent;
    expect(storedContent(before)).toMatchObject({
      missingMaterials: null,
      reported: null,
      refusalFilingRequired: false,
      publishResults: false,
      extensionLimit: null,
    });
  });

  it('reads a joint graph stored before lead rules as led by its named department', () => {
    const { leadRule: _l, ...graph } = investmentGraph();
    const stored = storedContent({ ...(withItemDefaults(anItem({ caseType: 'joint' })) as ItemContent), joint: graph });
    expect(stored.joint?.leadRule).toBe('named');
    expect(deriveProcess(stored).jointLeadDepartmentId).toBe('dept-LX');
  });
});

describe('初审 of cross-tier items (市县联动, 行政许可法 art. 43)', () => {
  const crossTier = (stageBudgets: ItemInput['stageBudgets'], overrides: Partial<ItemInput> = {}): ItemInput =>
    anItem({ acceptTiers: ['city', 'district'], stageBudgets, ...overrides });
  const budget = (stage: 'pre_review' | 'review' | 'approve', amount: number, unit = 'working_days' as const) => ({
    stage,
    limit: { amount, unit },
  });

  it('derives PRE_REVIEW after ACCEPT for a cross-tier item, not for an immediate one', () => {
    expect(deriveStages('promised', 'single', true)).toEqual([
      'accept',
      'pre_review',
      'review',
      'approve',
      'issue',
      'archive',
    ]);
    expect(deriveStages('joint', 'review_verify', true)).toEqual([
      'accept',
      'pre_review',
      'review',
      'verify',
      'approve',
      'issue',
      'archive',
    ]);
    expect(deriveStages('immediate', 'single', true)).toEqual(['accept', 'issue', 'archive']);
    expect(deriveProcess(withItemDefaults(crossTier([PRE_REVIEW])) as ItemContent).stages).toContain('pre_review');
  });

  it('requires a pre-review budget of a cross-tier item and allows none elsewhere', () => {
    expect(fieldsOf(crossTier([PRE_REVIEW, budget('review', 2), budget('approve', 1)]))).toEqual([]);
    expect(fieldsOf(crossTier([budget('review', 2)]))).toEqual(['item.stage_budgets']);
    expect(fieldsOf(anItem({ stageBudgets: [PRE_REVIEW] }))).toEqual(['item.stage_budgets[0].stage']);
    // An immediate item accepted below decides at the window: nothing to pre-review.
    expect(
      fieldsOf(crossTier([], { caseType: 'immediate', promisedLimit: { amount: 0, unit: 'working_days' } })),
    ).toEqual([]);
  });

  it('refuses a pre-review budget that does not fit the promised limit with the other budgets', () => {
    const violations = validateItemInput(
      withItemDefaults(crossTier([budget('review', 2), PRE_REVIEW, budget('approve', 2)])),
    );
    expect(violations).toEqual([
      {
        field: 'item.stage_budgets[1]',
        description:
          'the pre-review budget and the other stage budgets add up to 6 working_days, more than the promised limit of 5 working_days',
      },
    ]);
    expect(fieldsOf(crossTier([budget('pre_review', 6)]))).toEqual(['item.stage_budgets[0].limit']);
  });

  it('keeps the pre-review within 20 working days, in working days', () => {
    const long = {
      statutoryLimit: { amount: 40, unit: 'working_days' },
      promisedLimit: { amount: 30, unit: 'working_days' },
    } as const;
    expect(fieldsOf(crossTier([budget('pre_review', 20)], long))).toEqual([]);
    expect(validateItemInput(withItemDefaults(crossTier([budget('pre_review', 21)], long)))).toEqual([
      {
        field: 'item.stage_budgets[0].limit',
        description: '21 working_days exceeds the pre-review limit (行政许可法 art. 43) of 20 working_days',
      },
    ]);
    const natural = { statutoryLimit: null, promisedLimit: { amount: 30, unit: 'natural_days' } } as const;
    expect(fieldsOf(crossTier([{ stage: 'pre_review', limit: { amount: 5, unit: 'natural_days' } }], natural))).toEqual(
      ['item.stage_budgets[0].limit.unit'],
    );
  });

  it('drops the pre-review budget when a delegation leaves no lower tier accepting', () => {
    const content = withItemDefaults(crossTier([PRE_REVIEW, budget('review', 2)])) as ItemContent;
    const delegated = delegatedContent(content, { tier: 'district', mode: 'devolved', basis: '潍政发〔2010〕12号' });
    expect(delegated).toMatchObject({ acceptTiers: ['district'], stageBudgets: [budget('review', 2)] });
    expect(validateItemInput(delegated)).toEqual([]);
  });
});

describe('freeze (冻结) and the guide', () => {
  it('shows a published version of an item that is not frozen, nothing else', () => {
    expect(shownInGuide({ status: 'published', frozenAt: null })).toBe(true);
    expect(shownInGuide({ status: 'published', frozenAt: new Date('2026-03-02T09:00:00+08:00') })).toBe(false);
    expect(shownInGuide({ status: 'draft', frozenAt: null })).toBe(false);
    expect(shownInGuide({ status: 'retired', frozenAt: null })).toBe(false);
  });
});
