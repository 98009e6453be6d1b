/** Sample documents of the specs: one of each kind, as the intake and case services would pass them. */
import type { HallDocumentInput } from './documents';
import type { HallDocumentTemplateInput } from './template';

export const weifang: HallDocumentTemplateInput = {
  header: '潍坊市政务服务中心',
  subtitle: '潍坊市行政审批服务局',
  sealText: '潍坊市政务服务中心业务专用章',
  complaintPhone: '0536-12345',
  complaintUrl: 'https://zwfw.weifang.gov.cn/ts',
  queryInstructions: '登录潍坊政务服务网或拨打12345查询办理进度',
  footerLines: ['本通知书一式两份，申请人与受理窗口各执一份。'],
};

const applicant = { name: '张三', idType: '居民身份证', idNumber: '370702********1234', phone: '138****5678' };
const company = { name: '潍坊滨海新能源科技有限公司', idType: '统一社会信用代码', idNumber: '91370700MA3C4XYZ1K' };
const handling = { window: '3号窗口（市场监管综合窗口）', staff: '李四', phone: '0536-8096000' };

export const acceptanceNotice = {
  kind: 'acceptance_notice',
  caseNumber: 'SL3707002026101200042',
  itemName: '食品经营许可证核发',
  applicant,
  acceptedAt: new Date('2026-10-12T02:30:00Z'),
  promisedLimit: '5个工作日',
  promisedDate: '2026-10-19',
  queryPassword: '482913',
  commitment: {
    signedBy: '张三',
    materials: [{ name: '健康证明复印件', supplementDueAt: new Date('2026-10-16T09:00:00Z') }],
  },
  handling,
} satisfies HallDocumentInput;

export const supplementNotice = {
  kind: 'supplement_notice',
  registrationNumber: 'DJ2026101200042',
  itemName: '食品经营许可证核发',
  applicant: company,
  entries: [
    { materialName: '营业执照副本复印件', problem: 'missing', reason: '未提交，请提交加盖公章的复印件1份' },
    {
      materialName: '经营场所平面图',
      problem: 'non_conforming',
      reason: '未标明操作间与仓库的面积，请按《食品经营许可审查通则》要求重新绘制并签字确认',
    },
  ],
  requestedAt: new Date('2026-10-12T03:05:00Z'),
  handling,
} satisfies HallDocumentInput;

export const refusalNotice = {
  kind: 'refusal_notice',
  registrationNumber: 'DJ2026101200043',
  itemName: '公共场所卫生许可',
  applicant: company,
  reason: '申请事项依法不需要取得行政许可。\n根据国务院决定，该类场所已取消卫生许可，改为备案管理。',
  legalBasis: '《中华人民共和国行政许可法》第三十二条第一款第（一）项',
  refusedAt: new Date('2026-10-12T06:00:00Z'),
  reconsiderationAuthority: '潍坊市人民政府',
  court: '潍坊市奎文区人民法院',
  handling,
} satisfies HallDocumentInput;

export const registrationSlip = {
  kind: 'registration_slip',
  registrationNumber: 'DJ2026101200042',
  itemName: '食品经营许可证核发',
  itemCode: '370700-SCJG-001',
  catalogueVersion: 3,
  situations: ['新办', '含网络经营'],
  applicant,
  agent: { name: '王五', role: '代办员', phone: '139****0001' },
  channel: 'agent',
  registeredAt: new Date('2026-10-12T02:10:00Z'),
  acceptanceDue: { limit: '4个工作小时内', at: new Date('2026-10-12T06:10:00Z') },
  materials: [
    { name: '食品经营许可申请书', copies: 1, form: '原件', status: 'submitted' },
    { name: '营业执照', form: '电子证照', status: 'on_file', onFileFrom: '电子证照库（潍坊市市场监督管理局）' },
    { name: '健康证明', copies: 1, form: '复印件', status: 'missing' },
  ],
  handling: { window: '综合受理1号窗口', staff: '赵六' },
} satisfies HallDocumentInput;

const market = {
  department: '潍坊市市场监督管理局',
  caseNumber: 'SL3707002026101200042',
  itemName: '食品经营许可证核发',
  applicant: company,
};
const foodLaw = [
  { name: '《中华人民共和国食品安全法》', article: '第三十五条' },
  { name: '食品经营许可和备案管理办法', article: '第十条' },
];

/** 准予行政许可决定书, as the case service would pass it at 发证. */
export const permitDecision = {
  kind: 'permit_decision',
  ...market,
  documentNumber: '潍市监准字〔2026〕第000123号',
  decidedAt: new Date('2026-10-19T01:00:00Z'),
  legalBasis: foodLaw,
  certificates: [{ name: '食品经营许可证', number: 'JY13707020012345', validUntil: '2031-10-18' }],
  collection: { method: 'express', expressCompany: '中国邮政EMS', trackingNumber: '1179456321508' },
  handling: { window: '3号窗口（市场监管综合窗口）', staff: '李四', phone: '0536-8096000' },
} satisfies HallDocumentInput;

export const refusalDecision = {
  kind: 'refusal_decision',
  ...market,
  documentNumber: '潍市监不准字〔2026〕第000007号',
  decidedAt: new Date('2026-10-19T01:00:00Z'),
  reason: '经现场核查，经营场所与有毒、有害场所的距离不足25米，不符合食品经营许可审查通则的要求。',
  legalBasis: foodLaw,
} satisfies HallDocumentInput;

/** 告知承诺 verification failed: the approval of 2026年10月12日 is revoked. */
export const revocationDecision = {
  kind: 'revocation_decision',
  ...market,
  sealText: '潍坊市市场监督管理局行政许可专用章',
  documentNumber: '潍市监撤字〔2026〕第000002号',
  decidedAt: new Date('2026-11-20T02:00:00Z'),
  originalDecision: { documentNumber: '潍市监准字〔2026〕第000118号', decidedAt: new Date('2026-10-12T03:00:00Z') },
  finding: '申请人承诺经营场所已设置独立的食品贮存区，现场核查时未设置。',
  revokedCertificates: [{ name: '食品经营许可证', number: 'JY13707020012300' }],
  reconsiderationAuthority: '潍坊市人民政府',
  court: '潍坊市奎文区人民法院',
} satisfies HallDocumentInput;

/**
 * 缴费通知单 of a project's one-fee bill: a per-unit fee (112,500.00), an exempt fixed fee (550.00 免收) and a
 * fixed fee (10.00): 112,510.00 in all.
 */
export const paymentNotice = {
  kind: 'payment_notice',
  billNumber: 'JF370700-20261202-0001',
  paymentCode: '37070020261202000142',
  payer: company,
  caseNumbers: ['SL3707002026120200011', 'SL3707002026120200012'],
  title: '潍坊滨海新能源产业园一期项目',
  lines: [
    {
      departmentName: '潍坊市住房和城乡建设局',
      feeName: '城市基础设施配套费',
      standard: 'per_unit',
      unitPriceFen: 9000,
      unitName: '平方米',
      quantityMilli: 1_250_000,
      standardFen: 11_250_000,
      chargedFen: 11_250_000,
    },
    {
      departmentName: '潍坊市自然资源和规划局',
      feeName: '不动产登记费',
      standard: 'fixed',
      standardFen: 55_000,
      reductionFen: 55_000,
      reductionBasis: '小微企业免收（财税〔2016〕79号）',
      chargedFen: 0,
    },
    {
      departmentName: '潍坊市自然资源和规划局',
      feeName: '不动产权证书工本费',
      standard: 'fixed',
      standardFen: 1_000,
      chargedFen: 1_000,
    },
  ],
  totalFen: 11_251_000,
  allowPartial: false,
  issuedAt: new Date('2026-12-02T02:00:00Z'),
  handling: { window: '综合收费窗口', staff: '孙七' },
} satisfies HallDocumentInput;

/**
 * 窗口工作人员考核情况通报 of November 2026 to the market regulator's leaders: two staff (one 服务标兵 with a bonus,
 * one with deductions), the department's window (红旗窗口), one correction after publication.
 */
export const assessmentNotice = {
  kind: 'assessment_notice',
  number: '考核通报〔2026〕11号',
  hallName: '潍坊市政务服务中心',
  departmentName: '潍坊市市场监督管理局',
  addressee: '潍坊市市场监督管理局分管领导',
  month: '2026-11',
  issuedAt: new Date('2026-12-03T02:00:00Z'),
  rulesName: '潍坊市政务服务中心窗口工作人员月考评办法',
  staff: [
    {
      name: '李四',
      window: 'B01窗口',
      points: 102,
      grade: '优秀',
      rank: 1,
      bestStaff: true,
      reasons: [{ label: '收到表扬信', points: 2 }],
    },
    {
      name: '王芳',
      window: 'B02窗口',
      points: 93.5,
      grade: '合格',
      rank: 17,
      bestStaff: false,
      reasons: [
        { label: '办件超时（黄牌）', points: -5 },
        { label: '迟到', points: -1.5 },
      ],
    },
  ],
  windows: [{ window: 'B01窗口', points: 97.75, rank: 2, redFlag: true, departmentAnnualPoints: 19.55 }],
  corrections: [
    {
      seq: 1,
      reason: '王芳11月12日的一次迟到记录系考勤机故障所致，经核实予以撤销，得分由92分更正为93.5分。',
      correctedAt: new Date('2026-12-02T08:30:00Z'),
    },
  ],
  contact: '综合科 赵六 0536-8096001',
} satisfies HallDocumentInput;

export const notices: readonly HallDocumentInput[] = [
  acceptanceNotice,
  supplementNotice,
  refusalNotice,
  registrationSlip,
];
export const decisions: readonly HallDocumentInput[] = [permitDecision, refusalDecision, revocationDecision];
export const allDocuments: readonly HallDocumentInput[] = [...notices, ...decisions, paymentNotice, assessmentNotice];
