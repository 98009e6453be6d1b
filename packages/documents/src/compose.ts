/**
 * Turns a document's data and the hall's template into what is printed: the title, the lines, the tables and
 * the standard wording of each kind. HTML and PDF are two layouts of this one model, so they never differ in
 * what they say.
 */
import type {
  AcceptanceNotice,
  Channel,
  HallDocument,
  Handling,
  MaterialStatus,
  Party,
  RefusalNotice,
  RegistrationSlip,
  SupplementNotice,
  SupplementProblem,
} from './documents';
import { formatDate, formatDateTime } from './format';
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
  /** The window, staff and phone line. */
  readonly contacts: string;
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

export const STANDARD_QUERY_INSTRUCTIONS = '凭受理编号和查询密码，可在政务服务网或到本中心服务窗口查询办理进度';

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

function kindParts(document: HallDocument, template: HallDocumentTemplate) {
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
  }
}

export function composeDocument(document: HallDocument, template: HallDocumentTemplate): ComposedDocument {
  const parts = kindParts(document, template);
  const title = titleOf(document.kind, template);
  return {
    kind: document.kind,
    header: template.header,
    ...(template.subtitle ? { subtitle: template.subtitle } : {}),
    title,
    ...(parts.titleNote ? { titleNote: parts.titleNote } : {}),
    number: parts.number,
    ...(parts.applicant ? { salutation: `${parts.applicant.name}：` } : {}),
    blocks: parts.blocks,
    contacts: parts.contacts,
    complaint: complaintLine(template),
    sealText: template.sealText,
    date: formatDate(parts.date),
    footerLines: template.footerLines,
    documentTitle: `${title}-${parts.number.value}`,
  };
}
