import { catalogueItemsV1 as pb } from '@govhall/contracts';
import { Access, grpcService, required, unary, type CallContext, type GrpcServiceRegistration } from '@govhall/kit';
import { ADMINISTRATOR } from './organisation-handlers';
import type { Audience, ItemService } from '../../app/item-service';
import { caseType, cleanupAction, frozenFilter, hallTier, itemStatus, itemType } from '../proto/enums';
import {
  bundleIn,
  bundleOut,
  cleanupIn,
  cleanupOut,
  delegationIn,
  guidePageOut,
  itemInputFromProto,
  itemToProto,
  materialsOut,
  summaryOut,
} from '../proto/items';

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
      const action = cleanupAction.fromProto(r.action);
      const { item, record } = await service.retireItem(
        { requestId: r.requestId },
        r.itemId,
        r.version,
        action === 'cancelled' || action === 'merged' ? action : undefined,
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
    freezeItem: unary('FreezeItem', async (r: pb.FreezeItemRequest) => {
      const { item, record } = await service.freezeItem(
        { requestId: r.requestId },
        r.itemId,
        r.version,
        cleanupIn(r.cleanup),
      );
      return { item: itemToProto(item), record: cleanupOut(record) };
    }),
    unfreezeItem: unary('UnfreezeItem', async (r: pb.UnfreezeItemRequest) => {
      const { item, record } = await service.unfreezeItem(
        { requestId: r.requestId },
        r.itemId,
        r.version,
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

    getItem: unary('GetItem', async (r: pb.GetItemRequest, ctx) => ({
      item: itemToProto(
        await service.getItem(
          {
            version: r.version,
            ...(r.itemId ? { itemId: r.itemId } : {}),
            ...(r.implementationCode ? { implementationCode: r.implementationCode } : {}),
          },
          audienceOf(ctx),
        ),
      ),
    })),
    listItems: unary('ListItems', async (r: pb.ListItemsRequest, ctx) => {
      const status = itemStatus.fromProto(r.status);
      const type = itemType.fromProto(r.itemType);
      const kind = caseType.fromProto(r.caseType);
      const acceptTier = hallTier.fromProto(r.acceptTier);
      const frozen = frozenFilter.fromProto(r.frozen);
      const page = await service.listItems(
        {
          ...(r.hallId ? { hallId: r.hallId } : {}),
          ...(r.departmentId ? { departmentId: r.departmentId } : {}),
          ...(status ? { status } : {}),
          ...(type ? { itemType: type } : {}),
          ...(kind ? { caseType: kind } : {}),
          ...(acceptTier ? { acceptTier } : {}),
          ...(frozen ? { frozen: frozen === 'frozen' } : {}),
        },
        { size: r.pageSize, token: r.pageToken },
        audienceOf(ctx),
      );
      return { items: page.items.map(itemToProto), nextPageToken: page.nextPageToken };
    }),
    listItemVersions: unary('ListItemVersions', async (r: pb.ListItemVersionsRequest, ctx) => ({
      versions: (await service.listItemVersions(r.itemId, audienceOf(ctx))).map(summaryOut),
    })),
    listMaterials: unary('ListMaterials', async (r: pb.ListMaterialsRequest, ctx) =>
      materialsOut(await service.listMaterials(r.itemId, r.version, r.situationCodes, audienceOf(ctx))),
    ),
    searchGuide: unary('SearchGuide', async (r: pb.SearchGuideRequest) => {
      const acceptTier = hallTier.fromProto(r.acceptTier);
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
        await service.listBundles({
          includeInactive: r.includeInactive,
          ...(r.itemId ? { itemId: r.itemId } : {}),
          ...(r.hallId ? { hallId: r.hallId } : {}),
        })
      ).map(bundleOut),
    })),
    deactivateItemBundle: unary('DeactivateItemBundle', async (r: pb.DeactivateItemBundleRequest) => ({
      bundle: bundleOut(await service.deactivateBundle({ requestId: r.requestId }, r.id)),
    })),
  };
  return handlers;
}

/** Anonymous callers are the public: they do not see drafts. */
const audienceOf = (ctx: CallContext): Audience => (ctx.actor.kind === 'anonymous' ? 'public' : 'internal');

/** Who may call each method: the catalogue is kept by the administrators and read by everyone. */
export const ITEM_ACCESS = {
  createItem: ADMINISTRATOR,
  updateItem: ADMINISTRATOR,
  reviseItem: ADMINISTRATOR,
  discardItemDraft: ADMINISTRATOR,
  publishItem: ADMINISTRATOR,
  retireItem: ADMINISTRATOR,
  delegateItem: ADMINISTRATOR,
  freezeItem: ADMINISTRATOR,
  unfreezeItem: ADMINISTRATOR,
  // Clean-up decisions are published (清理结果公布).
  listCleanupRecords: Access.public(),
  getItem: Access.public(),
  listItems: Access.public(),
  listItemVersions: Access.public(),
  listMaterials: Access.public(),
  searchGuide: Access.public(),
  createItemBundle: ADMINISTRATOR,
  updateItemBundle: ADMINISTRATOR,
  getItemBundle: Access.public(),
  listItemBundles: Access.public(),
  deactivateItemBundle: ADMINISTRATOR,
} as const;

/** The item service as `startGrpcServer` takes it: `services: [..., itemGrpcService(items)]`. */
export function itemGrpcService(service: ItemService): GrpcServiceRegistration {
  return grpcService(pb.ItemServiceService, itemHandlers(service), ITEM_ACCESS);
}
