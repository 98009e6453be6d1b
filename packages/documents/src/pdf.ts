/**
 * The PDF layout of a composed document (A4, pdfkit). Text is set in the embedded Noto Sans SC subset only:
 * the document is created without pdfkit's default Helvetica, so no standard or system font is referenced.
 */
import PDFDocument from 'pdfkit';
import type { Block, ComposedDocument } from './compose';
import { documentFont } from './fonts';

const MM = 72 / 25.4;
const MARGIN = { top: 20 * MM, bottom: 22 * MM, left: 18 * MM, right: 18 * MM };
const BODY_SIZE = 11;
const LINE_GAP = 3;
const GRAY = '#f2f2f2';

type Doc = PDFKit.PDFDocument;

function registerFonts(doc: Doc): void {
  // pdfkit 0.20 takes an already parsed fontkit font (its typings only list buffers and paths): passing the
  // cached one spares every document re-parsing a 10 MB font.
  doc.registerFont('regular', documentFont('regular') as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont('bold', documentFont('bold') as unknown as PDFKit.Mixins.PDFFontSource);
}

function contentWidth(doc: Doc): number {
  return doc.page.width - MARGIN.left - MARGIN.right;
}

function centered(doc: Doc, text: string, font: 'regular' | 'bold', size: number, characterSpacing = 0): void {
  doc
    .font(font)
    .fontSize(size)
    .text(text, MARGIN.left, doc.y, {
      width: contentWidth(doc),
      align: 'center',
      characterSpacing,
    });
}

function header(doc: Doc, composed: ComposedDocument): void {
  centered(doc, composed.header, 'bold', 16, 1.5);
  if (composed.subtitle) centered(doc, composed.subtitle, 'regular', 11);
  doc.moveDown(0.4);
  centered(doc, composed.title, 'bold', 20, 5);
  if (composed.titleNote) centered(doc, composed.titleNote, 'regular', 12);
  doc.moveDown(0.3);
  doc
    .font('regular')
    .fontSize(10.5)
    .text(`${composed.number.label}：${composed.number.value}`, MARGIN.left, doc.y, {
      width: contentWidth(doc),
      align: 'right',
    });
  const y = doc.y + 3;
  doc
    .moveTo(MARGIN.left, y)
    .lineTo(doc.page.width - MARGIN.right, y)
    .lineWidth(1.5)
    .stroke();
  doc.x = MARGIN.left;
  doc.y = y + 8;
}

function paragraph(doc: Doc, text: string, options: { indent?: boolean; size?: number; bold?: boolean } = {}): void {
  doc
    .font(options.bold ? 'bold' : 'regular')
    .fontSize(options.size ?? BODY_SIZE)
    .text(text, MARGIN.left, doc.y, {
      width: contentWidth(doc),
      indent: options.indent ? 2 * (options.size ?? BODY_SIZE) : 0,
      lineGap: LINE_GAP,
      paragraphGap: 4,
    });
}

const CELL = { border: 0.6, padding: [3, 5] as [number, number] };

function fieldsTable(doc: Doc, rows: readonly { label: string; value: string }[]): void {
  doc.font('regular').fontSize(10.5);
  doc.table({
    position: { x: MARGIN.left, y: doc.y + 2 },
    maxWidth: contentWidth(doc),
    columnStyles: [92, '*'],
    defaultStyle: CELL,
    data: rows.map((row) => [
      { text: row.label, font: { src: 'bold' }, backgroundColor: GRAY },
      { text: row.value, font: { src: 'regular' } },
    ]),
  });
  doc.x = MARGIN.left;
  doc.moveDown(0.5);
}

function listTable(doc: Doc, block: Extract<Block, { type: 'table' }>): void {
  paragraph(doc, block.caption, { bold: true });
  const width = contentWidth(doc);
  doc.font('regular').fontSize(10);
  doc.table({
    position: { x: MARGIN.left, y: doc.y },
    maxWidth: width,
    columnStyles: block.columns.map((c) => c.width * width),
    defaultStyle: CELL,
    data: [
      block.columns.map((c) => ({
        text: c.title,
        font: { src: 'bold' },
        backgroundColor: GRAY,
        align: 'center' as const,
      })),
      ...block.rows.map((cells) => cells.map((text) => ({ text, font: { src: 'regular' } }))),
    ],
  });
  doc.x = MARGIN.left;
  doc.moveDown(0.5);
}

function closing(doc: Doc, composed: ComposedDocument): void {
  const width = 70 * MM;
  doc.font('bold').fontSize(BODY_SIZE);
  const needed = 3 * doc.currentLineHeight(true) + 24;
  if (doc.y + 24 + needed > doc.page.maxY()) doc.addPage();
  const x = doc.page.width - MARGIN.right - width;
  doc.y += 24;
  doc.text(composed.sealText, x, doc.y, { width, align: 'center' });
  doc.font('regular').text(composed.date, x, doc.y + 2, { width, align: 'center' });
  doc.x = MARGIN.left;
}

function footer(doc: Doc, lines: readonly string[]): void {
  if (lines.length === 0) return;
  doc.moveDown(1.5);
  const y = doc.y;
  doc
    .moveTo(MARGIN.left, y)
    .lineTo(doc.page.width - MARGIN.right, y)
    .lineWidth(0.5)
    .strokeColor('#666666')
    .stroke()
    .strokeColor('#000000');
  doc.y = y + 4;
  doc.fillColor('#444444');
  for (const line of lines) paragraph(doc, line, { size: 9 });
  doc.fillColor('#000000');
}

/** 第 1 页 共 2 页 at the foot of every page, below the content area. */
function pageNumbers(doc: Doc): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing into the bottom margin would start a new page; open the margin while the number is written.
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(9)
      .fillColor('#444444')
      .text(`第 ${i - start + 1} 页\u3000共 ${count} 页`, MARGIN.left, doc.page.height - bottom + 14, {
        width: contentWidth(doc),
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('#000000');
}

export function layoutPdf(composed: ComposedDocument, createdAt: Date = new Date()): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    // No default font: pdfkit would otherwise set up Helvetica, a font the PDF does not embed.
    font: '',
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: composed.documentTitle,
      Author: composed.header,
      Subject: composed.title,
      Creator: '@govhall/documents',
      CreationDate: createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerFonts(doc);
  header(doc, composed);
  if (composed.salutation) paragraph(doc, composed.salutation, { bold: true });
  for (const block of composed.blocks) {
    switch (block.type) {
      case 'paragraph':
        paragraph(doc, block.text, { indent: block.indent });
        break;
      case 'fields':
        fieldsTable(doc, block.rows);
        break;
      case 'table':
        listTable(doc, block);
        break;
    }
  }
  doc.moveDown(0.5);
  if (composed.contacts) paragraph(doc, composed.contacts, { size: 10 });
  paragraph(doc, composed.complaint, { size: 10 });
  closing(doc, composed);
  footer(doc, composed.footerLines);
  pageNumbers(doc);
  doc.end();
  return done;
}
