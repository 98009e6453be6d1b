import path from 'node:path';
import { definePDFJSModule, extractText, getDocumentProxy } from 'unpdf';
import { documentFont } from './fonts';
import { renderPdf } from './render';
import {
  acceptanceNotice,
  allDocuments,
  permitDecision,
  refusalDecision,
  registrationSlip,
  revocationDecision,
  weifang,
} from './spec-fixtures';

// unpdf's CommonJS entry loads its PDF.js bundle with a dynamic import that jest cannot run; the bundle itself
// is compiled to CommonJS by jest.config.js and handed over here.
beforeAll(() => definePDFJSModule(() => import(path.join(path.dirname(require.resolve('unpdf')), 'pdfjs.mjs'))));

async function textOf(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const proxy = await getDocumentProxy(new Uint8Array(pdf));
  const { text, totalPages } = await extractText(proxy, { mergePages: true });
  // Lines and table cells come back as separate runs; the checks read the text without its spacing.
  return { text: text.replace(/\s+/g, ''), pages: totalPages };
}

function fontsOf(pdf: Buffer): { baseFonts: string[]; descriptors: number; fontFiles: number } {
  const raw = pdf.toString('latin1');
  return {
    baseFonts: [...raw.matchAll(/\/BaseFont\s*\/([^\s/<>[\]]+)/g)].map((m) => m[1]!),
    descriptors: [...raw.matchAll(/\/Type\s*\/FontDescriptor/g)].length,
    fontFiles: [...raw.matchAll(/\/FontFile[23]\b/g)].length,
  };
}

describe('renderPdf', () => {
  it('puts the case number, the item, the masked applicant and the complaint phone in the text', async () => {
    const pdf = await renderPdf(acceptanceNotice, weifang);
    const { text, pages } = await textOf(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('受理编号：SL3707002026101200042');
    expect(text).toContain('食品经营许可证核发');
    expect(text).toContain('张三（居民身份证370702********1234）');
    expect(text).toContain('监督投诉电话：0536-12345');
    expect(text).toContain('承诺办结日期2026年10月19日');
    expect(text).toContain('潍坊市政务服务中心业务专用章');
  });

  // A notice is headed by the hall, a decision by its department.
  it.each(allDocuments.map((d) => [d.kind, d, 'department' in d ? d.department : weifang.header] as const))(
    'renders a %s as a small A4 PDF',
    async (_kind, doc, issuer) => {
      const pdf = await renderPdf(doc, weifang);
      expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
      expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
      // A subset is some tens of kilobytes; the whole font would be 10 MB.
      expect(pdf.length).toBeLessThan(120_000);
      const { text } = await textOf(pdf);
      expect(text).toContain(issuer);
      expect(text).toContain('第1页共1页');
    },
  );

  it('puts a decision’s 文号, reason or finding, basis and remedies in the text', async () => {
    const permit = (await textOf(await renderPdf(permitDecision, weifang))).text;
    expect(permit).toContain('文号：潍市监准字〔2026〕第000123号');
    expect(permit).toContain('决定准予行政许可');
    expect(permit).toContain('JY13707020012345');
    expect(permit).toContain('至2031年10月18日');

    const refusal = (await textOf(await renderPdf(refusalDecision, weifang))).text;
    expect(refusal).toContain('文号：潍市监不准字〔2026〕第000007号');
    expect(refusal).toContain(
      '不予行政许可的理由：经现场核查，经营场所与有毒、有害场所的距离不足25米，不符合食品经营许可审查通则的要求。',
    );
    expect(refusal).toContain('《中华人民共和国食品安全法》第三十五条');
    expect(refusal).toContain('申请人如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议');
    expect(refusal).toContain('潍坊市市场监督管理局2026年10月19日');

    const revocation = (await textOf(await renderPdf(revocationDecision, weifang))).text;
    expect(revocation).toContain('文号：潍市监撤字〔2026〕第000002号');
    expect(revocation).toContain('潍市监准字〔2026〕第000118号');
    expect(revocation).toContain('核查发现申请人承诺内容与实际情况不符：申请人承诺经营场所已设置独立的食品贮存区');
    expect(revocation).toContain('或者在六个月内依法向潍坊市奎文区人民法院提起行政诉讼');
  });

  it('rejects a refusal decision without its reason', async () => {
    const { reason: _reason, ...withoutReason } = refusalDecision;
    await expect(renderPdf(withoutReason as never, weifang)).rejects.toMatchObject({
      name: 'InvalidDocumentError',
      violations: [{ field: 'reason', description: expect.stringContaining('written reason') as string }],
    });
  });

  it('embeds subsets of the package font and references no other font', async () => {
    const pdf = await renderPdf(registrationSlip, weifang);
    const { baseFonts, descriptors, fontFiles } = fontsOf(pdf);
    expect(baseFonts.length).toBeGreaterThan(0);
    // Each font appears as the Type0 font and its descendant CID font, both with the subset tag.
    for (const name of baseFonts) expect(name).toMatch(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/);
    // Every font descriptor carries its embedded font file (FontFile2: TrueType outlines).
    expect(descriptors).toBeGreaterThan(0);
    expect(fontFiles).toBe(descriptors);
    expect(pdf.toString('latin1')).not.toMatch(/\/(Helvetica|Times|Courier|Symbol|ZapfDingbats|SimSun|SimHei|STSong)/);
  });

  it('prints characters outside GB 2312 that names have', async () => {
    const pdf = await renderPdf(
      { ...acceptanceNotice, applicant: { name: '王堃喆', idNumber: '370702********1234' } },
      weifang,
    );
    expect((await textOf(pdf)).text).toContain('王堃喆：');
  });

  it('runs a long materials list onto further pages, each numbered', async () => {
    const materials = Array.from({ length: 60 }, (_, i) => ({
      name: `第${i + 1}项申请材料（按事项清单要求提供，需加盖申请单位公章）`,
      copies: 1,
      form: '复印件',
      status: 'submitted' as const,
    }));
    const pdf = await renderPdf({ ...registrationSlip, materials }, weifang);
    const { text, pages } = await textOf(pdf);
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(`第1页共${pages}页`);
    expect(text).toContain(`第${pages}页共${pages}页`);
    expect(text).toContain('第60项申请材料');
    expect(text).toContain('共60项材料');
  });

  it('parses the font once and shares it between documents', async () => {
    const before = documentFont('regular');
    await renderPdf(acceptanceNotice, weifang);
    expect(documentFont('regular')).toBe(before);
  });

  it('rejects bad data', async () => {
    await expect(renderPdf({ ...acceptanceNotice, promisedDate: 'soon' }, weifang)).rejects.toMatchObject({
      name: 'InvalidDocumentError',
      violations: [{ field: 'promisedDate', description: 'must be a real date YYYY-MM-DD' }],
    });
  });
});
