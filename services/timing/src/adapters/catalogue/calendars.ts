import type { WorkingCalendar } from '@govhall/calendar';
import type { GrpcCatalogue } from '@govhall/catalogue-client';
import type { Clock } from '@govhall/kit';
import type { TimingCalendars } from '../../app/ports';
import { chinaYearOf } from '../../domain/clock';

/** The catalogue answers at most 20 years per call. */
const MAX_YEARS = 20;

/**
 * Hall calendars from the catalogue's GetHallCalendar (kept by the client for its TTL): the years from the
 * earliest a clock needs to two years ahead, so a limit crossing New Year is computed when the year is loaded and
 * parked when it is not.
 */
export class CatalogueCalendars implements TimingCalendars {
  constructor(
    private readonly catalogue: GrpcCatalogue,
    private readonly clock: Clock,
  ) {}

  calendarFor(hallId: string, fromYear: number): Promise<WorkingCalendar> {
    const now = chinaYearOf(this.clock.now());
    const last = Math.max(now, fromYear) + 2;
    const first = Math.max(Math.min(fromYear, now), last - MAX_YEARS + 1);
    return this.catalogue.workingCalendar(hallId, first, last - first + 1);
  }

  forget(): void {
    this.catalogue.forgetCalendars();
  }
}
