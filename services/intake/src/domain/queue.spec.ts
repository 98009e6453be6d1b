import { intakeQueueV1 as pb } from '@govhall/contracts';
import {
  addDays,
  decideHeldTicket,
  serviceDateOf,
  validateCategoryInput,
  validateTakeTicket,
  withCategoryDefaults,
} from './queue';

describe('queue rules', () => {
  it('dates tickets in China Standard Time', () => {
    expect(serviceDateOf(new Date('2026-10-11T16:30:00Z'))).toBe('2026-10-12');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('names every bad category field', () => {
    const input = withCategoryDefaults(
      pb.TicketCategoryInput.fromPartial({ hallId: 'h', prefix: 'ab', name: 'x', maxCalls: 11 }),
    );
    expect(validateCategoryInput(input).map((v) => v.field)).toEqual([
      'category.prefix',
      'category.name',
      'category.department_ids',
      'category.window_ids',
      'category.max_calls',
    ]);
    expect(input.numberWidth).toBe(3);
  });
  it('requires the handler of a green-channel ticket', () => {
    const request = pb.TakeTicketRequest.fromPartial({
      hallId: 'h',
      categoryId: 'c',
      ticketClass: pb.TicketClass.TICKET_CLASS_GREEN_CHANNEL,
    });
    expect(validateTakeTicket(request).map((v) => v.field)).toEqual(['assigned_staff_id']);
    expect(
      validateTakeTicket({ ...request, ticketClass: pb.TicketClass.TICKET_CLASS_APPOINTMENT, assignedStaffId: '' }).map(
        (v) => v.field,
      ),
    ).toEqual(['ticket_class']);
  });
  it('skips a held ticket only once it had its max calls', () => {
    const held = pb.Ticket.fromPartial({ number: 'A001', status: pb.TicketStatus.TICKET_STATUS_CALLED, calls: 2 });
    expect(decideHeldTicket(undefined, 3).kind).toBe('none');
    expect(decideHeldTicket(held, 3).kind).toBe('refuse');
    expect(decideHeldTicket({ ...held, calls: 3 }, 3).kind).toBe('skip');
    expect(decideHeldTicket({ ...held, status: pb.TicketStatus.TICKET_STATUS_SERVING, calls: 9 }, 3).kind).toBe(
      'refuse',
    );
  });
});
