import { evaluationV1 as pb } from '@govhall/contracts';
import { FakeClock, bearerInterceptor, callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { liuchengRules, zhangzhouRules } from '../src/domain/reference-rules';
import { evaluationEventsOn, invalid, refused } from './helpers';
import { startEvaluationForTest, type EvaluationUnderTest } from './start-for-test';

/**
 * The monthly assessment (月考核) over gRPC on real PostgreSQL and nats-server: the city hall assessed by
 * Zhangzhou's rules for 2026-09 (closed, published, corrected, notified) and by Liucheng's for 2026-08, every
 * figure computed by hand. The tests run in order: each builds on the months the one before left.
 */
describe('evaluation: the monthly assessment', () => {
  let t: EvaluationUnderTest;
  let serial = 0;
  const rid = (what: string) => `${what}-${Date.now()}-${++serial}`;
  const city = () => t.under.demo.halls['city']!;
  const staff = (employeeNo: string) => t.under.demo.staff[employeeNo]!;
  const windowOf = (number: string) => t.under.demo.windows[`city/${number}`]!;
  const department = (code: string) => t.under.demo.departments[`city/${code}`]!;
  const MS = pb.MonthStatus;
  const FS = pb.FactSource;
  const L = pb.RatingLevel;

  /** The city hall's roster: every active staff member of the hall with a window (organisation.yaml). */
  const ROSTER = [
    '700GLB01',
    '700GLB02',
    '700SCJG01',
    '700FGW01',
    '700ZRZY01',
    '700ZJJ01',
    '700STHJ01',
    '700GAJ01',
    '700RSJ01',
    '700SWJ01',
    '700BDC01',
    '700WJW01',
    '705KWSP01',
  ];

  /** An entered fact about a staff member (quantity absent: stored as 1). */
  const staffFact = (code: string, employeeNo: string, day: string, more: Partial<pb.FactInput> = {}) =>
    pb.FactInput.fromPartial({ code, day, staffId: staff(employeeNo), ...more });

  /** Runs `work` with the shared FakeClock at `instant`, then puts it back. */
  async function at<T>(instant: string, work: () => Promise<T>): Promise<T> {
    const clock = t.clock;
    if (!(clock instanceof FakeClock)) throw new Error('the tests run on a FakeClock');
    const was = clock.now();
    clock.set(instant);
    try {
      return await work();
    } finally {
      clock.set(was);
    }
  }

  function resultOf(month: pb.AssessmentMonth | undefined, employeeNo: string): pb.StaffResult {
    const found = month?.staff.find((s) => s.staffId === staff(employeeNo));
    if (!found) throw new Error(`no result for ${employeeNo}`);
    return found;
  }

  function windowResultOf(month: pb.AssessmentMonth | undefined, number: string): pb.WindowResult {
    const found = month?.windows.find((w) => w.windowId === windowOf(number));
    if (!found) throw new Error(`no result for window ${number}`);
    return found;
  }

  type Line = readonly [code: string, label: string, quantity: number, points: number];
  const lines = (...rows: Line[]) => rows.map(([code, label, quantity, points]) => ({ code, label, quantity, points }));

  interface StaffFigures {
    readonly points: number;
    readonly rank: number;
    readonly grade: string;
    readonly votes?: number;
    readonly best?: boolean;
    readonly bonusFen: number;
    readonly lines?: ReturnType<typeof lines>;
  }
  function expectStaff(month: pb.AssessmentMonth | undefined, expected: Record<string, StaffFigures>): void {
    for (const [employeeNo, e] of Object.entries(expected)) {
      const result = resultOf(month, employeeNo);
      expect({ employeeNo, ...result }).toMatchObject({
        employeeNo,
        points: e.points,
        rank: e.rank,
        grade: e.grade,
        votes: e.votes ?? 0,
        bestStaff: e.best ?? false,
        candidate: e.points >= 100,
        failed: false,
        bonusFen: e.bonusFen,
        lines: e.lines ?? [],
      });
    }
  }

  interface WindowFigures {
    readonly points: number;
    readonly rank: number;
    readonly votes?: number;
    readonly redFlag?: boolean;
    readonly annual: number;
    readonly lines?: ReturnType<typeof lines>;
  }
  function expectWindows(month: pb.AssessmentMonth | undefined, expected: Record<string, WindowFigures>): void {
    for (const [number, e] of Object.entries(expected)) {
      const result = windowResultOf(month, number);
      expect({ number, ...result }).toMatchObject({
        number,
        points: e.points,
        rank: e.rank,
        votes: e.votes ?? 0,
        redFlag: e.redFlag ?? false,
        departmentAnnualPoints: e.annual,
        lines: e.lines ?? [],
      });
    }
  }

  /** The month of the latest such event on the region's evaluation stream, once there is one. */
  async function eventOn(
    type: 'evaluation.month.published' | 'evaluation.month.corrected',
    match: (month: pb.AssessmentMonth) => boolean,
  ): Promise<pb.AssessmentMonth> {
    let found: pb.AssessmentMonth | undefined;
    await waitFor(
      async () => {
        for (const { event } of await evaluationEventsOn(t.region))
          if (
            (event.type === 'evaluation.month.published' || event.type === 'evaluation.month.corrected') &&
            event.type === type &&
            event.data.month &&
            match(event.data.month)
          )
            found = event.data.month;
        return found !== undefined;
      },
      { timeoutMs: 15_000, what: `${type} on the stream` },
    );
    return found!;
  }

  beforeAll(async () => {
    t = await startEvaluationForTest();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  // Zhangzhou (base 100, at most 110; 20% 优秀; 5 best staff from full marks or more; 3 red flags; 200 元 per 100
  // points, 300 元 for a best staff member; a window's month is 20 points of its department's year).
  //
  // The facts of 2026-09, and what they make (the rules' points; a line is points × Σ quantity, then its cap):
  //   赵文静 700SCJG01  yellow_card ×2 −10, praise_letter ×1 +2                               100 − 10 + 2 = 92
  //   胡红霞 700FGW01   absent_half_day 2 (旷工一天) −6; imported: late ×1 −1                  100 − 6 − 1 = 93
  //   梁秀英 700ZRZY01  praise_letter 4 facts: +8 capped at +6; banner ×1 +3                  100 + 6 + 3 = 109
  //   邓雪梅 700ZJJ01   banner 3: +9 capped at +6; information_submission 7: +7 capped at +5   111, clamped to 110
  //   袁海燕 700STHJ01  information_submission 2 +2; staff_vote 5                              102
  //   叶玉兰 700GAJ01   helping_other_post 2 +2; staff_vote 8                                  102, above 袁海燕 on votes
  //   沈建国 700RSJ01   discipline −2; imported: early_leave −1, absent_half_day ×1 −3         100 − 3 − 1 − 2 = 94
  //   陆春梅 700SWJ01   staff_vote 3                                                           100
  //   the other five (700GLB01, 700GLB02, 700BDC01, 700WJW01, 705KWSP01): no facts            100
  // Window-only: video_patrol_finding at B09 (陆春梅's window) −2; window_vote 4 for B06.
  //
  // Ranks (points, then votes; equal both share): 110 1 · 109 2 · 102/8 3 · 102/5 4 · 100/3 5 · 100/0 ×5 6 ·
  // 94 11 · 93 12 · 92 13. 优秀: reached by the ten at ≥ 100, held by ⌊13 × 20%⌋ = 2 (the first two); the other
  // eight get 合格, as do 94, 93 and 92. Best staff: the first five of the ten candidates (≥ 100) — 邓雪梅, 梁秀英,
  // 叶玉兰, 袁海燕, 陆春梅 (陆春梅's 3 votes put her ahead of the five on 100 with none): 30000 fen each; the rest
  // 20000 × points / 100: 100 → 20000, 94 → 18800, 93 → 18600, 92 → 18400.
  const SEPTEMBER: Record<string, StaffFigures> = {
    '700ZJJ01': {
      points: 110,
      rank: 1,
      grade: '优秀',
      best: true,
      bonusFen: 30_000,
      lines: lines(['banner', '收到锦旗', 3, 6], ['information_submission', '信息投稿被采用', 7, 5]),
    },
    '700ZRZY01': {
      points: 109,
      rank: 2,
      grade: '优秀',
      best: true,
      bonusFen: 30_000,
      lines: lines(['praise_letter', '收到表扬信', 4, 6], ['banner', '收到锦旗', 1, 3]),
    },
    '700GAJ01': {
      points: 102,
      rank: 3,
      grade: '合格',
      votes: 8,
      best: true,
      bonusFen: 30_000,
      lines: lines(['helping_other_post', '协助其他岗位工作', 2, 2]),
    },
    '700STHJ01': {
      points: 102,
      rank: 4,
      grade: '合格',
      votes: 5,
      best: true,
      bonusFen: 30_000,
      lines: lines(['information_submission', '信息投稿被采用', 2, 2]),
    },
    '700SWJ01': { points: 100, rank: 5, grade: '合格', votes: 3, best: true, bonusFen: 30_000 },
    '700GLB01': { points: 100, rank: 6, grade: '合格', bonusFen: 20_000 },
    '700GLB02': { points: 100, rank: 6, grade: '合格', bonusFen: 20_000 },
    '700BDC01': { points: 100, rank: 6, grade: '合格', bonusFen: 20_000 },
    '700WJW01': { points: 100, rank: 6, grade: '合格', bonusFen: 20_000 },
    '705KWSP01': { points: 100, rank: 6, grade: '合格', bonusFen: 20_000 },
    '700RSJ01': {
      points: 94,
      rank: 11,
      grade: '合格',
      bonusFen: 18_800,
      lines: lines(
        ['absent_half_day', '旷工半天', 1, -3],
        ['early_leave', '早退', 1, -1],
        ['discipline', '违反在岗、仪容等工作纪律', 1, -2],
      ),
    },
    '700FGW01': {
      points: 93,
      rank: 12,
      grade: '合格',
      bonusFen: 18_600,
      lines: lines(['absent_half_day', '旷工半天', 2, -6], ['late', '迟到', 1, -1]),
    },
    '700SCJG01': {
      points: 92,
      rank: 13,
      grade: '合格',
      bonusFen: 18_400,
      lines: lines(['yellow_card', '办件超时（黄牌）', 2, -10], ['praise_letter', '收到表扬信', 1, 2]),
    },
  };

  // Windows: the mean of their staff's points plus their own lines (A01 holds 700GLB01 and 700GLB02; B02 and the
  // windows without staff are not assessed). B09: 100 − 2 = 98. B06 and B07 tie on 102; B06's 4 votes put it 3rd,
  // the last red flag. department_annual_points = 20 × min(points / 100, 1): 98 → 19.6, 94 → 18.8, 93 → 18.6,
  // 92 → 18.4, 100 or more → 20.
  const SEPTEMBER_WINDOWS: Record<string, WindowFigures> = {
    B05: { points: 110, rank: 1, redFlag: true, annual: 20 },
    B04: { points: 109, rank: 2, redFlag: true, annual: 20 },
    B06: { points: 102, rank: 3, votes: 4, redFlag: true, annual: 20 },
    B07: { points: 102, rank: 4, annual: 20 },
    A01: { points: 100, rank: 5, annual: 20 },
    B10: { points: 100, rank: 5, annual: 20 },
    B11: { points: 100, rank: 5, annual: 20 },
    B12: { points: 100, rank: 5, annual: 20 },
    B09: { points: 98, rank: 9, annual: 19.6, lines: lines(['video_patrol_finding', '视频巡查发现问题', 1, -2]) },
    B08: { points: 94, rank: 10, annual: 18.8 },
    B03: { points: 93, rank: 11, annual: 18.6 },
    B01: { points: 92, rank: 12, annual: 18.4 },
  };

  /** Ids the later tests need: 赵文静's second yellow card (voided by the correction). */
  let yellowCardToVoid = '';
  const CORRECTION_REASON = '经复核，9月15日黄牌系系统误判，予以撤销；补录群众表扬信一封';

  it('Zhangzhou rules on 2026-09: every figure as computed by hand; closed once the month is over; published to anyone', async () => {
    const admin = await t.as('700GLB07');
    const supervisor = await t.as('700GLB03');
    // No rules yet: the month cannot be closed.
    await refused(
      callUnary(supervisor, 'closeMonth', { requestId: rid('close'), hallId: city(), month: '2026-09' }),
      grpc.status.FAILED_PRECONDITION,
      'no assessment rules in force for 2026-09',
    );
    const { rules } = await callUnary(admin, 'setAssessmentRules', {
      requestId: rid('rules'),
      rules: zhangzhouRules(city()),
    });
    expect(rules).toMatchObject({ version: 1, effectiveFrom: '2026-01', createdByStaffId: staff('700GLB07') });
    // Before the rules' first month there are none in force.
    await refused(
      callUnary(supervisor, 'closeMonth', { requestId: rid('close'), hallId: city(), month: '2025-12' }),
      grpc.status.FAILED_PRECONDITION,
      'no assessment rules in force for 2025-12',
    );

    // The roster, before any fact: the thirteen with a window, each on the base 100.
    const before = (await callUnary(supervisor, 'previewMonth', { hallId: city(), month: '2026-09' })).month;
    expect(before?.status).toBe(MS.MONTH_STATUS_OPEN);
    expect(before?.staff.map((s) => s.staffId).sort()).toEqual(ROSTER.map(staff).sort());
    expect(before?.staff.every((s) => s.points === 100 && s.lines.length === 0)).toBe(true);

    const { facts } = await callUnary(supervisor, 'recordAssessmentFacts', {
      requestId: rid('facts'),
      hallId: city(),
      facts: [
        staffFact('yellow_card', '700SCJG01', '2026-09-08', { note: '公司变更登记超时' }),
        staffFact('yellow_card', '700SCJG01', '2026-09-15', { note: '公司注销登记超时' }),
        staffFact('praise_letter', '700SCJG01', '2026-09-10'),
        staffFact('absent_half_day', '700FGW01', '2026-09-14', { quantity: 2, note: '旷工一天' }),
        ...['2026-09-03', '2026-09-09', '2026-09-17', '2026-09-24'].map((day) =>
          staffFact('praise_letter', '700ZRZY01', day),
        ),
        staffFact('banner', '700ZRZY01', '2026-09-18'),
        staffFact('banner', '700ZJJ01', '2026-09-11', { quantity: 3 }),
        staffFact('information_submission', '700ZJJ01', '2026-09-30', { quantity: 7 }),
        staffFact('information_submission', '700STHJ01', '2026-09-30', { quantity: 2 }),
        staffFact('helping_other_post', '700GAJ01', '2026-09-21', { quantity: 2 }),
        staffFact('discipline', '700RSJ01', '2026-09-16', { note: '工作时间玩手机' }),
        staffFact('staff_vote', '700GAJ01', '2026-09-30', { quantity: 8 }),
        staffFact('staff_vote', '700STHJ01', '2026-09-30', { quantity: 5 }),
        staffFact('staff_vote', '700SWJ01', '2026-09-30', { quantity: 3 }),
        // A window's own: no staff member named, so no one's points move but the window's.
        pb.FactInput.fromPartial({
          code: 'video_patrol_finding',
          day: '2026-09-22',
          windowId: windowOf('B09'),
          note: '视频巡查：窗口无人值守',
        }),
        pb.FactInput.fromPartial({ code: 'window_vote', day: '2026-09-30', windowId: windowOf('B06'), quantity: 4 }),
      ],
    });
    expect(facts).toHaveLength(19);
    expect(facts.every((f) => f.source === FS.FACT_SOURCE_ENTERED && f.recordedByStaffId === staff('700GLB03'))).toBe(
      true,
    );
    // An absent quantity is one.
    expect(facts.filter((f) => f.code === 'praise_letter').map((f) => f.quantity)).toEqual([1, 1, 1, 1, 1]);
    yellowCardToVoid = facts.find((f) => f.code === 'yellow_card' && f.day === '2026-09-15')!.id;

    // The fingerprint export: 2026-09-20 is a Sunday worked for National Day, 2026-09-25 the Mid-Autumn holiday.
    const imported = await callUnary(supervisor, 'importAttendance', {
      requestId: rid('csv'),
      hallId: city(),
      csv: [
        '工号,姓名,日期,上班打卡,下班打卡,备注',
        '700FGW01,胡红霞,2026-09-01,08:55,17:02,',
        '700FGW01,胡红霞,2026-09-02,09:12,17:00,',
        '700FGW01,胡红霞,2026-09-03,,,请假',
        '700RSJ01,沈建国,2026-09-01,08:50,16:40,',
        '700RSJ01,沈建国,2026-09-20,08:58,,',
        '700RSJ01,沈建国,2026-09-25,,,',
      ].join('\r\n'),
    });
    expect(imported).toMatchObject({ rows: 6, presentDays: 1 });
    expect(
      imported.facts.map(({ code, day, staffId, quantity, note, windowId, source }) => ({
        code,
        day,
        staffId,
        quantity,
        note,
        windowId,
        source,
      })),
    ).toEqual([
      {
        code: 'late',
        day: '2026-09-02',
        staffId: staff('700FGW01'),
        quantity: 1,
        note: '迟到12分钟',
        windowId: windowOf('B03'),
        source: FS.FACT_SOURCE_ATTENDANCE_IMPORT,
      },
      {
        code: 'early_leave',
        day: '2026-09-01',
        staffId: staff('700RSJ01'),
        quantity: 1,
        note: '早退20分钟',
        windowId: windowOf('B08'),
        source: FS.FACT_SOURCE_ATTENDANCE_IMPORT,
      },
      {
        code: 'absent_half_day',
        day: '2026-09-20',
        staffId: staff('700RSJ01'),
        quantity: 1,
        note: '缺下班卡',
        windowId: windowOf('B08'),
        source: FS.FACT_SOURCE_ATTENDANCE_IMPORT,
      },
    ]);

    // Not before the month is over.
    await at('2026-09-20T10:00:00+08:00', () =>
      refused(
        callUnary(supervisor, 'closeMonth', { requestId: rid('close'), hallId: city(), month: '2026-09' }),
        grpc.status.FAILED_PRECONDITION,
        'has not ended yet',
      ),
    );
    // Nor on a hall without rules (the district hall; the demo has no supervisor there, so its token is signed
    // as the directory would sign one).
    const districtSupervisor = await supervisorOfTheDistrict();
    try {
      await refused(
        callUnary(districtSupervisor, 'closeMonth', {
          requestId: rid('close'),
          hallId: t.under.demo.halls['district']!,
          month: '2026-09',
        }),
        grpc.status.FAILED_PRECONDITION,
        'no assessment rules',
      );
    } finally {
      districtSupervisor.close();
    }

    const closeRequest = { requestId: rid('close'), hallId: city(), month: '2026-09' };
    const { month } = await callUnary(supervisor, 'closeMonth', closeRequest);
    expect(month).toMatchObject({ status: MS.MONTH_STATUS_CLOSED, rulesVersion: 1, corrections: [] });
    expect(month?.staff).toHaveLength(ROSTER.length);
    expect(month?.windows).toHaveLength(Object.keys(SEPTEMBER_WINDOWS).length);
    expectStaff(month, SEPTEMBER);
    expectWindows(month, SEPTEMBER_WINDOWS);
    // Listed best first, and the three red flags are the first three windows.
    const ranks = month!.staff.map((s) => s.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(month!.windows.slice(0, 3).every((w) => w.redFlag)).toBe(true);
    expect(windowResultOf(month, 'B01').departmentId).toBe(department('SCJG'));
    expect(windowResultOf(month, 'B12').departmentId).toBe(department('KWSP'));

    // The same request answers the same month; a new one finds it closed.
    expect((await callUnary(supervisor, 'closeMonth', closeRequest)).month).toEqual(month);
    await refused(
      callUnary(supervisor, 'closeMonth', { requestId: rid('close'), hallId: city(), month: '2026-09' }),
      grpc.status.FAILED_PRECONDITION,
      'closed already',
    );

    // Public only once published.
    await refused(
      callUnary(t.anonymous(), 'getPublishedMonth', { hallId: city(), month: '2026-09' }),
      grpc.status.NOT_FOUND,
    );
    const published = (await callUnary(supervisor, 'publishMonth', { ...closeRequest, requestId: rid('pub') })).month;
    expect(published).toMatchObject({ status: MS.MONTH_STATUS_PUBLISHED, staff: month!.staff });
    expect(published?.publishedAt).toEqual(t.clock.now());
    const anyone = (await callUnary(t.anonymous(), 'getPublishedMonth', { hallId: city(), month: '2026-09' })).month;
    expect(anyone).toEqual(published);
    const onStream = await eventOn('evaluation.month.published', (m) => m.hallId === city() && m.month === '2026-09');
    expect(onStream).toMatchObject({ status: MS.MONTH_STATUS_PUBLISHED, staff: month!.staff, windows: month!.windows });
    await refused(
      callUnary(supervisor, 'publishMonth', { ...closeRequest, requestId: rid('pub') }),
      grpc.status.FAILED_PRECONDITION,
      'published already',
    );
  });

  it('after closing, facts change only through CorrectMonth: on the record, recomputed, the voided fact kept', async () => {
    const supervisor = await t.as('700GLB03');
    const afterClosing = staffFact('praise_letter', '700SCJG01', '2026-09-29');
    await refused(
      callUnary(supervisor, 'recordAssessmentFacts', {
        requestId: rid('facts'),
        hallId: city(),
        facts: [afterClosing],
      }),
      grpc.status.FAILED_PRECONDITION,
      'CorrectMonth',
    );
    await refused(
      callUnary(supervisor, 'voidAssessmentFact', { requestId: rid('void'), id: yellowCardToVoid, reason: '系统误判' }),
      grpc.status.FAILED_PRECONDITION,
      'CorrectMonth',
    );
    await refused(
      callUnary(supervisor, 'importAttendance', {
        requestId: rid('csv'),
        hallId: city(),
        csv: '工号,日期,上班打卡,下班打卡\n700SCJG01,2026-09-29,09:30,17:00\n',
      }),
      grpc.status.FAILED_PRECONDITION,
      'CorrectMonth',
    );
    // A correction is of a closed month only.
    await refused(
      callUnary(supervisor, 'correctMonth', {
        requestId: rid('fix'),
        hallId: city(),
        month: '2026-10',
        reason: CORRECTION_REASON,
        add: [staffFact('praise_letter', '700SCJG01', '2026-10-09')],
        voidFactIds: [],
      }),
      grpc.status.FAILED_PRECONDITION,
      'not closed',
    );

    // 赵文静: one yellow card voided, a praise letter added: 100 − 5 + 2 × 2 = 99; B01, hers alone, 92 → 99.
    const { month } = await callUnary(supervisor, 'correctMonth', {
      requestId: rid('fix'),
      hallId: city(),
      month: '2026-09',
      reason: CORRECTION_REASON,
      add: [staffFact('praise_letter', '700SCJG01', '2026-09-22', { note: '群众来信表扬' })],
      voidFactIds: [yellowCardToVoid],
    });
    expect(month?.status).toBe(MS.MONTH_STATUS_PUBLISHED);
    expect(month?.corrections).toHaveLength(1);
    const correction = month!.corrections[0]!;
    expect(correction).toMatchObject({
      seq: 1,
      reason: CORRECTION_REASON,
      byStaffId: staff('700GLB03'),
      voidedFactIds: [yellowCardToVoid],
      changes: [
        { staffId: staff('700SCJG01'), windowId: '', before: 92, after: 99 },
        { staffId: '', windowId: windowOf('B01'), before: 92, after: 99 },
      ],
    });
    expect(correction.addedFactIds).toHaveLength(1);

    // Recomputed: 99 is 11th, behind the ten on 100 or more; 沈建国 and 胡红霞 move down one; B01 is 9th.
    expectStaff(month, {
      ...SEPTEMBER,
      '700SCJG01': {
        points: 99,
        rank: 11,
        grade: '合格',
        bonusFen: 19_800,
        lines: lines(['yellow_card', '办件超时（黄牌）', 1, -5], ['praise_letter', '收到表扬信', 2, 4]),
      },
      '700RSJ01': { ...SEPTEMBER['700RSJ01']!, rank: 12 },
      '700FGW01': { ...SEPTEMBER['700FGW01']!, rank: 13 },
    });
    expectWindows(month, {
      ...SEPTEMBER_WINDOWS,
      B01: { points: 99, rank: 9, annual: 19.8 },
      B09: { ...SEPTEMBER_WINDOWS['B09']!, rank: 10 },
      B08: { ...SEPTEMBER_WINDOWS['B08']!, rank: 11 },
      B03: { ...SEPTEMBER_WINDOWS['B03']!, rank: 12 },
    });

    // The voided fact is kept, marked; the added one is the correction's.
    const listed = await callUnary(supervisor, 'listAssessmentFacts', {
      hallId: city(),
      month: '2026-09',
      staffId: staff('700SCJG01'),
      pageSize: 100,
      pageToken: '',
    });
    expect(listed.facts.find((f) => f.id === yellowCardToVoid)).toMatchObject({
      code: 'yellow_card',
      voided: true,
      voidReason: `更正：${CORRECTION_REASON}`,
    });
    expect(listed.facts.filter((f) => f.code === 'yellow_card' && !f.voided)).toHaveLength(1);
    expect(listed.facts.find((f) => f.id === correction.addedFactIds[0])).toMatchObject({
      code: 'praise_letter',
      day: '2026-09-22',
      source: FS.FACT_SOURCE_CORRECTION,
      recordedByStaffId: staff('700GLB03'),
      voided: false,
    });

    // Public at once, with the correction; and told on the stream.
    const anyone = (await callUnary(t.anonymous(), 'getPublishedMonth', { hallId: city(), month: '2026-09' })).month;
    expect(anyone?.corrections).toEqual(month?.corrections);
    expect(resultOf(anyone, '700SCJG01').points).toBe(99);
    const onStream = await eventOn('evaluation.month.corrected', (m) => m.hallId === city() && m.month === '2026-09');
    expect(onStream.corrections).toEqual(month?.corrections);
  });

  it('the written notice of a published month to a department: its staff, reasons, windows and the correction', async () => {
    const supervisor = await t.as('700GLB03');
    const render = (departmentCode: string, format: string, month = '2026-09') =>
      callUnary(supervisor, 'renderAssessmentNotice', {
        hallId: city(),
        month,
        departmentId: department(departmentCode),
        format,
      });
    const html = await render('SCJG', 'html');
    expect(html.contentType).toMatch(/^text\/html/);
    const text = Buffer.from(html.content).toString('utf8');
    for (const expected of [
      '市市场监督管理局',
      '2026年9月',
      '赵文静',
      'B01窗口',
      '办件超时（黄牌） −5',
      '收到表扬信 +4',
      '计入部门年度考核19.8分',
      '更正说明',
      CORRECTION_REASON,
    ])
      expect(text).toContain(expected);
    // Another department's people are not in it.
    expect(text).not.toContain('邓雪梅');

    // 邓雪梅: 优秀 and best staff; her window a red flag.
    const best = Buffer.from((await render('ZJJ', 'html')).content).toString('utf8');
    for (const expected of ['邓雪梅', '110', '优秀（服务标兵）', '收到锦旗 +6', '信息投稿被采用 +5', '红旗窗口'])
      expect(best).toContain(expected);

    const pdf = await render('SCJG', 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.content).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.fileName).toMatch(/2026-09.*市市场监督管理局.*\.pdf$/);

    await refused(render('SCJG', 'html', '2026-07'), grpc.status.FAILED_PRECONDITION, 'not published');
    await invalid(render('SCJG', 'docx'), 'format');
  });

  // Liucheng (weighted indicators, weights summing to 100; 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 差 below; no quota;
  // 3 best staff from any not graded 差): the city hall's second rules version, in force from 2026-08.
  // An indicator's points: weight × clamp((value − floor) / (target − floor), 0, 1), the achievement to 4 decimals;
  // nothing to measure (no cases, no entered value): full weight.
  //
  // 赵文静 700SCJG01 completed 4 即办件 (statutory 3 working days, promised 0) in August, 3 of them rated:
  //   群众满意度 12 (target 1, floor 0.9): 2 satisfied of 3 = 0.6667 → below the floor → 0
  //   群众投诉率 8: 0 substantiated / 4 = 0 → 8
  //   两头受理事项 5 (0 .. 3): 1 → 2/3 = 0.6667 → 5 × 0.6667 = 3.3335 → 3.33
  //   违纪违规人次 5 (0 .. 2): 1 → 0.5 → 2.5
  //   现场缴费率 4 (1 .. 0.8): her department's latest entered rate, 90% (after 80%) → 0.5 → 2
  //   承诺提速率 6: no case with a promised limit → 6;  实际办结提速率 6 (0.6 .. 0): 1 − 1/3 ≥ 0.6 → 6
  //   信息公开率 2 (1 .. 0.9): her own 95% → 0.5 → 1
  //   评价率 8 (0.9 .. 0.5): 3 / 4 = 0.75 → 0.625 → 5
  //   the rest at full weight: 2 + 10 + 10 + 7 + 6 + 4 + 5 = 44
  //   0 + 8 + 3.33 + 2.5 + 2 + 6 + 6 + 1 + 5 + 44 = 77.83 → 合格
  // 胡红霞 700FGW01, no cases: 违纪 2 → 0 (of 5); 两头受理 3 → 0 (5); 超时办件 (yellow_card) 3 → 0 (10); 违反办件规定 3 → 0 (7);
  //   旷工 3 half-days (0 .. 4) → 0.25 → 1.5 (of 6); 即办件当场办结率 entered as 0 = 0% → 0 (10).
  //   100 − 5 − 5 − 10 − 7 − 4.5 − 10 = 58.5 → 差
  // Everyone else: 100, 优秀.
  it('Liucheng rules from 2026-08: indicators from cases, ratings and entered rates; a month graded 差 fails the year', async () => {
    const admin = await t.as('700GLB07');
    const supervisor = await t.as('700GLB03');
    const gateway = await t.gateway();
    const { rules } = await callUnary(admin, 'setAssessmentRules', {
      requestId: rid('rules'),
      rules: { ...liuchengRules(city()), effectiveFrom: '2026-08' },
    });
    expect(rules).toMatchObject({ version: 2, effectiveFrom: '2026-08' });
    const inForce = (month: string) => callUnary(supervisor, 'getAssessmentRules', { hallId: city(), month });
    expect(await inForce('2026-07')).toMatchObject({
      rules: { version: 1, method: pb.ScoringMethod.SCORING_METHOD_MONTHLY_POINTS },
      versions: [1, 2],
    });
    expect((await inForce('2026-08')).rules).toMatchObject({
      version: 2,
      method: pb.ScoringMethod.SCORING_METHOD_WEIGHTED_INDICATORS,
    });
    expect((await inForce('')).rules?.version).toBe(2);
    // September was closed under version 1 and keeps it.
    expect((await callUnary(supervisor, 'getMonth', { hallId: city(), month: '2026-09' })).month?.rulesVersion).toBe(1);

    // Four cases completed at B01 on Wednesday 2026-08-12, three rated at the window's device.
    const INDICATORS = ['整体满意度', '服务效率', '服务水平', '服务态度'];
    const cases = await at('2026-08-12T10:00:00+08:00', async () => {
      const done = [];
      for (const name of ['韩梅', '李雷', '王芳', '张伟']) done.push(await t.completedCase(name));
      for (const [c, level] of [
        [done[0]!, L.RATING_LEVEL_VERY_SATISFIED],
        [done[1]!, L.RATING_LEVEL_BASICALLY_SATISFIED],
        [done[2]!, L.RATING_LEVEL_DISSATISFIED],
      ] as const)
        await callUnary(
          gateway,
          'rate',
          pb.RateRequest.fromPartial({
            requestId: rid('rate'),
            caseId: c.caseId,
            channel: pb.RatingChannel.RATING_CHANNEL_WINDOW_DEVICE,
            scores: INDICATORS.map((indicator) => ({ indicator, level })),
            windowId: windowOf('B01'),
            staffId: staff('700SCJG01'),
          }),
        );
      return done;
    });
    // Whom each case counts for comes with case.case.opened, which may be read after case.case.completed.
    await waitFor(
      async () => {
        for (const c of cases) {
          const known = await t.evaluation.service.completedCase(c.caseId);
          if (known?.staffId !== staff('700SCJG01') || known.statutoryWorkingDays !== 3) return false;
        }
        return true;
      },
      { timeoutMs: 15_000, what: 'the four cases attributed to 700SCJG01' },
    );

    const { facts } = await callUnary(supervisor, 'recordAssessmentFacts', {
      requestId: rid('facts'),
      hallId: city(),
      facts: [
        staffFact('double_acceptance', '700SCJG01', '2026-08-18'),
        staffFact('violation', '700SCJG01', '2026-08-19'),
        staffFact('disclosure_rate', '700SCJG01', '2026-08-31', { quantity: 95 }),
        // Her department's rate, entered twice: the later day counts.
        pb.FactInput.fromPartial({
          code: 'on_site_payment_rate',
          day: '2026-08-05',
          departmentId: department('SCJG'),
          quantity: 80,
        }),
        pb.FactInput.fromPartial({
          code: 'on_site_payment_rate',
          day: '2026-08-25',
          departmentId: department('SCJG'),
          quantity: 90,
        }),
        staffFact('violation', '700FGW01', '2026-08-04'),
        staffFact('violation', '700FGW01', '2026-08-20'),
        staffFact('double_acceptance', '700FGW01', '2026-08-10', { quantity: 3 }),
        staffFact('yellow_card', '700FGW01', '2026-08-13', { quantity: 3 }),
        staffFact('rule_breach', '700FGW01', '2026-08-14', { quantity: 3 }),
        staffFact('absent_half_day', '700FGW01', '2026-08-17', { quantity: 3 }),
        // An entered rate of 0 is 0%, not "one".
        staffFact('instant_completion_rate', '700FGW01', '2026-08-31', { quantity: 0 }),
      ],
    });
    expect(facts.find((f) => f.code === 'instant_completion_rate')?.quantity).toBe(0);
    expect(facts.find((f) => f.code === 'violation' && f.staffId === staff('700SCJG01'))?.quantity).toBe(1);

    const { month } = await callUnary(supervisor, 'closeMonth', {
      requestId: rid('close'),
      hallId: city(),
      month: '2026-08',
    });
    expect(month).toMatchObject({ status: MS.MONTH_STATUS_CLOSED, rulesVersion: 2 });

    const indicatorsOf = (employeeNo: string) =>
      Object.fromEntries(resultOf(month, employeeNo).indicators.map((i) => [i.code, i]));
    const zhao = resultOf(month, '700SCJG01');
    expect(zhao).toMatchObject({ points: 77.83, grade: '合格', failed: false, lines: [] });
    const zhaoIndicators = indicatorsOf('700SCJG01');
    expect(zhaoIndicators).toMatchObject({
      satisfaction: { value: 0.6667, achievement: 0, points: 0 },
      complaint_rate: { value: 0, achievement: 1, points: 8 },
      double_acceptance: { value: 1, achievement: 0.6667, points: 3.33 },
      violations: { value: 1, achievement: 0.5, points: 2.5 },
      on_site_payment: { value: 0.9, achievement: 0.5, points: 2 },
      commitment_speed_up: { value: 0, achievement: 1, points: 6 },
      // Its value is 1 − 1/3 when case.case.opened was read first (the accepted time known), else unmeasured:
      // full weight either way, so only the points are asserted.
      actual_speed_up: { achievement: 1, points: 6 },
      disclosure: { value: 0.95, achievement: 0.5, points: 1 },
      information_request: { achievement: 1, points: 2 },
      overdue_cases: { value: 0, achievement: 1, points: 10 },
      instant_completion: { achievement: 1, points: 10 },
      rating_rate: { value: 0.75, achievement: 0.625, points: 5 },
      rule_breaches: { points: 7 },
      absences: { points: 6 },
      lateness: { points: 4 },
      training: { points: 5 },
    });
    expect(Object.keys(zhaoIndicators)).toHaveLength(16);

    const hu = resultOf(month, '700FGW01');
    expect(hu).toMatchObject({ points: 58.5, grade: '差', failed: true, candidate: false, bestStaff: false });
    expect(indicatorsOf('700FGW01')).toMatchObject({
      satisfaction: { achievement: 1, points: 12 },
      double_acceptance: { value: 3, achievement: 0, points: 0 },
      violations: { value: 2, achievement: 0, points: 0 },
      overdue_cases: { value: 3, achievement: 0, points: 0 },
      rule_breaches: { value: 3, achievement: 0, points: 0 },
      absences: { value: 3, achievement: 0.25, points: 1.5 },
      instant_completion: { value: 0, achievement: 0, points: 0 },
      on_site_payment: { achievement: 1, points: 4 },
    });
    // The eleven others: full marks. 胡红霞 last; the three best staff are three of the eleven (which three is
    // decided among equals by staff id, which the demo directory assigns: not asserted).
    const others = ROSTER.filter((no) => no !== '700SCJG01' && no !== '700FGW01');
    for (const no of others) expect(resultOf(month, no)).toMatchObject({ points: 100, grade: '优秀', rank: 1 });
    expect(zhao.rank).toBe(12);
    expect(hu.rank).toBe(13);
    const best = month!.staff.filter((s) => s.bestStaff);
    expect(best).toHaveLength(3);
    expect(best.every((s) => s.points === 100)).toBe(true);
    // No red flags, and no share of the department's year under these rules.
    expect(month!.windows.some((w) => w.redFlag || w.departmentAnnualPoints !== 0)).toBe(false);
    expect(windowResultOf(month, 'B03').points).toBe(58.5);

    // The year (average, as both versions say): 胡红霞 (58.5 + 93) / 2 = 75.75, failed by August (一月差，全年不合格);
    // 赵文静 (77.83 + 99) / 2 = 88.415 → 88.42.
    const year = await callUnary(supervisor, 'getYearSummary', { hallId: city(), year: 2026 });
    expect(year.staff).toHaveLength(ROSTER.length);
    const yearOf = (no: string) => year.staff.find((s) => s.staffId === staff(no));
    expect(yearOf('700FGW01')).toMatchObject({
      months: 2,
      points: 75.75,
      poorMonths: ['2026-08'],
      failsYear: true,
      awardEligible: false,
      bestStaffMonths: 0,
    });
    expect(yearOf('700SCJG01')).toMatchObject({
      months: 2,
      points: 88.42,
      poorMonths: [],
      failsYear: false,
      awardEligible: true,
      bestStaffMonths: 0,
    });
  });

  it('bad rules, the wrong callers and an unknown employee number are refused', async () => {
    const admin = await t.as('700GLB07');
    const supervisor = await t.as('700GLB03');
    const clerk = await t.as('700SCJG01');
    const zhangzhou = zhangzhouRules(city());
    await invalid(
      callUnary(admin, 'setAssessmentRules', {
        requestId: rid('rules'),
        rules: { ...zhangzhou, pointRules: [{ ...zhangzhou.pointRules[0]!, code: 'Yellow Card' }] },
      }),
      'rules.point_rules[0].code',
    );
    const liucheng = liuchengRules(city());
    const badIndicators = await invalid(
      callUnary(admin, 'setAssessmentRules', {
        requestId: rid('rules'),
        rules: {
          ...liucheng,
          effectiveFrom: '2026-13',
          indicators: liucheng.indicators.map((ind, i) => (i === 2 ? { ...ind, weight: 0 } : ind)),
        },
      }),
      'rules.indicators[2].weight',
    );
    expect(fieldViolationsOf(badIndicators).map((v) => v.field)).toContain('rules.effective_from');
    // Nothing was stored by the refusals: still two versions.
    expect((await callUnary(supervisor, 'getAssessmentRules', { hallId: city(), month: '' })).versions).toEqual([1, 2]);

    await refused(
      callUnary(supervisor, 'setAssessmentRules', { requestId: rid('rules'), rules: zhangzhou }),
      grpc.status.PERMISSION_DENIED,
      'role administrator',
    );
    await refused(
      callUnary(admin, 'setAssessmentRules', {
        requestId: rid('rules'),
        rules: zhangzhouRules(t.under.demo.halls['district']!),
      }),
      grpc.status.PERMISSION_DENIED,
      'another hall',
    );
    await refused(
      callUnary(clerk, 'closeMonth', { requestId: rid('close'), hallId: city(), month: '2026-07' }),
      grpc.status.PERMISSION_DENIED,
      'role supervisor or administrator',
    );
    await refused(
      callUnary(clerk, 'recordAssessmentFacts', {
        requestId: rid('facts'),
        hallId: city(),
        facts: [staffFact('praise_letter', '700SCJG01', '2026-10-09')],
      }),
      grpc.status.PERMISSION_DENIED,
    );

    // Line 1 is the header. 705QSCJ01 is real, but of the district hall: not an employee number of this one.
    const error = await invalid(
      callUnary(supervisor, 'importAttendance', {
        requestId: rid('csv'),
        hallId: city(),
        csv: [
          '工号,姓名,日期,上班打卡,下班打卡,备注',
          '700SCJG01,赵文静,2026-10-09,09:20,17:00,',
          '700XX99,王五,2026-10-09,08:50,17:00,',
          '705QSCJ01,段立新,2026-10-09,08:50,17:00,',
        ].join('\n'),
      }),
      'csv[3].工号',
    );
    expect(fieldViolationsOf(error)).toEqual([
      { field: 'csv[3].工号', description: 'unknown employee number "700XX99" (王五)' },
      { field: 'csv[4].工号', description: 'unknown employee number "705QSCJ01" (段立新)' },
    ]);
    // The whole file was refused: 赵文静's late arrival on line 2 was not recorded.
    const october = await callUnary(supervisor, 'listAssessmentFacts', {
      hallId: city(),
      month: '2026-10',
      staffId: staff('700SCJG01'),
      pageSize: 500,
      pageToken: '',
    });
    expect(october.facts.some((f) => f.code === 'late')).toBe(false);
  });

  /** An EvaluationService client for a supervisor of the district hall (a deputy leader given the role). */
  async function supervisorOfTheDistrict(): Promise<pb.EvaluationServiceClient> {
    const token = await t.under.intake.signer.signStaff({
      staffId: t.under.demo.staff['705QSCJ04']!,
      roles: ['supervisor'],
      departmentId: t.under.demo.departments['district/QSCJ']!,
      hallId: t.under.demo.halls['district']!,
      regionCode: t.region,
    });
    return new pb.EvaluationServiceClient(`127.0.0.1:${t.evaluation.grpcPort}`, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(token)],
    });
  }
});
