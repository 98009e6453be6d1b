/**
 * The demo catalogue, read from `demo/items/*.yaml` and loaded through `ItemService`: published items of the
 * demo organisation's departments, some delegated down in a clean-up round, and bundles. Files load in name
 * order, items in file order; an item may name only items loaded before it. Load the demo organisation of the
 * same folder first (`loadDemoOrganisation`).
 */
import { join } from 'node:path';
import type { FeeCatalogueService } from '../app/fee-catalogue-service';
import type { ItemService } from '../app/item-service';
import type { OrganisationService } from '../app/organisation-service';
import type { ItemInput } from '../domain/items';
import type { HallTier } from '../domain/organisation';
import {
  DEMO_FOLDER,
  DemoDataError,
  asEntry,
  demoFilesIn,
  readDemoFile,
  type DataPath,
  type DemoFile,
  type DemoProblem,
} from './demo-files';
import { demoItemsFileSchema, type DemoBundle, type DemoItem, type DemoItemsFile } from './demo-items-schema';
import { readOrganisationFile, type DemoOrganisation } from './demo-organisation';
import { feeEntryKey, hallKeyOf, readFeeCatalogueFile, type DemoFeeCatalogueFile } from './demo-fee-catalogue-schema';

export type { DemoBundle, DemoItem } from './demo-items-schema';

/** The demo catalogue in load order. */
export interface DemoCatalogue {
  readonly items: readonly DemoItem[];
  readonly bundles: readonly DemoBundle[];
}

interface CatalogueFiles {
  readonly organisation: DemoOrganisation;
  readonly feeCatalogue: DemoFeeCatalogueFile;
  readonly files: readonly DemoFile<DemoItemsFile>[];
}

/**
 * Every items file of `folder`, shapes checked, and every reference checked against the organisation and the
 * fee catalogue (`fee-catalogue.yaml`, which items' fee items name entries of).
 */
function readCatalogue(folder: string): CatalogueFiles {
  const problems: DemoProblem[] = [];
  const organisation = readOrganisationFile(folder, problems);
  const feeCatalogue = readFeeCatalogueFile(folder, organisation?.data, problems);
  const files = demoFilesIn(join(folder, 'items'), problems).flatMap((file) => {
    const read = readDemoFile(file, demoItemsFileSchema, problems);
    return read ? [read] : [];
  });
  if (organisation && feeCatalogue) checkReferences(organisation.data, feeCatalogue.data, files, problems);
  if (problems.length > 0 || !organisation || !feeCatalogue) throw new DemoDataError(problems);
  return { organisation: organisation.data, feeCatalogue: feeCatalogue.data, files };
}

/**
 * Keys used once, and departments, fee catalogue entries, items, halls and windows that exist (an item's own
 * references: loaded before it).
 */
function checkReferences(
  organisation: DemoOrganisation,
  feeCatalogue: DemoFeeCatalogueFile,
  files: readonly DemoFile<DemoItemsFile>[],
  problems: DemoProblem[],
): void {
  const departments = new Set(organisation.halls.flatMap((h) => h.departments.map((d) => `${h.key}/${d.code}`)));
  const feeEntries = new Set(feeCatalogue.entries.map(feeEntryKey));
  const windows = new Map(organisation.halls.map((h) => [h.key, new Set(h.windows.map((w) => w.number))]));
  const everyItem = new Set(files.flatMap((f) => f.data.items.map((i) => i.key)));
  const firstSeen = new Map<string, string>();
  const loaded = new Set<string>();
  const once = (source: DemoFile<unknown>, path: DataPath, what: string, name: string): void => {
    const first = firstSeen.get(`${what} ${name}`);
    if (first) problems.push(source.problem(path, `repeats ${what} ${name} (first at ${first})`));
    else firstSeen.set(`${what} ${name}`, `${source.file} ${source.problem(path, '').path}`);
  };
  const department = (source: DemoFile<unknown>, path: DataPath, ref: string): void => {
    if (!departments.has(ref)) problems.push(source.problem(path, `names no department of organisation.yaml (${ref})`));
  };
  const item = (source: DemoFile<unknown>, path: DataPath, name: string | undefined, known: Set<string>): void => {
    if (name === undefined || known.has(name)) return;
    problems.push(
      source.problem(
        path,
        everyItem.has(name)
          ? `names item ${name}, which loads after this one: list it earlier`
          : `names no demo item (${name})`,
      ),
    );
  };
  for (const source of files) {
    source.data.items.forEach((it, i) => {
      const at = (...path: PropertyKey[]): DataPath => ['items', i, ...path];
      once(source, at('key'), 'item key', it.key);
      department(source, at('department'), it.department);
      it.prerequisites.forEach((p, j) => item(source, at('prerequisites', j, 'item'), p.item, loaded));
      it.feeItems.forEach((f, j) => {
        if (f.receivingDepartment !== undefined) {
          department(source, at('feeItems', j, 'receivingDepartment'), f.receivingDepartment);
        }
        if (f.catalogueEntry !== undefined && !feeEntries.has(f.catalogueEntry)) {
          problems.push(
            source.problem(
              at('feeItems', j, 'catalogueEntry'),
              `names no entry of fee-catalogue.yaml (${f.catalogueEntry})`,
            ),
          );
        }
      });
      if (it.joint) {
        if (it.joint.leadDepartment !== undefined) {
          department(source, at('joint', 'leadDepartment'), it.joint.leadDepartment);
        }
        it.joint.subItems.forEach((s, j) => {
          department(source, at('joint', 'subItems', j, 'department'), s.department);
          item(source, at('joint', 'subItems', j, 'item'), s.item, loaded);
        });
      }
      loaded.add(it.key);
    });
  }
  for (const source of files) {
    source.data.bundles.forEach((b, i) => {
      once(source, ['bundles', i, 'key'], 'bundle key', b.key);
      b.items.forEach((name, j) => item(source, ['bundles', i, 'items', j], name, everyItem));
      const numbers = windows.get(b.hall);
      if (!numbers) {
        problems.push(source.problem(['bundles', i, 'hall'], `names no hall of organisation.yaml (${b.hall})`));
      } else if (!numbers.has(b.window)) {
        problems.push(source.problem(['bundles', i, 'window'], `names no window of hall ${b.hall} (${b.window})`));
      }
    });
  }
}

/**
 * The demo catalogue of `folder` (default: the service's `demo/`), shapes and references checked.
 * @throws DemoDataError listing every problem, by file, line and path.
 */
export function demoItems(folder: string = DEMO_FOLDER): DemoCatalogue {
  const { files } = readCatalogue(folder);
  return { items: files.flatMap((f) => f.data.items), bundles: files.flatMap((f) => f.data.bundles) };
}

export interface DemoItemsSummary {
  /** Items in service (published). */
  items: number;
  /** Departments that implement them. */
  departments: number;
  /** Items delegated down. */
  delegated: number;
  bundles: number;
}

/** The demo organisation as loaded: ids by the files' keys (checked when the files were read). */
export interface DemoDepartments {
  /** The department's id; `ref` is `<hall key>/<code>`. */
  id(ref: string): string;
  hall(ref: string): { tier: HallTier; regionCode: string };
  /** The department's own level: the hall's unless organisation.yaml gives it one. */
  tier(ref: string): HallTier;
  hallId(key: string): string;
  /** The id of window `number` of hall `key`. */
  windowId(key: string, number: string): Promise<string>;
}

/** The demo organisation's departments as loaded; refuses when the organisation is not loaded. */
export async function loadedDepartments(
  organisation: OrganisationService,
  demo: DemoOrganisation,
): Promise<DemoDepartments> {
  const halls = await organisation.listHalls({ includeInactive: false });
  const ids = new Map<string, string>();
  const hallIds = new Map<string, string>();
  for (const demoHall of demo.halls) {
    // A region may have several halls (a branch beside the main hall): the name tells them apart.
    const hall = halls.find((h) => h.regionCode === demoHall.regionCode && h.name === demoHall.name);
    if (!hall) throw new Error(`the demo hall ${demoHall.key} is missing: run loadDemoOrganisation first`);
    hallIds.set(demoHall.key, hall.id);
    for (const department of await organisation.listDepartments({ hallId: hall.id, includeInactive: false })) {
      ids.set(`${demoHall.key}/${department.code}`, department.id);
    }
  }
  const hallOf = new Map(demo.halls.map((h) => [h.key, { tier: h.tier, regionCode: h.regionCode }]));
  const tiers = new Map<string, HallTier>(
    demo.halls.flatMap((h) => h.departments.map((d): [string, HallTier] => [`${h.key}/${d.code}`, d.tier ?? h.tier])),
  );
  const hallId = (key: string): string => hallIds.get(key)!;
  return {
    id: (ref) => {
      const id = ids.get(ref);
      if (!id) throw new Error(`the demo department ${ref} is missing: run loadDemoOrganisation first`);
      return id;
    },
    hall: (ref) => hallOf.get(ref.split('/')[0]!)!,
    tier: (ref) => tiers.get(ref)!,
    hallId,
    windowId: async (key, number) => {
      const windows = await organisation.listWindows({ hallId: hallId(key), includeInactive: false });
      const window = windows.find((w) => w.number === number);
      if (!window) throw new Error(`the demo window ${key}/${number} is missing: run loadDemoOrganisation first`);
      return window.id;
    },
  };
}

/** What the use case takes: references resolved to ids, the tiers following from the department's own level. */
function itemInput(
  it: DemoItem,
  departments: DemoDepartments,
  itemId: (key: string) => string,
  feeEntryId: (ref: string) => string,
): ItemInput {
  const tier = departments.tier(it.department);
  const { key: _key, department, prerequisites, feeItems, joint, delegation: _delegation, ...content } = it;
  return {
    ...content,
    departmentId: departments.id(department),
    bodyNature: undefined,
    exercisingTier: tier,
    approveTier: tier,
    prerequisites: prerequisites.map((p) => ({
      description: p.description,
      itemId: p.item === undefined ? null : itemId(p.item),
    })),
    feeItems: feeItems.map(({ receivingDepartment, catalogueEntry, kind, ...f }) => ({
      ...f,
      kind,
      // A linked fee may leave these out: the use case takes them from its fee catalogue entry.
      receivingDepartmentId: receivingDepartment === undefined ? '' : departments.id(receivingDepartment),
      catalogueEntryId: catalogueEntry === undefined ? null : feeEntryId(catalogueEntry),
    })),
    delegation: null,
    joint: joint
      ? {
          leadDepartmentId: joint.leadDepartment === undefined ? '' : departments.id(joint.leadDepartment),
          leadRule: joint.leadRule,
          subItems: joint.subItems.map((s) => ({
            code: s.code,
            name: s.name,
            departmentId: departments.id(s.department),
            itemId: s.item === undefined ? null : itemId(s.item),
            limit: s.limit,
          })),
          edges: joint.edges,
        }
      : null,
  };
}

/**
 * Loads (or replays) the demo catalogue of `folder` through the use cases, which check every item against
 * the domain rules: creates and publishes every item, delegates those with a `delegation` and publishes
 * their delegated version, then creates the bundles at their hall and window. Returns what the files hold.
 * Fee items name entries of the demo fee catalogue: load it first (`loadDemoFeeCatalogue`) and pass its
 * service, through which the entries' ids are found.
 *
 * Every command's request id is made of the item's or bundle's key (`demo-item-<key>-create`, `-publish`,
 * `-delegate`, `-publish-delegated`, `demo-bundle-<key>`), so loading the same files again replays and
 * changes nothing. An entry changed after a data folder took it is refused at the next load: start on a
 * fresh data folder.
 * @throws DemoDataError naming the file and the entry when the files are malformed or a use case refuses one
 */
export async function loadDemoItems(
  items: ItemService,
  organisation: OrganisationService,
  folder: string = DEMO_FOLDER,
  feeCatalogue?: FeeCatalogueService,
): Promise<DemoItemsSummary> {
  const catalogue = readCatalogue(folder);
  const departments = await loadedDepartments(organisation, catalogue.organisation);
  const feeEntryIds = new Map<string, string>();
  for (const hall of new Set(catalogue.feeCatalogue.entries.map(hallKeyOf))) {
    if (!feeCatalogue) throw new Error('the demo items charge fees of the demo fee catalogue: pass its service');
    for (const entry of await feeCatalogue.listEntries({ hallId: departments.hallId(hall), includeCancelled: true })) {
      feeEntryIds.set(`${hall}/${entry.code}`, entry.id);
    }
  }
  const feeEntryId = (ref: string): string => {
    const id = feeEntryIds.get(ref);
    if (!id) throw new Error(`the demo fee catalogue entry ${ref} is missing: run loadDemoFeeCatalogue first`);
    return id;
  };
  const itemIds = new Map<string, string>();
  const itemId = (key: string): string => itemIds.get(key)!;
  const summary: DemoItemsSummary = { items: 0, departments: 0, delegated: 0, bundles: 0 };
  const implementing = new Set<string>();
  for (const source of catalogue.files) {
    for (const [i, demo] of source.data.items.entries()) {
      const entry = { source, path: ['items', i] };
      const rid = (step: string): { requestId: string } => ({ requestId: `demo-item-${demo.key}-${step}` });
      const draft = await asEntry(entry, () =>
        items.createItem(rid('create'), itemInput(demo, departments, itemId, feeEntryId)),
      );
      itemIds.set(demo.key, draft.itemId);
      await asEntry(entry, () => items.publishItem(rid('publish'), draft.itemId, draft.version, draft.revision));
      if (demo.delegation) {
        const { cleanup, ...delegation } = demo.delegation;
        const { item: delegated } = await asEntry(entry, () =>
          items.delegateItem(rid('delegate'), draft.itemId, draft.version, delegation, cleanup),
        );
        await asEntry(entry, () =>
          items.publishItem(rid('publish-delegated'), delegated.itemId, delegated.version, delegated.revision),
        );
        summary.delegated += 1;
      }
      summary.items += 1;
      implementing.add(demo.department);
    }
  }
  for (const source of catalogue.files) {
    for (const [i, bundle] of source.data.bundles.entries()) {
      const windowId = await departments.windowId(bundle.hall, bundle.window);
      await asEntry({ source, path: ['bundles', i] }, () =>
        items.createBundle(
          { requestId: `demo-bundle-${bundle.key}` },
          {
            name: bundle.name,
            description: bundle.description,
            itemIds: bundle.items.map(itemId),
            hallId: departments.hallId(bundle.hall),
            windowId,
          },
        ),
      );
      summary.bundles += 1;
    }
  }
  summary.departments = implementing.size;
  return summary;
}
