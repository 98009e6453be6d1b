import { composeDocument } from './compose';
import type { HallDocument, HallDocumentInput } from './documents';
import { parseHallDocument } from './documents';
import { layoutHtml } from './html';
import { layoutPdf } from './pdf';
import type { HallDocumentTemplate, HallDocumentTemplateInput } from './template';
import { parseHallDocumentTemplate, titleOf } from './template';

export type DocumentFormat = 'html' | 'pdf';

const CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = {
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

/** A rendered document as a RenderDocument answer carries it. */
export interface RenderedDocument {
  readonly contentType: string;
  /** e.g. `受理通知书-SL3707002026101200042.pdf`. */
  readonly fileName: string;
  readonly content: Buffer;
}

/**
 * The document in `format` with its content type and file name, the document and the template parsed once.
 * `createdAt` is a PDF's creation date (default: now). Rejects with InvalidDocumentError / InvalidTemplateError
 * on bad input.
 */
export async function renderDocument(
  document: HallDocumentInput,
  template: HallDocumentTemplateInput,
  format: DocumentFormat,
  options: { createdAt?: Date } = {},
): Promise<RenderedDocument> {
  const parsed = parseHallDocument(document);
  const parsedTemplate = parseHallDocumentTemplate(template);
  const composed = composeDocument(parsed, parsedTemplate);
  const content =
    format === 'pdf' ? await layoutPdf(composed, options.createdAt) : Buffer.from(layoutHtml(composed), 'utf8');
  return { contentType: CONTENT_TYPES[format], fileName: fileNameOf(parsed, parsedTemplate, format), content };
}

/** e.g. `受理通知书-SL3707002026101200042.pdf`: the title and the number, safe as a file name. */
export function documentFileName(
  document: HallDocumentInput,
  template: HallDocumentTemplateInput,
  format: DocumentFormat,
): string {
  return fileNameOf(parseHallDocument(document), parseHallDocumentTemplate(template), format);
}

function fileNameOf(document: HallDocument, template: HallDocumentTemplate, format: DocumentFormat): string {
  const title = withoutUnsafeCharacters(titleOf(document.kind, template));
  return `${title}-${fileNumberOf(document)}.${format}`;
}

/** What a file name and a Content-Disposition header cannot carry: path separators, wildcards, quotes, spaces. */
function withoutUnsafeCharacters(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]/g, '');
}

function fileNumberOf(document: HallDocument): string {
  // A payment notice is named by its bill: a bill may be a project's and carry several cases.
  if (document.kind === 'payment_notice') return document.billNumber;
  // An assessment notice is named by its month and department (one a month each), not by its bracketed 文号.
  if (document.kind === 'assessment_notice') {
    return `${document.month}-${withoutUnsafeCharacters(document.departmentName)}`;
  }
  // A decision is named by its case: its 文号 has brackets that file names and headers handle badly.
  return 'caseNumber' in document ? document.caseNumber : document.registrationNumber;
}
