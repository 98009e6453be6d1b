import { catalogueOpeningHoursV1 as oh, intakeAppointmentsV1 as pb } from '@govhall/contracts';
import {
  APPOINTMENT_CODE_PATTERN,
  batchDateProblem,
  checkInProblem,
  generateAppointmentCode,
  sessionHolding,
  sessionOpen,
  validateSlotsRequest,
} from './appointments';

const saturday = oh.OpenDay.fromPartial({
  date: '2026-10-17',
  open: true,
  intervals: [{ start: '08:30', end: '17:00', kind: oh.OpeningSessionKind.OPENING_SESSION_KIND_WEEKEND }],
});

describe('appointment rules', () => {
  it('finds the session holding a slot', () => {
    expect(sessionHolding(saturday, '09:00', '10:00')).toBe('WEEKEND');
    expect(sessionHolding(saturday, '16:30', '17:30')).toBeUndefined();
    expect(sessionHolding(oh.OpenDay.fromPartial({ open: false }), '09:00', '10:00')).toBeUndefined();
  });
  it('refuses overlapping and malformed slots by field', () => {
    const request = pb.SetAppointmentSlotsRequest.fromPartial({
      hallId: 'h',
      categoryId: 'c',
      date: '2026-10-17',
      slots: [
        { start: '09:00', end: '10:00', capacity: 5 },
        { start: '09:30', end: '10:30', capacity: 5 },
        { start: '11:00', end: '10:00', capacity: 501 },
      ],
    });
    expect(validateSlotsRequest(request).map((v) => v.field)).toEqual([
      'slots[1].start',
      'slots[2].capacity',
      'slots[2].end',
    ]);
  });
  it('makes codes of the unambiguous alphabet', () => {
    for (let i = 0; i < 50; i++) expect(generateAppointmentCode()).toMatch(APPOINTMENT_CODE_PATTERN);
    expect('K7Q2M9TO').not.toMatch(APPOINTMENT_CODE_PATTERN);
  });
  it('opens check-in 60 minutes before the slot until its end', () => {
    const slot = { date: '2026-10-12', start: '10:00', end: '11:00' };
    expect(checkInProblem(slot, '2026-10-12', 8 * 60 + 59)).toBeDefined();
    expect(checkInProblem(slot, '2026-10-12', 9 * 60)).toBeUndefined();
    expect(checkInProblem(slot, '2026-10-12', 11 * 60 + 1)).toBeDefined();
    expect(checkInProblem(slot, '2026-10-13', 10 * 60)).toBeDefined();
  });
  it('books the batch room on the day of the call or the next open day, in an open session', () => {
    expect(batchDateProblem('2026-10-16', '2026-10-16', '2026-10-19')).toBeUndefined();
    expect(batchDateProblem('2026-10-19', '2026-10-16', '2026-10-19')).toBeUndefined();
    expect(batchDateProblem('2026-10-17', '2026-10-16', '2026-10-19')).toContain('当天或次日');
    expect(sessionOpen(saturday, pb.BatchSession.BATCH_SESSION_AFTERNOON)).toBe(true);
    const morningOnly = oh.OpenDay.fromPartial({ open: true, intervals: [{ start: '08:30', end: '12:00' }] });
    expect(sessionOpen(morningOnly, pb.BatchSession.BATCH_SESSION_AFTERNOON)).toBe(false);
  });
});
