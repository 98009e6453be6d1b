/**
 * The demo fee catalogue (行政事业性收费目录), read from `demo/fee-catalogue.yaml` and loaded through
 * `FeeCatalogueService`: entries of the demo halls, the construction fees of the city hall in its one-fee bill
 * (一费制), one with a share remitted to the province (上交), and one cancelled in a clean-up round. Load the demo
 * organisation of the same folder first (`loadDemoOrganisation`), and this before the items
 * (`loadDemoItems`), whose fee items name its entries.
 */
import type { FeeCatalogueService } from '../app/fee-catalogue-service';
import type { OrganisationService } from '../app/organisation-service';
import { DEMO_FOLDER, DemoDataError, asEntry, type DemoFile, type DemoProblem } from './demo-files';
import {
  hallKeyOf,
  readFeeCatalogueFile,
  type DemoFeeCatalogueFile,
  type DemoFeeEntry,
} from './demo-fee-catalogue-schema';
import { loadedDepartments } from './demo-items';
import { readOrganisationFile, type DemoOrganisation } from './demo-organisation';

export type { DemoFeeEntry } from './demo-fee-catalogue-schema';

function readFiles(folder: string): { organisation: DemoOrganisation; fees: DemoFile<DemoFeeCatalogueFile> } {
  const problems: DemoProblem[] = [];
  const organisation = readOrganisationFile(folder, problems);
  const fees = readFeeCatalogueFile(folder, organisation?.data, problems);
  if (problems.length > 0 || !organisation || !fees) throw new DemoDataError(problems);
  return { organisation: organisation.data, fees };
}

/**
 * The demo fee catalogue of `folder` (default: the service's `demo/`), shape and references checked.
 * @throws DemoDataError listing every problem, by file, line and path.
 */
export function demoFeeCatalogue(folder: string = DEMO_FOLDER): readonly DemoFeeEntry[] {
  return readFiles(folder).fees.data.entries;
}

export interface DemoFeeCatalogueSummary {
  /** Entries in the catalogues, cancelled ones included. */
  entries: number;
  /** Active entries collected in the one-fee bill. */
  oneFee: number;
  cancelled: number;
}

/**
 * Loads (or replays) the demo fee catalogue of `folder` through the use cases, which check every entry against
 * the domain rules: creates every entry, then cancels those with `cancelled` in their clean-up round. Request ids
 * are made of the hall key and the code (`demo-fee-<hall>-<code>`, `-cancel`), so loading the same file again
 * replays and changes nothing; an entry changed after a data folder took it is refused at the next load.
 * @throws DemoDataError naming the file and the entry when the file is malformed or a use case refuses one
 */
export async function loadDemoFeeCatalogue(
  feeCatalogue: FeeCatalogueService,
  organisation: OrganisationService,
  folder: string = DEMO_FOLDER,
): Promise<DemoFeeCatalogueSummary> {
  const { organisation: demo, fees } = readFiles(folder);
  const departments = await loadedDepartments(organisation, demo);
  const summary: DemoFeeCatalogueSummary = { entries: 0, oneFee: 0, cancelled: 0 };
  for (const [i, entry] of fees.data.entries.entries()) {
    const hall = hallKeyOf(entry);
    const rid = (suffix: string): { requestId: string } => ({ requestId: `demo-fee-${hall}-${entry.code}${suffix}` });
    const { chargingDepartment, cancelled, ...input } = entry;
    const at = { source: fees, path: ['entries', i] };
    const created = await asEntry(at, () =>
      feeCatalogue.createEntry(rid(''), {
        ...input,
        hallId: departments.hallId(hall),
        chargingDepartmentId: departments.id(chargingDepartment),
      }),
    );
    if (cancelled) {
      await asEntry(at, () => feeCatalogue.cancelEntry(rid('-cancel'), created.id, created.version, cancelled));
      summary.cancelled += 1;
    } else if (entry.oneFee) {
      summary.oneFee += 1;
    }
    summary.entries += 1;
  }
  return summary;
}
