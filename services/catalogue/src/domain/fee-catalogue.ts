/**
 * The fee catalogue (行政事业性收费目录) of a hall: the administrative fees its departments may charge, with the
 * documents that set them, their standard, the fiscal account they are paid into, one-fee membership (一费制) and
 * the share remitted upward (上交). Items' fee items link to an entry and take their standard from it. Pure
 * rules, no I/O.
 */
import type { FieldViolation } from '@govhall/kit';
import {
  checkFeeStandard,
  checkText,
  FISCAL_ACCOUNT,
  type CleanupInput,
  type FeeItem,
  type FeeKind,
  type Unchecked,
} from './items';

/** An entry is active, or cancelled in a clean-up round (kept as its record, never changed again). */
export const FeeCatalogueStatuses = { active: 'active', cancelled: 'cancelled' } as const;
export type FeeCatalogueStatus = (typeof FeeCatalogueStatuses)[keyof typeof FeeCatalogueStatuses];

/** A listing's choice by one-fee membership: the one-fee entries, or those charged on their own. */
export const OneFeeFilters = { oneFee: 'one_fee', separate: 'separate' } as const;
export type OneFeeFilter = (typeof OneFeeFilters)[keyof typeof OneFeeFilters];

/** Shares are in basis points (1/100 of a percent): the whole fee is 10000. */
export const WHOLE_FEE_BASIS_POINTS = 10_000;

/** What an administrator writes of an entry; see fee_catalogue.proto `FeeCatalogueEntryInput`. */
export interface FeeCatalogueEntryInput {
  readonly hallId: string;
  readonly code: string;
  readonly name: string;
  /** 收费单位: a department seated in the hall. */
  readonly chargingDepartmentId: string;
  /** 政策依据: the documents that set the fee and its standard. */
  readonly basis: string;
  readonly kind: FeeKind | undefined;
  readonly amountFen: number;
  readonly unitPriceFen: number;
  readonly unitName: string;
  /** 财政非税专户. */
  readonly fiscalAccount: string;
  /** 一费制: collected in the hall's one bill at the cashier. */
  readonly oneFee: boolean;
  /** 上交比例, 0 to 10000 basis points. */
  readonly upwardShareBasisPoints: number;
  /** Who receives the upward share; empty without one. */
  readonly upwardBody: string;
}

/** The clean-up record of a cancelled entry. */
export interface FeeCancellation extends CleanupInput {
  readonly cancelledAt: Date;
}

export interface FeeCatalogueEntry extends FeeCatalogueEntryInput {
  readonly id: string;
  readonly kind: FeeKind;
  readonly status: FeeCatalogueStatus;
  /** Set when cancelled. */
  readonly cancellation: FeeCancellation | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * What a linked fee item carries of its entry besides the standard, copied when the draft is saved: the cashier
 * reads one-fee membership, a revenue split leaves the upward share out.
 */
export interface FeeCatalogueTerms {
  readonly code: string;
  readonly oneFee: boolean;
  readonly upwardShareBasisPoints: number;
  readonly upwardBody: string;
}

type Violations = FieldViolation[];

/** Groups of capital letters or digits joined by `-`, e.g. SF-ZJJ-001. */
const ENTRY_CODE = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

/**
 * Everything about an entry that needs no other data: code, name, basis, a standard like a fee item's (a fixed
 * amount above 0, or a unit price above 0 with its unit), the fiscal account, and an upward share of 0 to 10000
 * basis points that names its receiver exactly when it is above 0. Paths under `prefix` (fee_catalogue.proto).
 */
export function validateFeeCatalogueEntryInput(input: FeeCatalogueEntryInput, prefix = 'entry'): Violations {
  const violations: Violations = [];
  const f = (path: string): string => `${prefix}.${path}`;
  if (!input.hallId) violations.push({ field: f('hall_id'), description: 'is required' });
  if (input.code.length < 3 || input.code.length > 32 || !ENTRY_CODE.test(input.code)) {
    violations.push({
      field: f('code'),
      description: 'must be 3 to 32 capital letters or digits in groups joined by -, e.g. SF-ZJJ-001',
    });
  }
  checkText(violations, f('name'), input.name, 2, 100);
  if (!input.chargingDepartmentId) violations.push({ field: f('charging_department_id'), description: 'is required' });
  checkText(violations, f('basis'), input.basis, 2, 500);
  checkFeeStandard(violations, f, input);
  if (!FISCAL_ACCOUNT.test(input.fiscalAccount)) {
    violations.push({ field: f('fiscal_account'), description: 'must be 8 to 32 digits' });
  }
  const share = input.upwardShareBasisPoints;
  if (!Number.isInteger(share) || share < 0 || share > WHOLE_FEE_BASIS_POINTS) {
    violations.push({
      field: f('upward_share_basis_points'),
      description: `must be a whole number of basis points from 0 to ${WHOLE_FEE_BASIS_POINTS} (10000 = 100%)`,
    });
  } else if (share > 0) {
    checkText(violations, f('upward_body'), input.upwardBody, 2, 100);
  } else if (input.upwardBody !== '') {
    violations.push({ field: f('upward_body'), description: 'only a fee with an upward share names its receiver' });
  }
  return violations;
}

/** The hall and the code are an entry's identity in the published catalogue: fixed once created. */
export function fixedEntryFieldProblems(
  current: FeeCatalogueEntry,
  input: FeeCatalogueEntryInput,
  prefix = 'entry',
): Violations {
  const violations: Violations = [];
  if (input.hallId !== current.hallId) {
    violations.push({ field: `${prefix}.hall_id`, description: `is fixed at ${current.hallId} once created` });
  }
  if (input.code !== current.code) {
    violations.push({ field: `${prefix}.code`, description: `is fixed at ${current.code} once created` });
  }
  return violations;
}

export function termsOf(entry: FeeCatalogueEntry): FeeCatalogueTerms {
  return {
    code: entry.code,
    oneFee: entry.oneFee,
    upwardShareBasisPoints: entry.upwardShareBasisPoints,
    upwardBody: entry.upwardBody,
  };
}

const sameTerms = (a: FeeCatalogueTerms | undefined, b: FeeCatalogueTerms): boolean =>
  !!a &&
  a.code === b.code &&
  a.oneFee === b.oneFee &&
  a.upwardShareBasisPoints === b.upwardShareBasisPoints &&
  a.upwardBody === b.upwardBody;

/**
 * Whether an update changes what linked fee items carry (their standard or terms): the published items that
 * link the entry then need a revision.
 */
export function changesLinkedFees(current: FeeCatalogueEntry, input: FeeCatalogueEntryInput): boolean {
  return (
    current.kind !== input.kind ||
    current.amountFen !== input.amountFen ||
    current.unitPriceFen !== input.unitPriceFen ||
    current.unitName !== input.unitName ||
    current.chargingDepartmentId !== input.chargingDepartmentId ||
    current.fiscalAccount !== input.fiscalAccount ||
    !sameTerms(termsOf(current), { ...input, code: current.code })
  );
}

/** The standard a linked fee takes from its entry: fee item field → its proto name and the entry's value. */
const STANDARD = [
  ['kind', 'kind', (e: FeeCatalogueEntry) => e.kind],
  ['amountFen', 'amount_fen', (e: FeeCatalogueEntry) => e.amountFen],
  ['unitPriceFen', 'unit_price_fen', (e: FeeCatalogueEntry) => e.unitPriceFen],
  ['unitName', 'unit_name', (e: FeeCatalogueEntry) => e.unitName],
  ['receivingDepartmentId', 'receiving_department_id', (e: FeeCatalogueEntry) => e.chargingDepartmentId],
  ['fiscalAccount', 'fiscal_account', (e: FeeCatalogueEntry) => e.fiscalAccount],
] as const;

/** A fee item's field left at its default: the entry fills it. */
const unset = (value: string | number | undefined): boolean => value === undefined || value === '' || value === 0;

export interface FeeLinking {
  /** The fee items with linked standards filled in from their entries; unlinked ones carry no terms. */
  readonly feeItems: Unchecked<FeeItem>[];
  readonly violations: Violations;
}

/**
 * Links an item's fee items to the hall's fee catalogue (see items.proto `FeeItem.catalogue_entry_id`). A linked
 * fee names an active entry of `hallId` (the hall seating the item's department; undefined when that department
 * is unknown, which its own check reports); its kind, amounts, unit, receiving department and fiscal account
 * left at their defaults are filled in from the entry, and given they must equal the entry's; an empty name or
 * legal basis takes the entry's name and basis; the entry's terms (code, one fee, upward share) are copied.
 * `publishing`: the draft was linked when saved, so its copied terms must still be the entry's (an entry
 * changed since asks for the draft to be saved again).
 */
export function linkFeeItems(
  feeItems: readonly Unchecked<FeeItem>[],
  entries: ReadonlyMap<string, FeeCatalogueEntry>,
  hallId: string | undefined,
  options: { prefix: string; publishing: boolean },
): FeeLinking {
  const violations: Violations = [];
  const linked = feeItems.map((fee, i): Unchecked<FeeItem> => {
    const field = (path: string): string => `${options.prefix}.fee_items[${i}].${path}`;
    const { catalogue: _terms, ...own } = fee;
    if (!fee.catalogueEntryId) return { ...own, catalogueEntryId: null };
    const entry = entries.get(fee.catalogueEntryId);
    const problem = (description: string): Unchecked<FeeItem> => {
      violations.push({ field: field('catalogue_entry_id'), description });
      return fee;
    };
    if (!entry) return problem(`no fee catalogue entry ${fee.catalogueEntryId}`);
    if (entry.status === 'cancelled') {
      const why = entry.cancellation ? ` in ${entry.cancellation.round} (${entry.cancellation.basis})` : '';
      return problem(`fee catalogue entry ${entry.code} was cancelled${why}`);
    }
    if (hallId !== undefined && entry.hallId !== hallId) {
      return problem(
        `fee catalogue entry ${entry.code} is in the catalogue of hall ${entry.hallId}, not of hall ${hallId} that seats the item's department`,
      );
    }
    const filled: Record<string, unknown> = { ...own };
    for (const [key, path, value] of STANDARD) {
      const given = fee[key];
      if (unset(given)) filled[key] = value(entry);
      else if (given !== value(entry)) {
        violations.push({
          field: field(path),
          description: `fee catalogue entry ${entry.code} says ${String(value(entry) || '(none)')}; leave it empty to take it from the entry`,
        });
      }
    }
    if (!fee.name.trim()) filled['name'] = entry.name;
    if (!fee.legalBasis.trim()) filled['legalBasis'] = entry.basis;
    const terms = termsOf(entry);
    if (options.publishing && !sameTerms(fee.catalogue, terms)) {
      violations.push({
        field: field('catalogue_entry_id'),
        description: `fee catalogue entry ${entry.code} changed since the draft was saved (now version ${entry.version}); save the draft again to take it`,
      });
    }
    return { ...(filled as Unchecked<FeeItem>), catalogue: terms };
  });
  return { feeItems: linked, violations };
}
