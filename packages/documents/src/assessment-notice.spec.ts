import path from 'node:path';
import { definePDFJSModule, extractText, getDocumentProxy } from 'unpdf';
import { parseHallDocument } from './documents';
import type { AssessmentNoticeInput } from './documents';
import { InvalidDocumentError } from './errors';
import { formatPoints, formatSignedPoints } from './format';
import { assessmentNoticeSchema } from './index';
import { documentFileName, renderDocument, renderHtml, renderPdf } from './render';
import { assessmentNotice, weifang } from './spec-fixtures';
import { defaultTemplateFor } from './template';

// As in pdf.spec.ts: unpdf's PDF.js bundle, compiled to CommonJS by jest.config.js.
beforeAll(() => definePDFJSModule(() => import(path.join(path.dirname(require.resolve('unpdf')), 'pdfjs.mjs'))));

async function textOf(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const proxy = await getDocumentProxy(new Uint8Array(pdf));
  const { text, totalPages } = await extractText(proxy, { mergePages: true });
  return { text: text.replace(/\s+/g, ''), pages: totalPages };
}

function violationsOf(input: unknown): Record<string, string> {
  try {
    parseHallDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDocumentError);
    return Object.fromEntries((error as InvalidDocumentError).violations.map((v) => [v.field, v.description]));
  }
  throw new Error('the notice was accepted');
}

type StaffInput = AssessmentNoticeInput['staff'][number];
type WindowInput = NonNullable<AssessmentNoticeInput['windows']>[number];
const [bestStaff, deducted] = assessmentNotice.staff as [StaffInput, StaffInput];
const [redFlagWindow] = assessmentNotice.windows as [WindowInput];

const zhangzhou = defaultTemplateFor({ hallName: '漳州市行政服务中心', complaintPhone: '0596-12345' });

describe('assessment notice data', () => {
  it('accepts the sample, and a notice without windows, rules, corrections, summary or contact', () => {
    expect(parseHallDocument(assessmentNotice)).toMatchObject({ kind: 'assessment_notice', month: '2026-11' });
    const { windows: _w, rulesName: _r, corrections: _c, contact: _contact, ...bare } = assessmentNotice;
    const parsed = assessmentNoticeSchema.parse(bare);
    expect(parsed.windows).toEqual([]);
    expect(parsed.corrections).toBeUndefined();
  });

  it('refuses missing and malformed fields, naming each', () => {
    const { hallName: _hall, ...withoutHall } = assessmentNotice;
    expect(
      violationsOf({
        ...withoutHall,
        number: '',
        month: '2026-13',
        issuedAt: '2026-12-03',
        staff: [],
        corrections: [{ seq: 0, reason: '更正', correctedAt: new Date('2026-12-02T00:00:00Z') }],
      }),
    ).toEqual({
      hallName: 'Invalid input: expected string, received undefined',
      number: 'must have at least 1 characters',
      month: 'must be a month YYYY-MM',
      issuedAt: 'must be a valid Date',
      staff: 'list at least one staff member',
      'corrections[0].seq': 'must be at least 1',
    });
  });

  it('refuses bad staff and window entries with their field paths', () => {
    expect(
      violationsOf({
        ...assessmentNotice,
        staff: [
          { ...bestStaff, rank: 0, bestStaff: 'yes' },
          { ...deducted, points: '93.5', reasons: [{ label: '', points: -5 }], votes: 3 },
        ],
        windows: [{ ...redFlagWindow, rank: 1.5, departmentAnnualPoints: Number.POSITIVE_INFINITY }],
      }),
    ).toEqual({
      'staff[0].rank': 'must be at least 1 (1 = best)',
      'staff[0].bestStaff': 'must be true or false',
      'staff[1].points': 'must be a number of points',
      'staff[1].reasons[0].label': 'must have at least 1 characters',
      'staff[1].votes': 'is not a known field',
      'windows[0].rank': 'must be a whole rank, 1 = best',
      'windows[0].departmentAnnualPoints': 'must be a number of points',
    });
    const crowd = Array.from({ length: 201 }, (_, i) => ({ ...deducted, name: `工作人员${i + 1}` }));
    expect(violationsOf({ ...assessmentNotice, staff: crowd })).toEqual({
      staff: 'Too big: expected array to have <=200 items',
    });
  });

  it('refuses ranks that do not follow the points, and lets equal points share a rank', () => {
    expect(violationsOf({ ...assessmentNotice, staff: [bestStaff, { ...deducted, rank: 1 }] })).toEqual({
      'staff[1].rank': 'must be after the rank of staff[0], which has more points',
    });
    expect(
      violationsOf({
        ...assessmentNotice,
        windows: [
          { ...redFlagWindow, window: 'B02窗口', points: 90, rank: 3 },
          { ...redFlagWindow, rank: 5 },
        ],
      }),
    ).toEqual({ 'windows[0].rank': 'must be after the rank of windows[1], which has more points' });
    const tied = { ...deducted, name: '陈七', points: bestStaff.points, rank: 1 };
    expect(() => parseHallDocument({ ...assessmentNotice, staff: [bestStaff, tied] })).not.toThrow();
    // Scores equal as printed share a rank though floating point made them differ (96.70000000000002 and 96.7).
    const computed = [
      { ...deducted, points: 96.7, rank: 4 },
      { ...bestStaff, points: 100 - 1.1 - 1.1 - 1.1, rank: 4 },
    ];
    expect(computed[0]!.points).not.toBe(computed[1]!.points);
    expect(() => parseHallDocument({ ...assessmentNotice, staff: computed })).not.toThrow();
  });

  it('refuses a staff member or window listed twice, and a correction numbered twice', () => {
    const when = new Date('2026-12-02T00:00:00Z');
    expect(
      violationsOf({
        ...assessmentNotice,
        staff: [bestStaff, deducted, { ...bestStaff }],
        windows: [redFlagWindow, { ...redFlagWindow }],
        corrections: [
          { seq: 1, reason: '第一次更正', correctedAt: when },
          { seq: 1, reason: '第二次更正', correctedAt: when },
        ],
      }),
    ).toEqual({
      'staff[2]': 'lists a staff member of a window twice',
      'windows[1].window': 'lists a window twice',
      'corrections[1].seq': 'numbers a correction twice',
    });
    // The same name at another window is another person.
    expect(() =>
      parseHallDocument({ ...assessmentNotice, staff: [bestStaff, { ...bestStaff, window: 'B03窗口' }] }),
    ).not.toThrow();
  });

  it('refuses a month after the notice’s date and a correction the notice could not yet report', () => {
    expect(
      violationsOf({
        ...assessmentNotice,
        month: '2026-12',
        // 2026-12-01 00:30 in China is still 2026-11-30 in UTC: the month is taken in China Standard Time.
        issuedAt: new Date('2026-11-30T16:30:00Z'),
        corrections: [{ seq: 1, reason: '更正说明', correctedAt: new Date('2026-11-30T16:31:00Z') }],
      }),
    ).toEqual({
      'corrections[0].correctedAt': 'must not be after issuedAt: a corrected month is notified again',
    });
    expect(
      violationsOf({
        ...assessmentNotice,
        month: '2026-12',
        issuedAt: new Date('2026-11-30T15:59:00Z'),
        corrections: undefined,
      }),
    ).toEqual({ month: 'must not be after the month of issuedAt' });
  });
});

describe('formatPoints', () => {
  it('prints up to two decimals, rounded half away from zero, with a true minus sign', () => {
    expect(formatPoints(100)).toBe('100');
    expect(formatPoints(93.5)).toBe('93.5');
    expect(formatPoints(97.75)).toBe('97.75');
    expect(formatPoints(14.285714)).toBe('14.29');
    // 1.005 is 100.49999999999999 hundredths in binary floating point: still 1.01.
    expect(formatPoints(1.005)).toBe('1.01');
    expect(formatPoints(-2.345)).toBe('−2.35');
    expect(formatPoints(99.1 + 0.2 + 0.1)).toBe('99.4');
    expect(formatPoints(-5)).toBe('−5');
    expect(formatPoints(-0.004)).toBe('0');
    expect(formatSignedPoints(2)).toBe('+2');
    expect(formatSignedPoints(-5)).toBe('−5');
    expect(formatSignedPoints(0)).toBe('0');
  });
});

describe('assessment notice rendering', () => {
  it('prints the heading, number, addressee, intro, the staff with their reasons and the window', () => {
    const html = renderHtml(assessmentNotice, weifang);
    expect(html).toContain('<h1>窗口工作人员考核情况通报</h1>');
    expect(html).toContain('文号：<span>考核通报〔2026〕11号</span>');
    expect(html).toContain('<p class="salutation">潍坊市市场监督管理局分管领导：</p>');
    expect(html).toContain(
      '根据《潍坊市政务服务中心窗口工作人员月考评办法》，现将2026年11月窗口工作人员考核情况通报如下：',
    );
    expect(html).toContain('<caption>潍坊市市场监督管理局窗口工作人员考核情况</caption>');
    expect(html).toContain(
      '<th scope="col">姓名</th><th scope="col">窗口</th><th scope="col">得分</th><th scope="col">等次</th>' +
        '<th scope="col">排名</th><th scope="col">扣分&#x2F;加分理由</th>',
    );
    expect(html).toContain(
      '<tr><td>李四</td><td>B01窗口</td><td>102</td><td>优秀（服务标兵）</td><td>1</td><td>收到表扬信 +2</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>王芳</td><td>B02窗口</td><td>93.5</td><td>合格</td><td>17</td>' +
        '<td>办件超时（黄牌） −5\n迟到 −1.5</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>B01窗口</td><td>97.75</td><td>2</td><td>红旗窗口</td><td>计入部门年度考核19.55分</td></tr>',
    );
    expect(html).toContain('<p class="contacts">联系人及电话：综合科 赵六 0536-8096001</p>');
    // The centre seals its own notice with its name, not with the business seal of the applicants’ notices.
    expect(html).toContain('<div class="seal">潍坊市政务服务中心</div>');
    expect(html).not.toContain('业务专用章');
    expect(html).toContain('<div class="date">2026年12月3日</div>');
  });

  it('states a correction after publication, in the order of the corrections’ numbers', () => {
    const html = renderHtml(
      {
        ...assessmentNotice,
        corrections: [
          { seq: 2, reason: '第二项更正', correctedAt: new Date('2026-12-02T09:00:00Z') },
          { seq: 1, reason: '第一项更正', correctedAt: new Date('2026-12-01T09:00:00Z') },
        ],
      },
      weifang,
    );
    expect(html).toContain('本月考核结果公布后作了以下2项更正，以上考核情况为更正后的结果。');
    expect(html).toContain('<caption>更正说明</caption>');
    expect(html.indexOf('<td>1</td><td>2026年12月1日 17:00</td><td>第一项更正</td>')).toBeGreaterThan(-1);
    expect(html.indexOf('<td>1</td><td>2026年12月1日 17:00</td>')).toBeLessThan(
      html.indexOf('<td>2</td><td>2026年12月2日 17:00</td><td>第二项更正</td>'),
    );
  });

  it('leaves out the window table, the rules, the corrections and the contact when the data has none', () => {
    const { windows: _w, rulesName: _r, corrections: _c, contact: _contact, ...bare } = assessmentNotice;
    const html = renderHtml(
      { ...bare, staff: [{ ...deducted, reasons: [] }], summary: '本月各窗口总体运行平稳。\n请督促窗口人员按时到岗。' },
      { ...zhangzhou, titles: { assessment_notice: '考核情况通报' } },
    );
    expect(html).toContain('<h1>考核情况通报</h1>');
    expect(html).toContain('<p class="indent">现将2026年11月窗口工作人员考核情况通报如下：</p>');
    expect(html).toContain('<td>17</td><td>—</td></tr>');
    expect(html).toContain('<p class="indent">本月各窗口总体运行平稳。\n请督促窗口人员按时到岗。</p>');
    expect(html).not.toContain('窗口考核情况</caption>');
    expect(html).not.toContain('更正');
    expect(html).not.toContain('class="contacts"');
  });

  it('renders a PDF whose text has the number, the rows, the reasons, the correction and the seal', async () => {
    const { text, pages } = await textOf(await renderPdf(assessmentNotice, zhangzhou));
    expect(pages).toBe(1);
    expect(text).toContain('窗口工作人员考核情况通报');
    expect(text).toContain('文号：考核通报〔2026〕11号');
    expect(text).toContain('潍坊市市场监督管理局分管领导：');
    expect(text).toContain('现将2026年11月窗口工作人员考核情况通报如下：');
    expect(text).toContain('姓名窗口得分等次排名扣分/加分理由');
    expect(text).toContain('李四B01窗口102优秀（服务标兵）1收到表扬信+2');
    expect(text).toContain('王芳B02窗口93.5合格17办件超时（黄牌）−5迟到−1.5');
    expect(text).toContain('B01窗口97.752红旗窗口计入部门年度考核19.55分');
    expect(text).toContain('更正说明');
    expect(text).toContain('得分由92分更正为93.5分');
    expect(text).toContain('潍坊市政务服务中心2026年12月3日');
  });

  it('runs a large department onto further pages, every staff member printed', async () => {
    const staff = Array.from({ length: 80 }, (_, i) => ({
      ...deducted,
      name: `工作人员${i + 1}`,
      window: `C${String(i + 1).padStart(2, '0')}窗口`,
      points: 100 - i * 0.25,
      rank: i + 1,
    }));
    const { text, pages } = await textOf(await renderPdf({ ...assessmentNotice, staff }, weifang));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(`第${pages}页共${pages}页`);
    expect(text).toContain('工作人员80C80窗口80.25合格80');
  });

  it('names the file after the month and the department, not the bracketed number', async () => {
    expect(documentFileName(assessmentNotice, weifang, 'pdf')).toBe(
      '窗口工作人员考核情况通报-2026-11-潍坊市市场监督管理局.pdf',
    );
    const rendered = await renderDocument(assessmentNotice, weifang, 'html');
    expect(rendered.fileName).toBe('窗口工作人员考核情况通报-2026-11-潍坊市市场监督管理局.html');
    expect(rendered.content.toString('utf8')).toContain('<title>窗口工作人员考核情况通报-考核通报〔2026〕11号</title>');
  });
});
