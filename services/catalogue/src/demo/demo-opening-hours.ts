/**
 * The demo opening hours, read from `demo/opening-hours.yaml` and loaded through `OpeningHoursService`: the
 * schedules of some halls, window kinds and windows of the demo organisation (Saturday sessions, 五加二, leader
 * on-site sessions, extended hours). Halls are named by key and windows by number, never by id. Load the demo
 * organisation of the same folder first (`loadDemoOrganisation`).
 */
import { join } from 'node:path';
import type { OpeningHoursService } from '../app/opening-hours-service';
import type { OrganisationService } from '../app/organisation-service';
import {
  DEMO_FOLDER,
  DemoDataError,
  asEntry,
  readDemoFile,
  type DataPath,
  type DemoFile,
  type DemoProblem,
} from './demo-files';
import { demoOpeningHoursFileSchema, type DemoOpeningHoursFile, type DemoSchedule } from './demo-opening-hours-schema';
import { loadedDepartments } from './demo-items';
import { readOrganisationFile, type DemoOrganisation } from './demo-organisation';

export type { DemoSchedule } from './demo-opening-hours-schema';

interface OpeningHoursFiles {
  readonly organisation: DemoOrganisation;
  readonly file: DemoFile<DemoOpeningHoursFile>;
}

/** The scope part of an entry's request id: `hall`, `kind-<kind>` or `window-<number>`. */
function scopeName(s: DemoSchedule): string {
  if (s.window !== undefined) return `window-${s.window}`;
  if (s.windowKind !== undefined) return `kind-${s.windowKind}`;
  return 'hall';
}

/** The file of `folder`, shape checked, and every hall and window it names checked against the organisation. */
function readOpeningHours(folder: string): OpeningHoursFiles {
  const problems: DemoProblem[] = [];
  const organisation = readOrganisationFile(folder, problems);
  const file = readDemoFile(join(folder, 'opening-hours.yaml'), demoOpeningHoursFileSchema, problems);
  if (organisation && file) checkReferences(organisation.data, file, problems);
  if (problems.length > 0 || !organisation || !file) throw new DemoDataError(problems);
  return { organisation: organisation.data, file };
}

function checkReferences(
  organisation: DemoOrganisation,
  source: DemoFile<DemoOpeningHoursFile>,
  problems: DemoProblem[],
): void {
  const halls = new Map(organisation.halls.map((h) => [h.key, new Set(h.windows.map((w) => w.number))]));
  const seen = new Map<string, number>();
  source.data.schedules.forEach((s, i) => {
    const at = (...path: PropertyKey[]): DataPath => ['schedules', i, ...path];
    const windows = halls.get(s.hall);
    if (!windows) {
      problems.push(source.problem(at('hall'), `names no hall of organisation.yaml (${s.hall})`));
      return;
    }
    if (s.window !== undefined && s.windowKind !== undefined) {
      problems.push(source.problem(at('windowKind'), 'name either a window or a window kind, not both'));
    }
    if (s.window !== undefined && !windows.has(s.window)) {
      problems.push(source.problem(at('window'), `names no window of hall ${s.hall} (${s.window})`));
    }
    const scope = `${s.hall}-${scopeName(s)}`;
    const first = seen.get(scope);
    if (first !== undefined) problems.push(source.problem(at(), `repeats the scope ${scope} (also at index ${first})`));
    else seen.set(scope, i);
  });
}

/**
 * The demo opening hours of `folder` (default: the service's `demo/`), shape and references checked.
 * @throws DemoDataError listing every problem, by file, line and path.
 */
export function demoOpeningHours(folder: string = DEMO_FOLDER): readonly DemoSchedule[] {
  return readOpeningHours(folder).file.data.schedules;
}

export interface DemoOpeningHoursSummary {
  /** Schedules set. */
  schedules: number;
  /** Halls they are set in. */
  halls: number;
}

/**
 * Loads (or replays) the demo opening hours of `folder` through the use cases, which check every schedule
 * against the domain rules. Each entry is set once, as the scope's first version; its request id is made of
 * stable keys (`demo-hours-<hall>-hall`, `demo-hours-<hall>-kind-<kind>`, `demo-hours-<hall>-window-<number>`),
 * so loading the same file again replays and changes nothing. An entry changed after a data folder took it is
 * refused at the next load: start on a fresh data folder.
 * @throws DemoDataError naming the file and the entry when the file is malformed or a use case refuses an entry
 */
export async function loadDemoOpeningHours(
  openingHours: OpeningHoursService,
  organisation: OrganisationService,
  folder: string = DEMO_FOLDER,
): Promise<DemoOpeningHoursSummary> {
  const { organisation: demo, file } = readOpeningHours(folder);
  const loaded = await loadedDepartments(organisation, demo);
  const summary: DemoOpeningHoursSummary = { schedules: 0, halls: 0 };
  const hallsSet = new Set<string>();
  for (const [i, s] of file.data.schedules.entries()) {
    const hallId = loaded.hallId(s.hall);
    const windowId = s.window === undefined ? '' : await loaded.windowId(s.hall, s.window);
    await asEntry({ source: file, path: ['schedules', i] }, () =>
      openingHours.setOpeningHours(
        { requestId: `demo-hours-${s.hall}-${scopeName(s)}` },
        { hallId, windowKind: s.windowKind ?? null, windowId },
        { sessions: s.sessions, openOnPublicHolidays: s.openOnPublicHolidays, note: s.note },
        0,
      ),
    );
    summary.schedules += 1;
    hallsSet.add(s.hall);
  }
  summary.halls = hallsSet.size;
  return summary;
}
