/**
 * The demo calendar data (`demo/calendar.yaml`): year schedules loaded on top of the chinese-days defaults, through
 * `CalendarService`, so that the demo's deadlines may run into a year the package does not carry yet. Request ids
 * are made of the region and the year (`demo-calendar-<region>-<year>`), so loading again replays and changes
 * nothing, and a schedule an administrator loaded since is never overwritten by the demo.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { CalendarService } from '../app/calendar-service';
import { DEMO_FOLDER, DemoDataError, readDemoFile, type DemoProblem } from './demo-files';

const namedDate = z.strictObject({ date: z.string(), name: z.string() });
const calendarFile = z.strictObject({
  years: z.array(
    z.strictObject({
      regionCode: z.string(),
      year: z.number().int(),
      note: z.string().default(''),
      holidays: z.array(namedDate),
      makeUpWorkdays: z.array(namedDate).default([]),
    }),
  ),
});

export interface DemoCalendarSummary {
  /** `<region>/<year>` of each schedule loaded (or already in force). */
  readonly years: readonly string[];
}

/** @throws DemoDataError naming the file and the entry when the file is malformed or the service refuses it */
export async function loadDemoCalendar(
  calendar: CalendarService,
  folder: string = DEMO_FOLDER,
): Promise<DemoCalendarSummary> {
  const problems: DemoProblem[] = [];
  const file = readDemoFile(join(folder, 'calendar.yaml'), calendarFile, problems);
  if (!file) throw new DemoDataError(problems);
  const years: string[] = [];
  for (const [i, entry] of file.data.years.entries()) {
    try {
      await calendar.loadYearSchedule({ requestId: `demo-calendar-${entry.regionCode}-${entry.year}` }, entry);
    } catch (error) {
      throw new DemoDataError([file.problem(['years', i], (error as Error).message)]);
    }
    years.push(`${entry.regionCode}/${entry.year}`);
  }
  return { years };
}
