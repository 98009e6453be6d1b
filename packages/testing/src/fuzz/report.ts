import type { FuzzFailure, FuzzReport, StatusName } from './runner';

/** Thrown by `expectNoInternalAnswers`: the sweep got answers that bad input must not get. */
export class FuzzFailuresFound extends Error {
  override readonly name = 'FuzzFailuresFound';
  constructor(
    message: string,
    readonly failures: readonly FuzzFailure[],
  ) {
    super(message);
  }
}

/**
 * One line per method: calls and the count of each status, failing methods marked; then the methods not
 * called, the methods cut short, and a total with the seed.
 */
export function formatFuzzReport(report: FuzzReport): string {
  const failing = new Set(report.failures.map((f) => f.method));
  const width = Math.max(0, ...Object.keys(report.byMethod).map((m) => m.length));
  const lines = Object.entries(report.byMethod).map(([method, counts]) => {
    const total = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
    const codes = (Object.entries(counts) as Array<[StatusName, number]>)
      .sort(([, a], [, b]) => b - a)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    return `${failing.has(method) ? '✗' : '✓'} ${method.padEnd(width)}  ${String(total).padStart(4)} calls  ${codes}`;
  });
  for (const s of report.skipped) lines.push(`- ${s.method.padEnd(width)}  skipped (${s.reason})`);
  for (const s of report.stoppedEarly) {
    lines.push(`! ${s.method.padEnd(width)}  stopped after ${s.sent} of ${s.planned} cases (too many failures)`);
  }
  const methods = Object.keys(report.byMethod).length;
  lines.push(
    `${report.calls} calls to ${methods} methods in ${report.durationMs} ms, ${report.failures.length} failing answers (seed ${report.seed})`,
  );
  return lines.join('\n');
}

/**
 * Throws `FuzzFailuresFound` when the report holds any failing answer (INTERNAL, UNKNOWN, UNAVAILABLE,
 * DEADLINE_EXCEEDED, ...). The message lists the first `show` failures (default 5): method, code, details,
 * the request as JSON (or text format, or hex), and how to replay it.
 */
export function expectNoInternalAnswers(report: FuzzReport, options: { show?: number } = {}): void {
  if (report.failures.length === 0) return;
  const show = options.show ?? 5;
  const methods = new Set(report.failures.map((f) => f.method));
  const head =
    `${report.failures.length} of ${report.calls} calls got an answer bad input must not get, in ${methods.size} ` +
    `method(s): ${[...methods].join(', ')}`;
  const shown = report.failures.slice(0, show).map((failure, i) => `${i + 1}. ${formatFailure(failure)}`);
  const rest = report.failures.length > show ? [`... and ${report.failures.length - show} more`] : [];
  const replay = `Replay with seed ${report.seed} (FUZZ_SEED=${report.seed}) and runsPerMethod ${report.runsPerMethod}.`;
  throw new FuzzFailuresFound([head, '', ...shown, ...rest, '', replay].join('\n'), report.failures);
}

/** A failure in a few lines: method, code and details; the case; the request. */
export function formatFailure(failure: FuzzFailure): string {
  const lines = [
    `${failure.method} answered ${failure.code}: ${clip(failure.details, 300)}`,
    `   case ${failure.replay.index}: ${failure.label}`,
  ];
  if (failure.requestJson !== undefined)
    lines.push(`   request (JSON): ${clip(JSON.stringify(failure.requestJson, shorten), 1500)}`);
  else if (failure.requestText !== undefined) {
    lines.push(`   request (text format): ${clip(failure.requestText.trim().replace(/\n\s*/g, ' '), 1500)}`);
  }
  lines.push(`   request (hex, ${failure.requestHex.length / 2} bytes): ${clip(failure.requestHex, 200)}`);
  return lines.join('\n');
}

/** Long strings (a 20,000-character name) are cut in the message, not in the report. */
function shorten(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > 80 ? `${value.slice(0, 40)}…(${value.length} chars)` : value;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
