import { documentFileName, renderHtml } from './render';
import {
  acceptanceNotice,
  allDocuments,
  notices,
  permitDecision,
  refusalDecision,
  refusalNotice,
  registrationSlip,
  revocationDecision,
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
    expect(html).toContain('监督投诉电话：0536-12345');
    expect(html).toContain('本通知书一式两份');
    // Nothing to load: no script, no external stylesheet, image or font.
    expect(html).not.toMatch(/<script|<link|<img|url\(|src=/i);
    expect(html).toContain("default-src 'none'");
  });

  it.each(notices.map((d) => [d.kind, d] as const))('seals a %s with the hall’s seal', (_kind, doc) => {
    const html = renderHtml(doc, weifang);
    expect(html).toContain('<div class="hall">潍坊市政务服务中心</div>');
    expect(html).toContain('<div class="seal">潍坊市政务服务中心业务专用章</div>');
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

  it('prints a 准予行政许可决定书 under the department’s name and seal', () => {
    const html = renderHtml(permitDecision, weifang);
    expect(html).toContain('<div class="hall">潍坊市市场监督管理局</div>');
    expect(html).not.toContain('潍坊市政务服务中心');
    expect(html).not.toContain('潍坊市行政审批服务局');
    expect(html).toContain('<h1>准予行政许可决定书</h1>');
    expect(html).toContain('文号：<span>潍市监准字〔2026〕第000123号</span>');
    expect(html).toContain('<p class="salutation">潍坊滨海新能源科技有限公司：</p>');
    expect(html).toContain(
      '经审查，你（单位）提交的“食品经营许可证核发”申请符合法定条件、标准，' +
        '根据《中华人民共和国食品安全法》第三十五条、《食品经营许可和备案管理办法》第十条的规定，' +
        '决定准予行政许可。现颁发《食品经营许可证》。',
    );
    expect(html).toContain('<th scope="row">受理编号</th><td>SL3707002026101200042</td>');
    expect(html).toContain('<th scope="row">决定日期</th><td>2026年10月19日</td>');
    expect(html).toContain('<td>食品经营许可证</td><td>JY13707020012345</td><td>至2031年10月18日</td>');
    expect(html).toContain('行政许可证件将通过中国邮政EMS邮寄送达（运单号：1179456321508）');
    expect(html).toContain('经办窗口：3号窗口（市场监管综合窗口）');
    expect(html).toContain('<div class="seal">潍坊市市场监督管理局</div>');
    expect(html).toContain('<div class="date">2026年10月19日</div>');
    // An approval states no remedy; that is for refusals and revocations.
    expect(html).not.toContain('行政复议');
  });

  it('prints a 告知承诺 approval, a window collection and a certificate without end', () => {
    const html = renderHtml(
      {
        ...permitDecision,
        commitment: { verificationDueAt: new Date('2026-12-18T09:00:00Z') },
        certificates: [{ name: '《食品经营许可证》', number: 'JY13707020012345' }],
        collection: { method: 'window', window: '5号窗口（综合出件窗口）' },
        handling: undefined,
      },
      weifang,
    );
    expect(html).toContain(
      '你（单位）以告知承诺方式提交的“食品经营许可证核发”申请，申请材料齐全、符合法定形式，' +
        '你（单位）已书面承诺符合法定条件、标准，根据',
    );
    expect(html).toContain('本机关将于2026年12月18日前对承诺内容进行核查');
    expect(html).toContain('将依法撤销本行政许可');
    expect(html).toContain('现颁发《食品经营许可证》。');
    expect(html).not.toContain('《《');
    expect(html).toContain('<td>长期</td>');
    expect(html).toContain('领取方式：窗口领取。请凭受理通知书到5号窗口（综合出件窗口）领取行政许可证件。');
    expect(html).not.toContain('class="contacts"');

    const appointment = renderHtml(
      {
        ...permitDecision,
        certificates: [],
        collection: { method: 'appointment', appointmentAt: new Date('2026-10-20T01:30:00Z') },
      },
      weifang,
    );
    expect(appointment).toContain('请于2026年10月20日 09:30凭受理通知书到受理窗口领取本决定书。');
    expect(appointment).not.toContain('现颁发');
    expect(appointment).not.toContain('行政许可证件');
  });

  it('prints a 不予行政许可决定书 with its reason, basis and the remedies of 行政许可法第三十八条', () => {
    const html = renderHtml(refusalDecision, weifang);
    expect(html).toContain('<h1>不予行政许可决定书</h1>');
    expect(html).toContain('文号：<span>潍市监不准字〔2026〕第000007号</span>');
    expect(html).toContain('（受理编号：SL3707002026101200042），经审查，不符合法定条件、标准');
    expect(html).toContain('《食品经营许可和备案管理办法》第十条的规定，决定不予行政许可。');
    expect(html).toContain('不予行政许可的理由：经现场核查，经营场所与有毒、有害场所的距离不足25米');
    expect(html).toContain(
      '申请人如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，' +
        '或者在六个月内依法向人民法院提起行政诉讼。',
    );
    expect(html).toContain('<div class="seal">潍坊市市场监督管理局</div>');

    const venues = renderHtml(
      { ...refusalDecision, reconsiderationAuthority: '潍坊市人民政府', court: '潍坊市奎文区人民法院' },
      weifang,
    );
    expect(venues).toContain(
      '可以自收到本决定书之日起六十日内向潍坊市人民政府依法申请行政复议，' +
        '或者在六个月内依法向潍坊市奎文区人民法院提起行政诉讼。',
    );
  });

  it('prints a 撤销行政许可决定书 with the original decision, the finding and the remedies', () => {
    const html = renderHtml(revocationDecision, weifang);
    expect(html).toContain('<h1>撤销行政许可决定书</h1>');
    expect(html).toContain('文号：<span>潍市监撤字〔2026〕第000002号</span>');
    expect(html).toContain(
      '本机关于2026年10月12日以告知承诺方式准予你（单位）“食品经营许可证核发”行政许可（潍市监准字〔2026〕第000118号）。',
    );
    expect(html).toContain('<th scope="row">原决定文号</th><td>潍市监准字〔2026〕第000118号</td>');
    expect(html).toContain('<th scope="row">原决定日期</th><td>2026年10月12日</td>');
    expect(html).toContain('<th scope="row">撤销日期</th><td>2026年11月20日</td>');
    expect(html).toContain('核查发现申请人承诺内容与实际情况不符：申请人承诺经营场所已设置独立的食品贮存区');
    expect(html).toContain('根据《中华人民共和国行政许可法》第六十九条第二款的规定，本机关决定撤销上述行政许可。');
    expect(html).toContain('原颁发的《食品经营许可证》（编号：JY13707020012300）同时注销。');
    expect(html).toContain(
      '被许可人如不服本决定，可以自收到本决定书之日起六十日内向潍坊市人民政府依法申请行政复议，' +
        '或者在六个月内依法向潍坊市奎文区人民法院提起行政诉讼。',
    );
    expect(html).toContain('<div class="seal">潍坊市市场监督管理局行政许可专用章</div>');
    expect(html).toContain('<div class="date">2026年11月20日</div>');

    const cited = renderHtml(
      { ...revocationDecision, legalBasis: [{ name: '食品经营许可和备案管理办法' }], revokedCertificates: [] },
      weifang,
    );
    expect(cited).toContain('根据《食品经营许可和备案管理办法》的规定，本机关决定撤销上述行政许可。');
    expect(cited).not.toContain('第六十九条');
    expect(cited).not.toContain('注销');
  });

  it('escapes every value of a decision too', () => {
    const html = renderHtml(
      {
        ...refusalDecision,
        department: '<b>市场监管局</b>',
        reason: '理由 <script>alert(1)</script> & "引号"',
        legalBasis: [{ name: '<i>条例</i>', article: '第一条' }],
      },
      weifang,
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('理由 &lt;script&gt;alert(1)&lt;&#x2F;script&gt; &amp; &quot;引号&quot;');
    expect(html).toContain('《&lt;i&gt;条例&lt;&#x2F;i&gt;》第一条');
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

  it('gives the decisions their standard titles under the default template, and the hall’s override', () => {
    const template = defaultTemplateFor({ hallName: '寿光市政务服务中心', complaintPhone: '12345' });
    expect(renderHtml(permitDecision, template)).toContain('<h1>准予行政许可决定书</h1>');
    expect(renderHtml(refusalDecision, template)).toContain('<h1>不予行政许可决定书</h1>');
    expect(renderHtml(revocationDecision, template)).toContain('<h1>撤销行政许可决定书</h1>');
    expect(renderHtml(refusalDecision, template)).toContain('监督投诉电话：12345');
    const named = { ...weifang, titles: { permit_decision: '行政许可决定书' } };
    expect(renderHtml(permitDecision, named)).toContain('<h1>行政许可决定书</h1>');
    // Named by the case: the 文号's brackets stay out of file names.
    expect(documentFileName(permitDecision, named, 'pdf')).toBe('行政许可决定书-SL3707002026101200042.pdf');
    expect(documentFileName(revocationDecision, weifang, 'html')).toBe('撤销行政许可决定书-SL3707002026101200042.html');
  });
});
