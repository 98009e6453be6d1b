/**
 * Render bench: the first PDF (font read and parsed), then per kind the size and p50 / p95 milliseconds per
 * PDF and per HTML page after a warm-up, and the process RSS at the end. Our machines are small and shared:
 * read the numbers as an order of magnitude.
 *
 *   pnpm --filter @govhall/documents bench        (BENCH_ROUNDS, default 100)
 */
import { performance } from 'node:perf_hooks';
import { renderHtml, renderPdf } from '../src/index';
import { acceptanceNotice, allDocuments, weifang } from '../src/spec-fixtures';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 100);
const WARMUP = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`rss at start ${mb(process.memoryUsage().rss)}`);
  let start = performance.now();
  await renderPdf(acceptanceNotice, weifang);
  console.log(`first PDF (reads and parses the font): ${(performance.now() - start).toFixed(0)} ms`);
  for (const doc of allDocuments) {
    for (let i = 0; i < WARMUP; i++) await renderPdf(doc, weifang);
    const pdfTimes: number[] = [];
    const htmlTimes: number[] = [];
    let size = 0;
    for (let i = 0; i < ROUNDS; i++) {
      start = performance.now();
      size = (await renderPdf(doc, weifang)).length;
      pdfTimes.push(performance.now() - start);
      start = performance.now();
      renderHtml(doc, weifang);
      htmlTimes.push(performance.now() - start);
    }
    pdfTimes.sort((a, b) => a - b);
    htmlTimes.sort((a, b) => a - b);
    console.log(
      `${doc.kind.padEnd(20)} pdf ${(size / 1024).toFixed(1)} KiB  p50 ${percentile(pdfTimes, 50).toFixed(1)} ms  ` +
        `p95 ${percentile(pdfTimes, 95).toFixed(1)} ms | html p50 ${percentile(htmlTimes, 50).toFixed(2)} ms`,
    );
  }
  const memory = process.memoryUsage();
  console.log(`rss at end ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)}, buffers ${mb(memory.arrayBuffers)}`);
}

void main();
