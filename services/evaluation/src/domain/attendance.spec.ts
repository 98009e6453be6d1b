import { evaluationV1 as pb } from '@govhall/contracts';
import fc from 'fast-check';
import {
  DEFAULT_ATTENDANCE_POLICY,
  MAX_ATTENDANCE_ROWS,
  parseAttendanceCsv,
  type AttendanceImport,
  type AttendancePolicy,
} from './attendance';

const HEADER = '工号,姓名,日期,上班打卡,下班打卡,备注';
const STAFF: Readonly<Record<string, string>> = { '700X01': 'staff-zhang', '700X02': 'staff-li' };
const staffIdOf = (employeeNo: string): string | undefined => STAFF[employeeNo];

function csv(lines: readonly string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

function importRows(rows: readonly string[], policy?: AttendancePolicy, workingDays?: ReadonlySet<string>) {
  return parseAttendanceCsv(csv([HEADER, ...rows]), staffIdOf, policy, workingDays);
}

/** One row of 张三 on 2 March 2026 with these punches and note. */
function importDay(checkIn: string, checkOut: string, note = '', policy?: AttendancePolicy): AttendanceImport {
  return importRows([`700X01,张三,2026-03-02,${checkIn},${checkOut},${note}`], policy);
}

function fact(code: string, quantity: number, note: string, day = '2026-03-02', staffId = 'staff-zhang') {
  return pb.FactInput.fromPartial({ code, quantity, note, day, staffId });
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

describe('parseAttendanceCsv: what a row becomes', () => {
  it('makes nothing of a day on time and counts it as present', () => {
    expect(importDay('08:52', '17:03')).toEqual({ facts: [], rows: 1, presentDays: 1, violations: [] });
  });

  it.each<[string, string, ReturnType<typeof fact>[]]>([
    ['09:05', '17:00', []],
    ['09:06', '17:00', [fact('late', 1, '迟到6分钟')]],
    ['09:12', '17:00', [fact('late', 1, '迟到12分钟')]],
    ['11:00', '17:00', [fact('late', 1, '迟到120分钟')]],
    ['11:01', '17:00', [fact('absent_half_day', 1, '迟到121分钟')]],
    ['09:00', '16:55', []],
    ['09:00', '16:54', [fact('early_leave', 1, '早退6分钟')]],
    ['09:00', '16:48', [fact('early_leave', 1, '早退12分钟')]],
    ['09:00', '15:00', [fact('early_leave', 1, '早退120分钟')]],
    ['09:00', '14:59', [fact('absent_half_day', 1, '早退121分钟')]],
    ['09:30', '16:30', [fact('late', 1, '迟到30分钟'), fact('early_leave', 1, '早退30分钟')]],
    ['11:30', '14:00', [fact('absent_half_day', 1, '迟到150分钟'), fact('absent_half_day', 1, '早退180分钟')]],
    ['', '17:00', [fact('absent_half_day', 1, '缺上班卡')]],
    ['08:58', '', [fact('absent_half_day', 1, '缺下班卡')]],
    ['', '16:00', [fact('absent_half_day', 1, '缺上班卡'), fact('early_leave', 1, '早退60分钟')]],
    ['', '', [fact('absent_half_day', 2, '旷工一天')]],
  ])('check-in %p, check-out %p (09:00–17:00, grace 5) → %j', (checkIn, checkOut, expected) => {
    const result = importDay(checkIn, checkOut);
    expect(result.violations).toEqual([]);
    expect(result.facts).toEqual(expected);
    expect(result.presentDays).toBe(checkIn !== '' && checkOut !== '' && expected.length === 0 ? 1 : 0);
  });

  it('reads a one-digit hour as Excel leaves it', () => {
    expect(importDay('9:12', '17:00').facts).toEqual([fact('late', 1, '迟到12分钟')]);
  });

  it.each(DEFAULT_ATTENDANCE_POLICY.excusedNotes)('excuses a day noted %s, without counting it as present', (note) => {
    expect(importDay('', '', note)).toEqual({ facts: [], rows: 1, presentDays: 0, violations: [] });
    expect(importDay('10:30', '15:00', note).facts).toEqual([]);
  });

  it('compares the note whole, spaces trimmed: 未请假 does not excuse', () => {
    expect(importDay('', '', '  请假 ').facts).toEqual([]);
    expect(importDay('', '', '未请假').facts).toEqual([fact('absent_half_day', 2, '旷工一天')]);
    expect(importDay('09:20', '17:00', '忘记打卡').facts).toEqual([fact('late', 1, '迟到20分钟')]);
  });

  it('counts absence only on working days when they are given', () => {
    const workingDays = new Set(['2026-03-02']);
    const rows = [
      '700X01,张三,2026-03-02,,,', // Monday
      '700X01,张三,2026-03-07,,,', // Saturday: nothing
      '700X01,张三,2026-03-08,10:30,12:00,', // Sunday, came in for a while: neither late nor absent
    ];
    expect(importRows(rows, undefined, workingDays)).toEqual({
      facts: [fact('absent_half_day', 2, '旷工一天')],
      rows: 3,
      presentDays: 1,
      violations: [],
    });
    expect(importRows(rows).facts).toEqual([
      fact('absent_half_day', 2, '旷工一天'),
      fact('absent_half_day', 2, '旷工一天', '2026-03-07'),
      fact('late', 1, '迟到90分钟', '2026-03-08'),
      fact('absent_half_day', 1, '早退300分钟', '2026-03-08'),
    ]);
  });

  it("follows the hall's own hours and grace", () => {
    const summer: AttendancePolicy = {
      onDuty: '08:30',
      offDuty: '18:00',
      graceMinutes: 0,
      halfDayAfterMinutes: 60,
      excusedNotes: ['值班调休'],
    };
    expect(importDay('08:31', '18:00', '', summer).facts).toEqual([fact('late', 1, '迟到1分钟')]);
    expect(importDay('09:31', '17:59', '', summer).facts).toEqual([
      fact('absent_half_day', 1, '迟到61分钟'),
      fact('early_leave', 1, '早退1分钟'),
    ]);
    expect(importDay('', '', '值班调休', summer).facts).toEqual([]);
    expect(importDay('', '', '请假', summer).facts).toEqual([fact('absent_half_day', 2, '旷工一天')]);
  });

  it('keeps file order, each staff member by their staff id, and counts rows and present days', () => {
    const result = importRows([
      '700X01,张三,2026-03-02,08:50,17:10,',
      '700X02,李四,2026-03-02,09:07,17:00,',
      '',
      '700X01,张三,2026-03-03,08:59,17:00,',
      '700X02,李四,2026-03-03,,,病假',
    ]);
    expect(result).toEqual({
      facts: [fact('late', 1, '迟到7分钟', '2026-03-02', 'staff-li')],
      rows: 4,
      presentDays: 2,
      violations: [],
    });
  });
});

describe('parseAttendanceCsv: reading the file', () => {
  it('reads a BOM and CRLF line ends', () => {
    const result = parseAttendanceCsv(
      '\uFEFF' + csv([HEADER, '700X01,张三,2026-03-02,09:10,17:00,'], '\r\n'),
      staffIdOf,
    );
    expect(result.facts).toEqual([fact('late', 1, '迟到10分钟')]);
  });

  it.each([
    ['2026-03-02', '2026-03-02'],
    ['2026/3/2', '2026-03-02'],
    ['2026/03/02', '2026-03-02'],
    ['2026/12/31', '2026-12-31'],
    ['2028/2/29', '2028-02-29'],
  ])('reads the date %s as %s', (written, day) => {
    expect(importRows([`700X01,张三,${written},,,`]).facts).toEqual([fact('absent_half_day', 2, '旷工一天', day)]);
  });

  it('finds columns by English alias, any case and order, extra columns ignored, 姓名 and 备注 optional', () => {
    const result = parseAttendanceCsv(
      csv(['Check_Out,部门,DATE,employee_no,check_in', '16:50,综合窗口,2026/3/2,700X01,09:00']),
      staffIdOf,
    );
    expect(result).toEqual({ facts: [fact('early_leave', 1, '早退10分钟')], rows: 1, presentDays: 0, violations: [] });
  });

  it('skips blank lines and rows of empty values', () => {
    const result = importRows(['', '700X01,张三,2026-03-02,09:00,17:00,', ',,,,,', '   ']);
    expect(result).toEqual({ facts: [], rows: 1, presentDays: 1, violations: [] });
  });

  it('asks staffIdOf once per employee number', () => {
    const asked: string[] = [];
    parseAttendanceCsv(
      csv([HEADER, '700X01,张三,2026-03-02,09:00,17:00,', '700X01,张三,2026-03-03,09:00,17:00,']),
      (employeeNo) => {
        asked.push(employeeNo);
        return staffIdOf(employeeNo);
      },
    );
    expect(asked).toEqual(['700X01']);
  });
});

describe('parseAttendanceCsv: refusing the file', () => {
  const refused = (violations: unknown[]) => ({ facts: [], rows: 0, presentDays: 0, violations });

  it('refuses the whole file for one bad row, naming its line and column', () => {
    const result = importRows([
      '700X01,张三,2026-03-02,09:30,17:00,',
      '700X09,王五,2026-03-02,09:00,17:00,',
      '700X02,李四,2026-03-02,09:00,17:00,',
    ]);
    expect(result).toEqual(refused([{ field: 'csv[3].工号', description: 'unknown employee number "700X09" (王五)' }]));
  });

  it('lists every problem of every row', () => {
    const result = importRows([
      ',张三,2026-02-30,9.05,17:00,',
      '700X01,张三,,24:00,08:61,',
      '700X01,张三,2026-3-2,08:52:31,17:00,',
      '700X02,李四,2026-03-02,17:00,09:00,',
      '700X02,李四,2026-03-03,09:00,17:00',
      '700X02,"李,四",2026-03-04,09:00,17:00,,',
    ]);
    expect(result).toEqual(
      refused([
        { field: 'csv[2].工号', description: 'employee number is empty' },
        { field: 'csv[2].日期', description: '"2026-02-30" is not a day YYYY-MM-DD or YYYY/M/D' },
        { field: 'csv[2].上班打卡', description: '"9.05" is not a time HH:MM' },
        { field: 'csv[3].日期', description: 'date is empty' },
        { field: 'csv[3].上班打卡', description: '"24:00" is not a time HH:MM' },
        { field: 'csv[3].下班打卡', description: '"08:61" is not a time HH:MM' },
        { field: 'csv[4].日期', description: '"2026-3-2" is not a day YYYY-MM-DD or YYYY/M/D' },
        { field: 'csv[4].上班打卡', description: '"08:52:31" is not a time HH:MM' },
        { field: 'csv[5].下班打卡', description: 'check-out 09:00 is before check-in 17:00' },
        { field: 'csv[6]', description: 'has 5 fields, the header has 6' },
        { field: 'csv[7]', description: 'has 7 fields, the header has 6' },
      ]),
    );
  });

  it("names the column as the file's header spells it", () => {
    const result = parseAttendanceCsv(
      csv(['Employee_No,Date,Check_In,Check_Out', '700X01,2026/13/1,09:00,17:00']),
      staffIdOf,
    );
    expect(result.violations).toEqual([
      { field: 'csv[2].Date', description: '"2026/13/1" is not a day YYYY-MM-DD or YYYY/M/D' },
    ]);
  });

  it('refuses a second row of the same employee and day, whichever way the date is written', () => {
    const result = importRows([
      '700X01,张三,2026-03-02,09:00,17:00,',
      '700X02,李四,2026-03-02,09:00,17:00,',
      '700X01,张三,2026/3/2,,,',
    ]);
    expect(result).toEqual(
      refused([{ field: 'csv[4]', description: 'repeats employee 700X01 on 2026-03-02, first on line 2' }]),
    );
  });

  it('counts file lines: leading and inner blank lines, and a quoted value over two lines', () => {
    const result = parseAttendanceCsv(
      csv(['', HEADER, '', '700X01,"张三\n（综合窗口）",2026-03-02,09:00,17:00,', '700X01,张三,2026-03-03,9:00,x,']),
      staffIdOf,
    );
    expect(result.violations).toEqual([{ field: 'csv[6].下班打卡', description: '"x" is not a time HH:MM' }]);
  });

  it.each(['', '\uFEFF', '\n\n', ',,,\n'])('refuses an empty file %j', (text) => {
    expect(parseAttendanceCsv(text, staffIdOf)).toEqual(
      refused([
        { field: 'csv', description: 'is empty: it needs the header line 工号,姓名,日期,上班打卡,下班打卡,备注' },
      ]),
    );
  });

  it('refuses a header with no rows', () => {
    expect(parseAttendanceCsv(csv([HEADER, '']), staffIdOf)).toEqual(
      refused([{ field: 'csv', description: 'has a header line but no rows' }]),
    );
  });

  it('refuses a header lacking a required column, naming every missing one', () => {
    expect(parseAttendanceCsv(csv(['姓名,考勤号码,日期,签到时间', '张三,700X01,2026-03-02,09:00']), staffIdOf)).toEqual(
      refused([
        {
          field: 'csv',
          description:
            'header has no column 工号 (employee_no), 上班打卡 (check_in), 下班打卡 (check_out); it needs 工号,姓名,日期,上班打卡,下班打卡,备注',
        },
      ]),
    );
  });

  it('refuses a header naming a column twice, in Chinese and English', () => {
    expect(parseAttendanceCsv(csv([`${HEADER},Employee_No`, '700X01,张三,2026-03-02,,,,700X01']), staffIdOf)).toEqual(
      refused([{ field: 'csv', description: 'header names the column 工号 (employee_no) twice' }]),
    );
  });

  it('refuses a quote left open', () => {
    const result = parseAttendanceCsv(csv([HEADER, '700X01,"张三,2026-03-02,09:00,17:00,']), staffIdOf);
    expect(result.facts).toEqual([]);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.field).toBe('csv');
    expect(result.violations[0]?.description).toMatch(/^is not CSV: /);
  });

  it('refuses text that was not UTF-8 (a GBK export decoded as UTF-8)', () => {
    const gbkHeader = new TextDecoder('utf-8').decode(new Uint8Array([0xb9, 0xa4, 0xba, 0xc5])); // 工号 in GBK
    expect(parseAttendanceCsv(csv([`${gbkHeader},日期`, '700X01,2026-03-02']), staffIdOf)).toEqual(
      refused([{ field: 'csv', description: 'is not UTF-8 text (saved as GBK/ANSI? save it as "CSV UTF-8")' }]),
    );
  });

  describe('size', () => {
    const manyRows = (count: number): string =>
      csv([HEADER, ...Array.from({ length: count }, (_, i) => `E${i},某,2026-03-02,09:00,17:00,`)]);
    const anyone = (employeeNo: string) => `staff-${employeeNo}`;

    it(`reads ${MAX_ATTENDANCE_ROWS} rows`, () => {
      const result = parseAttendanceCsv(manyRows(MAX_ATTENDANCE_ROWS), anyone);
      expect(result).toMatchObject({ rows: MAX_ATTENDANCE_ROWS, presentDays: MAX_ATTENDANCE_ROWS, violations: [] });
    });

    it('refuses one more', () => {
      expect(parseAttendanceCsv(manyRows(MAX_ATTENDANCE_ROWS + 1), anyone)).toEqual(
        refused([{ field: 'csv', description: 'has more than 20,000 rows' }]),
      );
    });

    it('lists 100 problems, then says how many more', () => {
      const result = parseAttendanceCsv(manyRows(150), () => undefined);
      expect(result.violations).toHaveLength(101);
      expect(result.violations[99]).toEqual({
        field: 'csv[101].工号',
        description: 'unknown employee number "E99" (某)',
      });
      expect(result.violations[100]).toEqual({ field: 'csv', description: 'has 50 more problems not listed' });
    });
  });

  it.each<[Partial<AttendancePolicy>, { field: string; description: string }[]]>([
    [{ onDuty: '9点' }, [{ field: 'policy.onDuty', description: '"9点" is not a time HH:MM' }]],
    [{ offDuty: '25:00' }, [{ field: 'policy.offDuty', description: '"25:00" is not a time HH:MM' }]],
    [{ offDuty: '09:00' }, [{ field: 'policy.offDuty', description: '09:00 is not after onDuty 09:00' }]],
    [{ graceMinutes: -1 }, [{ field: 'policy.graceMinutes', description: '-1 is not a whole number of minutes ≥ 0' }]],
    [
      { halfDayAfterMinutes: 4 },
      [{ field: 'policy.halfDayAfterMinutes', description: '4 is not a whole number of minutes ≥ graceMinutes' }],
    ],
  ])('refuses a policy that does not hold together: %j', (change, violations) => {
    expect(importDay('09:00', '17:00', '', { ...DEFAULT_ATTENDANCE_POLICY, ...change })).toEqual(refused(violations));
  });
});

describe('parseAttendanceCsv: properties', () => {
  const policies = fc
    .record({
      onDuty: fc.integer({ min: 6 * 60, max: 10 * 60 }),
      length: fc.integer({ min: 4 * 60, max: 10 * 60 }),
      graceMinutes: fc.integer({ min: 0, max: 30 }),
      halfDayExtra: fc.integer({ min: 0, max: 180 }),
    })
    .map(({ onDuty, length, graceMinutes, halfDayExtra }) => ({
      onDuty,
      offDuty: onDuty + length,
      policy: {
        ...DEFAULT_ATTENDANCE_POLICY,
        onDuty: hhmm(onDuty),
        offDuty: hhmm(onDuty + length),
        graceMinutes,
        halfDayAfterMinutes: graceMinutes + halfDayExtra,
      },
    }));

  it('makes nothing of punches on time or within the grace, and counts the day present', () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 0, max: 6 * 60 }),
        fc.integer({ min: 0, max: 6 * 60 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        ({ onDuty, offDuty, policy }, early, late, inGrace, outGrace) => {
          const checkIn = Math.max(0, onDuty - early) + Math.min(inGrace, policy.graceMinutes);
          const checkOut = Math.min(23 * 60 + 59, offDuty + late) - Math.min(outGrace, policy.graceMinutes);
          const result = importDay(hhmm(checkIn), hhmm(checkOut), '', policy);
          expect(result).toEqual({ facts: [], rows: 1, presentDays: 1, violations: [] });
        },
      ),
    );
  });

  it('makes one fact of a late check-in: late up to the half-day line, absent_half_day past it, with the minutes', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 1, max: 240 }), ({ onDuty, offDuty, policy }, pastGrace) => {
        const minutesLate = policy.graceMinutes + pastGrace;
        fc.pre(onDuty + minutesLate <= offDuty);
        const result = importDay(hhmm(onDuty + minutesLate), hhmm(offDuty), '', policy);
        const code = minutesLate > policy.halfDayAfterMinutes ? 'absent_half_day' : 'late';
        expect(result.facts).toEqual([fact(code, 1, `迟到${minutesLate}分钟`)]);
        expect(result.presentDays).toBe(0);
      }),
    );
  });

  it('never counts more than a whole day absent for one row', () => {
    const punch = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 23 * 60 + 59 }).map(hhmm));
    fc.assert(
      fc.property(policies, punch, punch, ({ policy }, checkIn, checkOut) => {
        fc.pre(checkIn === '' || checkOut === '' || checkIn <= checkOut);
        const { facts, violations } = importDay(checkIn, checkOut, '', policy);
        expect(violations).toEqual([]);
        const halfDays = facts.filter((f) => f.code === 'absent_half_day').reduce((sum, f) => sum + f.quantity, 0);
        expect(halfDays).toBeLessThanOrEqual(2);
        expect(facts.length).toBeLessThanOrEqual(2);
      }),
    );
  });
});
