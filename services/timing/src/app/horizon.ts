import { UTC_OFFSET_MS } from '@govhall/calendar';
import type { timingV1 } from '@govhall/contracts';
import type { Clock, Logger } from '@govhall/kit';
import { chinaYearOf } from '../domain/clock';
import type { TimingCalendars, TimingStore } from './ports';

/** Warn this many days before a year starts without its calendar data. */
export const HORIZON_WARNING_DAYS = 60;
const DAY_MS = 86_400_000;

export interface HorizonReport {
  readonly checkedAt: Date;
  readonly halls: timingV1.HallHorizon[];
}

/**
 * 日历数据预警: the State Council publishes each year's holidays in the autumn before, and someone must load them.
 * When the coming year is not loaded 60 days before it starts, every hall with running clocks reports it (metric,
 * log, Prometheus rule in the chart); clocks that already reach into it are parked meanwhile, not guessed.
 */
export class CalendarHorizon {
  private last: HorizonReport | undefined;

  constructor(
    private readonly options: {
      readonly store: TimingStore;
      readonly calendars: TimingCalendars;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly onReport?: (report: HorizonReport) => void;
    },
  ) {}

  get lastReport(): HorizonReport | undefined {
    return this.last;
  }

  async check(): Promise<HorizonReport> {
    const now = this.options.clock.now();
    const year = chinaYearOf(now);
    const nextYearStarts = Date.UTC(year + 1, 0, 1) - UTC_OFFSET_MS;
    const warn = nextYearStarts - now.getTime() <= HORIZON_WARNING_DAYS * DAY_MS;
    const halls: timingV1.HallHorizon[] = [];
    for (const { hallId, parked } of await this.options.store.activeHalls()) {
      const calendar = await this.options.calendars.calendarFor(hallId, year);
      const years = new Set(calendar.years);
      let covered = year - 1;
      while (years.has(covered + 1)) covered++;
      const comingYearMissing = warn && !years.has(year + 1);
      halls.push({ hallId, coveredThroughYear: covered, comingYearMissing, parkedClocks: parked });
      if (comingYearMissing) {
        this.options.logger.warn(
          { hallId, year: year + 1, daysLeft: Math.ceil((nextYearStarts - now.getTime()) / DAY_MS), parked },
          `calendar data for ${year + 1} is not loaded; load it in the catalogue (LoadYearSchedule) before New Year`,
        );
      }
    }
    this.last = { checkedAt: now, halls };
    this.options.onReport?.(this.last);
    return this.last;
  }
}
