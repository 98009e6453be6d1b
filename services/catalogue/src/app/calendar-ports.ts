import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';
import type { StoredHallHours, StoredYearSchedule, YearScheduleVersionSummary } from '../domain/calendar-admin';

/** What the calendar needs to know of a hall of the directory. */
export interface CalendarHall {
  readonly id: string;
  readonly regionCode: string;
  readonly active: boolean;
}

/** Reads of the calendar data; inside a command they see the command's own writes. */
export interface CalendarReads {
  /** The version in force (the newest) of a region's year, or the given version. */
  getYearSchedule(regionCode: string, year: number, version?: number): Promise<StoredYearSchedule | undefined>;
  /** Every stored version of a region's years, without dates, in any order. */
  listYearScheduleVersions(regionCode: string): Promise<YearScheduleVersionSummary[]>;
  /** The version in force of each stored (region, year) among the regions and years given. */
  schedulesInForce(regionCodes: readonly string[], years: readonly number[]): Promise<StoredYearSchedule[]>;
  /** A hall of the directory (active or not). */
  getHall(hallId: string): Promise<CalendarHall | undefined>;
  /** The version in force of a hall's working hours; undefined when it never set them. */
  getHallHours(hallId: string): Promise<StoredHallHours | undefined>;
}

/** One calendar command's transaction: reads, writes, and events that leave through the outbox on commit. */
export interface CalendarTransaction extends CalendarReads {
  /**
   * Locks a (region, year) for the rest of the transaction, whether or not anything is stored for it yet, so
   * that loads of one year run one after another and each gets the next version number.
   */
  lockYear(regionCode: string, year: number): Promise<void>;
  /** Stores a new version; stored versions are never changed. */
  insertYearSchedule(schedule: StoredYearSchedule): Promise<void>;
  /**
   * Stores a new version of a hall's hours. Throws PreconditionFailedError when that version exists already
   * (someone else set the hours concurrently).
   */
  insertHallHours(hours: StoredHallHours): Promise<void>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

/** The calendar data's store. */
export interface CalendarStore {
  readonly reads: CalendarReads;
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: CalendarTransaction) => Promise<T>): Promise<T>;
}
