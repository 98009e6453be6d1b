import { catalogueV1 as org, catalogueItemsV1 as pb } from '@govhall/contracts';
import type { GuidePage, ItemView, MaterialList } from '../../app/item-service';
import type {
  CleanupInput,
  CleanupRecord,
  Delegation,
  FeeItem,
  ItemBundle,
  ItemBundleInput,
  ItemContent,
  ItemDerived,
  ItemInput,
  ItemVersionSummary,
  JointLeadRule,
  Material,
  MissingMaterialPolicy,
  Reporting,
  TimeLimit,
  Unchecked,
} from '../../domain/items';
import type { GuideHit } from '../../domain/items-search';
import {
  bodyNature,
  caseType,
  cleanupAction,
  delegationMode,
  feeKind,
  guideField,
  hallTier,
  handlingScope,
  itemStatus,
  itemType,
  jointLeadRule,
  limitUnit,
  materialForm,
  materialNecessity,
  materialSource,
  processStage,
  projectCategory,
  resultKind,
  retiredReason,
  reviewMode,
} from './enums';

/** The item catalogue's messages: proto → domain inputs, domain → proto (answers and event payloads). */

// ---- proto → domain --------------------------------------------------------------------------------------

export const limitIn = (m: pb.TimeLimit | undefined): Unchecked<TimeLimit> | null =>
  m ? { amount: m.amount, unit: limitUnit.fromProto(m.unit) } : null;

export const delegationIn = (m: pb.Delegation): Unchecked<Delegation> => ({
  tier: hallTier.fromProto(m.tier),
  mode: delegationMode.fromProto(m.mode),
  basis: m.basis,
});

export const materialIn = (m: pb.Material): Unchecked<Material> => ({
  code: m.code,
  name: m.name,
  necessity: materialNecessity.fromProto(m.necessity),
  form: materialForm.fromProto(m.form),
  copies: m.copies,
  originalForCheck: m.originalForCheck,
  source: materialSource.fromProto(m.source),
  sourceDepartment: m.sourceDepartment,
  paperSize: m.paperSize,
  blankFormRef: m.blankFormRef,
  sampleRef: m.sampleRef,
  acceptanceStandard: m.acceptanceStandard,
  basis: m.basis,
  mayBeAcceptedMissing: m.mayBeAcceptedMissing,
  situationCodes: m.situationCodes,
  certificateName: m.certificateName,
});

export const missingMaterialsIn = (m: pb.MissingMaterialPolicy): ItemInput['missingMaterials'] => ({
  eligibleCategories: m.eligibleCategories.map((c) => projectCategory.fromProto(c)),
  supplementLimit: limitIn(m.supplementLimit),
  basis: m.basis,
});

/** An unspecified tier names none (an authority beyond the network); an unknown one stays undefined (refused). */
export const reportingIn = (m: pb.Reporting): Unchecked<Reporting> => ({
  upperAuthority: m.upperAuthority,
  upperTier: m.upperTier === org.HallTier.HALL_TIER_UNSPECIFIED ? null : hallTier.fromProto(m.upperTier),
});

/** An unspecified lead rule is NAMED (the rule before there were others); an unknown one stays undefined (refused). */
export const leadRuleIn = (rule: pb.JointLeadRule): Unchecked<JointLeadRule> =>
  rule === pb.JointLeadRule.JOINT_LEAD_RULE_UNSPECIFIED ? 'named' : jointLeadRule.fromProto(rule);

/** An item as sent; absent sub-messages read as their defaults (proto3), absent limits as null. */
export function itemInputFromProto(m: pb.ItemContent): ItemInput {
  const channels = m.procedure?.channels;
  return {
    baseCode: m.baseCode,
    implementationCode: m.implementationCode,
    name: m.name,
    departmentId: m.departmentId,
    bodyNature: bodyNature.fromProto(m.bodyNature),
    itemType: itemType.fromProto(m.itemType),
    exercisingTier: hallTier.fromProto(m.exercisingTier),
    duties: m.duties,
    legalBasis: m.legalBasis.map((b) => ({ name: b.name, article: b.article, text: b.text })),
    acceptanceConditions: m.acceptanceConditions,
    prerequisites: m.prerequisites.map((p) => ({ description: p.description, itemId: p.itemId || null })),
    notificationCommitment: m.notificationCommitment,
    procedure: {
      description: m.procedure?.description ?? '',
      channels: {
        onlineDepth: channels?.onlineDepth ?? 0,
        appointment: channels?.appointment ?? false,
        expressDelivery: channels?.expressDelivery ?? false,
        onlinePayment: channels?.onlinePayment ?? false,
      },
    },
    statutoryLimit: limitIn(m.statutoryLimit),
    promisedLimit: limitIn(m.promisedLimit),
    acceptanceLimit: limitIn(m.acceptanceLimit),
    stageBudgets: m.stageBudgets.map((b) => ({
      stage: processStage.fromProto(b.stage),
      limit: limitIn(b.limit),
    })),
    limitNote: m.limitNote,
    commitment: { text: m.commitment?.text ?? '', maxVisits: m.commitment?.maxVisits ?? 0 },
    free: m.free,
    feeItems: m.feeItems.map((fee) => ({
      code: fee.code,
      name: fee.name,
      kind: feeKind.fromProto(fee.kind),
      amountFen: fee.amountFen,
      unitPriceFen: fee.unitPriceFen,
      unitName: fee.unitName,
      legalBasis: fee.legalBasis,
      receivingDepartmentId: fee.receivingDepartmentId,
      fiscalAccount: fee.fiscalAccount,
      reducible: fee.reducible,
      reductionBasis: fee.reductionBasis,
      // The entry's terms (catalogue_code, one_fee, upward share) are output only: copied from the entry.
      catalogueEntryId: fee.catalogueEntryId || null,
    })),
    result: {
      name: m.result?.name ?? '',
      kind: resultKind.fromProto(m.result?.kind) ?? null,
      sampleRef: m.result?.sampleRef ?? '',
    },
    caseType: caseType.fromProto(m.caseType),
    reviewMode: reviewMode.fromProto(m.reviewMode),
    situations: m.situations.map((s) => ({ code: s.code, name: s.name, group: s.group })),
    materials: m.materials.map(materialIn),
    acceptTiers: m.acceptTiers.map((tier) => hallTier.fromProto(tier)),
    approveTier: hallTier.fromProto(m.approveTier),
    handlingScope: handlingScope.fromProto(m.handlingScope),
    delegation: m.delegation ? delegationIn(m.delegation) : null,
    joint: m.joint
      ? {
          leadDepartmentId: m.joint.leadDepartmentId,
          leadRule: leadRuleIn(m.joint.leadRule),
          subItems: m.joint.subItems.map((s) => ({
            code: s.code,
            name: s.name,
            departmentId: s.departmentId,
            itemId: s.itemId || null,
            limit: limitIn(s.limit),
          })),
          edges: m.joint.edges.map((e) => ({ subItem: e.subItem, dependsOn: e.dependsOn })),
        }
      : null,
    missingMaterials: m.missingMaterials ? missingMaterialsIn(m.missingMaterials) : null,
    reported: m.reported ? reportingIn(m.reported) : null,
    refusalFilingRequired: m.refusalFilingRequired,
    publishResults: m.publishResults,
    extensionLimit: limitIn(m.extensionLimit),
  };
}

export const cleanupIn = (m: pb.CleanupInput | undefined): CleanupInput => ({
  round: m?.round ?? '',
  basis: m?.basis ?? '',
  note: m?.note ?? '',
});

// ---- domain → proto --------------------------------------------------------------------------------------

export const limitOut = (limit: TimeLimit): pb.TimeLimit => ({
  amount: limit.amount,
  unit: limitUnit.toProto(limit.unit),
});

export const delegationOut = (d: Delegation): pb.Delegation => ({
  tier: hallTier.toProto(d.tier),
  mode: delegationMode.toProto(d.mode),
  basis: d.basis,
});

export const materialOut = (m: Material): pb.Material => ({
  code: m.code,
  name: m.name,
  necessity: materialNecessity.toProto(m.necessity),
  form: materialForm.toProto(m.form),
  copies: m.copies,
  originalForCheck: m.originalForCheck,
  source: materialSource.toProto(m.source),
  sourceDepartment: m.sourceDepartment,
  paperSize: m.paperSize,
  blankFormRef: m.blankFormRef,
  sampleRef: m.sampleRef,
  acceptanceStandard: m.acceptanceStandard,
  basis: m.basis,
  mayBeAcceptedMissing: m.mayBeAcceptedMissing,
  situationCodes: [...m.situationCodes],
  certificateName: m.certificateName,
});

export const missingMaterialsOut = (p: MissingMaterialPolicy): pb.MissingMaterialPolicy => ({
  eligibleCategories: p.eligibleCategories.map((c) => projectCategory.toProto(c)),
  supplementLimit: limitOut(p.supplementLimit),
  basis: p.basis,
});

export const reportingOut = (r: Reporting): pb.Reporting => ({
  upperAuthority: r.upperAuthority,
  upperTier: hallTier.toProto(r.upperTier),
});

/** A fee item on the wire, with what it carries of its fee catalogue entry (none for versions before it). */
export const feeItemOut = (fee: FeeItem): pb.FeeItem => ({
  code: fee.code,
  name: fee.name,
  kind: feeKind.toProto(fee.kind),
  amountFen: fee.amountFen,
  unitPriceFen: fee.unitPriceFen,
  unitName: fee.unitName,
  legalBasis: fee.legalBasis,
  receivingDepartmentId: fee.receivingDepartmentId,
  fiscalAccount: fee.fiscalAccount,
  reducible: fee.reducible,
  reductionBasis: fee.reductionBasis,
  catalogueEntryId: fee.catalogueEntryId ?? '',
  catalogueCode: fee.catalogue?.code ?? '',
  oneFee: fee.catalogue?.oneFee ?? false,
  upwardShareBasisPoints: fee.catalogue?.upwardShareBasisPoints ?? 0,
  upwardBody: fee.catalogue?.upwardBody ?? '',
});

/** An item version's content on the wire. */
export function itemContentToProto(c: ItemContent): pb.ItemContent {
  return {
    baseCode: c.baseCode,
    implementationCode: c.implementationCode,
    name: c.name,
    departmentId: c.departmentId,
    bodyNature: bodyNature.toProto(c.bodyNature),
    itemType: itemType.toProto(c.itemType),
    exercisingTier: hallTier.toProto(c.exercisingTier),
    duties: c.duties,
    legalBasis: c.legalBasis.map((b) => ({ ...b })),
    acceptanceConditions: [...c.acceptanceConditions],
    prerequisites: c.prerequisites.map((p) => ({ description: p.description, itemId: p.itemId ?? '' })),
    notificationCommitment: c.notificationCommitment,
    procedure: { description: c.procedure.description, channels: { ...c.procedure.channels } },
    statutoryLimit: c.statutoryLimit ? limitOut(c.statutoryLimit) : undefined,
    promisedLimit: limitOut(c.promisedLimit),
    acceptanceLimit: limitOut(c.acceptanceLimit),
    stageBudgets: c.stageBudgets.map((b) => ({
      stage: processStage.toProto(b.stage),
      limit: limitOut(b.limit),
    })),
    limitNote: c.limitNote,
    commitment: { ...c.commitment },
    free: c.free,
    feeItems: c.feeItems.map(feeItemOut),
    result: {
      name: c.result.name,
      kind: resultKind.toProto(c.result.kind),
      sampleRef: c.result.sampleRef,
    },
    caseType: caseType.toProto(c.caseType),
    reviewMode: reviewMode.toProto(c.reviewMode),
    situations: c.situations.map((s) => ({ ...s })),
    materials: c.materials.map(materialOut),
    acceptTiers: c.acceptTiers.map((tier) => hallTier.toProto(tier)),
    approveTier: hallTier.toProto(c.approveTier),
    handlingScope: handlingScope.toProto(c.handlingScope),
    delegation: c.delegation ? delegationOut(c.delegation) : undefined,
    joint: c.joint
      ? {
          leadDepartmentId: c.joint.leadDepartmentId,
          leadRule: jointLeadRule.toProto(c.joint.leadRule),
          subItems: c.joint.subItems.map((s) => ({
            code: s.code,
            name: s.name,
            departmentId: s.departmentId,
            itemId: s.itemId ?? '',
            limit: s.limit ? limitOut(s.limit) : undefined,
          })),
          edges: c.joint.edges.map((e) => ({ subItem: e.subItem, dependsOn: e.dependsOn })),
        }
      : undefined,
    missingMaterials: c.missingMaterials ? missingMaterialsOut(c.missingMaterials) : undefined,
    reported: c.reported ? reportingOut(c.reported) : undefined,
    refusalFilingRequired: c.refusalFilingRequired,
    publishResults: c.publishResults,
    extensionLimit: c.extensionLimit ? limitOut(c.extensionLimit) : undefined,
  };
}

export const derivedOut = (d: ItemDerived): pb.ItemDerived => ({
  stages: d.stages.map((stage) => processStage.toProto(stage)),
  crossTierLinkage: d.crossTierLinkage,
  jointLayers: d.jointLayers.map((layer) => ({ subItemCodes: [...layer] })),
  jointCriticalPath: d.jointCriticalPath ? limitOut(d.jointCriticalPath) : undefined,
  acceptsMissingMaterials: d.acceptsMissingMaterials,
  missingMaterialCodes: [...d.missingMaterialCodes],
  jointLeadDepartmentId: d.jointLeadDepartmentId ?? '',
});

/** An item version on the wire: content, derived process, lifecycle. */
export function itemToProto(v: ItemView): pb.Item {
  return {
    id: v.itemId,
    version: v.version,
    status: itemStatus.toProto(v.status),
    revision: v.revision,
    content: itemContentToProto(v.content),
    derived: derivedOut(v.derived),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    publishedAt: v.publishedAt ?? undefined,
    retiredAt: v.retiredAt ?? undefined,
    retiredReason: retiredReason.toProto(v.retiredReason),
    mergedIntoItemId: v.mergedIntoItemId ?? '',
    frozen: v.frozenAt !== null,
    frozenAt: v.frozenAt ?? undefined,
  };
}

export const summaryOut = (s: ItemVersionSummary): pb.ItemVersionSummary => ({
  version: s.version,
  status: itemStatus.toProto(s.status),
  revision: s.revision,
  name: s.name,
  createdAt: s.createdAt,
  publishedAt: s.publishedAt ?? undefined,
  retiredAt: s.retiredAt ?? undefined,
  retiredReason: retiredReason.toProto(s.retiredReason),
});

export const cleanupOut = (r: CleanupRecord): pb.CleanupRecord => ({
  id: r.id,
  itemId: r.itemId,
  round: r.round,
  action: cleanupAction.toProto(r.action),
  basis: r.basis,
  note: r.note,
  fromVersion: r.fromVersion,
  mergedIntoItemId: r.mergedIntoItemId ?? '',
  delegation: r.delegation ? delegationOut(r.delegation) : undefined,
  draftVersion: r.draftVersion ?? 0,
  recordedAt: r.recordedAt,
});

export const bundleOut = (b: ItemBundle): pb.ItemBundle => ({
  id: b.id,
  name: b.name,
  description: b.description,
  itemIds: [...b.itemIds],
  active: b.active,
  version: b.version,
  createdAt: b.createdAt,
  updatedAt: b.updatedAt,
  hallId: b.hallId ?? '',
  windowId: b.windowId ?? '',
});

export const bundleIn = (m: pb.ItemBundleInput): ItemBundleInput => ({
  name: m.name,
  description: m.description,
  itemIds: m.itemIds,
  hallId: m.hallId,
  windowId: m.windowId,
});

export const materialsOut = (list: MaterialList): pb.ListMaterialsResponse => ({
  itemId: list.itemId,
  version: list.version,
  materials: list.materials.map(materialOut),
  unansweredGroups: [...list.unansweredGroups],
});

export const guideHitOut = (h: GuideHit): pb.GuideHit => ({
  itemId: h.itemId,
  version: h.version,
  name: h.name,
  implementationCode: h.implementationCode,
  departmentId: h.departmentId,
  departmentName: h.departmentName,
  caseType: caseType.toProto(h.caseType),
  promisedLimit: limitOut(h.promisedLimit),
  statutoryLimit: h.statutoryLimit ? limitOut(h.statutoryLimit) : undefined,
  matchedFields: h.matchedFields.map((f) => guideField.toProto(f)),
  excerpt: { field: guideField.toProto(h.excerpt.field), text: h.excerpt.text },
  score: h.score,
});

export const guidePageOut = (page: GuidePage): pb.SearchGuideResponse => ({
  hits: page.hits.map(guideHitOut),
  totalMatches: page.totalMatches,
  nextPageToken: page.nextPageToken,
});
