import { evaluationV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';
import { CsvError, parse } from 'csv-parse/sync';

// Fingerprint attendance (指纹考勤). Halls clock window staff in and out every working day and count the month
// once, as a main part of the monthly assessment; the centre imports the clock's monthly export as CSV and every
// anomaly becomes an assessment fact. Nothing here does I/O: the use case decodes the upload, supplies the
// employee-number lookup, the hall's policy and its working days, and records the facts (or throws the violations).
//
// The file (docs/services/evaluation-attendance-csv.md):
// - UTF-8 CSV, a leading BOM allowed, CRLF, LF or CR line ends, quoted values as CSV has them;
// - a header line; columns are found by name, in any order, extra columns ignored. The Chinese names of the common
//   ZKTeco-style export, or their English aliases (any case):
//     工号 employee_no (required) · 姓名 name · 日期 date (required: YYYY-MM-DD or YYYY/M/D) ·
//     上班打卡 check_in (required column: H:MM or HH:MM, may be empty) · 下班打卡 check_out (the same) · 备注 note;
// - a row per employee and day; blank lines and rows of empty values are skipped, line numbers still count them.
//
// What a row becomes (on = policy.onDuty, off = policy.offDuty, minutes of lateness counted from on, not from the
// grace's end, so 09:12 is 迟到12分钟):
// - 备注 exactly one of policy.excusedNotes (请假, 公休, 出差 …): excused, no fact, not a present day either;
// - a day outside workingDays (when given): no fact whatever the punches (coming in on a day off is neither late
//   nor absent); with both punches it still counts as present;
// - no punch at all: absent_half_day ×2, 旷工一天;
// - otherwise each half of the day on its own. Check-in: missing → absent_half_day ×1 缺上班卡; more than
//   halfDayAfterMinutes after on → absent_half_day ×1 迟到N分钟; more than graceMinutes after on → late ×1 迟到N分钟.
//   Check-out likewise before off: 缺下班卡, early_leave 早退N分钟, or absent_half_day 早退N分钟;
// - both punches and no fact: a present day.
// Night shifts across midnight are not supported: a check-out before the check-in is a bad row.
//
// Any bad row refuses the whole file: a half-imported month could not be re-imported without doubling its facts.
// So does an empty file, a file of only a header, one over 20,000 rows, one that is not CSV or not UTF-8, a header
// lacking a required column or naming one twice, and a policy that does not hold together. Violations name the
// file line (the header is line 1 when the file starts with it) and the column as the file's header spells it:
// `csv[3].日期`, `csv[3]` for the row as a whole, `csv` for the file, `policy.onDuty` for the policy.

export interface AttendancePolicy {
  /** When the working day starts, HH:MM (China Standard Time, as the clock prints it). */
  readonly onDuty: string;
  /** When it ends, HH:MM, after onDuty. */
  readonly offDuty: string;
  /** A punch this many minutes late or early, or fewer, is on time. */
  readonly graceMinutes: number;
  /** A punch more than this many minutes late or early is half a day absent instead of late or early. */
  readonly halfDayAfterMinutes: number;
  /** 备注 values (compared whole, spaces trimmed) that excuse the day. */
  readonly excusedNotes: readonly string[];
}

/** Hall hours vary across China (winter and summer hours, too): this is only the default, the hall's policy is data. */
export const DEFAULT_ATTENDANCE_POLICY: AttendancePolicy = Object.freeze({
  onDuty: '09:00',
  offDuty: '17:00',
  graceMinutes: 5,
  halfDayAfterMinutes: 120,
  excusedNotes: Object.freeze(['请假', '公休', '年休假', '出差', '调休', '外出公干', '病假', '事假']),
});

export interface AttendanceImport {
  /** In file order, a row's check-in fact before its check-out fact. Empty when violations is not. */
  readonly facts: pb.FactInput[];
  /** Data rows read (blank lines aside); 0 when refused. */
  readonly rows: number;
  /** Rows with both punches, not excused, that gave no fact; 0 when refused. */
  readonly presentDays: number;
  /** Why the file is refused; empty when it is not. At most 100, then one saying how many more. */
  readonly violations: FieldViolation[];
}

export const MAX_ATTENDANCE_ROWS = 20_000;
const MAX_LISTED_VIOLATIONS = 100;

export const ATTENDANCE_FACT_CODES = {
  late: 'late',
  earlyLeave: 'early_leave',
  absentHalfDay: 'absent_half_day',
} as const;

type Column = 'employeeNo' | 'name' | 'date' | 'checkIn' | 'checkOut' | 'note';

const COLUMNS: readonly {
  readonly column: Column;
  readonly header: string;
  readonly alias: string;
  readonly required: boolean;
}[] = [
  { column: 'employeeNo', header: '工号', alias: 'employee_no', required: true },
  { column: 'name', header: '姓名', alias: 'name', required: false },
  { column: 'date', header: '日期', alias: 'date', required: true },
  { column: 'checkIn', header: '上班打卡', alias: 'check_in', required: true },
  { column: 'checkOut', header: '下班打卡', alias: 'check_out', required: true },
  { column: 'note', header: '备注', alias: 'note', required: false },
];
const HEADER_LINE = COLUMNS.map((c) => c.header).join(',');

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const SLASH_DAY = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const CLOCK_TIME = /^(\d{1,2}):(\d{2})$/;

/**
 * Reads the clock's monthly export into assessment facts (see the top of this file for the format and the rules).
 * `staffIdOf` maps the clock's employee number (工号) to the staff id, undefined (or '') when unknown; `workingDays`,
 * YYYY-MM-DD, limits absence to the hall's working days (every row's day counts when it is not given).
 */
export function parseAttendanceCsv(
  csv: string,
  staffIdOf: (employeeNo: string) => string | undefined,
  policy: AttendancePolicy = DEFAULT_ATTENDANCE_POLICY,
  workingDays?: ReadonlySet<string>,
): AttendanceImport {
  const clock = readPolicy(policy);
  if ('violations' in clock) return refused(clock.violations);

  const read = readRecords(csv);
  if ('violation' in read) return refused([read.violation]);
  const [header, ...records] = read.records;
  if (header === undefined) return refused([fileViolation(`is empty: it needs the header line ${HEADER_LINE}`)]);
  const columns = locateColumns(header.cells);
  if ('violation' in columns) return refused([columns.violation]);
  if (records.length === 0) return refused([fileViolation('has a header line but no rows')]);
  if (records.length > MAX_ATTENDANCE_ROWS) {
    return refused([fileViolation(`has more than ${MAX_ATTENDANCE_ROWS.toLocaleString('en')} rows`)]);
  }

  const knownStaff = new Map<string, string | undefined>();
  const lookUp = (employeeNo: string): string | undefined => {
    if (!knownStaff.has(employeeNo)) knownStaff.set(employeeNo, staffIdOf(employeeNo) || undefined);
    return knownStaff.get(employeeNo);
  };
  const violations: FieldViolation[] = [];
  const firstLineOf = new Map<string, number>();
  const facts: pb.FactInput[] = [];
  let presentDays = 0;
  for (const record of records) {
    const row = readRow(record, columns, header.cells.length, lookUp, violations);
    if (row === undefined) continue;
    // Keyed by staff id: two clock numbers of one person on one day would count the day twice just the same.
    const key = `${row.staffId}\u0000${row.day}`;
    const firstLine = firstLineOf.get(key);
    if (firstLine !== undefined) {
      violations.push({
        field: `csv[${record.line}]`,
        description: `repeats employee ${row.employeeNo} on ${row.day}, first on line ${firstLine}`,
      });
      continue;
    }
    firstLineOf.set(key, record.line);
    const judged = judgeRow(row, clock, workingDays);
    facts.push(...judged.facts);
    if (judged.present) presentDays++;
  }
  if (violations.length > 0) return refused(violations);
  return { facts, rows: records.length, presentDays, violations: [] };
}

// ---- judging a row -------------------------------------------------------------------------------------------

interface AttendanceRow {
  readonly employeeNo: string;
  readonly staffId: string;
  /** YYYY-MM-DD. */
  readonly day: string;
  /** Minutes after midnight; undefined when the punch is missing. */
  readonly checkIn: number | undefined;
  readonly checkOut: number | undefined;
  /** 备注, trimmed; '' when the column is absent. */
  readonly note: string;
}

interface ClockPolicy {
  readonly onDuty: number;
  readonly offDuty: number;
  readonly graceMinutes: number;
  readonly halfDayAfterMinutes: number;
  readonly excusedNotes: ReadonlySet<string>;
}

function judgeRow(
  row: AttendanceRow,
  policy: ClockPolicy,
  workingDays: ReadonlySet<string> | undefined,
): { readonly facts: pb.FactInput[]; readonly present: boolean } {
  const bothPunches = row.checkIn !== undefined && row.checkOut !== undefined;
  if (policy.excusedNotes.has(row.note)) return { facts: [], present: false };
  if (workingDays !== undefined && !workingDays.has(row.day)) return { facts: [], present: bothPunches };
  const fact = (code: string, quantity: number, note: string): pb.FactInput =>
    pb.FactInput.fromPartial({ code, quantity, day: row.day, staffId: row.staffId, note });
  if (row.checkIn === undefined && row.checkOut === undefined) {
    return { facts: [fact(ATTENDANCE_FACT_CODES.absentHalfDay, 2, '旷工一天')], present: false };
  }
  const facts: pb.FactInput[] = [];
  const judgeHalf = (minutesOff: number | undefined, missing: string, word: string, code: string): void => {
    if (minutesOff === undefined) facts.push(fact(ATTENDANCE_FACT_CODES.absentHalfDay, 1, missing));
    else if (minutesOff > policy.halfDayAfterMinutes) {
      facts.push(fact(ATTENDANCE_FACT_CODES.absentHalfDay, 1, `${word}${minutesOff}分钟`));
    } else if (minutesOff > policy.graceMinutes) facts.push(fact(code, 1, `${word}${minutesOff}分钟`));
  };
  judgeHalf(
    row.checkIn === undefined ? undefined : row.checkIn - policy.onDuty,
    '缺上班卡',
    '迟到',
    ATTENDANCE_FACT_CODES.late,
  );
  judgeHalf(
    row.checkOut === undefined ? undefined : policy.offDuty - row.checkOut,
    '缺下班卡',
    '早退',
    ATTENDANCE_FACT_CODES.earlyLeave,
  );
  return { facts, present: bothPunches && facts.length === 0 };
}

function readPolicy(policy: AttendancePolicy): ClockPolicy | { readonly violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const onDuty = minutesOfDay(policy.onDuty);
  const offDuty = minutesOfDay(policy.offDuty);
  if (onDuty === undefined)
    violations.push({ field: 'policy.onDuty', description: `${quote(policy.onDuty)} is not a time HH:MM` });
  if (offDuty === undefined)
    violations.push({ field: 'policy.offDuty', description: `${quote(policy.offDuty)} is not a time HH:MM` });
  else if (onDuty !== undefined && offDuty <= onDuty) {
    violations.push({ field: 'policy.offDuty', description: `${policy.offDuty} is not after onDuty ${policy.onDuty}` });
  }
  if (!Number.isInteger(policy.graceMinutes) || policy.graceMinutes < 0) {
    violations.push({
      field: 'policy.graceMinutes',
      description: `${policy.graceMinutes} is not a whole number of minutes ≥ 0`,
    });
  }
  if (!Number.isInteger(policy.halfDayAfterMinutes) || policy.halfDayAfterMinutes < policy.graceMinutes) {
    violations.push({
      field: 'policy.halfDayAfterMinutes',
      description: `${policy.halfDayAfterMinutes} is not a whole number of minutes ≥ graceMinutes`,
    });
  }
  if (violations.length > 0 || onDuty === undefined || offDuty === undefined) return { violations };
  return {
    onDuty,
    offDuty,
    graceMinutes: policy.graceMinutes,
    halfDayAfterMinutes: policy.halfDayAfterMinutes,
    excusedNotes: new Set(policy.excusedNotes.map((note) => note.trim())),
  };
}

// ---- reading the file ----------------------------------------------------------------------------------------

interface CsvRecord {
  /** The file line where the record starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

/** What csv-parse gives per record with `info: true` (its typings still say string[][]). */
interface RecordWithInfo {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

type ColumnIndexes = Readonly<Record<Column, { readonly index: number; readonly header: string } | undefined>>;

function readRecords(csv: string): { readonly records: readonly CsvRecord[] } | { readonly violation: FieldViolation } {
  // Excel on a Chinese Windows saves "CSV" as GBK; decoded as UTF-8 that leaves replacement characters.
  if (csv.includes('\uFFFD')) {
    return { violation: fileViolation('is not UTF-8 text (saved as GBK/ANSI? save it as "CSV UTF-8")') };
  }
  // csv-parse counts lines by the first record delimiter it sees, so every line break becomes LF first.
  const text = csv.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let parsed: readonly RecordWithInfo[];
  try {
    parsed = parse(text, {
      info: true,
      relax_column_count: true, // a short or long row is that row's problem, named with its line
      skip_empty_lines: true,
      skip_records_with_empty_values: true, // Excel's trailing `,,,,,` rows are blank lines too
      to: MAX_ATTENDANCE_ROWS + 2, // the header and one row too many are enough to refuse the file
    }) as unknown as readonly RecordWithInfo[];
  } catch (error) {
    if (error instanceof CsvError) return { violation: fileViolation(`is not CSV: ${clip(error.message, 200)}`) };
    throw error;
  }
  // `info.lines` is the line where the record ends; a quoted value may span lines.
  return {
    records: parsed.map(({ record, info }) => ({
      line: info.lines - record.reduce((breaks, cell) => breaks + (cell.match(/\n/g)?.length ?? 0), 0),
      cells: record,
    })),
  };
}

function locateColumns(headerCells: readonly string[]): ColumnIndexes | { readonly violation: FieldViolation } {
  const names = headerCells.map((cell) => cell.trim());
  const indexes: Partial<Record<Column, { index: number; header: string }>> = {};
  const missing: string[] = [];
  for (const { column, header, alias, required } of COLUMNS) {
    const matches = names.flatMap((name, index) => (name === header || name.toLowerCase() === alias ? [index] : []));
    const [index, twice] = matches;
    if (twice !== undefined) {
      return { violation: fileViolation(`header names the column ${header} (${alias}) twice`) };
    }
    if (index !== undefined) indexes[column] = { index, header: names[index] ?? header };
    else if (required) missing.push(`${header} (${alias})`);
  }
  if (missing.length > 0) {
    return { violation: fileViolation(`header has no column ${missing.join(', ')}; it needs ${HEADER_LINE}`) };
  }
  return {
    employeeNo: undefined,
    name: undefined,
    date: undefined,
    checkIn: undefined,
    checkOut: undefined,
    note: undefined,
    ...indexes,
  };
}

/** The row, or undefined after adding its violations to `violations`. */
function readRow(
  record: CsvRecord,
  columns: ColumnIndexes,
  headerWidth: number,
  staffIdOf: (employeeNo: string) => string | undefined,
  violations: FieldViolation[],
): AttendanceRow | undefined {
  if (record.cells.length !== headerWidth) {
    // An unquoted comma in a name shifts every column after it: nothing in such a row can be trusted.
    violations.push({
      field: `csv[${record.line}]`,
      description: `has ${record.cells.length} fields, the header has ${headerWidth}`,
    });
    return undefined;
  }
  const before = violations.length;
  const cell = (column: Column): { readonly value: string; readonly field: string } => {
    const located = columns[column];
    return {
      value: located === undefined ? '' : (record.cells[located.index] ?? '').trim(),
      field: `csv[${record.line}].${located?.header ?? column}`,
    };
  };

  const employee = cell('employeeNo');
  const name = cell('name').value;
  let staffId: string | undefined;
  if (employee.value === '') violations.push({ field: employee.field, description: 'employee number is empty' });
  else {
    staffId = staffIdOf(employee.value);
    if (staffId === undefined) {
      const named = name === '' ? '' : ` (${clip(name, 20)})`;
      violations.push({
        field: employee.field,
        description: `unknown employee number ${quote(employee.value)}${named}`,
      });
    }
  }

  const date = cell('date');
  const day = readDay(date.value);
  if (date.value === '') violations.push({ field: date.field, description: 'date is empty' });
  else if (day === undefined) {
    violations.push({ field: date.field, description: `${quote(date.value)} is not a day YYYY-MM-DD or YYYY/M/D` });
  }

  const punch = (column: 'checkIn' | 'checkOut'): number | undefined => {
    const { value, field } = cell(column);
    if (value === '') return undefined;
    const minutes = minutesOfDay(value);
    if (minutes === undefined) violations.push({ field, description: `${quote(value)} is not a time HH:MM` });
    return minutes;
  };
  const checkIn = punch('checkIn');
  const checkOut = punch('checkOut');
  if (checkIn !== undefined && checkOut !== undefined && checkOut < checkIn) {
    const { value: outText, field } = cell('checkOut');
    violations.push({ field, description: `check-out ${outText} is before check-in ${cell('checkIn').value}` });
  }

  if (violations.length > before || staffId === undefined || day === undefined) return undefined;
  return { employeeNo: employee.value, staffId, day, checkIn, checkOut, note: cell('note').value };
}

/** `2026-03-02` or `2026/3/2` → `2026-03-02`; undefined when neither, or not a real day (02-30). */
function readDay(text: string): string | undefined {
  const match = ISO_DAY.exec(text) ?? SLASH_DAY.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `08:52` or `8:52` → minutes after midnight; undefined when not a time of day 00:00 to 23:59. */
function minutesOfDay(text: string): number | undefined {
  const match = CLOCK_TIME.exec(text);
  if (match === null) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : undefined;
}

function refused(violations: readonly FieldViolation[]): AttendanceImport {
  const listed = violations.slice(0, MAX_LISTED_VIOLATIONS);
  if (violations.length > listed.length) {
    listed.push(fileViolation(`has ${violations.length - listed.length} more problems not listed`));
  }
  return { facts: [], rows: 0, presentDays: 0, violations: listed };
}

function fileViolation(description: string): FieldViolation {
  return { field: 'csv', description };
}

function quote(value: string): string {
  return JSON.stringify(clip(value, 40));
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
