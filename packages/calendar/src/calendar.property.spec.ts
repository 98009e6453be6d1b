import { isWorkday } from 'chinese-days';
import fc from 'fast-check';
import type { LimitUnit } from './calendar';
import { WorkingCalendar } from './calendar';
import { defaultNationalSchedules } from './default-schedule';
import type { WorkingHours } from './working-hours';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET = 8 * HOUR;

const HALL_HOURS: WorkingHours = {
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
};
const schedules = defaultNationalSchedules();
const hall = new WorkingCalendar({ regionCode: '340200', workingHours: HALL_HOURS, schedules });

const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Any valid working hours: 1 to 4 ordered periods on minute marks; periods may touch. */
const workingHoursArb: fc.Arbitrary<WorkingHours> = fc
  .uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 2, maxLength: 8 })
  .map((marks) => marks.sort((a, b) => a - b).slice(0, marks.length - (marks.length % 2)))
  .chain((marks) =>
    fc.array(fc.boolean(), { minLength: marks.length / 2, maxLength: marks.length / 2 }).map((touch) => {
      const periods: { start: string; end: string }[] = [];
      for (let i = 0; i < marks.length; i += 2) {
        const previous = periods[periods.length - 1];
        // Sometimes start where the previous period ended, to exercise touching periods.
        const start = previous && touch[i / 2] ? toMinutes(previous.end) : (marks[i] ?? 0);
        periods.push({ start: hhmm(start), end: hhmm(marks[i + 1] ?? 1440) });
      }
      return { periods };
    }),
  );

function toMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The standard hall, or a hall with random hours. Generated as hours (small counterexamples), built when used. */
const hoursArb: fc.Arbitrary<WorkingHours> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(HALL_HOURS) },
  { weight: 1, arbitrary: workingHoursArb },
);
const built = new Map<string, WorkingCalendar>();
function calendarFor(workingHours: WorkingHours): WorkingCalendar {
  const key = JSON.stringify(workingHours);
  let calendar = built.get(key);
  if (!calendar) {
    calendar = new WorkingCalendar({ regionCode: '340200', workingHours, schedules });
    built.set(key, calendar);
  }
  return calendar;
}

// Local days 2004-01-01 .. 2025-06-30, leaving room to add about a year without leaving the data.
const firstDay = Date.UTC(2004, 0, 1) / DAY;
const lastDay = Date.UTC(2025, 5, 30) / DAY;
const BOUNDARIES = [0, 8.5 * HOUR, 12 * HOUR, 14 * HOUR, 17.5 * HOUR, 24 * HOUR - 1]
  .flatMap((t) => [t - 1, t, t + 1])
  .filter((t) => t >= 0 && t < DAY);
/** An instant, often on or next to a period boundary of the standard hall hours. */
const instantArb: fc.Arbitrary<Date> = fc
  .tuple(
    fc.integer({ min: firstDay, max: lastDay }),
    fc.oneof(
      fc.integer({ min: 0, max: DAY - 1 }),
      fc.constantFrom(...BOUNDARIES),
      fc.integer({ min: 0, max: 24 * 60 - 1 }).map((m) => m * MINUTE),
    ),
  )
  .map(([day, timeOfDay]) => new Date(day * DAY - OFFSET + timeOfDay));
/** Working time up to 400 hours, in whole ms, often whole minutes; see {@link fit}. */
const amountArb = fc.oneof(
  fc.integer({ min: 0, max: 400 * HOUR }),
  fc.integer({ min: 0, max: 400 * 60 }).map((m) => m * MINUTE),
);
/** At most 200 working days of the calendar's working time, so that a hall open one minute a day stays inside the data. */
const fit = (calendar: WorkingCalendar, amount: number): number => amount % (200 * calendar.workingDayLength + 1);

const localDay = (instant: Date): number => Math.floor((instant.getTime() + OFFSET) / DAY);
const timeOfDay = (instant: Date): number => instant.getTime() + OFFSET - localDay(instant) * DAY;
const isoOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** Independent oracle: the working ms between two instants, day by day, with chinese-days' own isWorkday. */
function naiveWorkingMs(hours: WorkingHours, from: number, to: number): number {
  let total = 0;
  for (let day = Math.floor((from + OFFSET) / DAY); day <= Math.floor((to + OFFSET) / DAY); day++) {
    if (!isWorkday(isoOf(day))) continue;
    const midnight = day * DAY - OFFSET;
    for (const period of hours.periods) {
      const start = Math.max(from, midnight + toMinutes(period.start) * MINUTE);
      const end = Math.min(to, midnight + toMinutes(period.end) * MINUTE);
      if (end > start) total += end - start;
    }
  }
  return total;
}

function isWorkingTimeOfDay(calendar: WorkingCalendar, instant: Date): boolean {
  const t = timeOfDay(instant);
  return calendar.workingHours.periods.some((p) => t >= toMinutes(p.start) * MINUTE && t < toMinutes(p.end) * MINUTE);
}

describe('WorkingCalendar properties (national data 2004–2026)', () => {
  it('addWorkingDays(n) lands n working days later, on a working day, at the same time of day', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 250 }), (x, n) => {
        const y = hall.addWorkingDays(x, n);
        expect(hall.workingDaysBetween(x, y)).toBe(n);
        expect(hall.workingDaysBetween(y, x)).toBe(0 - n);
        expect(timeOfDay(y)).toBe(timeOfDay(x));
        if (n > 0) expect(hall.isWorkingDay(y)).toBe(true);
        // Every day strictly between the n-1-th and n-th working day is a day off: compare with chinese-days.
        if (n > 0) {
          const previous = hall.addWorkingDays(x, n - 1);
          for (let d = localDay(previous) + 1; d < localDay(y); d++) expect(isWorkday(isoOf(d))).toBe(false);
        }
      }),
    );
  });

  it('adding working time is additive and monotonic, and lands inside a working period', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, amountArb, amountArb, (hours, x, a, b) => {
        const calendar = calendarFor(hours);
        [a, b] = [fit(calendar, a), fit(calendar, b)];
        const afterA = calendar.addWorkingTime(x, a);
        const afterBoth = calendar.addWorkingTime(afterA, b);
        expect(afterBoth.getTime()).toBe(calendar.addWorkingTime(x, a + b).getTime());
        expect(afterA.getTime()).toBeGreaterThanOrEqual(x.getTime());
        expect(afterBoth.getTime()).toBeGreaterThanOrEqual(afterA.getTime());
        if (a > 0) {
          // A result is the end of a slice of working time: the millisecond before it was working time.
          const lastMs = new Date(afterA.getTime() - 1);
          expect(calendar.isWorkingDay(lastMs)).toBe(true);
          expect(isWorkingTimeOfDay(calendar, lastMs)).toBe(true);
        }
      }),
    );
  });

  it('a later start never gives an earlier result', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 30 * DAY }), amountArb, (x, shift, h) => {
        const later = new Date(x.getTime() + shift);
        expect(hall.addWorkingTime(later, h).getTime()).toBeGreaterThanOrEqual(hall.addWorkingTime(x, h).getTime());
      }),
    );
  });

  it('workingTimeBetween(x, addWorkingTime(x, h)) === h === remainingWorkingTime(x, due)', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, amountArb, (hours, x, h) => {
        const calendar = calendarFor(hours);
        h = fit(calendar, h);
        const due = calendar.addWorkingTime(x, h);
        expect(calendar.workingTimeBetween(x, due)).toBe(h);
        expect(calendar.remainingWorkingTime(x, due)).toBe(h);
        expect(calendar.remainingWorkingTime(due, x)).toBe(0 - h);
      }),
    );
  });

  it('workingTimeBetween agrees with a day-by-day count on chinese-days', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, fc.integer({ min: 0, max: 40 * DAY }), (hours, x, span) => {
        const calendar = calendarFor(hours);
        const to = new Date(x.getTime() + span);
        expect(calendar.workingTimeBetween(x, to)).toBe(
          naiveWorkingMs(calendar.workingHours, x.getTime(), to.getTime()),
        );
      }),
    );
  });

  it('pauses never increase the elapsed time, overlaps are not counted twice, a full pause leaves nothing', () => {
    const pauseArb = fc.tuple(
      fc.integer({ min: -5 * DAY, max: 45 * DAY }),
      fc.integer({ min: 0, max: 10 * DAY }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        instantArb,
        fc.integer({ min: 0, max: 40 * DAY }),
        fc.array(pauseArb, { maxLength: 5 }),
        pauseArb,
        (x, span, pauses, extra) => {
          const from = x.getTime();
          const to = new Date(from + span);
          const toPause = ([offset, length, running]: [number, number, boolean]) => ({
            start: new Date(from + offset),
            end: running ? null : new Date(from + offset + length),
          });
          const paused = pauses.map(toPause);
          const plain = hall.workingTimeBetween(x, to);
          const withPauses = hall.workingTimeBetween(x, to, paused);
          expect(withPauses).toBeGreaterThanOrEqual(0);
          expect(withPauses).toBeLessThanOrEqual(plain);
          expect(hall.workingTimeBetween(x, to, [...paused, toPause(extra)])).toBeLessThanOrEqual(withPauses);
          expect(hall.workingTimeBetween(x, to, [...paused, ...paused])).toBe(withPauses);
          expect(hall.workingTimeBetween(x, to, [...paused, { start: x, end: to }])).toBe(0);
          // What the pauses take from the elapsed time, they give back to the remaining time.
          const sinceFrom = paused
            .filter((p) => p.end === null || p.end >= x)
            .map((p) => ({ start: p.start < x ? x : p.start, end: p.end }));
          expect(hall.remainingWorkingTime(to, to, sinceFrom)).toBe(plain - withPauses);
        },
      ),
    );
  });

  it('day limits are due at the close of a working day; working-day limits count exactly N days', () => {
    const unitArb = fc.constantFrom<LimitUnit>('working_days', 'natural_days');
    fc.assert(
      fc.property(hoursArb, instantArb, fc.integer({ min: 0, max: 200 }), unitArb, (hours, start, n, unit) => {
        const calendar = calendarFor(hours);
        const due = calendar.dueInstant(start, { amount: n, unit });
        // The close may be 24:00, i.e. 00:00 of the next day: look at the millisecond before it.
        const lastMs = new Date(due.getTime() - 1);
        const dueDay = localDay(lastMs);
        const periods = calendar.workingHours.periods;
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        expect(calendar.isWorkingDay(isoOf(dueDay))).toBe(true);
        expect(due.getTime() - (dueDay * DAY - OFFSET)).toBe(toMinutes(periods[periods.length - 1]!.end) * MINUTE);
        if (unit === 'working_days' && n > 0) expect(calendar.workingDaysBetween(start, lastMs)).toBe(n);
        if (unit === 'natural_days' && n > 0) {
          // The N-th day, or the first working day after it when it is a day off.
          const nth = localDay(start) + n;
          expect(dueDay).toBeGreaterThanOrEqual(nth);
          for (let d = nth; d < dueDay; d++) expect(calendar.isWorkingDay(isoOf(d))).toBe(false);
        }
      }),
    );
  });

  describe('half working days', () => {
    /** Half of the hours' working time per day, summed here from the periods, not taken from the calendar. */
    const halfDayOf = (hours: WorkingHours): number =>
      hours.periods.reduce((sum, p) => sum + (toMinutes(p.end) - toMinutes(p.start)) * MINUTE, 0) / 2;
    const due = (calendar: WorkingCalendar, start: Date, amount: number): Date =>
      calendar.dueInstant(start, { amount, unit: 'working_days' });
    /** 0 to 199 whole working days. */
    const wholeArb = fc.integer({ min: 0, max: 199 });

    it('N + 0.5 and another half day make N + 1; N (≥ 1) and a half day make N + 0.5', () => {
      fc.assert(
        fc.property(hoursArb, instantArb, wholeArb, (hours, start, n) => {
          const calendar = calendarFor(hours);
          const half = halfDayOf(hours);
          const withHalf = due(calendar, start, n + 0.5);
          expect(calendar.addWorkingTime(withHalf, half).getTime()).toBe(due(calendar, start, n + 1).getTime());
          expect(calendar.workingTimeBetween(withHalf, due(calendar, start, n + 1))).toBe(half);
          if (n >= 1) expect(calendar.addWorkingTime(due(calendar, start, n), half).getTime()).toBe(withHalf.getTime());
        }),
      );
    });

    it('is strictly monotonic in the amount from 0.5 up; 0 is earlier than 0.5 exactly when the hall is open', () => {
      fc.assert(
        fc.property(
          hoursArb,
          instantArb,
          fc.integer({ min: 1, max: 399 }),
          // Often the next half or whole day, where a slip of one day would show.
          fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 399 })),
          (hours, start, halves, more) => {
            const calendar = calendarFor(hours);
            const [low, high] = [halves / 2, Math.min(halves + more, 400) / 2];
            expect(due(calendar, start, low).getTime()).toBeLessThan(due(calendar, start, high).getTime());
            const periods = hours.periods;
            const open =
              isWorkday(isoOf(localDay(start))) &&
              timeOfDay(start) < toMinutes(periods[periods.length - 1]!.end) * MINUTE;
            expect(due(calendar, start, 0).getTime() < due(calendar, start, 0.5).getTime()).toBe(open);
          },
        ),
      );
    });

    it('N + 0.5 ends inside the working hours of the (N + 1)-th working day, after half its working time', () => {
      fc.assert(
        fc.property(hoursArb, instantArb, wholeArb, (hours, start, n) => {
          const calendar = calendarFor(hours);
          const half = halfDayOf(hours);
          const result = due(calendar, start, n + 0.5);
          // The millisecond before the result is working time on a working day (chinese-days' own answer).
          const lastMs = new Date(result.getTime() - 1);
          expect(isWorkday(isoOf(localDay(lastMs)))).toBe(true);
          expect(isWorkingTimeOfDay(calendar, lastMs)).toBe(true);
          expect(calendar.workingDaysBetween(start, lastMs)).toBe(n + 1);
          // Day-by-day oracle: half of that day's working time before the result, half after it.
          const midnight = localDay(lastMs) * DAY - OFFSET;
          expect(naiveWorkingMs(hours, midnight, result.getTime())).toBe(half);
          expect(naiveWorkingMs(hours, result.getTime(), midnight + DAY)).toBe(half);
        }),
      );
    });

    it('only the local date of the start matters, not its time of day', () => {
      fc.assert(
        fc.property(
          hoursArb,
          instantArb,
          fc.integer({ min: 0, max: DAY - 1 }),
          fc.integer({ min: 1, max: 400 }),
          (hours, start, otherTime, halves) => {
            const calendar = calendarFor(hours);
            const sameDay = new Date(localDay(start) * DAY - OFFSET + otherTime);
            expect(due(calendar, sameDay, halves / 2).getTime()).toBe(due(calendar, start, halves / 2).getTime());
          },
        ),
      );
    });
  });

  it('working-hour limits equal addWorkingHours; natural-hour limits are plain arithmetic', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 2000 }), (start, quarterHours) => {
        const hours = quarterHours / 4;
        expect(hall.dueInstant(start, { amount: hours, unit: 'working_hours' }).getTime()).toBe(
          hall.addWorkingHours(start, hours).getTime(),
        );
        expect(hall.dueInstant(start, { amount: hours, unit: 'natural_hours' }).getTime()).toBe(
          start.getTime() + quarterHours * 15 * MINUTE,
        );
      }),
    );
  });
});
