/**
 * The shape of a demo items file (`demo/items/*.yaml`): the fields of an item as the domain names them
 * (`ItemInput`), with departments named `<hall key>/<code>` (`city/SCJG`) and items by their demo key instead
 * of generated ids. What an item may leave out defaults to "none" (no situations, no fees, an empty note),
 * never to a fact: limits, tiers, channels and the handling scope are always written out.
 */
import { z } from 'zod';
import {
  CaseTypes,
  DelegationModes,
  FeeKinds,
  HandlingScopes,
  ItemTypes,
  JointLeadRules,
  LimitUnits,
  MaterialForms,
  MaterialNecessities,
  MaterialSources,
  ProjectCategories,
  ResultKinds,
  ReviewModes,
  Stages,
} from '../domain/items';
import { HallTiers } from '../domain/organisation';
import { flag, key, list, number, oneOf, optionalText, text } from './demo-schema';

/** A department of the demo organisation: `<hall key>/<department code>`, e.g. `city/SCJG`. */
export const departmentRef = text.regex(
  /^[a-z][a-z0-9-]*\/[A-Z][A-Z0-9_]*$/,
  'must name a department as <hall key>/<code>, e.g. city/SCJG',
);

/** An entry of the demo fee catalogue (`fee-catalogue.yaml`): `<hall key>/<entry code>`, e.g. `city/SF-ZJJ-001`. */
export const feeEntryRef = text.regex(
  /^[a-z][a-z0-9-]*\/[A-Z0-9]+(?:-[A-Z0-9]+)*$/,
  'must name a fee catalogue entry as <hall key>/<code>, e.g. city/SF-ZJJ-001',
);

const limit = z.strictObject({ amount: number, unit: oneOf(LimitUnits) });

const legalBasis = z.strictObject({ name: text, article: optionalText, text: optionalText });

/** A material; by default a required original the applicant brings, one copy on A4, for every situation. */
const material = z.strictObject({
  code: text,
  name: text,
  necessity: oneOf(MaterialNecessities).default('required'),
  form: oneOf(MaterialForms).default('original'),
  copies: number.default(1),
  originalForCheck: flag.default(false),
  source: oneOf(MaterialSources).default('applicant'),
  sourceDepartment: optionalText,
  paperSize: text.default('A4'),
  blankFormRef: optionalText,
  sampleRef: optionalText,
  acceptanceStandard: optionalText,
  basis: optionalText,
  mayBeAcceptedMissing: flag.default(false),
  situationCodes: list(text),
  certificateName: optionalText,
});

/**
 * A fee: charged under an entry of the fee catalogue (`catalogueEntry`), whose standard, receiving department and
 * fiscal account it takes (and whose name and basis, when left out); or stating its own standard — a fixed
 * `amountFen`, or a `unitPriceFen` per `unitName` — with its basis, receiving department and fiscal account.
 */
const fee = z.strictObject({
  code: text,
  name: optionalText,
  catalogueEntry: feeEntryRef.optional(),
  kind: oneOf(FeeKinds).optional(),
  amountFen: number.default(0),
  unitPriceFen: number.default(0),
  unitName: optionalText,
  legalBasis: optionalText,
  receivingDepartment: departmentRef.optional(),
  fiscalAccount: optionalText,
  reducible: flag.default(false),
  reductionBasis: optionalText,
});

/**
 * A joint item's graph and how its lead is found: `named` (the default) names `leadDepartment`;
 * `first_department` and `last_approving` find it in the graph, and may leave it out.
 */
const joint = z.strictObject({
  leadRule: oneOf(JointLeadRules).default('named'),
  leadDepartment: departmentRef.optional(),
  subItems: z.array(
    z.strictObject({
      code: text,
      name: text,
      department: departmentRef,
      /** The demo item this part is, when it is one (loaded before this item). */
      item: key.optional(),
      limit: limit.nullable(),
    }),
  ),
  edges: z.array(z.strictObject({ subItem: text, dependsOn: text })),
});

export const demoItemSchema = z.strictObject({
  /** Names the item's request ids (`demo-item-<key>-create`, ...): never change it once loaded. */
  key,
  /** The implementing department; the item is exercised (and approved) at its hall's tier. */
  department: departmentRef,
  baseCode: text,
  implementationCode: text,
  name: text,
  itemType: oneOf(ItemTypes),
  duties: text,
  legalBasis: list(legalBasis),
  acceptanceConditions: list(text),
  prerequisites: list(z.strictObject({ description: text, item: key.optional() })),
  notificationCommitment: flag.default(false),
  procedure: z.strictObject({
    description: text,
    channels: z.strictObject({
      onlineDepth: number,
      appointment: flag,
      expressDelivery: flag,
      onlinePayment: flag,
    }),
  }),
  /** null: the law sets no limit. */
  statutoryLimit: limit.nullable(),
  promisedLimit: limit,
  /** Left out: 4 working hours. */
  acceptanceLimit: limit.nullable().default(null),
  stageBudgets: list(z.strictObject({ stage: oneOf(Stages), limit })),
  limitNote: optionalText,
  commitment: z.strictObject({ text, maxVisits: number }),
  free: flag.default(true),
  feeItems: list(fee),
  result: z.strictObject({ name: text, kind: oneOf(ResultKinds), sampleRef: optionalText }),
  caseType: oneOf(CaseTypes),
  reviewMode: oneOf(ReviewModes),
  situations: list(z.strictObject({ code: text, name: text, group: optionalText })),
  materials: z.array(material),
  acceptTiers: z.array(oneOf(HallTiers)),
  handlingScope: oneOf(HandlingScopes),
  joint: joint.optional(),
  /** 容缺受理: who may be accepted with the materials marked mayBeAcceptedMissing, and by when they bring them. */
  missingMaterials: z
    .strictObject({ eligibleCategories: z.array(oneOf(ProjectCategories)), supplementLimit: limit, basis: text })
    .nullable()
    .default(null),
  /** 上报件: the upper authority that decides, and its tier when it is one of the network's. */
  reported: z
    .strictObject({ upperAuthority: text, upperTier: oneOf(HallTiers).nullable().default(null) })
    .nullable()
    .default(null),
  /** 否定报备: refusals are filed with the centre before they are issued. */
  refusalFilingRequired: flag.default(false),
  /** 结果公示: completed cases are published. */
  publishResults: flag.default(false),
  /** 延期: how much a leader may extend a case, in working days; left out, the law's 10 (15 for a joint item). */
  extensionLimit: limit.nullable().default(null),
  /** Delegated down in a clean-up round after the first publish; the delegated version is published too. */
  delegation: z
    .strictObject({
      tier: oneOf(HallTiers),
      mode: oneOf(DelegationModes),
      basis: text,
      cleanup: z.strictObject({ round: text, basis: text, note: optionalText }),
    })
    .optional(),
});

/** Items issued together at one window of one hall (两证齐发), in issue order. */
export const demoBundleSchema = z.strictObject({
  /** Names the bundle's request id (`demo-bundle-<key>`). */
  key,
  name: text,
  description: optionalText,
  items: z.array(key),
  /** The hall (its key) and the window (its number in that hall) that issue the bundle. */
  hall: key,
  window: text,
});

export const demoItemsFileSchema = z.strictObject({ items: list(demoItemSchema), bundles: list(demoBundleSchema) });

export type DemoItem = z.output<typeof demoItemSchema>;
export type DemoBundle = z.output<typeof demoBundleSchema>;
export type DemoItemsFile = z.output<typeof demoItemsFileSchema>;
