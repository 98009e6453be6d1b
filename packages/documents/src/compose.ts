/**
 * Turns a document's data and the hall's template into what is printed: the title, the lines, the tables and
 * the standard wording of each kind. HTML and PDF are two layouts of this one model, so they never differ in
 * what they say.
 */
import type {
  AcceptanceNotice,
  AssessmentNotice,
  AssessmentStaff,
  AssessmentWindow,
  Channel,
  CollectionMethod,
  HallDocument,
  Handling,
  LegalBasis,
  MaterialStatus,
  Party,
  PaymentNotice,
  PaymentNoticeLine,
  PermitDecision,
  RefusalDecision,
  RefusalNotice,
  RegistrationSlip,
  RevocationDecision,
  SupplementNotice,
  SupplementProblem,
} from './documents';
import { formatDate, formatDateTime, formatPoints, formatSignedPoints } from './format';
import { chineseCapitalAmount, formatPaymentCode, formatQuantity, formatYuan, formatYuanOfSum } from './money';
import type { DocumentKind, HallDocumentTemplate } from './template';
import { titleOf } from './template';

export interface FieldRow {
  readonly label: string;
  readonly value: string;
}

export interface TableColumn {
  readonly title: string;
  /** Share of the table's width, the columns' shares adding up to 1. */
  readonly width: number;
}

export type Block =
  | { readonly type: 'paragraph'; readonly text: string; readonly indent: boolean }
  | { readonly type: 'fields'; readonly rows: readonly FieldRow[] }
  | {
      readonly type: 'table';
      readonly caption: string;
      readonly columns: readonly TableColumn[];
      readonly rows: readonly (readonly string[])[];
    };

export interface ComposedDocument {
  readonly kind: DocumentKind;
  readonly header: string;
  readonly subtitle?: string;
  readonly title: string;
  /** A line under the title, e.g. （一次性告知书）. */
  readonly titleNote?: string;
  /** The number printed under the title, e.g. 受理编号：… */
  readonly number: FieldRow;
  /** `张三：` — the letter form of the notices; the slip has none. */
  readonly salutation?: string;
  readonly blocks: readonly Block[];
  /** The window, staff and phone line; a decision without handling has none. */
  readonly contacts?: string;
  /** 监督投诉电话 and 投诉网址. */
  readonly complaint: string;
  readonly sealText: string;
  readonly date: string;
  readonly footerLines: readonly string[];
  /** For the PDF's metadata and a file name. */
  readonly documentTitle: string;
}

const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  hall_window: '窗口受理',
  online_pre_review: '网上预审',
  agent: '代办',
  township: '乡镇（街道）便民服务中心',
};

const STATUS_LABELS: Readonly<Record<MaterialStatus, string>> = {
  submitted: '已提交',
  on_file: '已在库',
  missing: '未提交',
};

const PROBLEM_LABELS: Readonly<Record<SupplementProblem, string>> = {
  missing: '缺少',
  non_conforming: '不符合法定形式',
};

const COLLECTION_LABELS: Readonly<Record<CollectionMethod, string>> = {
  window: '窗口领取',
  appointment: '预约领取',
  express: '邮寄送达',
};

/** What a revocation cites when the caller names nothing: 以欺骗等不正当手段取得的行政许可应当予以撤销. */
export const STANDARD_REVOCATION_BASIS: readonly LegalBasis[] = [
  { name: '《中华人民共和国行政许可法》', article: '第六十九条第二款' },
];

export const STANDARD_QUERY_INSTRUCTIONS = '凭受理编号和查询密码，可在政务服务网或到本中心服务窗口查询办理进度';

/** Where to pay, when the notice names nothing else. */
export const STANDARD_PAYMENT_INSTRUCTIONS = '请持本通知单到大厅银行收费窗口缴费，或凭缴款码网上缴费。';

function paragraph(text: string, indent = true): Block {
  return { type: 'paragraph', text, indent };
}

function partyLine(party: Party): string {
  const id = [party.idType, party.idNumber].filter(Boolean).join(' ');
  return id ? `${party.name}（${id}）` : party.name;
}

function partyRows(label: string, party: Party): FieldRow[] {
  const rows: FieldRow[] = [{ label, value: partyLine(party) }];
  if (party.phone) rows.push({ label: '联系电话', value: party.phone });
  return rows;
}

function contactsLine(handling: Handling, windowLabel: string, staffLabel: string): string {
  const parts = [`${windowLabel}：${handling.window}`, `${staffLabel}：${handling.staff}`];
  if (handling.phone) parts.push(`咨询电话：${handling.phone}`);
  return parts.join('　');
}

function complaintLine(template: HallDocumentTemplate): string {
  const parts = [`监督投诉电话：${template.complaintPhone}`];
  if (template.complaintUrl) parts.push(`投诉网址：${template.complaintUrl}`);
  return parts.join('　');
}

function acceptanceBlocks(notice: AcceptanceNotice, template: HallDocumentTemplate): Block[] {
  const withMissing = notice.commitment !== undefined;
  const findings = withMissing
    ? '主要申请材料齐全、符合法定形式，对其余材料实行容缺受理'
    : '申请材料齐全、符合法定形式';
  const rows: FieldRow[] = [
    { label: '受理编号', value: notice.caseNumber },
    { label: '事项名称', value: notice.itemName },
    ...partyRows('申请人', notice.applicant),
    { label: '受理时间', value: formatDateTime(notice.acceptedAt) },
  ];
  if (notice.promisedLimit) rows.push({ label: '承诺时限', value: notice.promisedLimit });
  rows.push(
    { label: '承诺办结日期', value: formatDate(notice.promisedDate) },
    { label: '查询密码', value: notice.queryPassword ?? '已于受理时另行告知' },
    {
      label: '查询方式',
      value: notice.queryInstructions ?? template.queryInstructions ?? STANDARD_QUERY_INSTRUCTIONS,
    },
  );
  const blocks: Block[] = [
    paragraph(
      `您（单位）于${formatDateTime(notice.acceptedAt)}提出的“${notice.itemName}”申请，经审查，${findings}，` +
        `决定予以受理。本事项承诺于${formatDate(notice.promisedDate)}前办结。`,
    ),
    { type: 'fields', rows },
  ];
  if (notice.commitment) {
    const signer = notice.commitment.signedBy ? `（签署人：${notice.commitment.signedBy}）` : '';
    blocks.push(
      paragraph(
        `容缺受理：申请人${signer}已签署容缺受理承诺书，承诺在下列期限内补齐以下材料；` +
          '逾期未补齐的，按照容缺受理有关规定处理。',
      ),
      {
        type: 'table',
        caption: '容缺后补材料',
        columns: [
          { title: '序号', width: 0.1 },
          { title: '材料名称', width: 0.6 },
          { title: '补齐期限', width: 0.3 },
        ],
        rows: notice.commitment.materials.map((m, i) => [String(i + 1), m.name, formatDateTime(m.supplementDueAt)]),
      },
    );
  }
  blocks.push(paragraph('请妥善保管本通知书和查询密码，查询密码请勿告知他人。'));
  return blocks;
}

function supplementBlocks(notice: SupplementNotice): Block[] {
  const later = notice.sequence > 1 ? `（第${notice.sequence}次告知，所列材料均在首次告知范围内）` : '';
  return [
    paragraph(
      `您（单位）申请办理的“${notice.itemName}”事项（登记号：${notice.registrationNumber}），经审查，` +
        '申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，' +
        `现一次性告知您需要补正的全部内容${later}：`,
    ),
    {
      type: 'fields',
      rows: [
        { label: '登记号', value: notice.registrationNumber },
        { label: '事项名称', value: notice.itemName },
        ...partyRows('申请人', notice.applicant),
        { label: '告知日期', value: formatDate(notice.requestedAt) },
      ],
    },
    {
      type: 'table',
      caption: '需要补正的材料',
      columns: [
        { title: '序号', width: 0.08 },
        { title: '材料名称', width: 0.32 },
        { title: '问题', width: 0.16 },
        { title: '补正要求', width: 0.44 },
      ],
      rows: notice.entries.map((e, i) => [String(i + 1), e.materialName, PROBLEM_LABELS[e.problem], e.reason]),
    },
    paragraph(
      '受理时限自本通知书送达之日起暂停计算，自您按本通知书要求提交全部补正材料之日起继续计算。' +
        '请按上述要求一次性补齐材料后，到原窗口或者通过原渠道重新提交。',
    ),
  ];
}

function refusalBlocks(notice: RefusalNotice): Block[] {
  const authority = notice.reconsiderationAuthority ? `向${notice.reconsiderationAuthority}` : '';
  const court = notice.court ? `向${notice.court}` : '';
  const blocks: Block[] = [
    paragraph(
      `您（单位）申请办理的“${notice.itemName}”事项（登记号：${notice.registrationNumber}），经审查，` +
        '决定不予受理。',
    ),
    {
      type: 'fields',
      rows: [
        { label: '登记号', value: notice.registrationNumber },
        { label: '事项名称', value: notice.itemName },
        ...partyRows('申请人', notice.applicant),
        { label: '决定日期', value: formatDate(notice.refusedAt) },
      ],
    },
    paragraph(`不予受理的理由：${notice.reason}`),
  ];
  if (notice.legalBasis) blocks.push(paragraph(`法律依据：${notice.legalBasis}`));
  blocks.push(
    paragraph(
      `如对本决定不服，可以自收到本通知书之日起六十日内${authority}依法申请行政复议，` +
        `或者自收到本通知书之日起六个月内${court}依法提起行政诉讼。`,
    ),
  );
  return blocks;
}

function slipBlocks(slip: RegistrationSlip): Block[] {
  const rows: FieldRow[] = [
    { label: '登记号', value: slip.registrationNumber },
    { label: '事项名称', value: slip.itemCode ? `${slip.itemName}（${slip.itemCode}）` : slip.itemName },
    { label: '目录版本', value: `第${slip.catalogueVersion}版` },
    { label: '办理情形', value: slip.situations.length > 0 ? slip.situations.join('；') : '—' },
    ...partyRows('申请人', slip.applicant),
  ];
  if (slip.agent) {
    const role = slip.agent.role ?? '代理人';
    rows.push(...partyRows(role, slip.agent));
  }
  rows.push(
    { label: '受理渠道', value: CHANNEL_LABELS[slip.channel] },
    { label: '登记时间', value: formatDateTime(slip.registeredAt) },
    {
      label: '受理时限',
      value: `${slip.acceptanceDue.limit}（${formatDateTime(slip.acceptanceDue.at)}前）`,
    },
  );
  const count = (status: MaterialStatus) => slip.materials.filter((m) => m.status === status).length;
  return [
    { type: 'fields', rows },
    {
      type: 'table',
      caption: '申请材料',
      columns: [
        { title: '序号', width: 0.08 },
        { title: '材料名称', width: 0.46 },
        { title: '份数/形式', width: 0.18 },
        { title: '状态', width: 0.28 },
      ],
      rows: slip.materials.map((m, i) => {
        const form = [m.copies !== undefined ? `${m.copies}份` : '', m.form ?? ''].filter(Boolean).join(' ');
        const status = m.onFileFrom ? `${STATUS_LABELS[m.status]}（${m.onFileFrom}）` : STATUS_LABELS[m.status];
        return [String(i + 1), m.name, form || '—', status];
      }),
    },
    paragraph(
      `共${slip.materials.length}项材料：已提交${count('submitted')}项，已在库${count('on_file')}项（无需重复提供），` +
        `未提交${count('missing')}项。`,
    ),
    paragraph(
      '本单是申请材料的接收凭证，不是受理决定。部门窗口将在受理时限内作出受理、一次性告知补正或者不予受理的决定。',
    ),
  ];
}

/** `《name》article`, each joined by 、: the marks are added to a name written without them. */
function citation(bases: readonly LegalBasis[]): string {
  return bases
    .map((basis) => {
      const name = basis.name.startsWith('《') ? basis.name : `《${basis.name.replace(/》$/, '')}》`;
      return `${name}${basis.article ?? ''}`;
    })
    .join('、');
}

/** 《食品经营许可证》: a certificate's name in book-title marks, once. */
function bookTitle(name: string): string {
  return name.startsWith('《') && name.endsWith('》') ? name : `《${name}》`;
}

/** The remedies the law requires a refusal or revocation to state (行政许可法第三十八条第二款). */
function remedy(subject: string, venues: { reconsiderationAuthority?: string; court?: string }): string {
  const authority = venues.reconsiderationAuthority ? `向${venues.reconsiderationAuthority}` : '';
  const court = venues.court ?? '人民法院';
  return (
    `${subject}如不服本决定，可以自收到本决定书之日起六十日内${authority}依法申请行政复议，` +
    `或者在六个月内依法向${court}提起行政诉讼。`
  );
}

function decisionRows(
  decision: PermitDecision | RefusalDecision | RevocationDecision,
  applicantLabel: string,
  dateLabel: string,
): FieldRow[] {
  return [
    { label: '受理编号', value: decision.caseNumber },
    { label: '事项名称', value: decision.itemName },
    ...partyRows(applicantLabel, decision.applicant),
    { label: dateLabel, value: formatDate(decision.decidedAt) },
  ];
}

function collectionLine(collection: NonNullable<PermitDecision['collection']>, thing: string): string {
  switch (collection.method) {
    case 'window':
      return `请凭受理通知书到${collection.window ?? '受理窗口'}领取${thing}。`;
    case 'appointment':
      return (
        `请于${formatDateTime(collection.appointmentAt!)}凭受理通知书到${collection.window ?? '受理窗口'}` +
        `领取${thing}。`
      );
    case 'express': {
      const waybill = collection.trackingNumber ? `（运单号：${collection.trackingNumber}）` : '';
      return `${thing}将通过${collection.expressCompany!}邮寄送达${waybill}，请注意查收。`;
    }
  }
}

function permitBlocks(decision: PermitDecision): Block[] {
  const basis = citation(decision.legalBasis);
  const findings = decision.commitment
    ? `以告知承诺方式提交的“${decision.itemName}”申请，申请材料齐全、符合法定形式，` +
      '你（单位）已书面承诺符合法定条件、标准'
    : `提交的“${decision.itemName}”申请符合法定条件、标准`;
  const blocks: Block[] = [
    paragraph(
      `经审查，你（单位）${findings}，根据${basis}的规定，决定准予行政许可。` +
        (decision.certificates.length > 0
          ? `现颁发${decision.certificates.map((c) => bookTitle(c.name)).join('、')}。`
          : ''),
    ),
    { type: 'fields', rows: decisionRows(decision, '申请人', '决定日期') },
  ];
  if (decision.certificates.length > 0) {
    blocks.push({
      type: 'table',
      caption: '行政许可证件',
      columns: [
        { title: '序号', width: 0.08 },
        { title: '证件名称', width: 0.36 },
        { title: '证件编号', width: 0.32 },
        { title: '有效期', width: 0.24 },
      ],
      rows: decision.certificates.map((c, i) => [
        String(i + 1),
        c.name,
        c.number,
        c.validUntil ? `至${formatDate(c.validUntil)}` : '长期',
      ]),
    });
  }
  if (decision.collection) {
    const thing = decision.certificates.length > 0 ? '行政许可证件' : '本决定书';
    blocks.push(
      paragraph(
        `领取方式：${COLLECTION_LABELS[decision.collection.method]}。${collectionLine(decision.collection, thing)}`,
      ),
    );
  }
  if (decision.commitment) {
    const by = decision.commitment.verificationDueAt
      ? `将于${formatDate(decision.commitment.verificationDueAt)}前`
      : '将在规定期限内';
    blocks.push(
      paragraph(
        `本决定系根据你（单位）作出的告知承诺作出。本机关${by}对承诺内容进行核查，` +
          '发现承诺内容与实际情况不符的，将依法撤销本行政许可。',
      ),
    );
  }
  return blocks;
}

function refusalDecisionBlocks(decision: RefusalDecision): Block[] {
  return [
    paragraph(
      `你（单位）提交的“${decision.itemName}”申请（受理编号：${decision.caseNumber}），经审查，` +
        `不符合法定条件、标准，根据${citation(decision.legalBasis)}的规定，决定不予行政许可。`,
    ),
    { type: 'fields', rows: decisionRows(decision, '申请人', '决定日期') },
    paragraph(`不予行政许可的理由：${decision.reason}`),
    paragraph(remedy('申请人', decision)),
  ];
}

function revocationBlocks(decision: RevocationDecision): Block[] {
  const original = decision.originalDecision;
  const cancelled =
    decision.revokedCertificates.length > 0
      ? `原颁发的${decision.revokedCertificates.map((c) => `${bookTitle(c.name)}（编号：${c.number}）`).join('、')}同时注销。`
      : '';
  return [
    paragraph(
      `本机关于${formatDate(original.decidedAt)}以告知承诺方式准予你（单位）“${decision.itemName}”行政许可` +
        `（${original.documentNumber}）。`,
    ),
    {
      type: 'fields',
      rows: [
        ...decisionRows(decision, '被许可人', '撤销日期'),
        { label: '原决定文号', value: original.documentNumber },
        { label: '原决定日期', value: formatDate(original.decidedAt) },
      ],
    },
    paragraph(`核查发现申请人承诺内容与实际情况不符：${decision.finding}`),
    paragraph(
      `根据${citation(decision.legalBasis ?? STANDARD_REVOCATION_BASIS)}的规定，本机关决定撤销上述行政许可。${cancelled}`,
    ),
    paragraph(remedy('被许可人', decision)),
  ];
}

/** 收费标准 / 数量: `90.00元/平方米 × 1,250.000平方米`, or a fixed fee's `550.00元`. */
function feeStandardCell(entry: PaymentNoticeLine): string {
  if (entry.standard === 'fixed') return `${formatYuan(entry.standardFen)}元`;
  // The schema requires all three for a per-unit fee.
  const unit = entry.unitName!;
  return `${formatYuan(entry.unitPriceFen!)}元/${unit} × ${formatQuantity(entry.quantityMilli!)}${unit}`;
}

function reductionCell(entry: PaymentNoticeLine): string {
  return entry.reductionFen === 0 ? '—' : `${formatYuan(entry.reductionFen)}\n依据：${entry.reductionBasis!}`;
}

function paymentBlocks(notice: PaymentNotice): Block[] {
  const cases = notice.caseNumbers.join('、');
  const reduced = notice.lines.reduce((sum, entry) => sum + BigInt(entry.reductionFen), 0n);
  const instructions = notice.paymentInstructions ?? STANDARD_PAYMENT_INSTRUCTIONS;
  return [
    paragraph(`您（单位）办理的“${notice.title}”应缴费用已经核定，请按本通知单缴纳。`),
    {
      type: 'fields',
      rows: [
        { label: '缴款码', value: formatPaymentCode(notice.paymentCode) },
        ...partyRows('缴款人', notice.payer),
        { label: '受理编号', value: cases },
        { label: '项目名称', value: notice.title },
        { label: '开票时间', value: formatDateTime(notice.issuedAt) },
      ],
    },
    {
      type: 'table',
      caption: '收费明细',
      columns: [
        { title: '序号', width: 0.07 },
        { title: '收费单位', width: 0.19 },
        { title: '收费项目', width: 0.17 },
        { title: '收费标准/数量', width: 0.21 },
        { title: '减免（元）', width: 0.22 },
        { title: '应缴（元）', width: 0.14 },
      ],
      rows: [
        ...notice.lines.map((entry, i) => [
          String(i + 1),
          entry.departmentName,
          entry.feeName,
          feeStandardCell(entry),
          reductionCell(entry),
          formatYuan(entry.chargedFen),
        ]),
        ['', '合计', '', '', reduced > 0n ? formatYuanOfSum(reduced) : '—', formatYuan(notice.totalFen)],
      ],
    },
    {
      type: 'fields',
      rows: [
        { label: '合计（小写）', value: `¥${formatYuan(notice.totalFen)}` },
        { label: '合计（大写）', value: chineseCapitalAmount(notice.totalFen) },
        {
          label: '部分缴费',
          value: notice.allowPartial ? '允许：可分次缴纳，合计缴足为止' : '不允许：须一次缴清',
        },
        { label: '缴费方式', value: instructions },
      ],
    },
  ];
}

/** `2026-11` → 2026年11月. */
function monthText(month: string): string {
  const [year, monthOfYear] = month.split('-').map(Number);
  return `${year}年${monthOfYear}月`;
}

function staffRow(member: AssessmentStaff): string[] {
  const reasons = member.reasons.map((reason) => `${reason.label} ${formatSignedPoints(reason.points)}`);
  return [
    member.name,
    member.window,
    formatPoints(member.points),
    member.bestStaff ? `${member.grade}（服务标兵）` : member.grade,
    String(member.rank),
    reasons.length > 0 ? reasons.join('\n') : '—',
  ];
}

function windowRow(entry: AssessmentWindow): string[] {
  return [
    entry.window,
    formatPoints(entry.points),
    String(entry.rank),
    entry.redFlag ? '红旗窗口' : '—',
    `计入部门年度考核${formatPoints(entry.departmentAnnualPoints)}分`,
  ];
}

function assessmentBlocks(notice: AssessmentNotice): Block[] {
  const rules = notice.rulesName ? `根据${bookTitle(notice.rulesName)}，` : '';
  const blocks: Block[] = [
    paragraph(`${rules}现将${monthText(notice.month)}窗口工作人员考核情况通报如下：`),
    {
      type: 'table',
      caption: `${notice.departmentName}窗口工作人员考核情况`,
      columns: [
        { title: '姓名', width: 0.12 },
        { title: '窗口', width: 0.14 },
        { title: '得分', width: 0.1 },
        { title: '等次', width: 0.14 },
        { title: '排名', width: 0.08 },
        { title: '扣分/加分理由', width: 0.42 },
      ],
      rows: notice.staff.map(staffRow),
    },
  ];
  if (notice.windows.length > 0) {
    blocks.push({
      type: 'table',
      caption: `${notice.departmentName}窗口考核情况`,
      columns: [
        { title: '窗口', width: 0.2 },
        { title: '得分', width: 0.12 },
        { title: '排名', width: 0.1 },
        { title: '评定', width: 0.18 },
        { title: '部门年度考核', width: 0.4 },
      ],
      rows: notice.windows.map(windowRow),
    });
  }
  if (notice.summary) blocks.push(paragraph(notice.summary));
  if (notice.corrections && notice.corrections.length > 0) {
    // Printed in the order of their numbers, whatever order the caller kept them in.
    const corrections = [...notice.corrections].sort((a, b) => a.seq - b.seq);
    blocks.push(paragraph(`本月考核结果公布后作了以下${corrections.length}项更正，以上考核情况为更正后的结果。`), {
      type: 'table',
      caption: '更正说明',
      columns: [
        { title: '序号', width: 0.1 },
        { title: '更正时间', width: 0.26 },
        { title: '更正理由', width: 0.64 },
      ],
      rows: corrections.map((c) => [String(c.seq), formatDateTime(c.correctedAt), c.reason]),
    });
  }
  return blocks;
}

function decisionParts(
  decision: PermitDecision | RefusalDecision | RevocationDecision,
  blocks: readonly Block[],
): KindParts {
  return {
    header: decision.department,
    sealText: decision.sealText ?? decision.department,
    number: { label: '文号', value: decision.documentNumber },
    applicant: decision.applicant,
    blocks,
    ...(decision.handling ? { contacts: contactsLine(decision.handling, '经办窗口', '经办人') } : {}),
    date: decision.decidedAt,
  };
}

/** What each kind gives the page; a decision brings its department's header and seal. */
interface KindParts {
  readonly header?: string;
  readonly sealText?: string;
  readonly titleNote?: string;
  readonly number: FieldRow;
  readonly applicant?: Party;
  /** Whom the letter is to when it is not an applicant, e.g. 市场监督管理局分管领导. */
  readonly addressee?: string;
  readonly blocks: readonly Block[];
  readonly contacts?: string;
  readonly date: Date;
}

function kindParts(document: HallDocument, template: HallDocumentTemplate): KindParts {
  switch (document.kind) {
    case 'acceptance_notice':
      return {
        number: { label: '受理编号', value: document.caseNumber },
        applicant: document.applicant,
        blocks: acceptanceBlocks(document, template),
        contacts: contactsLine(document.handling, '受理窗口', '受理人'),
        date: document.acceptedAt,
      };
    case 'supplement_notice':
      return {
        number: { label: '登记号', value: document.registrationNumber },
        applicant: document.applicant,
        titleNote: '（一次性告知书）',
        blocks: supplementBlocks(document),
        contacts: contactsLine(document.handling, '告知窗口', '经办人'),
        date: document.requestedAt,
      };
    case 'refusal_notice':
      return {
        number: { label: '登记号', value: document.registrationNumber },
        applicant: document.applicant,
        blocks: refusalBlocks(document),
        contacts: contactsLine(document.handling, '窗口', '经办人'),
        date: document.refusedAt,
      };
    case 'registration_slip':
      return {
        number: { label: '登记号', value: document.registrationNumber },
        titleNote: '（材料流转单）',
        blocks: slipBlocks(document),
        contacts: contactsLine(document.handling, '登记窗口', '登记人'),
        date: document.registeredAt,
      };
    case 'permit_decision':
      return decisionParts(document, permitBlocks(document));
    case 'refusal_decision':
      return decisionParts(document, refusalDecisionBlocks(document));
    case 'revocation_decision':
      return decisionParts(document, revocationBlocks(document));
    case 'payment_notice':
      return {
        number: { label: '缴费通知单号', value: document.billNumber },
        applicant: document.payer,
        blocks: paymentBlocks(document),
        ...(document.handling ? { contacts: contactsLine(document.handling, '开票窗口', '开票人') } : {}),
        date: document.issuedAt,
      };
    case 'assessment_notice':
      return {
        // The centre's own notice: sealed with its name, not with the business seal of the applicants' notices.
        sealText: document.hallName,
        number: { label: '文号', value: document.number },
        addressee: document.addressee,
        blocks: assessmentBlocks(document),
        ...(document.contact ? { contacts: `联系人及电话：${document.contact}` } : {}),
        date: document.issuedAt,
      };
  }
}

export function composeDocument(document: HallDocument, template: HallDocumentTemplate): ComposedDocument {
  const parts = kindParts(document, template);
  const title = titleOf(document.kind, template);
  const addressee = parts.addressee ?? parts.applicant?.name;
  return {
    kind: document.kind,
    // A decision is the department's: its name heads it and is sealed, the hall's lines are left out.
    header: parts.header ?? template.header,
    ...(!parts.header && template.subtitle ? { subtitle: template.subtitle } : {}),
    title,
    ...(parts.titleNote ? { titleNote: parts.titleNote } : {}),
    number: parts.number,
    ...(addressee ? { salutation: `${addressee}：` } : {}),
    blocks: parts.blocks,
    ...(parts.contacts ? { contacts: parts.contacts } : {}),
    complaint: complaintLine(template),
    sealText: parts.sealText ?? template.sealText,
    date: formatDate(parts.date),
    footerLines: template.footerLines,
    documentTitle: `${title}-${parts.number.value}`,
  };
}
