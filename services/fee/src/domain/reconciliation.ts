import { feeV1 } from '@govhall/contracts';
import { ValidationError } from '@govhall/kit/errors';
import { CsvError, parse } from 'csv-parse/sync';
import { MAX_AMOUNT_FEN, yuan } from './money';

// Reconciliation (对账) compares the bank's daily statement with the payments this service recorded that day.
// It only reports: a difference is for the finance clerk to investigate, never something to correct here.
// Nothing in this file does I/O; the use case reads the file and the recorded payments and stores the result.

/** One readable row of the bank's statement. */
export interface StatementRow {
  /** 1-based line of the file where the row starts (blank lines and lines inside quoted values counted). */
  readonly line: number;
  readonly bankTransactionId: string;
  readonly paymentCode: string;
  readonly amountFen: number;
  readonly paidAt: Date;
  readonly channel: 'counter' | 'online';
}

/** A statement row that does not read, and why (short English, shown to the clerk after 第N行无法读取：). */
export interface UnreadableRow {
  readonly line: number;
  readonly detail: string;
}

export interface ParsedStatement {
  readonly rows: readonly StatementRow[];
  readonly unreadable: readonly UnreadableRow[];
}

/** A payment this service recorded (from the bank's callback or the counter), as reconciliation sees it. */
export interface RecordedPayment {
  readonly bankTransactionId: string;
  readonly paymentCode: string;
  readonly amountFen: number;
  readonly paidAt: Date;
}

export interface ReconciliationResult {
  /** Rows on the statement after the header, blank lines aside: the readable and the unreadable ones. */
  readonly statementRows: number;
  /** Statement rows whose transaction id, amount and payment code all agree with a recorded payment. */
  readonly matched: number;
  /** The sum of the statement's readable rows. */
  readonly statementTotalFen: number;
  /** The sum of the recorded payments. */
  readonly recordedTotalFen: number;
  /** Unreadable rows first by line, then the rest by bank transaction id. */
  readonly mismatches: readonly feeV1.Mismatch[];
}

// ---- the statement file --------------------------------------------------------------------------------------

const REQUIRED_COLUMNS = ['transaction_id', 'payment_code', 'amount', 'paid_at', 'channel'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];
type ColumnIndexes = Readonly<Record<Column, number>>;

const MAX_STATEMENT_ROWS = 100_000;
/** The bank's transaction id as the payment contract defines it (交易流水号): 6 to 64 of [A-Za-z0-9_-]. */
const BANK_TRANSACTION_ID = /^[A-Za-z0-9_-]{6,64}$/;
/**
 * Ours are 20 digits, but a statement's code is only compared, never trusted: any short printable code reads,
 * so a mistyped one is reported as 缴款码不符 with both codes rather than hidden behind "unreadable".
 */
const PAYMENT_CODE = /^[\x21-\x7e]{1,64}$/;
/** Yuan: ASCII digits, at most two decimals, no sign, no exponent, no thousands separators. */
const YUAN = /^(\d+)(?:\.(\d{1,2}))?$/;
/** ISO 8601 date and time with an offset (Z or ±hh:mm); seconds and their fraction optional. */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
/** The widest offset in use anywhere (UTC+14, Kiribati). */
const MAX_OFFSET_MINUTES = 14 * 60;
/** 16 digits of fen is where Number.MAX_SAFE_INTEGER (9,007,199,254,740,991) lies; longer never fits. */
const MAX_FEN_DIGITS = 16;

/**
 * Reads the bank's statement (对账单): UTF-8 CSV, a BOM allowed, a header line naming at least
 * `transaction_id,payment_code,amount,paid_at,channel` (any order, any case, extra columns ignored), then a row
 * per payment: amount in yuan with at most two decimals, paid_at ISO 8601 with an offset, channel counter or
 * online (any case). Blank lines, and rows with no value at all, are skipped; line numbers still count them.
 *
 * Throws `ValidationError.single(field, why)` when the file as a whole cannot be read: it is not CSV (a quote
 * left open, say), it is empty, its header lacks a required column or names one twice, it has more than
 * 100,000 rows, or its readable amounts add up past Number.MAX_SAFE_INTEGER fen. A bad row is not an error: it
 * is listed in `unreadable` with its 1-based line and why; so is a row that repeats a transaction id of an
 * earlier readable row ("transaction id repeated, first on line N"), the earlier one staying readable.
 */
export function parseStatement(csv: string, field = 'statement_csv'): ParsedStatement {
  const [header, ...records] = readRecords(csv, field);
  if (header === undefined) {
    throw ValidationError.single(field, `is empty: it needs the header line ${REQUIRED_COLUMNS.join(',')}`);
  }
  if (records.length > MAX_STATEMENT_ROWS) {
    throw ValidationError.single(field, `has more than ${MAX_STATEMENT_ROWS.toLocaleString('en')} rows`);
  }
  const columns = locateColumns(header.cells, field);
  const rows: StatementRow[] = [];
  const unreadable: UnreadableRow[] = [];
  const firstLineOf = new Map<string, number>();
  let totalFen = 0;
  for (const record of records) {
    const read = readRow(record, columns, header.cells.length);
    if ('problems' in read) {
      unreadable.push({ line: record.line, detail: read.problems.join('; ') });
      continue;
    }
    const firstLine = firstLineOf.get(read.bankTransactionId);
    if (firstLine !== undefined) {
      unreadable.push({ line: record.line, detail: `transaction id repeated, first on line ${firstLine}` });
      continue;
    }
    firstLineOf.set(read.bankTransactionId, read.line);
    rows.push(read);
    // Each amount is at most MAX_AMOUNT_FEN, so a total past the safe range is still seen as past it.
    totalFen += read.amountFen;
    if (totalFen > Number.MAX_SAFE_INTEGER) {
      throw ValidationError.single(field, `amounts add up to more than ${yuan(Number.MAX_SAFE_INTEGER)} yuan`);
    }
  }
  return { rows, unreadable };
}

/**
 * Exact decimal yuan to integer fen, by string and BigInt arithmetic (no float ever touches money):
 * '128.50' → 12850, '128.5' → 12850, '128' → 12800, '0.05' → 5. Undefined for anything else (a sign,
 * more than two decimals, separators, spaces, an empty string) and above Number.MAX_SAFE_INTEGER fen.
 */
export function yuanToFen(text: string): number | undefined {
  const match = YUAN.exec(text);
  if (match === null) return undefined;
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  if (whole.length + 2 > MAX_FEN_DIGITS) return undefined;
  const fen = BigInt(whole) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : undefined;
}

interface CsvRecord {
  /** Where the record starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

/** What csv-parse gives per record with `info: true` (its typings still say string[][]). */
interface RecordWithInfo {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

function readRecords(csv: string, field: string): CsvRecord[] {
  // csv-parse counts lines by the one record delimiter it detects first, so a file mixing CRLF, LF and CR
  // would be numbered wrongly: every line break becomes LF first (inside quoted values too; none of the
  // columns we read may hold one, so nothing we keep changes).
  const text = csv.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let parsed: readonly RecordWithInfo[];
  try {
    parsed = parse(text, {
      info: true,
      relax_column_count: true, // a short or long row is the row's problem, not the file's
      skip_empty_lines: true,
      skip_records_with_empty_values: true, // `  ` and `,,,,` are blank lines too
      to: MAX_STATEMENT_ROWS + 2, // the header and one row too many are enough to refuse the file
    }) as unknown as readonly RecordWithInfo[];
  } catch (error) {
    if (error instanceof CsvError) throw ValidationError.single(field, `is not CSV: ${clip(error.message, 200)}`);
    throw error;
  }
  // `info.lines` is the line where the record ends; a quoted value may span lines.
  return parsed.map(({ record, info }) => ({
    line: info.lines - record.reduce((breaks, cell) => breaks + countLineBreaks(cell), 0),
    cells: record,
  }));
}

function countLineBreaks(text: string): number {
  let breaks = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks++;
  return breaks;
}

function locateColumns(headerCells: readonly string[], field: string): ColumnIndexes {
  const names = headerCells.map((cell) => cell.trim().toLowerCase());
  const indexes: Partial<Record<Column, number>> = {};
  const missing: Column[] = [];
  for (const column of REQUIRED_COLUMNS) {
    const index = names.indexOf(column);
    if (index === -1) {
      missing.push(column);
    } else if (names.indexOf(column, index + 1) !== -1) {
      throw ValidationError.single(field, `header names the column ${column} twice`);
    } else {
      indexes[column] = index;
    }
  }
  if (missing.length > 0) {
    throw ValidationError.single(
      field,
      `header has no column ${missing.join(', ')} (it needs ${REQUIRED_COLUMNS.join(', ')})`,
    );
  }
  return indexes as ColumnIndexes;
}

function readRow(
  record: CsvRecord,
  columns: ColumnIndexes,
  headerWidth: number,
): StatementRow | { readonly problems: readonly string[] } {
  if (record.cells.length !== headerWidth) {
    // An unquoted comma (1,280.50) shifts every column after it: no value of such a row can be trusted.
    return { problems: [`has ${record.cells.length} fields, the header has ${headerWidth}`] };
  }
  const cell = (column: Column): string => (record.cells[columns[column]] ?? '').trim();
  const problems: string[] = [];

  const bankTransactionId = cell('transaction_id');
  if (bankTransactionId === '') problems.push('transaction id is empty');
  else if (!BANK_TRANSACTION_ID.test(bankTransactionId)) {
    problems.push(`transaction id ${quote(bankTransactionId)} is not 6 to 64 letters, digits, _ or -`);
  }

  const paymentCode = cell('payment_code');
  if (paymentCode === '') problems.push('payment code is empty');
  else if (!PAYMENT_CODE.test(paymentCode)) {
    problems.push(`payment code ${quote(paymentCode)} is not 1 to 64 printable ASCII characters`);
  }

  const amountText = cell('amount');
  const amountFen = yuanToFen(amountText);
  if (amountText === '') problems.push('amount is empty');
  else if (amountFen === undefined) problems.push(`amount ${quote(amountText)} is not yuan with at most two decimals`);
  else if (amountFen > MAX_AMOUNT_FEN)
    problems.push(`amount ${quote(amountText)} is above ${yuan(MAX_AMOUNT_FEN)} yuan`);

  const paidAtText = cell('paid_at');
  const paidAt = parseInstant(paidAtText);
  if (paidAtText === '') problems.push('paid_at is empty');
  else if (paidAt === undefined) problems.push(`paid_at ${quote(paidAtText)} is not an ISO 8601 time with an offset`);

  const channelText = cell('channel');
  const channel = channelText.toLowerCase();
  if (channel !== 'counter' && channel !== 'online') {
    problems.push(channelText === '' ? 'channel is empty' : `channel ${quote(channelText)} is not counter or online`);
  }

  if (problems.length > 0 || amountFen === undefined || paidAt === undefined) return { problems };
  return {
    line: record.line,
    bankTransactionId,
    paymentCode,
    amountFen,
    paidAt,
    channel: channel === 'counter' ? 'counter' : 'online',
  };
}

/** `2026-12-02T10:15:00+08:00` → the instant; undefined when not such a time or not a real one (02-30, 24:00). */
function parseInstant(text: string): Date | undefined {
  const match = ISO_INSTANT.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, utc, sign, offsetHours, offsetMinutes] = match.map(
    (part) => part ?? '',
  );
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second || '0');
  const ms = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const oh = Number(offsetHours || '0');
  const om = Number(offsetMinutes || '0');
  const offset = utc === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (oh * 60 + om);
  if (om > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const wallClock = new Date(0);
  wallClock.setUTCFullYear(y, mo - 1, d);
  if (wallClock.getUTCMonth() !== mo - 1 || wallClock.getUTCDate() !== d) return undefined; // 02-30 rolled over
  wallClock.setUTCHours(h, mi, s, ms);
  return new Date(wallClock.getTime() - offset * 60_000);
}

function quote(value: string): string {
  return JSON.stringify(clip(value, 40));
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

// ---- comparing -----------------------------------------------------------------------------------------------

const Kind = feeV1.MismatchKind;

/**
 * Compares the statement with the payments recorded for the same day, by bank transaction id. A statement row
 * whose recorded payment has the same amount and payment code is matched; otherwise:
 * - MISSING_HERE: on the statement, not recorded;
 * - MISSING_AT_BANK: recorded, not on the statement (line 0); a payment recorded twice under one id (which the
 *   store should never allow) meets the statement's row once and is missing at the bank the second time;
 * - AMOUNT_DIFFERS: the amounts differ (the payment codes may differ too: both are filled, the detail says so);
 * - PAYMENT_CODE_DIFFERS: same amount, other payment code;
 * - UNREADABLE_ROW: each unreadable row, by its line.
 * paid_at is not compared: a callback that arrived late keeps its own day (the settlement's business).
 * Each mismatch fills the fields that apply and a short Chinese `detail` for the finance clerk; yuan are
 * written from fen with integer arithmetic. Nothing is changed or "fixed": this only reports.
 *
 * Throws a RangeError only for impossible input (amounts that are not safe integers, or add up past them).
 */
export function reconcile(statement: ParsedStatement, recorded: readonly RecordedPayment[]): ReconciliationResult {
  const waiting = new Map<string, RecordedPayment[]>();
  for (const payment of recorded) {
    const same = waiting.get(payment.bankTransactionId);
    if (same === undefined) waiting.set(payment.bankTransactionId, [payment]);
    else same.push(payment);
  }

  const mismatches: feeV1.Mismatch[] = statement.unreadable.map(unreadableRow);
  let matched = 0;
  for (const row of statement.rows) {
    const payment = waiting.get(row.bankTransactionId)?.shift();
    const mismatch = payment === undefined ? missingHere(row) : compare(row, payment);
    if (mismatch === undefined) matched++;
    else mismatches.push(mismatch);
  }
  for (const payments of waiting.values()) mismatches.push(...payments.map(missingAtBank));

  return {
    statementRows: statement.rows.length + statement.unreadable.length,
    matched,
    statementTotalFen: sumFen(statement.rows, 'the statement'),
    recordedTotalFen: sumFen(recorded, 'the recorded payments'),
    mismatches: mismatches.sort(inReportOrder),
  };
}

function compare(row: StatementRow, payment: RecordedPayment): feeV1.Mismatch | undefined {
  const amountDiffers = row.amountFen !== payment.amountFen;
  const codeDiffers = row.paymentCode !== payment.paymentCode;
  if (!amountDiffers && !codeDiffers) return undefined;
  const codes = `缴款码不符：银行${row.paymentCode}，本系统${payment.paymentCode}`;
  return feeV1.Mismatch.fromPartial({
    kind: amountDiffers ? Kind.MISMATCH_KIND_AMOUNT_DIFFERS : Kind.MISMATCH_KIND_PAYMENT_CODE_DIFFERS,
    bankTransactionId: row.bankTransactionId,
    line: row.line,
    statementAmountFen: row.amountFen,
    recordedAmountFen: payment.amountFen,
    statementPaymentCode: row.paymentCode,
    recordedPaymentCode: payment.paymentCode,
    detail: amountDiffers
      ? `金额不符：银行${yuan(row.amountFen)}元，本系统${yuan(payment.amountFen)}元${codeDiffers ? `；${codes}` : ''}`
      : codes,
  });
}

function missingHere(row: StatementRow): feeV1.Mismatch {
  return feeV1.Mismatch.fromPartial({
    kind: Kind.MISMATCH_KIND_MISSING_HERE,
    bankTransactionId: row.bankTransactionId,
    line: row.line,
    statementAmountFen: row.amountFen,
    statementPaymentCode: row.paymentCode,
    detail: '银行有记录，本系统无此笔缴款',
  });
}

function missingAtBank(payment: RecordedPayment): feeV1.Mismatch {
  return feeV1.Mismatch.fromPartial({
    kind: Kind.MISMATCH_KIND_MISSING_AT_BANK,
    bankTransactionId: payment.bankTransactionId,
    line: 0,
    recordedAmountFen: payment.amountFen,
    recordedPaymentCode: payment.paymentCode,
    detail: '本系统有记录，银行对账单无此笔',
  });
}

function unreadableRow(row: UnreadableRow): feeV1.Mismatch {
  return feeV1.Mismatch.fromPartial({
    kind: Kind.MISMATCH_KIND_UNREADABLE_ROW,
    line: row.line,
    detail: `第${row.line}行无法读取：${row.detail}`,
  });
}

/** Unreadable rows first, by line; then by bank transaction id (code units, not locale), then line. */
function inReportOrder(a: feeV1.Mismatch, b: feeV1.Mismatch): number {
  const aUnreadable = a.kind === Kind.MISMATCH_KIND_UNREADABLE_ROW;
  const bUnreadable = b.kind === Kind.MISMATCH_KIND_UNREADABLE_ROW;
  if (aUnreadable !== bUnreadable) return aUnreadable ? -1 : 1;
  if (!aUnreadable && a.bankTransactionId !== b.bankTransactionId) {
    return a.bankTransactionId < b.bankTransactionId ? -1 : 1;
  }
  return a.line - b.line;
}

function sumFen(items: readonly { readonly amountFen: number }[], what: string): number {
  let total = 0;
  for (const { amountFen } of items) {
    if (!Number.isSafeInteger(amountFen)) throw new RangeError(`${what}: amount ${amountFen} is not whole fen`);
    total += amountFen;
    if (!Number.isSafeInteger(total)) throw new RangeError(`${what}: amounts add up past the safe integer range`);
  }
  return total;
}
