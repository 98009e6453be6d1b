import type { CatalogueReader, WindowView } from '@govhall/catalogue-client';
import { intakeQueueV1 as pb } from '@govhall/contracts';
import {
  AlreadyExistsError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  type Actor,
  type Clock,
  type FieldViolation,
  type IdGenerator,
  type StaffActor,
  messageResult,
} from '@govhall/kit';
import { Histogram, type Registry } from 'prom-client';
import { maskPhone, normalisePhone } from '../domain/identity';
import { formatTicketNumber } from '../domain/numbering';
import type { PersonalDataCipher } from '../domain/personal-data';
import {
  decideHeldTicket,
  secondsBetween,
  serviceDateOf,
  validateCategoryInput,
  validateTakeTicket,
  validateTransfer,
  withCategoryDefaults,
} from '../domain/queue';
import type { QueueStore, QueueTx } from './queue-ports';

export interface QueueMeta {
  readonly requestId: string;
  readonly actor: Actor;
}

/** Staff of the hall, or the gateway's self-service machine. */
export function requireHallCaller(actor: Actor, hallId: string): void {
  if (actor.kind === 'service' && actor.service === 'gateway') return;
  if (actor.kind === 'staff' && actor.hallId === hallId) return;
  throw new PermissionDeniedError('只有本中心的工作人员可以办理');
}
/** 中心管理员 of the hall. */
export function requireHallAdministrator(actor: Actor, hallId: string): void {
  if (actor.kind === 'staff' && actor.hallId === hallId && actor.roles.includes('administrator')) return;
  throw new PermissionDeniedError('只有本中心的管理员可以设置');
}

export interface QueueMetrics {
  readonly wait: Histogram<'hall_id'>;
  readonly service: Histogram<'hall_id'>;
}
/** `intake_queue_wait_seconds` (taken → first called) and `intake_queue_service_seconds` (serving → finished). */
export function queueMetrics(registry: Registry): QueueMetrics {
  const buckets = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200];
  return {
    wait: new Histogram({
      name: 'intake_queue_wait_seconds',
      help: 'Seconds from taking a ticket to its first call',
      labelNames: ['hall_id'],
      buckets,
      registers: [registry],
    }),
    service: new Histogram({
      name: 'intake_queue_service_seconds',
      help: 'Seconds from starting to serve a ticket to finishing it',
      labelNames: ['hall_id'],
      buckets,
      registers: [registry],
    }),
  };
}

/** 过号: the called ticket ends skipped at `now`, saved and announced. */
async function skipTicket(tx: QueueTx, ticket: pb.Ticket, windowNumber: string, now: Date): Promise<pb.Ticket> {
  const skipped = { ...ticket, status: pb.TicketStatus.TICKET_STATUS_SKIPPED, finishedAt: now };
  await tx.saveTicket(skipped);
  tx.emit('ticketSkipped', { ticket: skipped, windowNumber, waitedSeconds: 0, servedSeconds: 0 });
  return skipped;
}

const CategoryResponse = messageResult(pb.CreateTicketCategoryResponse);
const TakeResponse = messageResult(pb.TakeTicketResponse);
const CallNextResponse = messageResult(pb.CallNextResponse);
const RecallResponse = messageResult(pb.RecallResponse);
const TicketResponse = messageResult(pb.StartServingResponse);

/** The queue (排队叫号) of each hall. */
export class QueueService {
  constructor(
    private readonly store: QueueStore,
    private readonly catalogue: CatalogueReader,
    private readonly cipher: PersonalDataCipher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly metrics: QueueMetrics,
  ) {}

  private async checkWindows(hallId: string, windowIds: readonly string[], prefix: string): Promise<void> {
    const windows = await Promise.all(windowIds.map((id) => this.catalogue.window(id)));
    const violations: FieldViolation[] = [];
    for (const [i, window] of windows.entries()) {
      if (!window || window.hallId !== hallId || !window.active) {
        violations.push({ field: `${prefix}.window_ids[${i}]`, description: 'is not an active window of the hall' });
      }
    }
    ValidationError.throwIfAny(violations);
  }

  async createCategory(meta: QueueMeta, request: pb.CreateTicketCategoryRequest): Promise<pb.TicketCategory> {
    const input = withCategoryDefaults(request.category ?? pb.TicketCategoryInput.fromPartial({}));
    ValidationError.throwIfAny(validateCategoryInput(input));
    requireHallAdministrator(meta.actor, input.hallId);
    await this.checkWindows(input.hallId, input.windowIds, 'category');
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'CreateTicketCategory', request, result: CategoryResponse },
      async (tx) => {
        const now = this.clock.now();
        const category: pb.TicketCategory = {
          ...input,
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        if (!(await tx.insertCategory(category))) {
          throw new AlreadyExistsError(`本中心已有前缀为${category.prefix}的启用号类`);
        }
        return { category };
      },
    );
    return answer.category!;
  }

  async updateCategory(meta: QueueMeta, request: pb.UpdateTicketCategoryRequest): Promise<pb.TicketCategory> {
    const input = withCategoryDefaults(request.category ?? pb.TicketCategoryInput.fromPartial({}));
    ValidationError.throwIfAny(validateCategoryInput(input));
    const current = await this.store.category(request.id);
    if (!current) throw new NotFoundError('ticket category', request.id);
    requireHallAdministrator(meta.actor, current.hallId);
    if (input.hallId !== current.hallId) {
      throw ValidationError.single('category.hall_id', 'a category stays in its hall');
    }
    await this.checkWindows(current.hallId, input.windowIds, 'category');
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'UpdateTicketCategory', request, result: CategoryResponse },
      async (tx) => {
        const found = await tx.category(request.id);
        if (!found) throw new NotFoundError('ticket category', request.id);
        if (found.version !== request.expectedVersion) {
          throw new PreconditionFailedError(
            `号类已被修改（当前版本${found.version}，请求版本${request.expectedVersion}），请刷新后重试`,
          );
        }
        const category: pb.TicketCategory = {
          ...found,
          ...input,
          hallId: found.hallId,
          active: found.active && !request.deactivate,
          version: found.version + 1,
          updatedAt: this.clock.now(),
        };
        const saved = await tx.updateCategory(category, found.version);
        if (saved === 'prefix') throw new AlreadyExistsError(`本中心已有前缀为${category.prefix}的启用号类`);
        if (saved === 'stale') throw new PreconditionFailedError('号类已被修改，请刷新后重试');
        return { category };
      },
    );
    return answer.category!;
  }

  listCategories(request: pb.ListTicketCategoriesRequest): Promise<pb.TicketCategory[]> {
    if (!request.hallId) throw ValidationError.single('hall_id', 'is required');
    return this.store.categories(request.hallId, request.includeInactive);
  }

  async takeTicket(meta: QueueMeta, request: pb.TakeTicketRequest): Promise<pb.TakeTicketResponse> {
    ValidationError.throwIfAny(validateTakeTicket(request));
    requireHallCaller(meta.actor, request.hallId);
    for (const [field, staffId] of [
      ['assigned_staff_id', request.assignedStaffId],
      ['director_staff_id', request.directorStaffId],
    ] as const) {
      if (!staffId) continue;
      const staff = await this.catalogue.staff(staffId);
      if (!staff || !staff.active || staff.hallId !== request.hallId) {
        throw ValidationError.single(field, 'must be an active staff member of the hall');
      }
    }
    const phone = request.phone ? normalisePhone(request.phone) : '';
    const sealed = phone ? this.cipher.encrypt(phone) : null;
    return this.store.command(
      { requestId: meta.requestId, operation: 'TakeTicket', request, result: TakeResponse },
      async (tx) => {
        const category = await tx.category(request.categoryId);
        if (!category || category.hallId !== request.hallId) {
          throw ValidationError.single('category_id', 'is not a ticket category of the hall');
        }
        if (!category.active) throw new PreconditionFailedError(`号类${category.name}已停用，不再取号`);
        const ticket = await this.newTicket(tx, category, {
          ticketClass: request.ticketClass,
          assignedStaffId: request.assignedStaffId,
          projectName: request.projectName.trim(),
          directorStaffId: request.directorStaffId,
          phoneMasked: phone ? maskPhone(phone) : '',
          appointmentId: '',
        });
        await tx.insertTicket(ticket, sealed);
        tx.emit('ticketTaken', { ticket, windowNumber: '', waitedSeconds: 0, servedSeconds: 0 });
        return { ticket, waitingAhead: await tx.waitingAhead(ticket) };
      },
    );
  }

  /** A new waiting ticket of the category, numbered from the day's counter (used by check-in too). */
  async newTicket(
    tx: QueueTx,
    category: pb.TicketCategory,
    fields: Pick<
      pb.Ticket,
      'ticketClass' | 'assignedStaffId' | 'projectName' | 'directorStaffId' | 'phoneMasked' | 'appointmentId'
    >,
  ): Promise<pb.Ticket> {
    const now = this.clock.now();
    const serviceDate = serviceDateOf(now);
    const sequence = await tx.nextSequence(category.id, serviceDate);
    return pb.Ticket.fromPartial({
      ...fields,
      id: this.ids.next(),
      hallId: category.hallId,
      categoryId: category.id,
      number: formatTicketNumber(category.prefix, sequence, category.numberWidth),
      status: pb.TicketStatus.TICKET_STATUS_WAITING,
      serviceDate,
      takenAt: now,
    });
  }

  /** The window, of a hall the caller works in. */
  private async windowFor(actor: Actor, windowId: string, field = 'window_id'): Promise<[WindowView, StaffActor]> {
    if (!windowId) throw ValidationError.single(field, 'is required');
    const window = await this.catalogue.window(windowId);
    if (!window || !window.active) throw ValidationError.single(field, 'is not an active window');
    if (actor.kind !== 'staff' || actor.hallId !== window.hallId) {
      throw new PermissionDeniedError('只有本中心的工作人员可以在窗口叫号');
    }
    return [window, actor];
  }

  async callNext(meta: QueueMeta, request: pb.CallNextRequest): Promise<pb.CallNextResponse> {
    const [window, staff] = await this.windowFor(meta.actor, request.windowId);
    if (request.hallId && request.hallId !== window.hallId) {
      throw ValidationError.single('window_id', 'is not a window of the hall');
    }
    const now = this.clock.now();
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'CallNext', request, result: CallNextResponse },
      async (tx) => {
        const serviceDate = serviceDateOf(now);
        const held = await tx.heldAt(window.id, serviceDate);
        const heldCategory = held ? await tx.category(held.categoryId) : undefined;
        const decision = decideHeldTicket(held, heldCategory?.maxCalls ?? 0);
        if (decision.kind === 'refuse') throw new PreconditionFailedError(decision.reason);
        let skipped: pb.Ticket | undefined;
        if (decision.kind === 'skip' && held) skipped = await skipTicket(tx, held, window.number, now);
        const ticket = await tx.callNext({
          hallId: window.hallId,
          windowId: window.id,
          windowNumber: window.number,
          staffId: staff.staffId,
          serviceDate,
          now,
        });
        if (ticket) {
          tx.emit('ticketCalled', { ticket, windowNumber: window.number, waitedSeconds: 0, servedSeconds: 0 });
        }
        return { ...(ticket ? { ticket } : {}), ...(skipped ? { skipped } : {}) };
      },
    );
    const called = answer.ticket;
    // The wait ends with the first call; a transferred ticket called again is not a new wait.
    if (called && called.transfers === 0 && called.firstCalledAt?.getTime() === now.getTime()) {
      this.metrics.wait.observe({ hall_id: called.hallId }, secondsBetween(called.takenAt, called.firstCalledAt));
    }
    return answer;
  }

  /** The ticket, held by the window (called by it or being served there). */
  private async heldTicket(tx: QueueTx, ticketId: string, window: WindowView): Promise<pb.Ticket> {
    const ticket = await tx.ticket(ticketId);
    if (!ticket) throw new NotFoundError('ticket', ticketId);
    if (ticket.hallId !== window.hallId) throw new PermissionDeniedError('该号不属于本中心');
    if (ticket.windowId !== window.id) {
      throw new PreconditionFailedError(`${ticket.number}号不在${window.number}窗口`);
    }
    return ticket;
  }

  async recall(meta: QueueMeta, request: pb.RecallRequest): Promise<pb.RecallResponse> {
    const [window, staff] = await this.windowFor(meta.actor, request.windowId);
    return this.store.command(
      { requestId: meta.requestId, operation: 'Recall', request, result: RecallResponse },
      async (tx) => {
        const ticket = await this.heldTicket(tx, request.ticketId, window);
        if (ticket.status !== pb.TicketStatus.TICKET_STATUS_CALLED) {
          throw new PreconditionFailedError(`${ticket.number}号不在呼叫中，不能重呼`);
        }
        const category = await tx.category(ticket.categoryId);
        const now = this.clock.now();
        if (ticket.calls >= (category?.maxCalls ?? 1)) {
          // The call beyond max_calls: 过号.
          return { ticket: await skipTicket(tx, ticket, window.number, now), skipped: true };
        }
        const called = { ...ticket, calls: ticket.calls + 1, lastCalledAt: now, calledByStaffId: staff.staffId };
        await tx.saveTicket(called);
        tx.emit('ticketCalled', { ticket: called, windowNumber: window.number, waitedSeconds: 0, servedSeconds: 0 });
        return { ticket: called, skipped: false };
      },
    );
  }

  async startServing(meta: QueueMeta, request: pb.StartServingRequest): Promise<pb.Ticket> {
    const [window] = await this.windowFor(meta.actor, request.windowId);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'StartServing', request, result: TicketResponse },
      async (tx) => {
        const ticket = await this.heldTicket(tx, request.ticketId, window);
        if (ticket.status !== pb.TicketStatus.TICKET_STATUS_CALLED) {
          throw new PreconditionFailedError(`${ticket.number}号不在呼叫中，不能开始办理`);
        }
        const serving = {
          ...ticket,
          status: pb.TicketStatus.TICKET_STATUS_SERVING,
          servingStartedAt: this.clock.now(),
        };
        await tx.saveTicket(serving);
        tx.emit('ticketServing', { ticket: serving, windowNumber: window.number, waitedSeconds: 0, servedSeconds: 0 });
        return { ticket: serving };
      },
    );
    return answer.ticket!;
  }

  async finish(meta: QueueMeta, request: pb.FinishTicketRequest): Promise<pb.Ticket> {
    const [window] = await this.windowFor(meta.actor, request.windowId);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'FinishTicket', request, result: TicketResponse },
      async (tx) => {
        const ticket = await this.heldTicket(tx, request.ticketId, window);
        if (ticket.status !== pb.TicketStatus.TICKET_STATUS_SERVING) {
          throw new PreconditionFailedError(`${ticket.number}号尚未开始办理，不能办结`);
        }
        const done: pb.Ticket = {
          ...ticket,
          status: pb.TicketStatus.TICKET_STATUS_DONE,
          finishedAt: this.clock.now(),
          registrationIds: [...new Set(request.registrationIds)],
        };
        await tx.saveTicket(done);
        tx.emit('ticketFinished', {
          ticket: done,
          windowNumber: window.number,
          waitedSeconds: secondsBetween(done.takenAt, done.firstCalledAt),
          servedSeconds: secondsBetween(done.servingStartedAt, done.finishedAt),
        });
        return { ticket: done };
      },
    );
    const done = answer.ticket!;
    this.metrics.service.observe({ hall_id: done.hallId }, secondsBetween(done.servingStartedAt, done.finishedAt));
    return done;
  }

  async skip(meta: QueueMeta, request: pb.SkipTicketRequest): Promise<pb.Ticket> {
    const [window] = await this.windowFor(meta.actor, request.windowId);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'SkipTicket', request, result: TicketResponse },
      async (tx) => {
        const ticket = await this.heldTicket(tx, request.ticketId, window);
        if (ticket.status !== pb.TicketStatus.TICKET_STATUS_CALLED) {
          throw new PreconditionFailedError(`${ticket.number}号不在呼叫中，不能过号`);
        }
        return { ticket: await skipTicket(tx, ticket, window.number, this.clock.now()) };
      },
    );
    return answer.ticket!;
  }

  async transfer(meta: QueueMeta, request: pb.TransferTicketRequest): Promise<pb.Ticket> {
    ValidationError.throwIfAny(validateTransfer(request));
    const [window] = await this.windowFor(meta.actor, request.windowId);
    if (request.toWindowId) {
      const target = await this.catalogue.window(request.toWindowId);
      if (!target || !target.active || target.hallId !== window.hallId) {
        throw ValidationError.single('to_window_id', 'is not an active window of the hall');
      }
    }
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'TransferTicket', request, result: TicketResponse },
      async (tx) => {
        const ticket = await this.heldTicket(tx, request.ticketId, window);
        if (
          ticket.status !== pb.TicketStatus.TICKET_STATUS_CALLED &&
          ticket.status !== pb.TicketStatus.TICKET_STATUS_SERVING
        ) {
          throw new PreconditionFailedError(`${ticket.number}号已结束，不能转移`);
        }
        let categoryId = ticket.categoryId;
        if (request.toCategoryId) {
          const to = await tx.category(request.toCategoryId);
          if (!to || to.hallId !== ticket.hallId || !to.active) {
            throw ValidationError.single('to_category_id', 'is not an active ticket category of the hall');
          }
          categoryId = to.id;
        }
        // Back to waiting, keeping its number and taken time (its place in the queue).
        const moved: pb.Ticket = {
          ...ticket,
          categoryId,
          status: pb.TicketStatus.TICKET_STATUS_WAITING,
          targetWindowId: request.toWindowId,
          windowId: '',
          windowNumber: '',
          calledByStaffId: '',
          calls: 0,
          servingStartedAt: undefined,
          transfers: ticket.transfers + 1,
        };
        await tx.saveTicket(moved);
        tx.emit('ticketTransferred', {
          ticket: moved,
          windowNumber: window.number,
          waitedSeconds: 0,
          servedSeconds: 0,
        });
        return { ticket: moved };
      },
    );
    return answer.ticket!;
  }

  async getTicket(actor: Actor, id: string): Promise<pb.Ticket> {
    if (!id) throw ValidationError.single('id', 'is required');
    const ticket = await this.store.ticket(id);
    if (!ticket) throw new NotFoundError('ticket', id);
    requireHallCaller(actor, ticket.hallId);
    return ticket;
  }

  async board(actor: Actor, request: pb.GetQueueBoardRequest): Promise<pb.GetQueueBoardResponse> {
    if (!request.hallId) throw ValidationError.single('hall_id', 'is required');
    requireHallCaller(actor, request.hallId);
    const now = this.clock.now();
    const serviceDate = serviceDateOf(now);
    const [active, waitingRows, held] = await Promise.all([
      this.store.categories(request.hallId, false),
      this.store.waitingByCategory(request.hallId, serviceDate),
      this.store.atWindows(request.hallId, serviceDate),
    ]);
    const categories = active.filter((c) => !request.categoryId || c.id === request.categoryId);
    if (request.categoryId && categories.length === 0) {
      throw ValidationError.single('category_id', 'is not an active ticket category of the hall');
    }
    const waiting = new Map(waitingRows.map((w) => [w.categoryId, w]));
    const atWindows = held.filter((t) => !request.categoryId || t.categoryId === request.categoryId);
    return {
      hallId: request.hallId,
      serviceDate,
      categories: categories.map((c) => {
        const w = waiting.get(c.id);
        return {
          categoryId: c.id,
          prefix: c.prefix,
          name: c.name,
          waiting: w?.waiting ?? 0,
          longestWaitSeconds: w?.oldest ? secondsBetween(new Date(w.oldest), now) : 0,
        };
      }),
      atWindows,
    };
  }
}
