import { randomInt } from 'node:crypto';
import { catalogueItemsV1 as pb, catalogueV1 as org } from '@govhall/contracts';

/** Item test data builders: a valid input by default, override what the test is about. */

/** An implementation code no other test uses (the catalogue keeps codes unique). */
export const uniqueImplementationCode = (): string =>
  `11370700MB2812345X${String(randomInt(0, 1e12)).padStart(12, '0')}`;

export const days = (amount: number, unit = pb.LimitUnit.LIMIT_UNIT_WORKING_DAYS): pb.TimeLimit => ({ amount, unit });

export const aMaterial = (overrides: Partial<pb.Material> = {}): pb.Material => ({
  code: 'M01',
  name: '食品经营许可申请书',
  necessity: pb.MaterialNecessity.MATERIAL_NECESSITY_REQUIRED,
  form: pb.MaterialForm.MATERIAL_FORM_ORIGINAL,
  copies: 1,
  originalForCheck: false,
  source: pb.MaterialSource.MATERIAL_SOURCE_APPLICANT,
  sourceDepartment: '',
  paperSize: 'A4',
  blankFormRef: 'forms/spjy-sqs.docx',
  sampleRef: '',
  acceptanceStandard: '填写完整，加盖公章',
  basis: '',
  mayBeAcceptedMissing: false,
  situationCodes: [],
  certificateName: '',
  ...overrides,
});

/** 容缺 for key projects (重大政府投资, 招商引资): the missing materials follow within 3 working days. */
export const aMissingMaterialPolicy = (
  overrides: Partial<pb.MissingMaterialPolicy> = {},
): pb.MissingMaterialPolicy => ({
  eligibleCategories: [
    pb.ProjectCategory.PROJECT_CATEGORY_MAJOR_GOVERNMENT_INVESTMENT,
    pb.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION,
  ],
  supplementLimit: days(3),
  basis: '《潍坊市政务服务容缺受理制度（试行）》',
  ...overrides,
});

export const aFee = (receivingDepartmentId: string, overrides: Partial<pb.FeeItem> = {}): pb.FeeItem => ({
  code: 'F01',
  name: '不动产登记费',
  kind: pb.FeeKind.FEE_KIND_FIXED,
  amountFen: 55_000,
  unitPriceFen: 0,
  unitName: '',
  legalBasis: '发改价格规〔2016〕2559号',
  receivingDepartmentId,
  fiscalAccount: '370701000012345678',
  reducible: true,
  reductionBasis: '小微企业免收',
  catalogueEntryId: '',
  catalogueCode: '',
  oneFee: false,
  upwardShareBasisPoints: 0,
  upwardBody: '',
  ...overrides,
});

/** A complete promised item (食品经营许可) of a city department: publishable as it stands. */
export const anItem = (departmentId: string, overrides: Partial<pb.ItemContent> = {}): pb.ItemContent => ({
  baseCode: '000105001000',
  implementationCode: uniqueImplementationCode(),
  name: '食品经营许可',
  departmentId,
  bodyNature: org.BodyNature.BODY_NATURE_UNSPECIFIED,
  itemType: pb.ItemType.ITEM_TYPE_LICENSING,
  exercisingTier: org.HallTier.HALL_TIER_CITY,
  duties: '负责本市食品经营许可的受理、审查、决定和发证',
  legalBasis: [{ name: '《中华人民共和国食品安全法》', article: '第三十五条', text: '' }],
  acceptanceConditions: ['申请人已取得营业执照等合法主体资格'],
  prerequisites: [],
  notificationCommitment: false,
  procedure: {
    description: '窗口受理 → 审核 → 审批 → 发证',
    channels: { onlineDepth: 3, appointment: true, expressDelivery: true, onlinePayment: false },
  },
  statutoryLimit: days(20),
  promisedLimit: days(5),
  acceptanceLimit: undefined,
  stageBudgets: [
    { stage: pb.ProcessStage.PROCESS_STAGE_REVIEW, limit: days(2) },
    { stage: pb.ProcessStage.PROCESS_STAGE_APPROVE, limit: days(2) },
    { stage: pb.ProcessStage.PROCESS_STAGE_ISSUE, limit: days(1) },
  ],
  limitNote: '',
  commitment: { text: '材料齐全当场受理，5个工作日内办结，最多跑一次', maxVisits: 1 },
  free: true,
  feeItems: [],
  result: { name: '食品经营许可证', kind: pb.ResultKind.RESULT_KIND_CERTIFICATE, sampleRef: '' },
  caseType: pb.CaseType.CASE_TYPE_PROMISED,
  reviewMode: pb.ReviewMode.REVIEW_MODE_SINGLE,
  situations: [],
  materials: [aMaterial()],
  acceptTiers: [org.HallTier.HALL_TIER_CITY],
  approveTier: org.HallTier.HALL_TIER_CITY,
  handlingScope: pb.HandlingScope.HANDLING_SCOPE_CITY_WIDE,
  delegation: undefined,
  joint: undefined,
  missingMaterials: undefined,
  reported: undefined,
  refusalFilingRequired: false,
  publishResults: false,
  extensionLimit: undefined,
  ...overrides,
});

/** Departments of an investment project's parts, by part code. */
export interface ProjectDepartments {
  readonly development: string; // 发展改革委: project approval, the lead
  readonly land: string; // 自然资源和规划局: site selection and land pre-review
  readonly environment: string; // 生态环境局
  readonly housing: string; // 住房城乡建设局
}

/** 项目立项 → 选址意见 ∥ 用地预审 → 环境影响评价 → 施工许可, as a joint item's graph. */
export const aProjectGraph = (d: ProjectDepartments, overrides: Partial<pb.JointProcess> = {}): pb.JointProcess => {
  const part = (code: string, name: string, departmentId: string, limit: number): pb.JointSubItem => ({
    code,
    name,
    departmentId,
    itemId: '',
    limit: days(limit),
  });
  return {
    leadDepartmentId: d.development,
    leadRule: pb.JointLeadRule.JOINT_LEAD_RULE_NAMED,
    subItems: [
      part('LX', '企业投资项目核准', d.development, 5),
      part('XZ', '建设项目选址意见书', d.land, 7),
      part('YD', '建设项目用地预审', d.land, 10),
      part('HP', '环境影响评价审批', d.environment, 8),
      part('SG', '建筑工程施工许可', d.housing, 5),
    ],
    edges: [
      { subItem: 'XZ', dependsOn: 'LX' },
      { subItem: 'YD', dependsOn: 'LX' },
      { subItem: 'HP', dependsOn: 'XZ' },
      { subItem: 'HP', dependsOn: 'YD' },
      { subItem: 'SG', dependsOn: 'HP' },
    ],
    ...overrides,
  };
};

/** A joint investment-project item led by the development department. */
export const aJointItem = (d: ProjectDepartments, overrides: Partial<pb.ItemContent> = {}): pb.ItemContent =>
  anItem(d.development, {
    name: '企业投资项目并联审批',
    baseCode: '000199001000',
    caseType: pb.CaseType.CASE_TYPE_JOINT,
    reviewMode: pb.ReviewMode.REVIEW_MODE_REVIEW_VERIFY,
    statutoryLimit: days(45),
    promisedLimit: days(30),
    stageBudgets: [],
    result: { name: '项目审批结果文件', kind: pb.ResultKind.RESULT_KIND_APPROVAL_DOCUMENT, sampleRef: '' },
    joint: aProjectGraph(d),
    ...overrides,
  });
