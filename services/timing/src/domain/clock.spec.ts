import { WorkingCalendar, defaultNationalSchedules, type TimeLimit, type YearSchedule } from '@govhall/calendar';
import { timingV1 } from '@govhall/contracts';
import {
  extend,
  fireDue,
  newClock,
  pause,
  remainingWorkingMs,
  replan,
  resume,
  stop,
  type ClockState,
  type Step,
} from './clock';
import { defaultHallRules, ladderPlanner, ruleViolations } from './ladder';

const HOURS = {
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
};
const national = new WorkingCalendar({
  regionCode: '370700',
  workingHours: HOURS,
  schedules: defaultNationalSchedules(),
});
const wuhu = ladderPlanner(defaultHallRules('hall-1').ladder!);
const at = (local: string): Date => new Date(`${local}+08:00`);
const H = 3_600_000;

function stageClock(start: string, budget: TimeLimit, calendar = national): ClockState {
  return replan(
    newClock(
      'clock-1',
      {
        kind: 'stage',
        key: 'stage:case-1:2',
        caseId: 'case-1',
        caseNumber: 'SP-1',
        registrationId: '',
        itemId: 'item-1',
        itemName: '食品经营许可',
        applicantId: 'applicant-1',
        stage: 'PROCESS_STAGE_REVIEW',
        stageSeq: 2,
        subtaskCode: '',
        hallId: 'hall-1',
        departmentId: 'dept-1',
        windowId: 'window-1',
        handlerStaffId: 'staff-1',
      },
      budget,
      at(start),
    ),
    calendar,
    wuhu,
  );
}

/** Fires until nothing more is due at `now` (the loop's batches, one step per clock each). */
function fireAll(clock: ClockState, now: Date): { clock: ClockState; alerts: Step[] } {
  const alerts: Step[] = [];
  let current = clock;
  for (;;) {
    const fired = fireDue(current, now);
    current = fired.clock;
    if (fired.alerts.length === 0) return { clock: current, alerts };
    alerts.push(...fired.alerts);
  }
}

const stepAt = (clock: ClockState, code: string): string | undefined => clock.steps.find((s) => s.code === code)?.at;
const days = (amount: number): TimeLimit => ({ amount, unit: 'working_days' });

describe('the alert ladder across holidays, weekends and make-up days (Wuhu, working time)', () => {
  it('plans 催办 at 80% of the budget, a reminder at due, yellow just after due, red one working day later', () => {
    // Mon 28 Sep 10:00 + 3 working days: 29 Sep, 30 Sep, then National Day, then Thu 8 Oct (day 3) 17:30.
    const clock = stageClock('2026-09-28T10:00', days(3));
    expect(clock.dueAt).toEqual(at('2026-10-08T17:30'));
    // Budget 26.5 working hours; 80% = 21.2 h: 5.5 + 7 + 7 on 28–30 Sep, 1.7 h into 8 Oct = 10:12.
    expect(stepAt(clock, 'pre:0')).toBe(at('2026-10-08T10:12').toISOString());
    expect(stepAt(clock, 'due')).toBe(at('2026-10-08T17:30').toISOString());
    expect(stepAt(clock, 'yellow')).toBe(new Date(at('2026-10-08T17:30').getTime() + 1).toISOString());
    expect(stepAt(clock, 'red')).toBe(at('2026-10-09T17:30').toISOString());
    expect(clock.nextFireAt).toEqual(at('2026-10-08T10:12'));
  });

  it('fires no red card during National Day: due on 30 September, the red card waits for 8 October', () => {
    const clock = stageClock('2026-09-29T09:00', days(1));
    expect(clock.dueAt).toEqual(at('2026-09-30T17:30'));
    expect(stepAt(clock, 'red')).toBe(at('2026-10-08T17:30').toISOString());
    for (const day of ['2026-10-01', '2026-10-03', '2026-10-05', '2026-10-07']) {
      const fired = fireAll(fireAll(clock, at('2026-09-30T17:31')).clock, at(`${day}T23:59`));
      expect(fired.alerts.map((a) => a.level)).toEqual([]);
    }
    const red = fireAll(fireAll(clock, at('2026-09-30T17:31')).clock, at('2026-10-08T17:30'));
    expect(red.alerts.map((a) => a.level)).toEqual(['red']);
  });

  it('counts the make-up working Saturday (10 October 2026): red on Saturday, not Monday', () => {
    const clock = stageClock('2026-10-08T09:00', days(1));
    expect(clock.dueAt).toEqual(at('2026-10-09T17:30'));
    expect(stepAt(clock, 'red')).toBe(at('2026-10-10T17:30').toISOString());
  });

  it('skips a weekend: due Friday, red on Monday', () => {
    const clock = stageClock('2026-10-15T09:00', days(1));
    expect(clock.dueAt).toEqual(at('2026-10-16T17:30'));
    expect(stepAt(clock, 'red')).toBe(at('2026-10-19T17:30').toISOString());
  });

  it('gives no yellow card at the due instant itself, one the millisecond after', () => {
    const clock = stageClock('2026-10-15T09:00', days(1));
    const early = fireDue(clock, new Date(clock.steps[0]!.at));
    expect(early.alerts.map((a) => a.level)).toEqual(['reminder']);
    const atDue = fireDue(early.clock, at('2026-10-16T17:30'));
    expect(atDue.alerts.map((a) => a.level)).toEqual(['reminder']);
    const after = fireDue(atDue.clock, new Date(at('2026-10-16T17:30').getTime() + 1));
    expect(after.alerts.map((a) => a.level)).toEqual(['yellow']);
    expect(after.clock.nextFireAt).toEqual(at('2026-10-19T17:30'));
  });

  it('catches up after downtime: cards fire in order, a pre-due warning already past due is recorded as skipped', () => {
    const clock = stageClock('2026-10-12T10:00', days(2));
    // One step per call, due first: the reminder at due, then yellow, then red.
    expect(fireDue(clock, at('2026-10-20T09:00')).alerts.map((a) => a.level)).toEqual(['reminder']);
    const late = fireAll(clock, at('2026-10-20T09:00'));
    expect(late.alerts.map((a) => a.level)).toEqual(['reminder', 'yellow', 'red']);
    expect(late.clock.steps.find((s) => s.code === 'pre:0')).toMatchObject({ skipped: true });
    expect(late.clock.firedSteps).toBe(late.clock.steps.length);
    expect(late.clock.nextFireAt).toBeUndefined();
    expect(fireDue(late.clock, at('2026-10-21T09:00')).alerts).toEqual([]);
  });
});

describe('pauses and extensions', () => {
  it('moves the due instant by the working time paused (补正 / 特别程序), and fires nothing while paused', () => {
    // Mon 12 Oct 10:00 + 3 working days → Thu 15 Oct 17:30.
    const clock = stageClock('2026-10-12T10:00', days(3));
    expect(clock.dueAt).toEqual(at('2026-10-15T17:30'));
    const paused = pause(clock, at('2026-10-13T14:00'));
    expect(paused.status).toBe('paused');
    expect(paused.nextFireAt).toBeUndefined();
    expect(fireDue(paused, at('2026-10-30T09:00')).alerts).toEqual([]);
    // Paused 13 Oct 14:00–17:30 and 14 Oct 08:30–12:00: 7 working hours.
    const resumed = resume(paused, at('2026-10-14T14:00'), national, wuhu);
    expect(resumed.status).toBe('running');
    expect(resumed.pausedWorkingMs).toBe(7 * H);
    expect(resumed.dueAt).toEqual(at('2026-10-16T17:30'));
    expect(stepAt(resumed, 'red')).toBe(at('2026-10-19T17:30').toISOString());
    // Remaining at the pause is what is left after resuming at the same working position.
    expect(remainingWorkingMs(paused, at('2026-10-20T09:00'), national)).toBe(
      national.workingTimeBetween(at('2026-10-13T14:00'), at('2026-10-15T17:30')),
    );
  });

  it('adds up two pauses, a pause over a weekend counting no weekend hours', () => {
    const clock = stageClock('2026-10-12T10:00', days(5));
    expect(clock.dueAt).toEqual(at('2026-10-19T17:30'));
    const once = resume(pause(clock, at('2026-10-16T17:00')), at('2026-10-19T09:00'), national, wuhu);
    // Fri 17:00–17:30 and Mon 08:30–09:00: 1 working hour over the weekend.
    expect(once.pausedWorkingMs).toBe(1 * H);
    const twice = resume(pause(once, at('2026-10-19T10:00')), at('2026-10-19T11:00'), national, wuhu);
    expect(twice.pausedWorkingMs).toBe(2 * H);
    expect(twice.dueAt).toEqual(national.addWorkingTime(at('2026-10-19T17:30'), 2 * H));
  });

  it('extends a promised clock by whole working days from its due instant, keeping steps already fired', () => {
    const clock = stageClock('2026-10-12T10:00', days(3));
    const reminded = fireDue(clock, at('2026-10-15T12:00'));
    expect(reminded.alerts.map((a) => a.level)).toEqual(['reminder']);
    const extended = extend(reminded.clock, days(2), at('2026-10-15T15:00'), national, wuhu);
    expect(extended.dueAt).toEqual(at('2026-10-19T17:30'));
    expect(extended.steps.filter((s) => s.code === 'pre:0')).toHaveLength(1);
    expect(extended.steps[0]).toMatchObject({ code: 'pre:0', fired: true });
    expect(extended.nextFireAt).toEqual(at('2026-10-19T17:30'));
  });

  it('stops: an on-time stop is not overdue and fires nothing more', () => {
    const clock = stageClock('2026-10-12T10:00', days(3));
    const stopped = stop(clock, at('2026-10-15T17:30'));
    expect(stopped).toMatchObject({ status: 'stopped', overdue: false });
    expect(stopped.nextFireAt).toBeUndefined();
    expect(fireDue(stopped, at('2026-11-30T09:00')).alerts).toEqual([]);
    expect(stop(clock, at('2026-10-15T17:31')).overdue).toBe(true);
  });
});

describe('a year with no calendar data', () => {
  const only2026 = new WorkingCalendar({
    regionCode: '370700',
    workingHours: HOURS,
    schedules: defaultNationalSchedules().filter((s) => s.year === 2026),
  });
  const provisional2027: YearSchedule = {
    regionCode: '000000',
    year: 2027,
    holidays: [{ date: '2027-01-01', name: '元旦' }],
    makeUpWorkdays: [],
    version: 'test',
  };

  it('parks a clock whose due instant falls in the missing year, then plans it once the year is loaded', () => {
    const parked = stageClock('2026-12-29T10:00', days(5), only2026);
    expect(parked).toMatchObject({ status: 'parked', parkedYear: 2027 });
    expect(parked.dueAt).toBeUndefined();
    expect(parked.nextFireAt).toBeUndefined();
    const loaded = new WorkingCalendar({
      regionCode: '370700',
      workingHours: HOURS,
      schedules: [...defaultNationalSchedules().filter((s) => s.year === 2026), provisional2027],
    });
    const planned = replan(parked, loaded, wuhu);
    // 30, 31 Dec, then 1 Jan is 元旦, 4, 5, 6 Jan: the fifth working day is Wed 6 Jan 2027.
    expect(planned.status).toBe('running');
    expect(planned.dueAt).toEqual(at('2027-01-06T17:30'));
    expect(planned.parkedYear).toBeUndefined();
  });
});

describe('hall rules', () => {
  it('accepts the defaults and names every bad field', () => {
    expect(ruleViolations(defaultHallRules('h').ladder)).toEqual([]);
    const bad = ruleViolations({
      preDue: [
        {
          level: timingV1.AlertLevel.ALERT_LEVEL_RED_CARD,
          percentOfBudget: 150,
          workingHoursBeforeDue: 0,
          clockKinds: [],
        },
        {
          level: timingV1.AlertLevel.ALERT_LEVEL_PRE_WARNING,
          percentOfBudget: 0,
          workingHoursBeforeDue: 0,
          clockKinds: [],
        },
      ],
      remindAtDue: true,
      cardClockKinds: [timingV1.ClockKind.CLOCK_KIND_UNSPECIFIED],
      redAfterWorkingDays: 0,
      preWarnChiefRepresentative: false,
      preWarnDeputyLeader: false,
    }).map((v) => v.field);
    expect(bad).toEqual(
      expect.arrayContaining([
        'ladder.pre_due[0].level',
        'ladder.pre_due[0].percent_of_budget',
        'ladder.pre_due[1].percent_of_budget',
        'ladder.pre_warn_deputy_leader',
        'ladder.card_clock_kinds[0]',
        'ladder.red_after_working_days',
      ]),
    );
  });

  it('plans Xi’an’s pre-warning 4 working hours before due to the chief representative and deputy leader', () => {
    const xian = ladderPlanner({
      ...defaultHallRules('h').ladder!,
      preDue: [
        {
          level: timingV1.AlertLevel.ALERT_LEVEL_PRE_WARNING,
          percentOfBudget: 0,
          workingHoursBeforeDue: 4,
          clockKinds: [],
        },
      ],
    });
    const steps = xian.plan('promised', at('2026-10-12T10:00'), at('2026-10-15T17:30'), national);
    expect(steps[0]).toMatchObject({
      level: 'pre_warning',
      to: ['chief_representative', 'deputy_leader'],
    });
    // 4 working hours before 17:30: 14:00–17:30 is 3.5 h, the last half hour before noon: 11:30.
    expect(steps[0]!.at).toBe(at('2026-10-15T11:30').toISOString());
  });
});
