/**
 * The shape of the demo opening-hours file (`demo/opening-hours.yaml`): one entry per scope, naming its hall by
 * its key in `organisation.yaml` and its window by number (or a window kind, or neither for the whole hall),
 * with the schedule's fields as the domain names them (`OpeningScheduleInput`).
 */
import { z } from 'zod';
import { SessionKinds } from '../domain/opening-hours';
import { WindowKinds } from '../domain/organisation';
import { flag, key, list, number, oneOf, optionalText, text } from './demo-schema';

const session = z.strictObject({
  /** 1 = Monday ... 7 = Sunday. */
  weekdays: z.array(number),
  start: text,
  end: text,
  kind: oneOf(SessionKinds),
});

const schedule = z.strictObject({
  /** Key of a hall of organisation.yaml. */
  hall: key,
  /** Number of a window of that hall: the window's own schedule. */
  window: text.optional(),
  /** A window kind: the schedule of every window of that kind in the hall. */
  windowKind: oneOf(WindowKinds).optional(),
  openOnPublicHolidays: flag.default(false),
  note: optionalText,
  sessions: list(session),
});

export const demoOpeningHoursFileSchema = z.strictObject({ schedules: list(schedule) });

export type DemoOpeningHoursFile = z.output<typeof demoOpeningHoursFileSchema>;
export type DemoSchedule = DemoOpeningHoursFile['schedules'][number];
