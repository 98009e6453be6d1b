/**
 * A generated catalogue for the guide search bench: items that read like a prefecture city's real catalogue
 * (departments by domain, names from real subjects and actions, real laws, material names halls use), in the
 * shape `ItemInput` takes and valid by `validateItemInput` and `publishProblems`. Deterministic for a seed.
 */
import type { CaseType, ItemInput, LegalBasis, Material, ReviewMode } from '../src/domain/items';
import type { HallTier } from '../src/domain/organisation';

/** mulberry32: a small seeded generator, so every run benches the same catalogue. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Domain {
  /** Department name after the hall's prefix, e.g. 市场监督管理局. */
  readonly department: string;
  readonly code: string;
  readonly subjects: readonly string[];
  readonly actions: readonly string[];
  readonly laws: readonly LegalBasis[];
  readonly materials: readonly string[];
}

const law = (name: string, article: string): LegalBasis => ({ name, article, text: '' });

/** Government domains with the subjects their items are about and what is done with them. */
export const DOMAINS: readonly Domain[] = [
  {
    department: '市场监督管理局',
    code: 'SCJG',
    subjects: [
      '营业执照',
      '食品经营许可证',
      '食品生产许可证',
      '特种设备使用登记证',
      '药品经营许可证',
      '医疗器械经营许可证',
      '个体工商户营业执照',
      '农民专业合作社营业执照',
      '计量标准考核证书',
      '工业产品生产许可证',
    ],
    actions: ['设立登记', '变更登记', '注销登记', '核发', '延续', '补领', '备案'],
    laws: [
      law('《中华人民共和国市场主体登记管理条例》', '第十九条'),
      law('《中华人民共和国食品安全法》', '第三十五条'),
      law('《特种设备安全法》', '第三十三条'),
      law('《中华人民共和国药品管理法》', '第五十一条'),
    ],
    materials: [
      '营业执照复印件',
      '法定代表人身份证明',
      '经营场所使用证明',
      '食品安全管理制度',
      '从业人员健康证明',
      '设备设施布局图',
    ],
  },
  {
    department: '住房和城乡建设局',
    code: 'ZJJ',
    subjects: [
      '建筑工程施工许可证',
      '商品房预售许可证',
      '建筑业企业资质',
      '房地产开发企业资质',
      '燃气经营许可证',
      '城市建筑垃圾处置核准',
      '建设工程消防验收',
      '房屋建筑工程竣工验收',
    ],
    actions: ['核发', '变更', '延续', '备案', '核准', '审批'],
    laws: [
      law('《中华人民共和国建筑法》', '第七条'),
      law('《城市房地产管理法》', '第四十五条'),
      law('《城镇燃气管理条例》', '第十五条'),
    ],
    materials: [
      '施工图设计文件审查合格书',
      '中标通知书',
      '施工合同',
      '建设工程规划许可证',
      '资金到位证明',
      '消防设计文件',
    ],
  },
  {
    department: '自然资源和规划局',
    code: 'ZRZY',
    subjects: [
      '建设工程规划许可证',
      '建设用地规划许可证',
      '乡村建设规划许可证',
      '建设项目用地预审',
      '选址意见书',
      '采矿许可证',
      '测绘资质',
      '临时用地',
    ],
    actions: ['核发', '变更', '延续', '审批', '注销'],
    laws: [
      law('《中华人民共和国城乡规划法》', '第四十条'),
      law('《中华人民共和国土地管理法》', '第五十七条'),
      law('《中华人民共和国矿产资源法》', '第三条'),
    ],
    materials: ['建设项目批准文件', '建设用地使用权证明', '建设工程设计方案', '地形图', '宗地图', '界址点坐标'],
  },
  {
    department: '生态环境局',
    code: 'STHJ',
    subjects: [
      '建设项目环境影响报告书',
      '建设项目环境影响报告表',
      '排污许可证',
      '危险废物经营许可证',
      '辐射安全许可证',
      '建设项目竣工环境保护验收',
    ],
    actions: ['审批', '核发', '变更', '延续', '重新申请'],
    laws: [
      law('《中华人民共和国环境影响评价法》', '第二十二条'),
      law('《排污许可管理条例》', '第十三条'),
      law('《中华人民共和国固体废物污染环境防治法》', '第八十条'),
    ],
    materials: ['环境影响报告书', '环境影响报告表', '排污口规范化设置图', '污染物排放监测报告', '公众参与说明'],
  },
  {
    department: '公安局',
    code: 'GAJ',
    subjects: [
      '户口迁移',
      '居民身份证',
      '居住证',
      '出生登记',
      '死亡注销户口',
      '机动车驾驶证',
      '机动车登记',
      '出入境证件',
      '剧毒化学品购买许可证',
      '大型群众性活动安全许可',
    ],
    actions: ['办理', '申领', '换领', '补领', '变更', '核发', '审批'],
    laws: [
      law('《中华人民共和国户口登记条例》', '第十条'),
      law('《中华人民共和国居民身份证法》', '第八条'),
      law('《中华人民共和国道路交通安全法》', '第十九条'),
    ],
    materials: ['居民户口簿', '居民身份证', '出生医学证明', '结婚证', '房屋所有权证', '近期免冠照片'],
  },
  {
    department: '人力资源和社会保障局',
    code: 'RSJ',
    subjects: [
      '社会保障卡',
      '职工基本养老保险',
      '失业保险金',
      '工伤认定',
      '劳务派遣经营许可',
      '人力资源服务许可',
      '就业创业证',
      '职业技能等级证书',
      '技工学校设立',
    ],
    actions: ['申领', '参保登记', '待遇申领', '转移接续', '审批', '补换', '认定'],
    laws: [
      law('《中华人民共和国社会保险法》', '第五十八条'),
      law('《中华人民共和国就业促进法》', '第四十条'),
      law('《工伤保险条例》', '第十七条'),
    ],
    materials: ['居民身份证', '劳动合同', '社会保险参保证明', '解除劳动关系证明', '医疗诊断证明', '银行账户信息'],
  },
  {
    department: '税务局',
    code: 'SWJ',
    subjects: [
      '增值税专用发票最高开票限额',
      '发票领用',
      '纳税信用',
      '税务登记',
      '印花税',
      '个人所得税',
      '车辆购置税',
      '出口退税',
    ],
    actions: ['审批', '核定', '申报', '注销', '变更', '办理', '补正'],
    laws: [
      law('《中华人民共和国税收征收管理法》', '第十五条'),
      law('《中华人民共和国发票管理办法》', '第十五条'),
      law('《税务行政许可实施办法》', '第二十二条'),
    ],
    materials: ['税务行政许可申请表', '经办人身份证件', '财务会计报表', '纳税申报表', '购销合同'],
  },
  {
    department: '卫生健康委员会',
    code: 'WJW',
    subjects: [
      '医疗机构执业许可证',
      '公共场所卫生许可证',
      '医师执业证书',
      '护士执业证书',
      '放射诊疗许可证',
      '母婴保健技术服务执业许可证',
      '出生医学证明',
    ],
    actions: ['核发', '变更', '延续', '注册', '补发', '校验'],
    laws: [
      law('《医疗机构管理条例》', '第十五条'),
      law('《公共场所卫生管理条例》', '第八条'),
      law('《中华人民共和国医师法》', '第十三条'),
    ],
    materials: ['执业许可申请书', '卫生检测报告', '房屋产权证明', '医疗设备清单', '人员资质证明'],
  },
  {
    department: '交通运输局',
    code: 'JTJ',
    subjects: [
      '道路运输经营许可证',
      '道路运输证',
      '出租汽车经营许可',
      '网络预约出租汽车驾驶员证',
      '超限运输车辆行驶公路许可',
      '机动车维修经营备案',
    ],
    actions: ['核发', '变更', '延续', '注销', '审批', '备案'],
    laws: [law('《中华人民共和国道路运输条例》', '第十条'), law('《公路安全保护条例》', '第三十五条')],
    materials: ['车辆行驶证', '驾驶员从业资格证', '安全生产管理制度', '停车场地证明'],
  },
  {
    department: '农业农村局',
    code: 'NYJ',
    subjects: [
      '农药经营许可证',
      '兽药经营许可证',
      '种子生产经营许可证',
      '动物防疫条件合格证',
      '渔业捕捞许可证',
      '农村宅基地',
    ],
    actions: ['核发', '变更', '延续', '审批', '补发'],
    laws: [
      law('《农药管理条例》', '第二十四条'),
      law('《中华人民共和国种子法》', '第三十一条'),
      law('《中华人民共和国动物防疫法》', '第二十五条'),
    ],
    materials: ['经营场所证明', '仓储设施证明', '技术人员资格证明', '质量管理制度'],
  },
  {
    department: '民政局',
    code: 'MZJ',
    subjects: [
      '结婚登记',
      '离婚登记',
      '社会团体',
      '民办非企业单位',
      '养老机构',
      '最低生活保障',
      '特困人员救助供养',
      '残疾人两项补贴',
    ],
    actions: ['办理', '成立登记', '变更登记', '注销登记', '备案', '申请', '审核'],
    laws: [
      law('《婚姻登记条例》', '第四条'),
      law('《社会团体登记管理条例》', '第九条'),
      law('《社会救助暂行办法》', '第十一条'),
    ],
    materials: ['居民户口簿', '居民身份证', '家庭收入证明', '章程草案', '住所使用证明'],
  },
  {
    department: '文化和旅游局',
    code: 'WLJ',
    subjects: [
      '营业性演出许可证',
      '娱乐场所经营许可证',
      '网络文化经营许可证',
      '旅行社业务经营许可证',
      '互联网上网服务营业场所',
    ],
    actions: ['核发', '变更', '延续', '审批', '注销'],
    laws: [
      law('《营业性演出管理条例》', '第六条'),
      law('《娱乐场所管理条例》', '第九条'),
      law('《旅行社条例》', '第六条'),
    ],
    materials: ['营业执照复印件', '演出节目内容材料', '消防安全检查合格证明', '场所平面图'],
  },
  {
    department: '医疗保障局',
    code: 'YBJ',
    subjects: [
      '城乡居民基本医疗保险',
      '职工基本医疗保险',
      '异地就医',
      '门诊慢特病待遇',
      '医疗费用手工报销',
      '生育保险待遇',
    ],
    actions: ['参保登记', '备案', '认定', '申领', '转移接续', '变更'],
    laws: [law('《中华人民共和国社会保险法》', '第二十三条'), law('《医疗保障基金使用监督管理条例》', '第十条')],
    materials: ['医疗保障卡', '医疗费用发票', '出院小结', '诊断证明', '居民身份证'],
  },
  {
    department: '水利局',
    code: 'SLJ',
    subjects: ['取水许可', '水土保持方案', '河道管理范围内建设项目', '洪水影响评价', '水利工程质量监督'],
    actions: ['审批', '变更', '延续', '核准', '备案'],
    laws: [law('《取水许可和水资源费征收管理条例》', '第十九条'), law('《中华人民共和国水土保持法》', '第二十五条')],
    materials: ['水资源论证报告', '水土保持方案报告书', '取水工程设计文件', '防洪评价报告'],
  },
  {
    department: '商务局',
    code: 'SWU',
    subjects: ['对外贸易经营者', '单用途商业预付卡', '二手车交易市场', '成品油零售经营资格', '拍卖企业'],
    actions: ['备案', '变更', '审批', '核准', '注销'],
    laws: [law('《中华人民共和国对外贸易法》', '第九条'), law('《拍卖管理办法》', '第十一条')],
    materials: ['备案登记表', '营业执照复印件', '经营场所证明', '安全评价报告'],
  },
  {
    department: '应急管理局',
    code: 'YJJ',
    subjects: [
      '危险化学品经营许可证',
      '烟花爆竹经营许可证',
      '非药品类易制毒化学品经营备案',
      '安全生产许可证',
      '生产经营单位主要负责人安全生产知识考核',
    ],
    actions: ['核发', '变更', '延续', '备案', '审批'],
    laws: [
      law('《危险化学品安全管理条例》', '第三十三条'),
      law('《烟花爆竹安全管理条例》', '第十九条'),
      law('《安全生产许可证条例》', '第七条'),
    ],
    materials: ['安全评价报告', '从业人员培训合格证明', '储存设施证明', '应急救援预案'],
  },
  {
    department: '教育局',
    code: 'JYJ',
    subjects: ['民办学校办学许可证', '教师资格认定', '校外培训机构', '中小学学籍', '幼儿园'],
    actions: ['审批', '认定', '变更', '注销', '转学办理', '设立'],
    laws: [law('《中华人民共和国民办教育促进法》', '第十二条'), law('《教师资格条例》', '第十三条')],
    materials: ['办学章程', '办学场所证明', '师资情况', '学历证书', '体检证明'],
  },
  {
    department: '城市管理局',
    code: 'CGJ',
    subjects: ['城市道路占用挖掘', '户外广告设施设置', '城市绿地占用', '城市建筑垃圾处置', '临时建筑物设置'],
    actions: ['审批', '许可', '延期', '变更', '核准'],
    laws: [law('《城市道路管理条例》', '第三十三条'), law('《城市绿化条例》', '第十九条')],
    materials: ['施工方案', '占用道路平面图', '交通疏导方案', '设计效果图'],
  },
  {
    department: '通信管理与数据局',
    code: 'SJJ',
    subjects: ['ICP许可', 'B2C电子商务平台', '增值电信业务经营许可证', 'APP备案', 'IDC许可'],
    actions: ['核发', '备案', '变更', '延续', '注销'],
    laws: [law('《中华人民共和国电信条例》', '第十三条'), law('《互联网信息服务管理办法》', '第七条')],
    materials: ['网站备案信息', '营业执照复印件', '信息安全管理制度', '服务器托管协议'],
  },
];

const QUALIFIERS = [
  '',
  '',
  '',
  '（告知承诺）',
  '（全程网办）',
  '（分支机构）',
  '（外商投资企业）',
  '（个体工商户）',
  '（简易程序）',
  '（跨省通办）',
];
const CONDITIONS = [
  '申请人具有完全民事行为能力',
  '已取得营业执照等合法主体资格',
  '符合国家产业政策',
  '有与申请事项相适应的场所和设施',
  '主要负责人经安全培训考核合格',
  '近三年无重大违法违规记录',
  '已按规定缴纳相关税费',
];
const PROCEDURES = [
  '窗口受理 → 审核 → 审批 → 制证发证',
  '网上申请 → 窗口受理 → 现场核查 → 审核 → 审批 → 送达',
  '一窗受理 → 并联审核 → 审批 → 统一出件',
  '自助终端申请 → 后台审核 → 邮寄送达',
];
const COMMON_MATERIALS = ['申请书', '申请人身份证明', '授权委托书及受托人身份证明', '承诺书', '相关证明材料'];

export interface PlannedDepartment {
  readonly hallTier: HallTier;
  readonly code: string;
  readonly name: string;
  readonly domain: Domain;
}

/** Departments of one city hall, `districts` district halls and one township per district. */
export function planDepartments(districts: readonly string[], townships: readonly string[]): PlannedDepartment[] {
  const out: PlannedDepartment[] = DOMAINS.map((domain) => ({
    hallTier: 'city' as const,
    code: domain.code,
    name: `市${domain.department}`,
    domain,
  }));
  for (const district of districts) {
    for (const domain of DOMAINS.slice(0, 12)) {
      out.push({ hallTier: 'district', code: `Q${domain.code}`, name: `${district}${domain.department}`, domain });
    }
  }
  for (const township of townships) {
    for (const domain of DOMAINS.filter((d) => ['RSJ', 'MZJ', 'YBJ', 'GAJ'].includes(d.code))) {
      out.push({
        hallTier: 'township',
        code: `X${domain.code}`,
        name: `${township}${domain.department.replace(/局$|委员会$/, '')}服务站`,
        domain,
      });
    }
  }
  return out;
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
function pickSome<T>(random: () => number, list: readonly T[], count: number): T[] {
  const copy = [...list];
  const out: T[] = [];
  while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
  return out;
}

/** The `index`-th generated item of `department` (id `departmentId`). */
export function generateItem(
  random: () => number,
  index: number,
  department: PlannedDepartment,
  departmentId: string,
): ItemInput {
  const { domain } = department;
  const subject = pick(random, domain.subjects);
  const action = pick(random, domain.actions);
  const name = `${subject}${action}${pick(random, QUALIFIERS)}`;
  const caseType: CaseType = random() < 0.35 ? 'immediate' : 'promised';
  const reviewMode: ReviewMode = caseType === 'immediate' || random() < 0.5 ? 'single' : 'review_verify';
  const statutory = pick(random, [5, 10, 15, 20, 20, 30, 45, 60]);
  const promised =
    caseType === 'immediate' ? 0 : Math.max(1, Math.round(statutory * pick(random, [0.2, 0.25, 0.3, 0.5])));
  const situations =
    random() < 0.3
      ? [
          { code: 'COMPANY', name: '申请人为企业', group: '申请人类型' },
          { code: 'PERSON', name: '申请人为自然人', group: '申请人类型' },
        ]
      : [];
  const names = [
    `${subject}${action}申请表`,
    ...pickSome(random, domain.materials, 1 + Math.floor(random() * 4)),
    ...pickSome(random, COMMON_MATERIALS, Math.floor(random() * 3)),
  ];
  const materials: Material[] = [...new Set(names)].map((materialName, i) => ({
    code: `M${String(i + 1).padStart(2, '0')}`,
    name: materialName,
    necessity: 'required',
    form: i === 0 ? 'original' : 'copy',
    copies: 1,
    originalForCheck: i > 0,
    source: 'applicant',
    sourceDepartment: '',
    paperSize: 'A4',
    blankFormRef: '',
    sampleRef: '',
    acceptanceStandard: '',
    basis: '',
    // 容缺 is for items decided after acceptance, not on the spot.
    mayBeAcceptedMissing: caseType !== 'immediate' && i > 1 && random() < 0.2,
    situationCodes: [],
    certificateName: '',
  }));
  if (situations.length > 0) {
    const n = materials.length;
    materials.push(
      {
        ...materials[0]!,
        code: `M${n + 1}`,
        name: '法定代表人身份证明',
        form: 'copy',
        originalForCheck: true,
        mayBeAcceptedMissing: false,
        situationCodes: ['COMPANY'],
      },
      {
        ...materials[0]!,
        code: `M${n + 2}`,
        name: '申请人居民身份证',
        form: 'copy',
        originalForCheck: true,
        mayBeAcceptedMissing: false,
        situationCodes: ['PERSON'],
      },
    );
  }
  const baseCode = `0001${String(index).padStart(8, '0')}`;
  const tier = department.hallTier;
  const acceptTiers: HallTier[] =
    tier === 'township' ? ['township'] : random() < 0.2 ? [tier, tier === 'city' ? 'district' : 'township'] : [tier];
  // A promised item accepted below its tier is pre-reviewed there (初审): a working day of the promise.
  const preReview = caseType !== 'immediate' && acceptTiers.length > 1;
  const scope = tier === 'city' ? '本市' : tier === 'district' ? '本区' : '本街道';
  return {
    baseCode,
    implementationCode: `113707${String(index).padStart(6, '0')}${baseCode}`,
    name,
    departmentId,
    bodyNature: undefined,
    itemType:
      tier === 'township'
        ? 'public_service'
        : pick(random, ['licensing', 'licensing', 'confirmation', 'other_power', 'public_service'] as const),
    exercisingTier: tier,
    duties: `负责${scope}${subject}${action}的受理、审查和决定，依法公开办事指南，接受社会监督`,
    legalBasis: pickSome(random, domain.laws, 1 + Math.floor(random() * 2)),
    acceptanceConditions: pickSome(random, CONDITIONS, 1 + Math.floor(random() * 3)),
    prerequisites: [],
    notificationCommitment: random() < 0.1,
    procedure: {
      description: pick(random, PROCEDURES),
      channels: {
        onlineDepth: Math.floor(random() * 5),
        appointment: true,
        expressDelivery: random() < 0.5,
        onlinePayment: false,
      },
    },
    statutoryLimit: { amount: statutory, unit: 'working_days' },
    promisedLimit: { amount: promised, unit: 'working_days' },
    acceptanceLimit: { amount: 4, unit: 'working_hours' },
    stageBudgets: preReview ? [{ stage: 'pre_review', limit: { amount: 1, unit: 'working_days' } }] : [],
    limitNote: random() < 0.2 ? '现场核查、专家评审和公示时间不计入承诺时限' : '',
    commitment: {
      text:
        caseType === 'immediate'
          ? '材料齐全即来即办，当场办结'
          : `法定${statutory}个工作日，承诺${promised}个工作日办结，最多跑一次`,
      maxVisits: random() < 0.5 ? 0 : 1,
    },
    free: true,
    feeItems: [],
    result: {
      name: action.includes('登记') || action === '核发' ? subject : `${subject}${action}决定书`,
      kind: 'certificate',
      sampleRef: '',
    },
    caseType,
    reviewMode,
    situations,
    materials,
    acceptTiers,
    approveTier: tier,
    handlingScope: pick(random, ['local', 'city_wide', 'province_wide'] as const),
    delegation: null,
    joint: null,
    missingMaterials: materials.some((m) => m.mayBeAcceptedMissing)
      ? {
          eligibleCategories: ['major_government_investment', 'investment_attraction'],
          supplementLimit: { amount: Math.min(5, promised), unit: 'working_days' },
          basis: '《潍坊市政务服务容缺受理制度（试行）》',
        }
      : null,
    reported: null,
    refusalFilingRequired: false,
    publishResults: false,
    extensionLimit: null,
  };
}
