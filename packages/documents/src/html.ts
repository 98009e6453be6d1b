/**
 * The HTML layout: one self-contained page (inline CSS, A4 print styles, no script, no external resource) for
 * the window's browser to print. The page is a mustache template in `templates/`; mustache escapes every
 * `{{value}}`, and only the package's own stylesheet goes in unescaped. The page's Content-Security-Policy
 * forbids scripts as a second line of defence.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';
import type { ComposedDocument } from './compose';

const TEMPLATE_DIR = path.join(__dirname, 'templates');
const PAGE = readFileSync(path.join(TEMPLATE_DIR, 'document.html.mustache'), 'utf8');
const CSS = readFileSync(path.join(TEMPLATE_DIR, 'print.css'), 'utf8');
// Parsing once up front: mustache caches the parsed template and every render reuses it.
Mustache.parse(PAGE);

function view(doc: ComposedDocument) {
  return {
    ...doc,
    css: CSS,
    hasFooter: doc.footerLines.length > 0,
    blocks: doc.blocks.map((block) => {
      switch (block.type) {
        case 'paragraph':
          return { paragraph: block };
        case 'fields':
          return { fields: block };
        case 'table':
          return {
            table: {
              caption: block.caption,
              columns: block.columns.map((c) => ({ title: c.title, percent: Math.round(c.width * 1000) / 10 })),
              rows: block.rows.map((cells) => ({ cells })),
            },
          };
      }
    }),
  };
}

export function layoutHtml(doc: ComposedDocument): string {
  return Mustache.render(PAGE, view(doc));
}
