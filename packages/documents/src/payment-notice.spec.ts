import path from 'node:path';
import { definePDFJSModule, extractText, getDocumentProxy } from 'unpdf';
import { parseHallDocument } from './documents';
import type { PaymentNoticeInput } from './documents';
import { InvalidDocumentError } from './errors';
import { chineseCapitalAmount, formatYuan } from './index';
import { documentFileName, renderDocument, renderHtml, renderPdf } from './render';
import { paymentNotice, weifang } from './spec-fixtures';
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

type LineInput = PaymentNoticeInput['lines'][number];
// The sample's three lines: per unit, exempt, fixed.
const [perUnit, exempt, fixed] = paymentNotice.lines as [LineInput, LineInput, LineInput];

/** The sample with its lines replaced, the total following them. */
function withLines(lines: PaymentNoticeInput['lines']): PaymentNoticeInput {
  return { ...paymentNotice, lines, totalFen: lines.reduce((sum, l) => sum + l.chargedFen, 0) };
}

describe('payment notice data', () => {
  it('accepts the sample and fills a line’s reduction with 0', () => {
    const parsed = parseHallDocument(paymentNotice);
    expect(parsed).toMatchObject({ kind: 'payment_notice', totalFen: 11_251_000 });
    expect(parsed.kind === 'payment_notice' && parsed.lines.map((l) => l.reductionFen)).toEqual([0, 55_000, 0]);
  });

  it('refuses a negative amount and a fraction of a fen, naming the field', () => {
    expect(
      violationsOf({
        ...paymentNotice,
        lines: [{ ...perUnit, unitPriceFen: -9000 }, { ...exempt, standardFen: 550.5 }, fixed],
        totalFen: -1,
      }),
    ).toEqual({
      'lines[0].unitPriceFen': 'must not be negative',
      'lines[1].standardFen': 'must be a whole number of fen (a safe integer)',
      totalFen: 'must not be negative',
    });
    expect(violationsOf(withLines([{ ...fixed, chargedFen: 10.01 }]))).toEqual({
      'lines[0].chargedFen': 'must be a whole number of fen (a safe integer)',
      totalFen: 'must be a whole number of fen (a safe integer)',
    });
    expect(violationsOf({ ...paymentNotice, totalFen: '112510.00' })).toEqual({
      totalFen: 'must be an amount in fen',
    });
  });

  it('refuses a total that is not the sum of the lines', () => {
    expect(violationsOf({ ...paymentNotice, totalFen: 11_250_999 })).toEqual({
      totalFen: "must be the sum of the lines' chargedFen (11251000 fen)",
    });
  });

  it('refuses a per-unit line without its price, unit or quantity, or whose standard is not their product', () => {
    const { unitPriceFen: _price, unitName: _unit, ...bare } = perUnit;
    expect(violationsOf(withLines([bare]))).toEqual({
      'lines[0].unitPriceFen': 'a per-unit fee gives its unit price, unit and quantity',
      'lines[0].unitName': 'a per-unit fee gives its unit price, unit and quantity',
    });
    expect(violationsOf(withLines([{ ...perUnit, quantityMilli: 0 }]))).toEqual({
      'lines[0].quantityMilli': 'must be above 0',
    });
    expect(violationsOf(withLines([{ ...perUnit, quantityMilli: 1_250_001 }]))).toEqual({
      'lines[0].standardFen': 'must be unitPriceFen × quantityMilli / 1000, rounded half up to the fen',
    });
    // Rounded half up to the fen: 0.05元/件 × 0.1件 = 0.5 fen → 1; 0.04元/件 × 0.1件 = 0.4 fen → 0; 1.5 fen → 2.
    for (const [unitPriceFen, standardFen] of [
      [5, 1],
      [4, 0],
      [15, 2],
    ] as const) {
      const line = { ...perUnit, unitPriceFen, quantityMilli: 100, standardFen, chargedFen: standardFen };
      expect(() => parseHallDocument(withLines([line]))).not.toThrow();
      expect(violationsOf(withLines([{ ...line, standardFen: standardFen + 1, chargedFen: standardFen + 1 }]))).toEqual(
        {
          'lines[0].standardFen': 'must be unitPriceFen × quantityMilli / 1000, rounded half up to the fen',
        },
      );
    }
    // The product is taken in BigInt: ¥90,000,000/平方米 × 1,000,000 平方米 passes 2^53 fen before dividing.
    expect(
      violationsOf(withLines([{ ...perUnit, unitPriceFen: 9_000_000_000, quantityMilli: 1_000_000_000 }])),
    ).toEqual({
      'lines[0].standardFen': 'must be unitPriceFen × quantityMilli / 1000, rounded half up to the fen',
    });
    expect(violationsOf(withLines([{ ...fixed, unitName: '件' }]))).toEqual({
      'lines[0].unitName': 'only a per-unit fee has a unit price, unit and quantity',
    });
  });

  it('refuses a reduction that is not standard − charged, or without its basis, and a basis without one', () => {
    expect(violationsOf(withLines([{ ...exempt, reductionFen: 50_000 }]))).toEqual({
      'lines[0].reductionFen': 'must be standardFen − chargedFen when less than the standard is charged, else 0',
    });
    const { reductionBasis: _basis, ...withoutBasis } = exempt;
    expect(violationsOf(withLines([withoutBasis]))).toEqual({
      'lines[0].reductionBasis': 'a reduction names its basis',
    });
    expect(violationsOf(withLines([{ ...fixed, reductionBasis: '财税〔2016〕79号' }]))).toEqual({
      'lines[0].reductionBasis': 'only a reduction has a basis',
    });
    // Above the standard is the fee service's breach to report; the notice prints what is charged.
    expect(() => parseHallDocument(withLines([{ ...fixed, chargedFen: 1_200 }]))).not.toThrow();
  });

  it('refuses a bad payment code, no case, no line and a snake_case field', () => {
    expect(
      violationsOf({
        ...paymentNotice,
        paymentCode: '3707 0020 2612 0200 0142',
        caseNumbers: [],
        lines: [],
        totalFen: 0,
        allowPartial: 'no',
      }),
    ).toEqual({
      paymentCode: 'must be the 20 digits of the payment code',
      caseNumbers: 'name at least one case',
      lines: 'list at least one charged line',
      allowPartial: 'must be true or false',
    });
    const { quantityMilli, ...rest } = perUnit;
    expect(violationsOf(withLines([{ ...rest, quantity_milli: quantityMilli } as never]))).toEqual({
      'lines[0].quantityMilli': 'a per-unit fee gives its unit price, unit and quantity',
      'lines[0].quantity_milli': 'is not a known field',
    });
  });
});

describe('payment notice rendering', () => {
  it('prints the hall, the bill, the payer, the lines and the total in figures and in capitals', () => {
    const html = renderHtml(paymentNotice, weifang);
    expect(html).toContain('<div class="hall">潍坊市政务服务中心</div>');
    expect(html).toContain('<h1>缴费通知单</h1>');
    expect(html).toContain('缴费通知单号：<span>JF370700-20261202-0001</span>');
    expect(html).toContain('<th scope="row">缴款码</th><td>3707 0020 2612 0200 0142</td>');
    expect(html).toContain('<p class="salutation">潍坊滨海新能源科技有限公司：</p>');
    expect(html).toContain(
      '<th scope="row">缴款人</th><td>潍坊滨海新能源科技有限公司（统一社会信用代码 91370700MA3C4XYZ1K）</td>',
    );
    expect(html).toContain('<td>SL3707002026120200011、SL3707002026120200012</td>');
    expect(html).toContain('<th scope="row">项目名称</th><td>潍坊滨海新能源产业园一期项目</td>');
    expect(html).toContain('<th scope="row">开票时间</th><td>2026年12月2日 10:00</td>');
    expect(html).toContain(
      '<td>1</td><td>潍坊市住房和城乡建设局</td><td>城市基础设施配套费</td>' +
        '<td>90.00元&#x2F;平方米 × 1,250.000平方米</td><td>—</td><td>112,500.00</td>',
    );
    expect(html).toContain(
      '<td>2</td><td>潍坊市自然资源和规划局</td><td>不动产登记费</td><td>550.00元</td>' +
        '<td>550.00\n依据：小微企业免收（财税〔2016〕79号）</td><td>0.00</td>',
    );
    expect(html).toContain('<td></td><td>合计</td><td></td><td></td><td>550.00</td><td>112,510.00</td>');
    expect(html).toContain('<th scope="row">合计（小写）</th><td>¥112,510.00</td>');
    expect(html).toContain('<th scope="row">合计（大写）</th><td>壹拾壹万贰仟伍佰壹拾元整</td>');
    expect(html).toContain('<th scope="row">部分缴费</th><td>不允许：须一次缴清</td>');
    expect(html).toContain('请持本通知单到大厅银行收费窗口缴费，或凭缴款码网上缴费。');
    expect(html).toContain('开票窗口：综合收费窗口　开票人：孙七');
    expect(html).toContain('<div class="seal">潍坊市政务服务中心业务专用章</div>');
    expect(html).toContain('<div class="date">2026年12月2日</div>');
  });

  it('says when payment may come in parts, and takes the hall’s own instructions and title', () => {
    const html = renderHtml(
      {
        ...paymentNotice,
        allowPartial: true,
        paymentInstructions: '请到二楼中国银行收费窗口缴费，或登录潍坊政务服务网凭缴款码缴费。',
        handling: undefined,
      },
      { ...weifang, titles: { payment_notice: '一费制缴费通知单' } },
    );
    expect(html).toContain('<h1>一费制缴费通知单</h1>');
    expect(html).toContain('允许：可分次缴纳，合计缴足为止');
    expect(html).toContain('请到二楼中国银行收费窗口缴费，或登录潍坊政务服务网凭缴款码缴费。');
    expect(html).not.toContain('请持本通知单到大厅银行收费窗口缴费');
    expect(html).not.toContain('class="contacts"');
  });

  it('prints a bill with nothing to pay as 零元整', () => {
    const html = renderHtml(
      withLines([exempt]),
      defaultTemplateFor({ hallName: '寿光市政务服务中心', complaintPhone: '12345' }),
    );
    expect(html).toContain('<div class="hall">寿光市政务服务中心</div>');
    expect(html).toContain('<td>¥0.00</td>');
    expect(html).toContain('<td>零元整</td>');
  });

  it('renders a PDF whose text has the bill number, the payment code and the total', async () => {
    const small = withLines([{ ...fixed, standardFen: 12_850, chargedFen: 12_850 }]);
    const { text, pages } = await textOf(await renderPdf(small, weifang));
    expect(pages).toBe(1);
    expect(text).toContain('缴费通知单号：JF370700-20261202-0001');
    expect(text).toContain('37070020261202000142');
    expect(text).toContain(`合计（小写）¥${formatYuan(12_850)}`);
    expect(text).toContain('合计（大写）壹佰贰拾捌元伍角整');
    expect(chineseCapitalAmount(12_850)).toBe('壹佰贰拾捌元伍角整');

    const full = (await textOf(await renderPdf(paymentNotice, weifang))).text;
    expect(full).toContain('90.00元/平方米×1,250.000平方米');
    expect(full).toContain('¥112,510.00');
    expect(full).toContain('壹拾壹万贰仟伍佰壹拾元整');
    expect(full).toContain('依据：小微企业免收（财税〔2016〕79号）');
  });

  it('runs a long bill onto further pages, the total after the last line', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({
      ...fixed,
      feeName: `第${i + 1}项收费`,
      standardFen: 100 + i,
      chargedFen: 100 + i,
    }));
    const { text, pages } = await textOf(await renderPdf(withLines(lines), weifang));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(`第${pages}页共${pages}页`);
    // 100 + 101 + … + 129 fen = 3,435 fen.
    expect(text.indexOf('第30项收费')).toBeLessThan(text.indexOf('合计（小写）¥34.35'));
    expect(text).toContain('合计（大写）叁拾肆元叁角伍分');
  });

  it('names the file after the bill', async () => {
    expect(documentFileName(paymentNotice, weifang, 'pdf')).toBe('缴费通知单-JF370700-20261202-0001.pdf');
    const rendered = await renderDocument(paymentNotice, weifang, 'html');
    expect(rendered.fileName).toBe('缴费通知单-JF370700-20261202-0001.html');
    expect(rendered.contentType).toBe('text/html; charset=utf-8');
    expect(rendered.content.toString('utf8')).toContain('<title>缴费通知单-JF370700-20261202-0001</title>');
  });
});
