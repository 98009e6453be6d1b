import { composeDocument } from './compose';
import type { HallDocumentInput } from './documents';
import { parseHallDocument } from './documents';
import { layoutHtml } from './html';
import { layoutPdf } from './pdf';
import type { HallDocumentTemplateInput } from './template';
import { parseHallDocumentTemplate, titleOf } from './template';

export type DocumentFormat = 'html' | 'pdf';

export const CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

function compose(document: HallDocumentInput, template: HallDocumentTemplateInput) {
  // Both are validated here too: a caller that skipped parsing still gets every bad field, never a broken page.
  return composeDocument(parseHallDocument(document), parseHallDocumentTemplate(template));
}

/**
 * The document as one self-contained HTML page for the window's browser to print.
 * Throws InvalidDocumentError / InvalidTemplateError (field violations) on bad input.
 */
export function renderHtml(document: HallDocumentInput, template: HallDocumentTemplateInput): string {
  return layoutHtml(compose(document, template));
}

/**
 * The document as an A4 PDF with the embedded font subset, for the archive and e-delivery. `createdAt` is the
 * PDF's creation date (default: now). Throws InvalidDocumentError / InvalidTemplateError on bad input.
 */
export function renderPdf(
  document: HallDocumentInput,
  template: HallDocumentTemplateInput,
  options: { createdAt?: Date } = {},
): Promise<Buffer> {
  try {
    return layoutPdf(compose(document, template), options.createdAt);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** e.g. `受理通知书-SL3707002026101200042.pdf`: the title and the number, safe as a file name. */
export function documentFileName(
  document: HallDocumentInput,
  template: HallDocumentTemplateInput,
  format: DocumentFormat,
): string {
  const parsed = parseHallDocument(document);
  // A decision is named by its case: its 文号 has brackets that file names and headers handle badly.
  const number = 'caseNumber' in parsed ? parsed.caseNumber : parsed.registrationNumber;
  const title = titleOf(parsed.kind, parseHallDocumentTemplate(template)).replace(/[\\/:*?"<>|\s]/g, '');
  return `${title}-${number}.${format}`;
}
