import { catalogueItemsV1 as pb, type catalogueV1 as org } from '@govhall/contracts';
import { unary, ValidationError, type GrpcServiceRegistration } from '@govhall/kit';
import type { GuidePage, ItemService, ItemView, MaterialList } from '../../app/item-service';
import {
  CaseTypes,
  CleanupActions,
  DelegationModes,
  FeeKinds,
  HandlingScopes,
  ItemStatuses,
  ItemTypes,
  LimitUnits,
  MaterialForms,
  MaterialNecessities,
  MaterialSources,
  ResultKinds,
  ReviewModes,
  Stages,
  type CleanupInput,
  type CleanupRecord,
  type Delegation,
  type ItemBundle,
  type ItemBundleInput,
  type ItemContent,
  type ItemDerived,
  type ItemInput,
  type ItemVersionSummary,
  type Material,
  type TimeLimit,
  type Unchecked,
} from '../../domain/items';
import type { GuideHit } from '../../domain/items-search';
import { BodyNatures, HallTiers } from '../../domain/organisation';
import { fromProtoEnum, toProtoEnum } from './proto-enums';

function required<T>(message: T | undefined, field: string): T {
  if (message === undefined) throw ValidationError.single(field, 'is required');
  return message;
}

// ---- proto → domain --------------------------------------------------------------------------------------

const limitIn = (m: pb.TimeLimit | undefined): Unchecked<TimeLimit> | null =>
  m ? { amount: m.amount, unit: fromProtoEnum('LIMIT_UNIT_', LimitUnits, m.unit) } : null;

const delegationIn = (m: pb.Delegation): Unchecked<Delegation> => ({
  tier: fromProtoEnum('HALL_TIER_', HallTiers, m.tier),
  mode: fromProtoEnum('DELEGATION_MODE_', DelegationModes, m.mode),
  basis: m.basis,
});

const materialIn = (m: pb.Material): Unchecked<Material> => ({
  code: m.code,
  name: m.name,
  necessity: fromProtoEnum('MATERIAL_NECESSITY_', MaterialNecessities, m.necessity),
  form: fromProtoEnum('MATERIAL_FORM_', MaterialForms, m.form),
  copies: m.copies,
  originalForCheck: m.originalForCheck,
  source: fromProtoEnum('MATERIAL_SOURCE_', MaterialSources, m.source),
  sourceDepartment: m.sourceDepartment,
  paperSize: m.paperSize,
  blankFormRef: m.blankFormRef,
  sampleRef: m.sampleRef,
  acceptanceStandard: m.acceptanceStandard,
  basis: m.basis,
  mayBeAcceptedMissing: m.mayBeAcceptedMissing,
  situationCodes: m.situationCodes,
});

/** An item as sent; absent sub-messages read as their defaults (proto3), absent limits as null. */
export function itemInputFromProto(m: pb.ItemContent): ItemInput {
  const channels = m.procedure?.channels;
  return {
    baseCode: m.baseCode,
    implementationCode: m.implementationCode,
    name: m.name,
    departmentId: m.departmentId,
    bodyNature: fromProtoEnum('BODY_NATURE_', BodyNatures, m.bodyNature),
    itemType: fromProtoEnum('ITEM_TYPE_', ItemTypes, m.itemType),
    exercisingTier: fromProtoEnum('HALL_TIER_', HallTiers, m.exercisingTier),
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
      stage: fromProtoEnum('PROCESS_STAGE_', Stages, b.stage),
      limit: limitIn(b.limit),
    })),
    limitNote: m.limitNote,
    commitment: { text: m.commitment?.text ?? '', maxVisits: m.commitment?.maxVisits ?? 0 },
    free: m.free,
    feeItems: m.feeItems.map((fee) => ({
      code: fee.code,
      name: fee.name,
      kind: fromProtoEnum('FEE_KIND_', FeeKinds, fee.kind),
      amountFen: fee.amountFen,
      unitPriceFen: fee.unitPriceFen,
      unitName: fee.unitName,
      legalBasis: fee.legalBasis,
      receivingDepartmentId: fee.receivingDepartmentId,
      fiscalAccount: fee.fiscalAccount,
      reducible: fee.reducible,
      reductionBasis: fee.reductionBasis,
    })),
    result: {
      name: m.result?.name ?? '',
      kind: fromProtoEnum('RESULT_KIND_', ResultKinds, m.result?.kind) ?? null,
      sampleRef: m.result?.sampleRef ?? '',
    },
    caseType: fromProtoEnum('CASE_TYPE_', CaseTypes, m.caseType),
    reviewMode: fromProtoEnum('REVIEW_MODE_', ReviewModes, m.reviewMode),
    situations: m.situations.map((s) => ({ code: s.code, name: s.name, group: s.group })),
    materials: m.materials.map(materialIn),
    acceptTiers: m.acceptTiers.map((tier) => fromProtoEnum('HALL_TIER_', HallTiers, tier)),
    approveTier: fromProtoEnum('HALL_TIER_', HallTiers, m.approveTier),
    handlingScope: fromProtoEnum('HANDLING_SCOPE_', HandlingScopes, m.handlingScope),
    delegation: m.delegation ? delegationIn(m.delegation) : null,
    joint: m.joint
      ? {
          leadDepartmentId: m.joint.leadDepartmentId,
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
  };
}

const cleanupIn = (m: pb.CleanupInput | undefined): CleanupInput => ({
  round: m?.round ?? '',
  basis: m?.basis ?? '',
  note: m?.note ?? '',
});

// ---- domain → proto --------------------------------------------------------------------------------------

const limitOut = (limit: TimeLimit): pb.TimeLimit => ({
  amount: limit.amount,
  unit: toProtoEnum<pb.LimitUnit>('LIMIT_UNIT_', limit.unit),
});

const delegationOut = (d: Delegation): pb.Delegation => ({
  tier: toProtoEnum<org.HallTier>('HALL_TIER_', d.tier),
  mode: toProtoEnum<pb.DelegationMode>('DELEGATION_MODE_', d.mode),
  basis: d.basis,
});

const materialOut = (m: Material): pb.Material => ({
  code: m.code,
  name: m.name,
  necessity: toProtoEnum<pb.MaterialNecessity>('MATERIAL_NECESSITY_', m.necessity),
  form: toProtoEnum<pb.MaterialForm>('MATERIAL_FORM_', m.form),
  copies: m.copies,
  originalForCheck: m.originalForCheck,
  source: toProtoEnum<pb.MaterialSource>('MATERIAL_SOURCE_', m.source),
  sourceDepartment: m.sourceDepartment,
  paperSize: m.paperSize,
  blankFormRef: m.blankFormRef,
  sampleRef: m.sampleRef,
  acceptanceStandard: m.acceptanceStandard,
  basis: m.basis,
  mayBeAcceptedMissing: m.mayBeAcceptedMissing,
  situationCodes: [...m.situationCodes],
});

/** An item version's content on the wire. */
export function itemContentToProto(c: ItemContent): pb.ItemContent {
  return {
    baseCode: c.baseCode,
    implementationCode: c.implementationCode,
    name: c.name,
    departmentId: c.departmentId,
    bodyNature: toProtoEnum<org.BodyNature>('BODY_NATURE_', c.bodyNature),
    itemType: toProtoEnum<pb.ItemType>('ITEM_TYPE_', c.itemType),
    exercisingTier: toProtoEnum<org.HallTier>('HALL_TIER_', c.exercisingTier),
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
      stage: toProtoEnum<pb.ProcessStage>('PROCESS_STAGE_', b.stage),
      limit: limitOut(b.limit),
    })),
    limitNote: c.limitNote,
    commitment: { ...c.commitment },
    free: c.free,
    feeItems: c.feeItems.map((fee) => ({ ...fee, kind: toProtoEnum<pb.FeeKind>('FEE_KIND_', fee.kind) })),
    result: {
      name: c.result.name,
      kind: toProtoEnum<pb.ResultKind>('RESULT_KIND_', c.result.kind),
      sampleRef: c.result.sampleRef,
    },
    caseType: toProtoEnum<pb.CaseType>('CASE_TYPE_', c.caseType),
    reviewMode: toProtoEnum<pb.ReviewMode>('REVIEW_MODE_', c.reviewMode),
    situations: c.situations.map((s) => ({ ...s })),
    materials: c.materials.map(materialOut),
    acceptTiers: c.acceptTiers.map((tier) => toProtoEnum<org.HallTier>('HALL_TIER_', tier)),
    approveTier: toProtoEnum<org.HallTier>('HALL_TIER_', c.approveTier),
    handlingScope: toProtoEnum<pb.HandlingScope>('HANDLING_SCOPE_', c.handlingScope),
    delegation: c.delegation ? delegationOut(c.delegation) : undefined,
    joint: c.joint
      ? {
          leadDepartmentId: c.joint.leadDepartmentId,
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
  };
}

const derivedOut = (d: ItemDerived): pb.ItemDerived => ({
  stages: d.stages.map((stage) => toProtoEnum<pb.ProcessStage>('PROCESS_STAGE_', stage)),
  crossTierLinkage: d.crossTierLinkage,
  jointLayers: d.jointLayers.map((layer) => ({ subItemCodes: [...layer] })),
  jointCriticalPath: d.jointCriticalPath ? limitOut(d.jointCriticalPath) : undefined,
  acceptsMissingMaterials: d.acceptsMissingMaterials,
});

/** An item version on the wire: content, derived process, lifecycle. */
export function itemToProto(v: ItemView): pb.Item {
  return {
    id: v.itemId,
    version: v.version,
    status: toProtoEnum<pb.ItemStatus>('ITEM_STATUS_', v.status),
    revision: v.revision,
    content: itemContentToProto(v.content),
    derived: derivedOut(v.derived),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    publishedAt: v.publishedAt ?? undefined,
    retiredAt: v.retiredAt ?? undefined,
    retiredReason: toProtoEnum<pb.RetiredReason>('RETIRED_REASON_', v.retiredReason),
    mergedIntoItemId: v.mergedIntoItemId ?? '',
  };
}

const summaryOut = (s: ItemVersionSummary): pb.ItemVersionSummary => ({
  version: s.version,
  status: toProtoEnum<pb.ItemStatus>('ITEM_STATUS_', s.status),
  revision: s.revision,
  name: s.name,
  createdAt: s.createdAt,
  publishedAt: s.publishedAt ?? undefined,
  retiredAt: s.retiredAt ?? undefined,
  retiredReason: toProtoEnum<pb.RetiredReason>('RETIRED_REASON_', s.retiredReason),
});

const cleanupOut = (r: CleanupRecord): pb.CleanupRecord => ({
  id: r.id,
  itemId: r.itemId,
  round: r.round,
  action: toProtoEnum<pb.CleanupAction>('CLEANUP_ACTION_', r.action),
  basis: r.basis,
  note: r.note,
  fromVersion: r.fromVersion,
  mergedIntoItemId: r.mergedIntoItemId ?? '',
  delegation: r.delegation ? delegationOut(r.delegation) : undefined,
  draftVersion: r.draftVersion ?? 0,
  recordedAt: r.recordedAt,
});

const bundleOut = (b: ItemBundle): pb.ItemBundle => ({
  id: b.id,
  name: b.name,
  description: b.description,
  itemIds: [...b.itemIds],
  active: b.active,
  version: b.version,
  createdAt: b.createdAt,
  updatedAt: b.updatedAt,
});

const bundleIn = (m: pb.ItemBundleInput): ItemBundleInput => ({
  name: m.name,
  description: m.description,
  itemIds: m.itemIds,
});

const materialsOut = (list: MaterialList): pb.ListMaterialsResponse => ({
  itemId: list.itemId,
  version: list.version,
  materials: list.materials.map(materialOut),
  unansweredGroups: [...list.unansweredGroups],
});

const guideHitOut = (h: GuideHit): pb.GuideHit => ({
  itemId: h.itemId,
  version: h.version,
  name: h.name,
  implementationCode: h.implementationCode,
  departmentId: h.departmentId,
  departmentName: h.departmentName,
  caseType: toProtoEnum<pb.CaseType>('CASE_TYPE_', h.caseType),
  promisedLimit: limitOut(h.promisedLimit),
  statutoryLimit: h.statutoryLimit ? limitOut(h.statutoryLimit) : undefined,
  matchedFields: h.matchedFields.map((f) => toProtoEnum<pb.GuideField>('GUIDE_FIELD_', f)),
  excerpt: { field: toProtoEnum<pb.GuideField>('GUIDE_FIELD_', h.excerpt.field), text: h.excerpt.text },
  score: h.score,
});

const guidePageOut = (page: GuidePage): pb.SearchGuideResponse => ({
  hits: page.hits.map(guideHitOut),
  totalMatches: page.totalMatches,
  nextPageToken: page.nextPageToken,
});

// ---- handlers --------------------------------------------------------------------------------------------

/** Thin gRPC handlers of `govhall.catalogue.v1.ItemService`: decode, call one use case, encode. */
export function itemHandlers(service: ItemService): pb.ItemServiceServer {
  const handlers: { [K in keyof pb.ItemServiceServer]: pb.ItemServiceServer[K] } = {
    createItem: unary('CreateItem', async (r: pb.CreateItemRequest) => ({
      item: itemToProto(
        await service.createItem({ requestId: r.requestId }, itemInputFromProto(required(r.item, 'item'))),
      ),
    })),
    updateItem: unary('UpdateItem', async (r: pb.UpdateItemRequest) => ({
      item: itemToProto(
        await service.updateItem(
          { requestId: r.requestId },
          r.itemId,
          r.version,
          r.expectedRevision,
          itemInputFromProto(required(r.item, 'item')),
        ),
      ),
    })),
    reviseItem: unary('ReviseItem', async (r: pb.ReviseItemRequest) => ({
      item: itemToProto(
        await service.reviseItem(
          { requestId: r.requestId },
          r.itemId,
          r.baseVersion,
          r.item ? itemInputFromProto(r.item) : null,
        ),
      ),
    })),
    discardItemDraft: unary('DiscardItemDraft', async (r: pb.DiscardItemDraftRequest) =>
      service.discardItemDraft({ requestId: r.requestId }, r.itemId, r.version),
    ),
    publishItem: unary('PublishItem', async (r: pb.PublishItemRequest) => ({
      item: itemToProto(await service.publishItem({ requestId: r.requestId }, r.itemId, r.version, r.expectedRevision)),
    })),
    retireItem: unary('RetireItem', async (r: pb.RetireItemRequest) => {
      const action = fromProtoEnum('CLEANUP_ACTION_', CleanupActions, r.action);
      const { item, record } = await service.retireItem(
        { requestId: r.requestId },
        r.itemId,
        r.version,
        action === 'delegated' ? undefined : action,
        r.mergedIntoItemId || null,
        cleanupIn(r.cleanup),
      );
      return { item: itemToProto(item), record: cleanupOut(record) };
    }),
    delegateItem: unary('DelegateItem', async (r: pb.DelegateItemRequest) => {
      const { item, record } = await service.delegateItem(
        { requestId: r.requestId },
        r.itemId,
        r.version,
        delegationIn(required(r.delegation, 'delegation')),
        cleanupIn(r.cleanup),
      );
      return { item: itemToProto(item), record: cleanupOut(record) };
    }),
    listCleanupRecords: unary('ListCleanupRecords', async (r: pb.ListCleanupRecordsRequest) => ({
      records: (
        await service.listCleanupRecords({
          ...(r.itemId ? { itemId: r.itemId } : {}),
          ...(r.round ? { round: r.round } : {}),
        })
      ).map(cleanupOut),
    })),

    getItem: unary('GetItem', async (r: pb.GetItemRequest) => ({
      item: itemToProto(
        await service.getItem({
          version: r.version,
          ...(r.itemId ? { itemId: r.itemId } : {}),
          ...(r.implementationCode ? { implementationCode: r.implementationCode } : {}),
        }),
      ),
    })),
    listItems: unary('ListItems', async (r: pb.ListItemsRequest) => {
      const status = fromProtoEnum('ITEM_STATUS_', ItemStatuses, r.status);
      const itemType = fromProtoEnum('ITEM_TYPE_', ItemTypes, r.itemType);
      const caseType = fromProtoEnum('CASE_TYPE_', CaseTypes, r.caseType);
      const acceptTier = fromProtoEnum('HALL_TIER_', HallTiers, r.acceptTier);
      const page = await service.listItems(
        {
          ...(r.hallId ? { hallId: r.hallId } : {}),
          ...(r.departmentId ? { departmentId: r.departmentId } : {}),
          ...(status ? { status } : {}),
          ...(itemType ? { itemType } : {}),
          ...(caseType ? { caseType } : {}),
          ...(acceptTier ? { acceptTier } : {}),
        },
        { size: r.pageSize, token: r.pageToken },
      );
      return { items: page.items.map(itemToProto), nextPageToken: page.nextPageToken };
    }),
    listItemVersions: unary('ListItemVersions', async (r: pb.ListItemVersionsRequest) => ({
      versions: (await service.listItemVersions(r.itemId)).map(summaryOut),
    })),
    listMaterials: unary('ListMaterials', async (r: pb.ListMaterialsRequest) =>
      materialsOut(await service.listMaterials(r.itemId, r.version, r.situationCodes)),
    ),
    searchGuide: unary('SearchGuide', async (r: pb.SearchGuideRequest) => {
      const acceptTier = fromProtoEnum('HALL_TIER_', HallTiers, r.acceptTier);
      return guidePageOut(
        await service.searchGuide(
          r.query,
          {
            ...(r.hallId ? { hallId: r.hallId } : {}),
            ...(r.departmentId ? { departmentId: r.departmentId } : {}),
            ...(acceptTier ? { acceptTier } : {}),
          },
          { size: r.pageSize, token: r.pageToken },
        ),
      );
    }),

    createItemBundle: unary('CreateItemBundle', async (r: pb.CreateItemBundleRequest) => ({
      bundle: bundleOut(await service.createBundle({ requestId: r.requestId }, bundleIn(required(r.bundle, 'bundle')))),
    })),
    updateItemBundle: unary('UpdateItemBundle', async (r: pb.UpdateItemBundleRequest) => ({
      bundle: bundleOut(
        await service.updateBundle(
          { requestId: r.requestId },
          r.id,
          r.expectedVersion,
          bundleIn(required(r.bundle, 'bundle')),
        ),
      ),
    })),
    getItemBundle: unary('GetItemBundle', async (r: pb.GetItemBundleRequest) => ({
      bundle: bundleOut(await service.getBundle(r.id)),
    })),
    listItemBundles: unary('ListItemBundles', async (r: pb.ListItemBundlesRequest) => ({
      bundles: (
        await service.listBundles({ includeInactive: r.includeInactive, ...(r.itemId ? { itemId: r.itemId } : {}) })
      ).map(bundleOut),
    })),
    deactivateItemBundle: unary('DeactivateItemBundle', async (r: pb.DeactivateItemBundleRequest) => ({
      bundle: bundleOut(await service.deactivateBundle({ requestId: r.requestId }, r.id)),
    })),
  };
  return handlers;
}

/** The item service as `startGrpcServer` takes it: `services: [..., itemGrpcService(items)]`. */
export function itemGrpcService(service: ItemService): GrpcServiceRegistration {
  return { definition: pb.ItemServiceService, implementation: itemHandlers(service) };
}
