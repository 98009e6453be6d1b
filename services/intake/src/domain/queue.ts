import { localDateOf, UTC_OFFSET_MS } from '@govhall/calendar';
import { intakeQueueV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';
import { validateMobile } from './identity';
import { DEFAULT_TICKET_WIDTH, validateTicketPrefix, validateTicketWidth } from './numbering';

type Violations = FieldViolation[];

export const DEFAULT_MAX_CALLS = 3;
export const MAX_MAX_CALLS = 10;

/** The calling order of the classes: green channel, appointment, walk-in (stored as the rank). */
export const CLASS_RANK: Readonly<Record<string, number>> = {
  [pb.TicketClass.TICKET_CLASS_GREEN_CHANNEL]: 1,
  [pb.TicketClass.TICKET_CLASS_APPOINTMENT]: 2,
  [pb.TicketClass.TICKET_CLASS_WALK_IN]: 3,
};
const CLASS_OF_RANK = new Map(Object.entries(CLASS_RANK).map(([c, rank]) => [rank, c as pb.TicketClass]));
export function classOfRank(rank: number): pb.TicketClass {
  return CLASS_OF_RANK.get(rank) ?? pb.TicketClass.TICKET_CLASS_UNSPECIFIED;
}

/** A ticket's status as stored (the store's codec maps it to and from `pb.TicketStatus`). */
export type TicketStatusName = 'waiting' | 'called' | 'serving' | 'done' | 'skipped';

/** The date (China Standard Time) of an instant, YYYY-MM-DD: the service date of tickets and slots. */
export function serviceDateOf(instant: Date): string {
  return localDateOf(instant);
}
/** Minutes since midnight (China Standard Time) of an instant. */
export function minutesOfDay(instant: Date): number {
  const shifted = new Date(instant.getTime() + UTC_OFFSET_MS);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
}
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

/** Adds `must be min to max characters` at `field` unless the trimmed text is min to max code points long. */
export function checkText(violations: Violations, field: string, value: string, min: number, max: number): void {
  const length = [...value.trim()].length;
  if (length < min || length > max) violations.push({ field, description: `must be ${min} to ${max} characters` });
}

/** A category input with its defaults (0 max_calls / number_width: 3). */
export function withCategoryDefaults(input: pb.TicketCategoryInput): pb.TicketCategoryInput {
  return {
    ...input,
    prefix: input.prefix.trim(),
    name: input.name.trim(),
    departmentIds: [...new Set(input.departmentIds)],
    itemIds: [...new Set(input.itemIds)],
    windowIds: [...new Set(input.windowIds)],
    maxCalls: input.maxCalls || DEFAULT_MAX_CALLS,
    numberWidth: input.numberWidth || DEFAULT_TICKET_WIDTH,
  };
}

/** A category's own rules (the windows' hall is the use case's, from the catalogue). */
export function validateCategoryInput(input: pb.TicketCategoryInput, prefix = 'category'): Violations {
  const violations: Violations = [];
  if (!input.hallId) violations.push({ field: `${prefix}.hall_id`, description: 'is required' });
  violations.push(...validateTicketPrefix(input.prefix, `${prefix}.prefix`));
  checkText(violations, `${prefix}.name`, input.name, 2, 50);
  if (input.departmentIds.length === 0 && input.itemIds.length === 0) {
    violations.push({ field: `${prefix}.department_ids`, description: 'name departments or items (at least one)' });
  }
  if (input.windowIds.length === 0) {
    violations.push({ field: `${prefix}.window_ids`, description: 'name at least one window that calls it' });
  }
  if (!Number.isInteger(input.maxCalls) || input.maxCalls < 1 || input.maxCalls > MAX_MAX_CALLS) {
    violations.push({ field: `${prefix}.max_calls`, description: `must be 1 to ${MAX_MAX_CALLS} (0: 3)` });
  }
  violations.push(...validateTicketWidth(input.numberWidth, `${prefix}.number_width`));
  return violations;
}

export function validateTakeTicket(request: pb.TakeTicketRequest): Violations {
  const violations: Violations = [];
  if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
  if (!request.categoryId) violations.push({ field: 'category_id', description: 'is required' });
  const green = request.ticketClass === pb.TicketClass.TICKET_CLASS_GREEN_CHANNEL;
  if (!green && request.ticketClass !== pb.TicketClass.TICKET_CLASS_WALK_IN) {
    violations.push({
      field: 'ticket_class',
      description: 'must be WALK_IN or GREEN_CHANNEL (appointments become tickets by CheckInAppointment)',
    });
  }
  if (green && !request.assignedStaffId) {
    violations.push({ field: 'assigned_staff_id', description: 'is required for a green-channel ticket' });
  }
  if (!green && request.assignedStaffId) {
    violations.push({ field: 'assigned_staff_id', description: 'only a green-channel ticket names a handler' });
  }
  if (request.projectName) checkText(violations, 'project_name', request.projectName, 2, 100);
  if (request.phone) violations.push(...validateMobile(request.phone, 'phone'));
  return violations;
}

export function validateTransfer(request: pb.TransferTicketRequest): Violations {
  const violations: Violations = [];
  if (!request.ticketId) violations.push({ field: 'ticket_id', description: 'is required' });
  if (!request.windowId) violations.push({ field: 'window_id', description: 'is required' });
  if (Boolean(request.toWindowId) === Boolean(request.toCategoryId)) {
    violations.push({ field: 'to_window_id', description: 'name one of to_window_id and to_category_id' });
  }
  if (request.toWindowId && request.toWindowId === request.windowId) {
    violations.push({ field: 'to_window_id', description: 'is the window handing it on' });
  }
  if ([...request.reason].length > 200) violations.push({ field: 'reason', description: 'at most 200 characters' });
  return violations;
}

/**
 * What CallNext does with the ticket a window still holds: nothing held, skip the called one that has had its
 * max_calls, or refuse (a called ticket with calls left must be recalled, skipped or started first; a ticket being
 * served must be finished or transferred first).
 */
export type HeldTicketDecision = { kind: 'none' } | { kind: 'skip' } | { kind: 'refuse'; reason: string };
export function decideHeldTicket(held: pb.Ticket | undefined, maxCalls: number): HeldTicketDecision {
  if (!held) return { kind: 'none' };
  if (held.status === pb.TicketStatus.TICKET_STATUS_SERVING) {
    return { kind: 'refuse', reason: `窗口正在办理${held.number}号，请先办结或转移后再叫下一号` };
  }
  if (held.calls >= maxCalls) return { kind: 'skip' };
  return {
    kind: 'refuse',
    reason: `${held.number}号已呼叫${held.calls}次（最多${maxCalls}次），请先重呼、过号或开始办理后再叫下一号`,
  };
}

/** Whole seconds between two instants (0 when either is missing). */
export function secondsBetween(from: Date | undefined, to: Date | undefined): number {
  if (!from || !to) return 0;
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}
