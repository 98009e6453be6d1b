import { InvalidTemplateError } from './errors';
import { weifang } from './spec-fixtures';
import { defaultTemplateFor, hallDocumentTemplateSchema, parseHallDocumentTemplate, titleOf } from './template';

function violationsOf(input: unknown): Record<string, string> {
  try {
    parseHallDocumentTemplate(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTemplateError);
    return Object.fromEntries((error as InvalidTemplateError).violations.map((v) => [v.field, v.description]));
  }
  throw new Error('the template was accepted');
}

describe('HallDocumentTemplate', () => {
  it('derives the default template from the hall', () => {
    const template = defaultTemplateFor({ hallName: ' 潍坊市政务服务中心 ', complaintPhone: '12345' });
    expect(template).toEqual({
      header: '潍坊市政务服务中心',
      sealText: '潍坊市政务服务中心业务专用章',
      complaintPhone: '12345',
      footerLines: [],
    });
    expect(
      defaultTemplateFor({ hallName: '寿光市政务服务中心', complaintPhone: '12345', complaintUrl: 'https://sg.gov.cn' })
        .complaintUrl,
    ).toBe('https://sg.gov.cn');
  });

  it('survives a JSON round trip, as services store it', () => {
    const stored = JSON.parse(JSON.stringify(parseHallDocumentTemplate(weifang))) as unknown;
    expect(hallDocumentTemplateSchema.parse(stored)).toEqual(parseHallDocumentTemplate(weifang));
  });

  it('uses a title override of the hall, else the standard title', () => {
    const template = parseHallDocumentTemplate({ ...weifang, titles: { refusal_notice: '不予受理决定书' } });
    expect(titleOf('refusal_notice', template)).toBe('不予受理决定书');
    expect(titleOf('acceptance_notice', template)).toBe('受理通知书');
    expect(titleOf('revocation_decision', template)).toBe('撤销行政许可决定书');
    expect(
      titleOf('permit_decision', parseHallDocumentTemplate({ ...weifang, titles: { permit_decision: '许可决定书' } })),
    ).toBe('许可决定书');
  });

  it('refuses a bad template naming every bad field', () => {
    expect(
      violationsOf({
        header: '潍',
        sealText: '潍坊市政务服务中心业务专用章',
        complaintPhone: '投诉12345',
        complaintUrl: 'javascript:alert(1)',
        footerLines: ['第一行', '第二行\n换行'],
        titles: { acceptance_notice: '受理通知书', approval_notice: '准予许可决定书' },
        seal: 'x',
      }),
    ).toEqual({
      header: expect.stringContaining('at least 2') as string,
      complaintPhone: expect.stringContaining('phone number') as string,
      complaintUrl: 'must be an http or https URL',
      'footerLines[1]': expect.stringContaining('single line') as string,
      'titles.approval_notice': 'is not a known field',
      seal: 'is not a known field',
    });
  });

  it('refuses a template without its required fields and with too many footer lines', () => {
    expect(violationsOf({ header: '潍坊市政务服务中心', footerLines: Array(9).fill('行') })).toEqual({
      sealText: expect.any(String) as string,
      complaintPhone: expect.any(String) as string,
      footerLines: 'at most 8 footer lines',
    });
  });
});
