import { catalogueFeeCatalogueV1 as pb } from '@govhall/contracts';
import { Access, grpcService, required, unary, type GrpcServiceRegistration } from '@govhall/kit';
import { ADMINISTRATOR } from './organisation-handlers';
import type { FeeCatalogueService } from '../../app/fee-catalogue-service';
import { oneFeeFilter } from '../proto/enums';
import { feeCatalogueEntryIn, feeCatalogueEntryOut } from '../proto/fee-catalogue';
import { cleanupIn } from '../proto/items';

// ---- handlers --------------------------------------------------------------------------------------------

/** Thin gRPC handlers of `govhall.catalogue.v1.FeeCatalogueService`: decode, call one use case, encode. */
export function feeCatalogueHandlers(service: FeeCatalogueService): pb.FeeCatalogueServiceServer {
  const handlers: { [K in keyof pb.FeeCatalogueServiceServer]: pb.FeeCatalogueServiceServer[K] } = {
    createFeeCatalogueEntry: unary('CreateFeeCatalogueEntry', async (r: pb.CreateFeeCatalogueEntryRequest) => ({
      entry: feeCatalogueEntryOut(
        await service.createEntry({ requestId: r.requestId }, feeCatalogueEntryIn(required(r.entry, 'entry'))),
      ),
    })),
    updateFeeCatalogueEntry: unary('UpdateFeeCatalogueEntry', async (r: pb.UpdateFeeCatalogueEntryRequest) => {
      const { entry, itemsToRevise } = await service.updateEntry(
        { requestId: r.requestId },
        r.id,
        r.expectedVersion,
        feeCatalogueEntryIn(required(r.entry, 'entry')),
      );
      return { entry: feeCatalogueEntryOut(entry), itemsToRevise: [...itemsToRevise] };
    }),
    getFeeCatalogueEntry: unary('GetFeeCatalogueEntry', async (r: pb.GetFeeCatalogueEntryRequest) => ({
      entry: feeCatalogueEntryOut(await service.getEntry(r.id)),
    })),
    listFeeCatalogueEntries: unary('ListFeeCatalogueEntries', async (r: pb.ListFeeCatalogueEntriesRequest) => {
      const oneFee = oneFeeFilter.fromProto(r.oneFee);
      const entries = await service.listEntries({
        hallId: r.hallId,
        includeCancelled: r.includeCancelled,
        ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        ...(oneFee ? { oneFee: oneFee === 'one_fee' } : {}),
      });
      return { entries: entries.map(feeCatalogueEntryOut) };
    }),
    cancelFeeCatalogueEntry: unary('CancelFeeCatalogueEntry', async (r: pb.CancelFeeCatalogueEntryRequest) => ({
      entry: feeCatalogueEntryOut(
        await service.cancelEntry({ requestId: r.requestId }, r.id, r.expectedVersion, cleanupIn(r.cleanup)),
      ),
    })),
  };
  return handlers;
}

/** Who may call each method: the administrators keep the fee catalogue; it is published, so everyone reads it. */
export const FEE_CATALOGUE_ACCESS = {
  createFeeCatalogueEntry: ADMINISTRATOR,
  updateFeeCatalogueEntry: ADMINISTRATOR,
  getFeeCatalogueEntry: Access.public(),
  listFeeCatalogueEntries: Access.public(),
  cancelFeeCatalogueEntry: ADMINISTRATOR,
} as const;

/** The fee catalogue service as `startGrpcServer` takes it: `services: [..., feeCatalogueGrpcService(fees)]`. */
export function feeCatalogueGrpcService(service: FeeCatalogueService): GrpcServiceRegistration {
  return grpcService(pb.FeeCatalogueServiceService, feeCatalogueHandlers(service), FEE_CATALOGUE_ACCESS);
}
