import { documentFileName, renderHtml } from './render';
import {
  acceptanceNotice,
  allDocuments,
  refusalNotice,
  registrationSlip,
  supplementNotice,
  weifang,
} from './spec-fixtures';
import { defaultTemplateFor } from './template';

describe('renderHtml', () => {
  it.each(allDocuments.map((d) => [d.kind, d] as const))('renders a %s as a self-contained A4 page', (_kind, doc) => {
    const html = renderHtml(doc, weifang);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('size: A4');
    expect(html).toContain('@media print');
    expect(html).toContain('潍坊市政务服务中心业务专用章');
    expect(html).toContain('监督投诉电话：0536-12345');
    expect(html).toContain('本通知书一式两份');
    // Nothing to load: no script, no external stylesheet, image or font.
    expect(html).not.toMatch(/<script|<link|<img|url\(|src=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('prints what each kind says', () => {
    const acceptance = renderHtml(acceptanceNotice, weifang);
    expect(acceptance).toContain('<h1>受理通知书</h1>');
    expect(acceptance).toContain('SL3707002026101200042');
    expect(acceptance).toContain('2026年10月12日 10:30');
    expect(acceptance).toContain('2026年10月19日');
    expect(acceptance).toContain('482913');
    expect(acceptance).toContain('登录潍坊政务服务网或拨打12345查询办理进度');
    expect(acceptance).toContain('健康证明复印件');
    expect(acceptance).toContain('2026年10月16日 17:00');

    const supplement = renderHtml(supplementNotice, weifang);
    expect(supplement).toContain('（一次性告知书）');
    expect(supplement).toContain('受理时限自本通知书送达之日起暂停计算');
    expect(supplement).toContain('不符合法定形式');

    const refusal = renderHtml(refusalNotice, weifang);
    expect(refusal).toContain('向潍坊市人民政府依法申请行政复议');
    expect(refusal).toContain('依法提起行政诉讼');
    expect(refusal).toContain('第三十二条第一款第（一）项');

    const slip = renderHtml(registrationSlip, weifang);
    expect(slip).toContain('4个工作小时内（2026年10月12日 14:10前）');
    expect(slip).toContain('已在库（电子证照库（潍坊市市场监督管理局））');
    expect(slip).toContain('<td>未提交</td>');
    expect(slip).toContain('第3版');
  });

  it('escapes every value: a <script> in a name stays text', () => {
    const html = renderHtml(
      {
        ...acceptanceNotice,
        applicant: { name: '<script>alert("x")</script>' },
        itemName: '食品 & "经营" \'许可\' {{password}}',
      },
      { ...weifang, header: '<img src=x onerror=alert(1)>中心', footerLines: ['</style><b>粗</b>'] },
    );
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2F;script&gt;');
    expect(html).toContain('食品 &amp; &quot;经营&quot; &#39;许可&#39; {{password}}');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
  });

  it('prints the standard lines where the data and the template give none', () => {
    const html = renderHtml(
      { ...acceptanceNotice, queryPassword: undefined, commitment: undefined },
      defaultTemplateFor({ hallName: '寿光市政务服务中心', complaintPhone: '12345' }),
    );
    expect(html).toContain('已于受理时另行告知');
    expect(html).toContain('凭受理编号和查询密码');
    expect(html).toContain('申请材料齐全、符合法定形式，决定予以受理');
    expect(html).not.toContain('容缺');
    expect(html).not.toContain('投诉网址');
    expect(html).not.toContain('<footer');
  });

  it('uses the hall’s title and names the file after it', () => {
    const template = { ...weifang, titles: { acceptance_notice: '受理决定书' } };
    expect(renderHtml(acceptanceNotice, template)).toContain('<h1>受理决定书</h1>');
    expect(documentFileName(acceptanceNotice, template, 'pdf')).toBe('受理决定书-SL3707002026101200042.pdf');
    expect(documentFileName(registrationSlip, weifang, 'html')).toBe('受理通知单-DJ2026101200042.html');
  });
});
