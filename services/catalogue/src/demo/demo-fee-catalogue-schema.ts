/**
 * The shape of the demo fee catalogue (`demo/fee-catalogue.yaml`): entries of the halls' 行政事业性收费目录 as the
 * domain names them (`FeeCatalogueEntryInput`), the charging department named `<hall key>/<code>` (the entry
 * belongs to that department's hall), and those cancelled in a clean-up round with the round. Items' fee items
 * name an entry as `<hall key>/<entry code>` (`city/SF-ZJJ-001`).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { FeeKinds } from '../domain/items';
import { readDemoFile, type DemoFile, type DemoProblem } from './demo-files';
import type { DemoOrganisation } from './demo-organisation';
import { departmentRef } from './demo-items-schema';
import { flag, number, oneOf, optionalText, text } from './demo-schema';

/** One entry; a fixed `amountFen`, or a `unitPriceFen` per `unitName`; no upward share unless written. */
export const demoFeeEntrySchema = z.strictObject({
  /** With the hall, names the entry's request ids (`demo-fee-<hall>-<code>`): never change it once loaded. */
  code: text,
  name: text,
  chargingDepartment: departmentRef,
  basis: text,
  kind: oneOf(FeeKinds),
  amountFen: number.default(0),
  unitPriceFen: number.default(0),
  unitName: optionalText,
  fiscalAccount: text,
  oneFee: flag.default(false),
  upwardShareBasisPoints: number.default(0),
  upwardBody: optionalText,
  /** Cancelled in a clean-up round after it was created (取消收费项目): kept as the record of it. */
  cancelled: z.strictObject({ round: text, basis: text, note: optionalText }).optional(),
});

export const demoFeeCatalogueFileSchema = z.strictObject({ entries: z.array(demoFeeEntrySchema) });

export type DemoFeeEntry = z.output<typeof demoFeeEntrySchema>;
export type DemoFeeCatalogueFile = z.output<typeof demoFeeCatalogueFileSchema>;

/** The hall key of an entry: its charging department's hall. */
export const hallKeyOf = (entry: DemoFeeEntry): string => entry.chargingDepartment.split('/')[0]!;

/** `<hall key>/<code>` of an entry, as items name it. */
export const feeEntryKey = (entry: DemoFeeEntry): string => `${hallKeyOf(entry)}/${entry.code}`;

/**
 * `fee-catalogue.yaml` of `folder`, shape checked, and (with the organisation) its departments known and each
 * hall's codes used once; problems are added to `problems`.
 */
export function readFeeCatalogueFile(
  folder: string,
  organisation: DemoOrganisation | undefined,
  problems: DemoProblem[],
): DemoFile<DemoFeeCatalogueFile> | undefined {
  const file = readDemoFile(join(folder, 'fee-catalogue.yaml'), demoFeeCatalogueFileSchema, problems);
  if (!file || !organisation) return file;
  const departments = new Set(organisation.halls.flatMap((h) => h.departments.map((d) => `${h.key}/${d.code}`)));
  const seen = new Map<string, number>();
  const before = problems.length;
  file.data.entries.forEach((entry, i) => {
    if (!departments.has(entry.chargingDepartment)) {
      problems.push(
        file.problem(
          ['entries', i, 'chargingDepartment'],
          `names no department of organisation.yaml (${entry.chargingDepartment})`,
        ),
      );
    }
    const first = seen.get(feeEntryKey(entry));
    if (first !== undefined) {
      problems.push(file.problem(['entries', i, 'code'], `repeats ${feeEntryKey(entry)} (also at index ${first})`));
    } else seen.set(feeEntryKey(entry), i);
  });
  return problems.length === before ? file : undefined;
}
