import { intakeQueueV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { QueueService } from '../../app/queue-service';

const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
/** Staff of the hall (checked in the use case), or the gateway's self-service machine. */
const STAFF_OR_GATEWAY = Access.anyOf(Access.staff(), Access.service('gateway'));
export const QUEUE_ACCESS = {
  createTicketCategory: ADMINISTRATOR,
  updateTicketCategory: ADMINISTRATOR,
  listTicketCategories: Access.public(),
  takeTicket: STAFF_OR_GATEWAY,
  callNext: Access.staff(),
  recall: Access.staff(),
  startServing: Access.staff(),
  finishTicket: Access.staff(),
  skipTicket: Access.staff(),
  transferTicket: Access.staff(),
  getTicket: STAFF_OR_GATEWAY,
  getQueueBoard: STAFF_OR_GATEWAY,
} as const;

/** Thin gRPC handlers: the use cases take and answer the contract messages (docs/adr/0017). */
export function queueHandlers(service: QueueService): pb.QueueServiceServer {
  const meta = (requestId: string, actor: Parameters<QueueService['getTicket']>[0]) => ({ requestId, actor });
  return {
    createTicketCategory: unary('CreateTicketCategory', async (r: pb.CreateTicketCategoryRequest, ctx) => ({
      category: await service.createCategory(meta(r.requestId, ctx.actor), r),
    })),
    updateTicketCategory: unary('UpdateTicketCategory', async (r: pb.UpdateTicketCategoryRequest, ctx) => ({
      category: await service.updateCategory(meta(r.requestId, ctx.actor), r),
    })),
    listTicketCategories: unary('ListTicketCategories', async (r: pb.ListTicketCategoriesRequest) => ({
      categories: await service.listCategories(r),
    })),
    takeTicket: unary('TakeTicket', (r: pb.TakeTicketRequest, ctx) =>
      service.takeTicket(meta(r.requestId, ctx.actor), r),
    ),
    callNext: unary('CallNext', (r: pb.CallNextRequest, ctx) => service.callNext(meta(r.requestId, ctx.actor), r)),
    recall: unary('Recall', (r: pb.RecallRequest, ctx) => service.recall(meta(r.requestId, ctx.actor), r)),
    startServing: unary('StartServing', async (r: pb.StartServingRequest, ctx) => ({
      ticket: await service.startServing(meta(r.requestId, ctx.actor), r),
    })),
    finishTicket: unary('FinishTicket', async (r: pb.FinishTicketRequest, ctx) => ({
      ticket: await service.finish(meta(r.requestId, ctx.actor), r),
    })),
    skipTicket: unary('SkipTicket', async (r: pb.SkipTicketRequest, ctx) => ({
      ticket: await service.skip(meta(r.requestId, ctx.actor), r),
    })),
    transferTicket: unary('TransferTicket', async (r: pb.TransferTicketRequest, ctx) => ({
      ticket: await service.transfer(meta(r.requestId, ctx.actor), r),
    })),
    getTicket: unary('GetTicket', async (r: pb.GetTicketRequest, ctx) => ({
      ticket: await service.getTicket(ctx.actor, r.id),
    })),
    getQueueBoard: unary('GetQueueBoard', (r: pb.GetQueueBoardRequest, ctx) => service.board(ctx.actor, r)),
  };
}

export const queueGrpcService = (service: QueueService): GrpcServiceRegistration =>
  grpcService(pb.QueueServiceService, queueHandlers(service), QUEUE_ACCESS);
