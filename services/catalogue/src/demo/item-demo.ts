import type { ItemService } from '../app/item-service';
import type { OrganisationService } from '../app/organisation-service';
import type {
  CaseType,
  Delegation,
  FeeItem,
  ItemInput,
  ItemType,
  JointSubItem,
  LegalBasis,
  Material,
  ReviewMode,
  Situation,
  StageBudget,
  TimeLimit,
} from '../domain/items';
import type { HallTier } from '../domain/organisation';
import { DEMO_HALLS } from './organisation-demo';

/**
 * Demo catalogue for the embedded start: published items of the demo organisation's departments in Weifang
 * city (370700), Kuiwen district (370705) and Dongguan street (370705001) — enterprise set-up, food licences,
 * an investment project's parallel approval, planning and construction permits, real-estate registration
 * with its two certificates issued together (两证齐发), household registration, social security, tax, public
 * health, and items delegated to the township. Laws are real; codes, fees and fiscal accounts are invented.
 *
 * Every command uses a fixed request id, so loading twice changes nothing: the second load replays.
 * Load the demo organisation first (`loadDemoOrganisation`).
 */

/** Where the demo departments sit: hall key of `DEMO_HALLS` and department code. */
type HallKey = 'city' | 'district' | 'township';
interface DepartmentRef {
  readonly hall: HallKey;
  readonly code: string;
}
const TIER_OF: Record<HallKey, HallTier> = { city: 'city', district: 'district', township: 'township' };

/** The demo departments' ids by `hall:code`, and items loaded so far by key. */
interface DemoContext {
  department(ref: DepartmentRef): string;
  item(key: string): string;
}

interface DemoItem {
  /** Names its request ids (`demo-item-<key>-create`, ...). */
  readonly key: string;
  readonly department: DepartmentRef;
  readonly content: (ctx: DemoContext) => ItemSpec;
  /** Delegated down in a clean-up round after the first publish; the delegated version is published too. */
  readonly delegateTo?: Delegation;
}

/** What differs between the demo items; `item()` fills the rest. */
interface ItemSpec {
  readonly baseCode: string;
  readonly name: string;
  readonly itemType: ItemType;
  readonly duties: string;
  readonly legalBasis: readonly LegalBasis[];
  readonly acceptanceConditions: readonly string[];
  readonly prerequisites?: ItemInput['prerequisites'];
  readonly notificationCommitment?: boolean;
  readonly procedure: string;
  readonly onlineDepth?: number;
  readonly statutory: TimeLimit | null;
  readonly promised: TimeLimit;
  readonly stageBudgets?: readonly StageBudget[];
  readonly limitNote?: string;
  readonly commitment: string;
  readonly maxVisits: number;
  readonly fees?: readonly FeeItem[];
  readonly result: ItemInput['result'];
  readonly caseType: CaseType;
  readonly reviewMode: ReviewMode;
  readonly situations?: readonly Situation[];
  readonly materials: readonly Material[];
  /** Default: the exercising tier only. */
  readonly acceptTiers?: readonly HallTier[];
  readonly handlingScope?: ItemInput['handlingScope'];
  readonly joint?: ItemInput['joint'];
}

const workingDays = (amount: number): TimeLimit => ({ amount, unit: 'working_days' });
const ON_THE_SPOT = workingDays(0);

const law = (name: string, article: string, text = ''): LegalBasis => ({ name, article, text });

/** A material; by default a required original the applicant brings, one copy on A4. */
function material(code: string, name: string, overrides: Partial<Material> = {}): Material {
  return {
    code,
    name,
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
    ...overrides,
  };
}
/** A copy checked against the original (复印件, 验原件). */
const copyOf = (code: string, name: string, overrides: Partial<Material> = {}): Material =>
  material(code, name, { form: 'copy', originalForCheck: true, ...overrides });
const idCard = (code: string, overrides: Partial<Material> = {}): Material =>
  copyOf(code, '申请人居民身份证', { source: 'government', sourceDepartment: '公安机关', ...overrides });

function fee(
  code: string,
  name: string,
  receivingDepartmentId: string,
  standard: { fixedFen: number } | { perUnitFen: number; unit: string },
  legalBasis: string,
  fiscalAccount: string,
  reductionBasis = '',
): FeeItem {
  return {
    code,
    name,
    kind: 'fixedFen' in standard ? 'fixed' : 'per_unit',
    amountFen: 'fixedFen' in standard ? standard.fixedFen : 0,
    unitPriceFen: 'perUnitFen' in standard ? standard.perUnitFen : 0,
    unitName: 'perUnitFen' in standard ? standard.unit : '',
    legalBasis,
    receivingDepartmentId,
    fiscalAccount,
    reducible: reductionBasis !== '',
    reductionBasis,
  };
}

/** Invented 统一社会信用代码-style prefix per department, so implementation codes are unique and stable. */
function implementationCode(ref: DepartmentRef, baseCode: string): string {
  const region = DEMO_HALLS.find((h) => h.key === ref.hall)!.hall.regionCode;
  return `11${region}${ref.code}${baseCode}`;
}

function item(ref: DepartmentRef, departmentId: string, spec: ItemSpec): ItemInput {
  const tier = TIER_OF[ref.hall];
  return {
    baseCode: spec.baseCode,
    implementationCode: implementationCode(ref, spec.baseCode),
    name: spec.name,
    departmentId,
    bodyNature: undefined,
    itemType: spec.itemType,
    exercisingTier: tier,
    duties: spec.duties,
    legalBasis: spec.legalBasis,
    acceptanceConditions: spec.acceptanceConditions,
    prerequisites: spec.prerequisites ?? [],
    notificationCommitment: spec.notificationCommitment ?? false,
    procedure: {
      description: spec.procedure,
      channels: {
        onlineDepth: spec.onlineDepth ?? 3,
        appointment: true,
        expressDelivery: spec.caseType !== 'immediate',
        onlinePayment: (spec.fees ?? []).length > 0,
      },
    },
    statutoryLimit: spec.statutory,
    promisedLimit: spec.promised,
    acceptanceLimit: null,
    stageBudgets: spec.stageBudgets ?? [],
    limitNote: spec.limitNote ?? '',
    commitment: { text: spec.commitment, maxVisits: spec.maxVisits },
    free: (spec.fees ?? []).length === 0,
    feeItems: spec.fees ?? [],
    result: spec.result,
    caseType: spec.caseType,
    reviewMode: spec.reviewMode,
    situations: spec.situations ?? [],
    materials: spec.materials,
    acceptTiers: spec.acceptTiers ?? [tier],
    approveTier: tier,
    handlingScope: spec.handlingScope ?? 'city_wide',
    delegation: null,
    joint: spec.joint ?? null,
  };
}

const SCJG: DepartmentRef = { hall: 'city', code: 'SCJG' };
const FGW: DepartmentRef = { hall: 'city', code: 'FGW' };
const ZRZY: DepartmentRef = { hall: 'city', code: 'ZRZY' };
const ZJJ: DepartmentRef = { hall: 'city', code: 'ZJJ' };
const STHJ: DepartmentRef = { hall: 'city', code: 'STHJ' };
const GAJ: DepartmentRef = { hall: 'city', code: 'GAJ' };
const RSJ: DepartmentRef = { hall: 'city', code: 'RSJ' };
const SWJ: DepartmentRef = { hall: 'city', code: 'SWJ' };
const BDC: DepartmentRef = { hall: 'city', code: 'BDC' };
const WJW: DepartmentRef = { hall: 'city', code: 'WJW' };
const QSCJ: DepartmentRef = { hall: 'district', code: 'QSCJ' };
const QRSJ: DepartmentRef = { hall: 'district', code: 'QRSJ' };
const QZJJ: DepartmentRef = { hall: 'district', code: 'QZJJ' };
const SHSW: DepartmentRef = { hall: 'township', code: 'SHSW' };
const SBZ: DepartmentRef = { hall: 'township', code: 'SBZ' };

const STANDARD_PROCEDURE =
  '窗口受理 → 审核 → 审批 → 制证发证；材料齐全、符合法定形式的当场受理，不齐全的一次性告知需补正的全部内容';
const SPOT_PROCEDURE = '窗口受理、审核、办结一次完成，当场出件';

/** The demo items in load order: an item names only items loaded before it. */
export const DEMO_ITEMS: readonly DemoItem[] = [
  {
    key: 'company-setup',
    department: SCJG,
    content: () => ({
      baseCode: '000105001000',
      name: '企业设立登记（营业执照核发）',
      itemType: 'licensing',
      duties: '负责本市有限责任公司、个人独资企业、合伙企业及其分支机构的设立登记，核发营业执照',
      legalBasis: [
        law(
          '《中华人民共和国市场主体登记管理条例》',
          '第十九条',
          '登记机关应当对申请材料进行形式审查。对申请材料齐全、符合法定形式的予以确认并当场登记。不能当场登记的，应当在3个工作日内予以登记',
        ),
        law('《中华人民共和国公司法》', '第二十九条'),
      ],
      acceptanceConditions: ['企业名称已自主申报且符合企业名称登记管理规定', '有符合规定的住所或者主要经营场所'],
      procedure: `${STANDARD_PROCEDURE}；设立登记实行一审一核，营业执照可邮寄送达`,
      onlineDepth: 4,
      statutory: workingDays(3),
      promised: workingDays(1),
      stageBudgets: [
        { stage: 'review', limit: workingDays(0.5) },
        { stage: 'verify', limit: workingDays(0.5) },
      ],
      commitment: '材料齐全、符合法定形式的1个工作日内办结，全程网办，零跑腿',
      maxVisits: 0,
      result: { name: '营业执照', kind: 'certificate', sampleRef: 'samples/yyzz.pdf' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      situations: [
        { code: 'LLC', name: '有限责任公司', group: '企业类型' },
        { code: 'SOLE', name: '个人独资企业', group: '企业类型' },
        { code: 'PARTNER', name: '合伙企业', group: '企业类型' },
      ],
      materials: [
        material('M01', '公司登记（备案）申请书', {
          blankFormRef: 'forms/gsdj-sqs.docx',
          acceptanceStandard: '法定代表人签字',
        }),
        material('M02', '公司章程', { situationCodes: ['LLC'], acceptanceStandard: '全体股东签名、盖章' }),
        copyOf('M03', '股东的主体资格证明或者自然人身份证件', { situationCodes: ['LLC'] }),
        copyOf('M04', '投资人身份证件', { situationCodes: ['SOLE'] }),
        material('M05', '合伙协议', { situationCodes: ['PARTNER'] }),
        copyOf('M06', '全体合伙人的主体资格证明或者自然人身份证件', { situationCodes: ['PARTNER'] }),
        material('M07', '住所（经营场所）使用相关文件', {
          form: 'copy',
          mayBeAcceptedMissing: true,
          acceptanceStandard: '容缺受理：申请人签署承诺书后5个工作日内补交',
        }),
      ],
      handlingScope: 'province_wide',
    }),
  },
  {
    key: 'company-change',
    department: SCJG,
    content: () => ({
      baseCode: '000105002000',
      name: '企业变更登记（住所、注册资本、经营范围）',
      itemType: 'licensing',
      duties: '负责本市企业住所、注册资本、经营范围等登记事项的变更登记，换发营业执照',
      legalBasis: [law('《中华人民共和国市场主体登记管理条例》', '第二十四条')],
      acceptanceConditions: ['变更事项已经依法作出决议或者决定'],
      procedure: SPOT_PROCEDURE,
      onlineDepth: 4,
      statutory: workingDays(3),
      promised: ON_THE_SPOT,
      commitment: '即来即办，当场换发营业执照',
      maxVisits: 1,
      result: { name: '营业执照（变更）', kind: 'certificate', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      situations: [
        { code: 'ADDRESS', name: '变更住所', group: '' },
        { code: 'CAPITAL', name: '变更注册资本', group: '' },
        { code: 'SCOPE', name: '变更经营范围', group: '' },
      ],
      materials: [
        material('M01', '企业变更登记申请书'),
        material('M02', '股东会关于变更事项的决议或者决定'),
        copyOf('M03', '新住所使用相关文件', { situationCodes: ['ADDRESS'] }),
        material('M04', '章程修正案', { situationCodes: ['CAPITAL', 'SCOPE'] }),
      ],
    }),
  },
  {
    key: 'food-business',
    department: SCJG,
    content: (ctx) => ({
      baseCode: '000105003000',
      name: '食品经营许可',
      itemType: 'licensing',
      duties: '负责本市食品销售、餐饮服务经营者的食品经营许可，核发食品经营许可证',
      legalBasis: [
        law('《中华人民共和国食品安全法》', '第三十五条', '国家对食品生产经营实行许可制度'),
        law('《食品经营许可和备案管理办法》', '第二十三条'),
      ],
      acceptanceConditions: ['已取得营业执照等合法主体资格', '具有与经营的食品品种、数量相适应的经营场所'],
      prerequisites: [{ description: '取得营业执照', itemId: ctx.item('company-setup') }],
      procedure: `${STANDARD_PROCEDURE}；需要现场核查的，核查时间不计入承诺时限`,
      statutory: workingDays(20),
      promised: workingDays(5),
      stageBudgets: [
        { stage: 'review', limit: workingDays(2) },
        { stage: 'approve', limit: workingDays(2) },
        { stage: 'issue', limit: workingDays(1) },
      ],
      limitNote: '现场核查时间不计入（《中华人民共和国行政许可法》第四十五条）',
      commitment: '法定20个工作日，承诺5个工作日办结，最多跑一次',
      maxVisits: 1,
      result: { name: '食品经营许可证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      situations: [
        { code: 'COMPANY', name: '申请人为企业', group: '经营者类型' },
        { code: 'PERSON', name: '申请人为个体工商户', group: '经营者类型' },
      ],
      materials: [
        material('M01', '食品经营许可申请书', { blankFormRef: 'forms/spjy-sqs.docx' }),
        copyOf('M02', '营业执照', { source: 'government', sourceDepartment: '市场监督管理部门' }),
        copyOf('M03', '法定代表人（负责人）身份证明', { situationCodes: ['COMPANY'] }),
        copyOf('M04', '经营者身份证明', { situationCodes: ['PERSON'] }),
        material('M05', '与食品经营相适应的主要设备设施布局、操作流程等文件'),
        material('M06', '食品安全自查、从业人员健康管理等食品安全管理制度'),
        copyOf('M07', '从业人员健康证明', {
          mayBeAcceptedMissing: true,
          source: 'government',
          sourceDepartment: '疾病预防控制机构',
          acceptanceStandard: '容缺受理：发证前补交',
        }),
      ],
    }),
  },
  {
    key: 'food-production',
    department: SCJG,
    content: () => ({
      baseCode: '000105004000',
      name: '食品生产许可',
      itemType: 'licensing',
      duties: '负责本市食品生产许可的审查和决定；区县政务服务中心受理并初审，市级审批发证（市区联动）',
      legalBasis: [
        law('《中华人民共和国食品安全法》', '第三十五条'),
        law('《食品生产许可管理办法》', '第二十四条'),
        law(
          '《中华人民共和国行政许可法》',
          '第四十三条',
          '下级行政机关应当在法定期限内将初步审查意见和全部申请材料直接报送上级行政机关',
        ),
      ],
      acceptanceConditions: ['已取得营业执照', '具有与生产的食品品种、数量相适应的生产场所和设备设施'],
      procedure: '区县窗口受理并初审 → 市级审核（现场核查）→ 核准 → 审批 → 发证；一个案号、一个时钟，两级可见',
      statutory: workingDays(20),
      promised: workingDays(10),
      stageBudgets: [
        { stage: 'review', limit: workingDays(4) },
        { stage: 'verify', limit: workingDays(2) },
        { stage: 'approve', limit: workingDays(2) },
        { stage: 'issue', limit: workingDays(2) },
      ],
      limitNote: '现场核查时间不计入承诺时限',
      commitment: '区县受理、市级审批，承诺10个工作日办结，证书可邮寄',
      maxVisits: 1,
      result: { name: '食品生产许可证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      materials: [
        material('M01', '食品生产许可申请书'),
        copyOf('M02', '营业执照', { source: 'government', sourceDepartment: '市场监督管理部门' }),
        material('M03', '食品生产设备布局图和食品生产工艺流程图'),
        material('M04', '食品生产主要设备、设施清单'),
        material('M05', '专职或者兼职的食品安全专业技术人员、食品安全管理人员信息和食品安全管理制度'),
      ],
      acceptTiers: ['city', 'district'],
    }),
  },
  {
    key: 'project-approval',
    department: FGW,
    content: () => ({
      baseCode: '000199001000',
      name: '企业投资项目核准',
      itemType: 'licensing',
      duties: '负责本市权限内企业投资项目的核准',
      legalBasis: [
        law(
          '《企业投资项目核准和备案管理条例》',
          '第十条',
          '核准机关应当自受理申请之日起20个工作日内，作出是否予以核准的决定',
        ),
      ],
      acceptanceConditions: ['项目属于《政府核准的投资项目目录》范围', '项目单位已完成项目申请报告编制'],
      procedure: `${STANDARD_PROCEDURE}；需要评估的，委托中介机构评估，评估时间不计入`,
      onlineDepth: 4,
      statutory: workingDays(20),
      promised: workingDays(5),
      stageBudgets: [
        { stage: 'review', limit: workingDays(2) },
        { stage: 'verify', limit: workingDays(1) },
        { stage: 'approve', limit: workingDays(1) },
        { stage: 'issue', limit: workingDays(1) },
      ],
      commitment: '法定20个工作日，承诺5个工作日作出核准决定',
      maxVisits: 1,
      result: { name: '项目核准批复文件', kind: 'approval_document', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      materials: [
        material('M01', '项目申请报告', { copies: 2 }),
        material('M02', '建设项目用地预审与选址意见书', {
          form: 'copy',
          source: 'government',
          sourceDepartment: '自然资源和规划部门',
          mayBeAcceptedMissing: true,
          acceptanceStandard: '重点项目容缺受理，核准前补交',
        }),
        material('M03', '项目单位对申报材料真实性负责的承诺书'),
      ],
    }),
  },
  {
    key: 'planning-permit',
    department: ZRZY,
    content: () => ({
      baseCode: '000130002000',
      name: '建设工程规划许可证核发',
      itemType: 'licensing',
      duties: '负责本市规划区内建筑物、构筑物、道路、管线和其他工程建设的规划许可',
      legalBasis: [law('《中华人民共和国城乡规划法》', '第四十条')],
      acceptanceConditions: ['已取得建设用地使用权', '建设工程设计方案符合控制性详细规划和规划条件'],
      procedure: STANDARD_PROCEDURE,
      statutory: workingDays(20),
      promised: workingDays(7),
      commitment: '法定20个工作日，承诺7个工作日办结',
      maxVisits: 1,
      result: { name: '建设工程规划许可证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      materials: [
        material('M01', '建设工程规划许可申请表'),
        copyOf('M02', '建设用地使用权证明文件', { source: 'government', sourceDepartment: '不动产登记机构' }),
        material('M03', '建设工程设计方案总平面图', { copies: 2 }),
      ],
    }),
  },
  {
    key: 'construction-permit',
    department: ZJJ,
    content: () => ({
      baseCode: '000131001000',
      name: '建筑工程施工许可证核发',
      itemType: 'licensing',
      duties: '负责本市房屋建筑和市政基础设施工程施工许可',
      legalBasis: [
        law('《中华人民共和国建筑法》', '第七条'),
        law('《建筑工程施工许可管理办法》', '第五条', '发证机关应当自收到申请之日起七日内颁发施工许可证'),
      ],
      acceptanceConditions: ['已办理用地批准手续', '已取得建设工程规划许可证', '已确定施工企业'],
      procedure: STANDARD_PROCEDURE,
      onlineDepth: 4,
      statutory: workingDays(7),
      promised: workingDays(3),
      commitment: '法定7日，承诺3个工作日核发施工许可证',
      maxVisits: 0,
      result: { name: '建筑工程施工许可证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      materials: [
        material('M01', '建筑工程施工许可申请表'),
        copyOf('M02', '建设工程规划许可证', { source: 'government', sourceDepartment: '自然资源和规划部门' }),
        copyOf('M03', '施工图设计文件审查合格书', {
          source: 'intermediary',
          sourceDepartment: '施工图审查机构',
          mayBeAcceptedMissing: true,
          acceptanceStandard: '容缺受理：承诺在开工前补交',
        }),
        copyOf('M04', '中标通知书及施工合同'),
      ],
    }),
  },
  {
    key: 'eia',
    department: STHJ,
    content: () => ({
      baseCode: '000132001000',
      name: '建设项目环境影响评价文件审批',
      itemType: 'licensing',
      duties: '负责本市权限内建设项目环境影响报告书、报告表的审批',
      legalBasis: [
        law(
          '《中华人民共和国环境影响评价法》',
          '第二十二条',
          '审批部门应当自收到环境影响报告书之日起六十日内，收到环境影响报告表之日起三十日内，分别作出审批决定',
        ),
      ],
      acceptanceConditions: ['建设项目符合生态环境分区管控要求'],
      procedure: `${STANDARD_PROCEDURE}；技术评估和专家评审时间不计入`,
      statutory: workingDays(60),
      promised: workingDays(20),
      limitNote: '报告书法定60日、承诺20个工作日；报告表法定30日、承诺10个工作日；技术评估时间不计入',
      commitment: '报告书承诺20个工作日、报告表承诺10个工作日作出审批决定',
      maxVisits: 1,
      result: { name: '建设项目环境影响评价文件批复', kind: 'approval_document', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      situations: [
        { code: 'REPORT', name: '编制环境影响报告书', group: '环评文件类型' },
        { code: 'FORM', name: '编制环境影响报告表', group: '环评文件类型' },
      ],
      materials: [
        material('M01', '建设项目环境影响评价文件审批申请书'),
        material('M02', '环境影响报告书', { situationCodes: ['REPORT'], source: 'intermediary', copies: 2 }),
        material('M03', '公众参与说明', { situationCodes: ['REPORT'] }),
        material('M04', '环境影响报告表', { situationCodes: ['FORM'], source: 'intermediary' }),
      ],
    }),
  },
  {
    key: 'investment-joint',
    department: FGW,
    content: (ctx) => {
      const part = (
        code: string,
        name: string,
        ref: DepartmentRef,
        limit: number,
        itemKey: string | null,
      ): JointSubItem => ({
        code,
        name,
        departmentId: ctx.department(ref),
        itemId: itemKey ? ctx.item(itemKey) : null,
        limit: workingDays(limit),
      });
      return {
        baseCode: '000199002000',
        name: '企业投资项目并联审批（一门受理、抄告相关、同步审批、限时办结）',
        itemType: 'other_power',
        duties: '发展改革部门牵头，会同自然资源和规划、生态环境、住房城乡建设部门对企业投资项目实行并联审批',
        legalBasis: [
          law(
            '《中华人民共和国行政许可法》',
            '第四十二条',
            '依照本法第二十六条的规定，行政许可采取统一办理或者联合办理、集中办理的，办理的时间不得超过四十五日',
          ),
          law('《企业投资项目核准和备案管理条例》', '第十条'),
        ],
        acceptanceConditions: ['项目属于政府核准的投资项目', '项目单位已取得营业执照'],
        procedure:
          '投资项目综合窗口一门受理 → 抄告相关部门 → 项目核准后，选址意见与用地预审同步办理 → 环评审批 → 施工许可；有法定先后关系的串联，其余并联',
        onlineDepth: 3,
        statutory: workingDays(45),
        promised: workingDays(20),
        limitNote: '联合办理法定45日；承诺20个工作日（关键路径18个工作日）',
        commitment: '并联审批，承诺20个工作日办结全部审批，代办员全程代办',
        maxVisits: 2,
        fees: [
          fee(
            'F01',
            '城市基础设施配套费',
            ctx.department(ZJJ),
            { perUnitFen: 9_000, unit: '平方米' },
            '《山东省城市基础设施配套费征收管理办法》',
            '3707010000100020001',
            '保障性住房项目免征（鲁财综〔2014〕1号）',
          ),
          fee(
            'F02',
            '耕地开垦费',
            ctx.department(ZRZY),
            { perUnitFen: 3_000, unit: '平方米' },
            '《中华人民共和国土地管理法》第三十条',
            '3707010000100030002',
          ),
          fee(
            'F03',
            '不动产登记费（国有建设用地使用权首次登记）',
            ctx.department(BDC),
            { fixedFen: 55_000 },
            '《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）',
            '3707010000100040003',
            '小微企业免收（财税〔2016〕79号）',
          ),
        ],
        result: { name: '项目审批结果文件', kind: 'approval_document', sampleRef: '' },
        caseType: 'joint',
        reviewMode: 'review_verify',
        materials: [
          material('M01', '投资项目并联审批申请表'),
          material('M02', '项目申请报告', { copies: 3 }),
          material('M03', '建设项目环境影响报告书（表）', {
            source: 'intermediary',
            mayBeAcceptedMissing: true,
            acceptanceStandard: '重点项目容缺受理，环评审批前补交',
          }),
        ],
        joint: {
          leadDepartmentId: ctx.department(FGW),
          subItems: [
            part('LX', '企业投资项目核准（立项）', FGW, 3, 'project-approval'),
            part('XZ', '建设项目选址意见书', ZRZY, 5, null),
            part('YD', '建设项目用地预审', ZRZY, 5, null),
            part('HP', '建设项目环境影响评价审批', STHJ, 7, 'eia'),
            part('SG', '建筑工程施工许可', ZJJ, 3, 'construction-permit'),
          ],
          edges: [
            { subItem: 'XZ', dependsOn: 'LX' },
            { subItem: 'YD', dependsOn: 'LX' },
            { subItem: 'HP', dependsOn: 'XZ' },
            { subItem: 'HP', dependsOn: 'YD' },
            { subItem: 'SG', dependsOn: 'HP' },
          ],
        },
      };
    },
  },
  {
    key: 'real-estate-first',
    department: BDC,
    content: (ctx) => ({
      baseCode: '000144001000',
      name: '不动产首次登记（国有建设用地使用权及房屋所有权）',
      itemType: 'confirmation',
      duties: '负责本市国有建设用地使用权及房屋所有权首次登记，核发不动产权证书',
      legalBasis: [
        law(
          '《不动产登记暂行条例》',
          '第二十条',
          '不动产登记机构应当自受理登记申请之日起30个工作日内办结不动产登记手续',
        ),
      ],
      acceptanceConditions: ['房屋已竣工验收', '土地出让价款和相关税费已缴清'],
      procedure: STANDARD_PROCEDURE,
      statutory: workingDays(30),
      promised: workingDays(5),
      commitment: '法定30个工作日，承诺5个工作日办结，证书可邮寄',
      maxVisits: 1,
      fees: [
        fee(
          'F01',
          '不动产登记费（住宅）',
          ctx.department(BDC),
          { fixedFen: 8_000 },
          '发改价格规〔2016〕2559号',
          '3707010000100040003',
          '小微企业免收（财税〔2016〕79号）',
        ),
        fee(
          'F02',
          '不动产登记费（非住宅）',
          ctx.department(BDC),
          { fixedFen: 55_000 },
          '发改价格规〔2016〕2559号',
          '3707010000100040003',
        ),
      ],
      result: { name: '不动产权证书', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      situations: [
        { code: 'HOUSE', name: '住宅', group: '不动产类型' },
        { code: 'NONRES', name: '非住宅', group: '不动产类型' },
      ],
      materials: [
        material('M01', '不动产登记申请书'),
        copyOf('M02', '申请人身份证明'),
        material('M03', '建设工程竣工验收备案证明', {
          form: 'copy',
          source: 'government',
          sourceDepartment: '住房城乡建设部门',
        }),
        material('M04', '房屋测绘报告', { source: 'intermediary', situationCodes: ['HOUSE', 'NONRES'] }),
        material('M05', '房屋分户平面图', { situationCodes: ['HOUSE'] }),
      ],
    }),
  },
  {
    key: 'land-certificate',
    department: ZRZY,
    content: () => ({
      baseCode: '000130005000',
      name: '国有建设用地使用权转移登记（国有土地使用证核发）',
      itemType: 'confirmation',
      duties: '负责存量房交易中国有建设用地使用权的转移登记，核发国有土地使用证',
      legalBasis: [law('《不动产登记暂行条例》', '第十四条'), law('《中华人民共和国土地管理法》', '第十二条')],
      acceptanceConditions: ['房屋买卖合同已网签备案'],
      procedure: '与房屋所有权转移登记一窗受理、并联审核，在统一出件窗口与房屋所有权证一并发放（两证齐发）',
      statutory: workingDays(20),
      promised: workingDays(5),
      commitment: '与房屋所有权证两证齐发，承诺5个工作日',
      maxVisits: 2,
      result: { name: '国有土地使用证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      materials: [
        material('M01', '土地登记申请书'),
        copyOf('M02', '原国有土地使用证'),
        copyOf('M03', '房屋买卖合同'),
        idCard('M04'),
      ],
    }),
  },
  {
    key: 'property-certificate',
    department: QZJJ,
    content: (ctx) => ({
      baseCode: '000131005000',
      name: '房屋所有权转移登记（房屋所有权证核发）',
      itemType: 'confirmation',
      duties: '负责奎文区存量房屋买卖、赠与、继承的房屋所有权转移登记，核发房屋所有权证',
      legalBasis: [law('《不动产登记暂行条例》', '第十四条'), law('《房屋登记办法》', '第三十二条')],
      acceptanceConditions: ['房屋买卖合同已网签备案', '契税已缴纳'],
      procedure: '一窗受理 → 审核 → 登簿 → 在统一出件窗口与国有土地使用证一并发放（两证齐发）',
      statutory: workingDays(30),
      promised: workingDays(5),
      commitment: '与国有土地使用证两证齐发，承诺5个工作日',
      maxVisits: 2,
      fees: [
        fee(
          'F01',
          '房屋登记费（住房）',
          ctx.department(QZJJ),
          { fixedFen: 8_000 },
          '发改价格规〔2016〕2559号',
          '3707050000200010001',
          '经济适用住房减半收取',
        ),
      ],
      result: { name: '房屋所有权证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      situations: [
        { code: 'SALE', name: '买卖', group: '转移原因' },
        { code: 'GIFT', name: '赠与', group: '转移原因' },
        { code: 'INHERIT', name: '继承', group: '转移原因' },
      ],
      materials: [
        material('M01', '房屋登记申请书'),
        copyOf('M02', '原房屋所有权证'),
        copyOf('M03', '房屋买卖合同', { situationCodes: ['SALE'] }),
        copyOf('M04', '赠与合同及公证书', { situationCodes: ['GIFT'] }),
        copyOf('M05', '继承权公证书或者生效法律文书', { situationCodes: ['INHERIT'] }),
        copyOf('M06', '契税完税凭证', {
          source: 'government',
          sourceDepartment: '税务部门',
          mayBeAcceptedMissing: true,
        }),
        idCard('M07'),
      ],
    }),
  },
  {
    key: 'hukou-move',
    department: GAJ,
    content: () => ({
      baseCode: '000114001000',
      name: '户口迁移（市内迁移）',
      itemType: 'confirmation',
      duties: '负责本市范围内居民户口迁移登记',
      legalBasis: [law('《中华人民共和国户口登记条例》', '第十条'), law('《山东省户籍管理规定》', '第十二条')],
      acceptanceConditions: ['迁入地有合法稳定住所或者符合投靠条件'],
      procedure: SPOT_PROCEDURE,
      onlineDepth: 2,
      statutory: null,
      promised: ON_THE_SPOT,
      commitment: '市内迁移即来即办，一次办结（迁出迁入一站式办理）',
      maxVisits: 1,
      result: { name: '居民户口簿（迁入地）', kind: 'certificate', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      situations: [
        { code: 'BUY', name: '购房迁入', group: '迁移原因' },
        { code: 'SPOUSE', name: '投靠配偶', group: '迁移原因' },
        { code: 'JOB', name: '工作调动', group: '迁移原因' },
      ],
      materials: [
        material('M01', '居民户口簿'),
        material('M02', '居民身份证'),
        copyOf('M03', '不动产权证书或者房屋所有权证', { situationCodes: ['BUY'] }),
        copyOf('M04', '结婚证', { situationCodes: ['SPOUSE'] }),
        copyOf('M05', '劳动合同或者工作调动证明', { situationCodes: ['JOB'] }),
      ],
    }),
  },
  {
    key: 'social-security-card',
    department: RSJ,
    content: () => ({
      baseCode: '000116001000',
      name: '社会保障卡申领（即时制卡）',
      itemType: 'public_service',
      duties: '为本市参保人员申领、即时制发社会保障卡',
      legalBasis: [law('《中华人民共和国社会保险法》', '第五十八条', '国家建立全国统一的个人社会保障号码')],
      acceptanceConditions: ['已参加本市社会保险'],
      procedure: '窗口核验身份 → 采集照片 → 即时制卡 → 当场领卡并激活',
      statutory: null,
      promised: ON_THE_SPOT,
      commitment: '即时制卡，10分钟内领卡',
      maxVisits: 1,
      result: { name: '社会保障卡', kind: 'certificate', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      situations: [
        { code: 'SELF', name: '本人申领', group: '申领方式' },
        { code: 'AGENT', name: '他人代领', group: '申领方式' },
      ],
      materials: [
        material('M01', '居民身份证', { situationCodes: ['SELF', 'AGENT'] }),
        material('M02', '近期免冠彩色照片', { form: 'electronic', copies: 0, acceptanceStandard: '窗口现场采集' }),
        material('M03', '代办人居民身份证及授权委托书', { situationCodes: ['AGENT'] }),
      ],
      handlingScope: 'province_wide',
    }),
  },
  {
    key: 'pension-register',
    department: RSJ,
    delegateTo: { tier: 'township', mode: 'entrusted', basis: '潍人社发〔2019〕15号' },
    content: () => ({
      baseCode: '000116002000',
      name: '城乡居民基本养老保险参保登记',
      itemType: 'public_service',
      duties:
        '为本市年满16周岁（不含在校学生）、非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的城乡居民办理参保登记',
      legalBasis: [law('《国务院关于建立统一的城乡居民基本养老保险制度的意见》', '国发〔2014〕8号')],
      acceptanceConditions: ['年满16周岁且未参加职工基本养老保险'],
      procedure: SPOT_PROCEDURE,
      statutory: null,
      promised: ON_THE_SPOT,
      commitment: '在户籍所在地乡镇（街道）即来即办',
      maxVisits: 1,
      result: { name: '城乡居民基本养老保险参保登记表', kind: 'other', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      materials: [material('M01', '居民身份证或者户口簿'), material('M02', '城乡居民基本养老保险参保登记表')],
      acceptTiers: ['city', 'district', 'township'],
    }),
  },
  {
    key: 'vat-invoice-limit',
    department: SWJ,
    content: () => ({
      baseCode: '000117001000',
      name: '增值税专用发票（增值税税控系统）最高开票限额审批',
      itemType: 'licensing',
      duties: '负责增值税一般纳税人申请增值税专用发票最高开票限额的审批',
      legalBasis: [
        law('《中华人民共和国发票管理办法》', '第十五条'),
        law('《税务行政许可实施办法》', '第二十二条', '税务机关应当自受理申请之日起20日内作出行政许可决定'),
      ],
      acceptanceConditions: ['申请人为增值税一般纳税人或者符合规定的小规模纳税人'],
      procedure: STANDARD_PROCEDURE,
      onlineDepth: 4,
      statutory: workingDays(20),
      promised: workingDays(5),
      commitment: '最高开票限额十万元及以下的当场办结，其余承诺5个工作日',
      maxVisits: 0,
      result: { name: '准予税务行政许可决定书', kind: 'approval_document', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      materials: [
        material('M01', '税务行政许可申请表'),
        material('M02', '增值税专用发票最高开票限额申请单'),
        idCard('M03'),
      ],
      handlingScope: 'nationwide',
    }),
  },
  {
    key: 'public-venue-hygiene',
    department: WJW,
    content: () => ({
      baseCode: '000118001000',
      name: '公共场所卫生许可',
      itemType: 'licensing',
      duties: '负责本市住宿、游泳、美容美发等公共场所的卫生许可',
      legalBasis: [law('《公共场所卫生管理条例》', '第八条'), law('《公共场所卫生管理条例实施细则》', '第二十二条')],
      acceptanceConditions: ['已取得营业执照', '场所卫生设施符合卫生标准和要求'],
      notificationCommitment: true,
      procedure: '告知承诺制：申请人书面承诺符合条件后当场发证，事后核查',
      statutory: workingDays(20),
      promised: workingDays(1),
      commitment: '实行告知承诺制，承诺后1个工作日内发证',
      maxVisits: 1,
      result: { name: '公共场所卫生许可证', kind: 'certificate', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      situations: [
        { code: 'NEW', name: '新办', group: '申请类型' },
        { code: 'RENEW', name: '延续', group: '申请类型' },
      ],
      materials: [
        material('M01', '公共场所卫生许可申请表'),
        material('M02', '告知承诺书'),
        material('M03', '公共场所地址方位示意图、平面图和卫生设施平面布局图', { situationCodes: ['NEW'] }),
        material('M04', '公共场所卫生检测或者评价报告', {
          situationCodes: ['NEW'],
          source: 'intermediary',
          mayBeAcceptedMissing: true,
          acceptanceStandard: '容缺受理：开业前补交',
        }),
        copyOf('M05', '原公共场所卫生许可证', { situationCodes: ['RENEW'] }),
      ],
    }),
  },
  {
    key: 'individual-business',
    department: QSCJ,
    content: () => ({
      baseCode: '000105005000',
      name: '个体工商户设立登记（营业执照核发）',
      itemType: 'licensing',
      duties: '负责奎文区个体工商户设立登记，核发营业执照；街道便民服务中心可代收材料',
      legalBasis: [
        law('《促进个体工商户发展条例》', '第九条'),
        law('《中华人民共和国市场主体登记管理条例》', '第十九条'),
      ],
      acceptanceConditions: ['经营者为有经营能力的自然人'],
      procedure: SPOT_PROCEDURE,
      onlineDepth: 4,
      statutory: workingDays(3),
      promised: ON_THE_SPOT,
      commitment: '即来即办，当场核发营业执照',
      maxVisits: 1,
      result: { name: '营业执照（个体工商户）', kind: 'certificate', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      materials: [material('M01', '个体工商户登记（备案）申请书'), idCard('M02'), copyOf('M03', '经营场所使用证明')],
      acceptTiers: ['district', 'township'],
    }),
  },
  {
    key: 'employment-card',
    department: QRSJ,
    delegateTo: { tier: 'township', mode: 'entrusted', basis: '奎政办发〔2020〕8号' },
    content: () => ({
      baseCode: '000116005000',
      name: '就业创业证申领',
      itemType: 'public_service',
      duties: '为奎文区城乡劳动者办理就业创业证',
      legalBasis: [law('《就业服务与就业管理规定》', '第六十三条')],
      acceptanceConditions: ['法定劳动年龄内、有劳动能力和就业要求的劳动者'],
      procedure: SPOT_PROCEDURE,
      statutory: null,
      promised: ON_THE_SPOT,
      commitment: '在街道便民服务中心即来即办',
      maxVisits: 1,
      result: { name: '就业创业证', kind: 'certificate', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      materials: [material('M01', '居民身份证'), material('M02', '就业创业证申领登记表')],
      acceptTiers: ['district', 'township'],
    }),
  },
  {
    key: 'rental-subsidy',
    department: QZJJ,
    content: () => ({
      baseCode: '000131009000',
      name: '城镇住房保障家庭租赁补贴资格申请',
      itemType: 'payment',
      duties: '负责奎文区城镇中等偏下收入住房困难家庭租赁补贴的资格审核；街道初审，区级审批',
      legalBasis: [law('《公共租赁住房管理办法》', '第七条'), law('《山东省城镇住房保障条例》', '第二十条')],
      acceptanceConditions: ['家庭人均收入和住房面积符合规定标准'],
      procedure: '街道便民服务中心受理并初审、公示 → 区住房城乡建设局审核 → 核准 → 审批',
      statutory: workingDays(40),
      promised: workingDays(15),
      stageBudgets: [
        { stage: 'review', limit: workingDays(7) },
        { stage: 'verify', limit: workingDays(3) },
        { stage: 'approve', limit: workingDays(3) },
        { stage: 'issue', limit: workingDays(2) },
      ],
      limitNote: '公示期不计入承诺时限',
      commitment: '街道受理、区级审批，承诺15个工作日',
      maxVisits: 1,
      result: { name: '住房保障资格审核决定', kind: 'approval_document', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'review_verify',
      situations: [
        { code: 'LOCAL', name: '本市户籍家庭', group: '申请人户籍' },
        { code: 'NONLOCAL', name: '外来务工人员', group: '申请人户籍' },
      ],
      materials: [
        material('M01', '城镇住房保障申请表'),
        copyOf('M02', '家庭成员户口簿', { situationCodes: ['LOCAL'] }),
        copyOf('M03', '居住证及劳动合同', { situationCodes: ['NONLOCAL'] }),
        material('M04', '家庭收入情况证明'),
        material('M05', '家庭住房情况证明', {
          source: 'government',
          sourceDepartment: '不动产登记机构',
          mayBeAcceptedMissing: true,
          acceptanceStandard: '由窗口通过数据共享核查，不再要求申请人提供',
        }),
      ],
      acceptTiers: ['district', 'township'],
    }),
  },
  {
    key: 'elderly-allowance',
    department: SHSW,
    content: () => ({
      baseCode: '000125001000',
      name: '80周岁以上老年人高龄津贴申领',
      itemType: 'payment',
      duties: '为东关街道户籍80周岁以上老年人办理高龄津贴申领',
      legalBasis: [
        law('《中华人民共和国老年人权益保障法》', '第三十三条'),
        law('《山东省老年人权益保障条例》', '第十九条'),
      ],
      acceptanceConditions: ['具有本街道户籍且年满80周岁'],
      procedure: '社区代办员收件 → 街道审核 → 审批 → 次月发放至社会保障卡',
      statutory: null,
      promised: workingDays(10),
      commitment: '社区全程代办，老年人不跑腿',
      maxVisits: 0,
      result: { name: '高龄津贴发放', kind: 'other', sampleRef: '' },
      caseType: 'promised',
      reviewMode: 'single',
      materials: [
        material('M01', '居民户口簿'),
        idCard('M02'),
        copyOf('M03', '社会保障卡（银行账户）', { source: 'government', sourceDepartment: '人力资源社会保障部门' }),
      ],
    }),
  },
  {
    key: 'medical-insurance',
    department: SBZ,
    content: () => ({
      baseCode: '000116009000',
      name: '城乡居民基本医疗保险参保登记',
      itemType: 'public_service',
      duties: '为东关街道城乡居民办理基本医疗保险参保登记',
      legalBasis: [law('《中华人民共和国社会保险法》', '第二十五条')],
      acceptanceConditions: ['未参加职工基本医疗保险'],
      procedure: SPOT_PROCEDURE,
      statutory: null,
      promised: ON_THE_SPOT,
      commitment: '即来即办',
      maxVisits: 1,
      result: { name: '城乡居民基本医疗保险参保登记', kind: 'other', sampleRef: '' },
      caseType: 'immediate',
      reviewMode: 'single',
      materials: [material('M01', '居民身份证或者户口簿')],
    }),
  },
];

/** Items issued together: the bundle's key, name, description and items by key, in issue order. */
export const DEMO_BUNDLES: readonly {
  key: string;
  name: string;
  description: string;
  items: readonly string[];
}[] = [
  {
    key: 'two-certificates',
    name: '房屋所有权证、国有土地使用证两证齐发',
    description: '存量房交易一窗受理、并联审核，房产证和土地证在统一出件窗口一次领取',
    items: ['property-certificate', 'land-certificate'],
  },
];

/** The clean-up round that delegates the demo's township items. */
const DELEGATION_ROUND = {
  round: '2020年行政权力事项下放乡镇（街道）',
  basis: '潍政发〔2020〕6号',
  note: '便民服务事项下沉，就近办理',
};

export interface DemoItemsSummary {
  /** Items in service (published). */
  items: number;
  /** Departments that implement them. */
  departments: number;
  /** Items delegated to the township. */
  delegated: number;
  bundles: number;
}

/** The demo organisation's departments by `hall:code`; refuses when the organisation is not loaded. */
async function demoDepartments(organisation: OrganisationService): Promise<Map<string, string>> {
  const halls = await organisation.listHalls({ includeInactive: false });
  const ids = new Map<string, string>();
  for (const demo of DEMO_HALLS) {
    const hall = halls.find((h) => h.regionCode === demo.hall.regionCode);
    if (!hall) throw new Error(`the demo hall ${demo.hall.regionCode} is missing: run loadDemoOrganisation first`);
    for (const department of await organisation.listDepartments({ hallId: hall.id, includeInactive: false })) {
      ids.set(`${demo.key}:${department.code}`, department.id);
    }
  }
  return ids;
}

/**
 * Loads (or replays) the demo catalogue: creates and publishes every demo item, delegates the township
 * items and publishes their delegated versions, and creates the bundles. Returns what it holds.
 */
export async function loadDemoItems(items: ItemService, organisation: OrganisationService): Promise<DemoItemsSummary> {
  const departments = await demoDepartments(organisation);
  const itemIds = new Map<string, string>();
  const ctx: DemoContext = {
    department: (ref) => {
      const id = departments.get(`${ref.hall}:${ref.code}`);
      if (!id) throw new Error(`the demo department ${ref.hall}:${ref.code} is missing`);
      return id;
    },
    item: (key) => {
      const id = itemIds.get(key);
      if (!id) throw new Error(`demo item ${key} is named before it is loaded`);
      return id;
    },
  };
  let delegated = 0;
  for (const demo of DEMO_ITEMS) {
    const rid = (step: string): { requestId: string } => ({ requestId: `demo-item-${demo.key}-${step}` });
    const input = item(demo.department, ctx.department(demo.department), demo.content(ctx));
    const draft = await items.createItem(rid('create'), input);
    itemIds.set(demo.key, draft.itemId);
    await items.publishItem(rid('publish'), draft.itemId, draft.version, draft.revision);
    if (demo.delegateTo) {
      const { item: delegatedDraft } = await items.delegateItem(
        rid('delegate'),
        draft.itemId,
        draft.version,
        demo.delegateTo,
        DELEGATION_ROUND,
      );
      await items.publishItem(
        rid('publish-delegated'),
        delegatedDraft.itemId,
        delegatedDraft.version,
        delegatedDraft.revision,
      );
      delegated += 1;
    }
  }
  for (const bundle of DEMO_BUNDLES) {
    await items.createBundle(
      { requestId: `demo-bundle-${bundle.key}` },
      { name: bundle.name, description: bundle.description, itemIds: bundle.items.map((key) => ctx.item(key)) },
    );
  }
  return {
    items: DEMO_ITEMS.length,
    departments: new Set(DEMO_ITEMS.map((d) => `${d.department.hall}:${d.department.code}`)).size,
    delegated,
    bundles: DEMO_BUNDLES.length,
  };
}
