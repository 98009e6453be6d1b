import { documentFileName, renderDocument, renderHtml, renderPdf } from './render';
import { acceptanceNotice, permitDecision, weifang } from './spec-fixtures';

describe('renderDocument', () => {
  it('answers the HTML page with its content type and file name', async () => {
    const rendered = await renderDocument(acceptanceNotice, weifang, 'html');
    expect(rendered.contentType).toBe('text/html; charset=utf-8');
    expect(rendered.fileName).toBe('受理通知书-SL3707002026101200042.html');
    expect(rendered.fileName).toBe(documentFileName(acceptanceNotice, weifang, 'html'));
    expect(rendered.content.toString('utf8')).toBe(renderHtml(acceptanceNotice, weifang));
  });

  it('answers the PDF, dated `createdAt`, named after the case for a decision', async () => {
    const createdAt = new Date('2026-10-12T02:30:00Z');
    const rendered = await renderDocument(permitDecision, weifang, 'pdf', { createdAt });
    expect(rendered.contentType).toBe('application/pdf');
    expect(rendered.fileName).toBe('准予行政许可决定书-SL3707002026101200042.pdf');
    expect(rendered.content.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    // pdfkit's output is fixed by its content and creation date: the same bytes as renderPdf's on that date.
    expect(rendered.content.equals(await renderPdf(permitDecision, weifang, { createdAt }))).toBe(true);
    expect(rendered.content.equals(await renderPdf(permitDecision, weifang))).toBe(false);
  });

  it('rejects bad data and a bad template with every field', async () => {
    await expect(renderDocument({ ...acceptanceNotice, promisedDate: 'soon' }, weifang, 'html')).rejects.toMatchObject({
      name: 'InvalidDocumentError',
      violations: [{ field: 'promisedDate', description: 'must be a real date YYYY-MM-DD' }],
    });
    await expect(renderDocument(acceptanceNotice, { ...weifang, header: '' }, 'pdf')).rejects.toMatchObject({
      name: 'InvalidTemplateError',
    });
  });
});
