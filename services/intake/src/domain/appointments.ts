import { randomInt } from 'node:crypto';
import { isIsoDate } from '@govhall/calendar';
import type { catalogueOpeningHoursV1 as oh } from '@govhall/contracts';
import { intakeAppointmentsV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';
import { validateMobile, validateSocialCreditCode } from './identity';
import { checkText } from './queue';

type Violations = FieldViolation[];

export const MAX_SLOT_CAPACITY = 500;
export const DEFAULT_BATCH_THRESHOLD = 10;
export const CHECK_IN_EARLY_MINUTES = 60;
/** The appointment code's alphabet: no 0/O, 1/I/L, 5/S, 2/Z to misread over the phone. */
export const APPOINTMENT_CODE_ALPHABET = 'ABCDEFGHJKMNPQRTUVWXY346789';
export const APPOINTMENT_CODE_LENGTH = 8;
export const APPOINTMENT_CODE_PATTERN = new RegExp(`^[${APPOINTMENT_CODE_ALPHABET}]{${APPOINTMENT_CODE_LENGTH}}$`);
const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A morning session lies before noon, an afternoon one after it. */
export const NOON = 12 * 60;

export function generateAppointmentCode(): string {
  let code = '';
  for (let i = 0; i < APPOINTMENT_CODE_LENGTH; i++) {
    code += APPOINTMENT_CODE_ALPHABET[randomInt(APPOINTMENT_CODE_ALPHABET.length)];
  }
  return code;
}

export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export function validateDate(value: string, field: string): Violations {
  return isIsoDate(value) ? [] : [{ field, description: 'must be a date YYYY-MM-DD' }];
}

/** A listing of a hall's days (slots, batch bookings): the hall, from_date and 1 to 31 days from it. */
export function validateListing(request: { hallId: string; fromDate: string; days: number }): Violations {
  const violations: Violations = [];
  if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
  violations.push(...validateDate(request.fromDate, 'from_date'));
  if (!Number.isInteger(request.days) || request.days < 1 || request.days > 31) {
    violations.push({ field: 'days', description: 'must be 1 to 31' });
  }
  return violations;
}

/** A date's slots: times HH:MM, start before end, capacity 1 to 500, in order and not overlapping. */
export function validateSlotsRequest(request: pb.SetAppointmentSlotsRequest): Violations {
  const violations: Violations = [];
  if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
  if (!request.categoryId) violations.push({ field: 'category_id', description: 'is required' });
  violations.push(...validateDate(request.date, 'date'));
  let previousEnd = -1;
  request.slots.forEach((slot, i) => {
    const at = `slots[${i}]`;
    const startOk = TIME_PATTERN.test(slot.start);
    const endOk = TIME_PATTERN.test(slot.end);
    if (!startOk) violations.push({ field: `${at}.start`, description: 'must be HH:MM' });
    if (!endOk) violations.push({ field: `${at}.end`, description: 'must be HH:MM' });
    if (!Number.isInteger(slot.capacity) || slot.capacity < 1 || slot.capacity > MAX_SLOT_CAPACITY) {
      violations.push({ field: `${at}.capacity`, description: `must be 1 to ${MAX_SLOT_CAPACITY}` });
    }
    if (!startOk || !endOk) return;
    const start = minutesOf(slot.start);
    const end = minutesOf(slot.end);
    if (end <= start) violations.push({ field: `${at}.end`, description: 'must be after start' });
    else if (start < previousEnd) {
      violations.push({ field: `${at}.start`, description: 'slots must be in order and not overlap' });
    }
    previousEnd = Math.max(previousEnd, end);
  });
  return violations;
}

/** The session kind name (e.g. WEEKEND) of the first open interval holding [start, end], if any. */
export function sessionHolding(day: oh.OpenDay | undefined, start: string, end: string): string | undefined {
  if (!day?.open) return undefined;
  const from = minutesOf(start);
  const to = minutesOf(end);
  const interval = day.intervals.find((i) => minutesOf(i.start) <= from && to <= minutesOf(i.end));
  return interval ? interval.kind.replace(/^OPENING_SESSION_KIND_/, '') : undefined;
}

export function validateBooking(request: pb.BookAppointmentRequest): Violations {
  const violations: Violations = [];
  if (!request.slotId) violations.push({ field: 'slot_id', description: 'is required' });
  const homeVisit = request.kind === pb.AppointmentKind.APPOINTMENT_KIND_HOME_VISIT;
  if (!homeVisit && request.kind !== pb.AppointmentKind.APPOINTMENT_KIND_AT_HALL) {
    violations.push({ field: 'kind', description: 'must be AT_HALL or HOME_VISIT' });
  }
  checkText(violations, 'applicant_name', request.applicantName, 2, 50);
  violations.push(...validateMobile(request.phone, 'phone'));
  const address = [...request.address.trim()].length;
  if (homeVisit && (address < 5 || address > 200)) {
    violations.push({ field: 'address', description: 'a home visit needs the address: 5 to 200 characters' });
  }
  if (!homeVisit && address > 200) violations.push({ field: 'address', description: 'at most 200 characters' });
  return violations;
}

/** Check-in is on the slot's date, from 60 minutes before its start until its end (minutes of the day, CST). */
export function checkInProblem(
  slot: { date: string; start: string; end: string },
  today: string,
  nowMinutes: number,
): string | undefined {
  const opens = minutesOf(slot.start) - CHECK_IN_EARLY_MINUTES;
  if (slot.date !== today || nowMinutes < opens || nowMinutes > minutesOf(slot.end)) {
    return `预约时段为${slot.date} ${slot.start}-${slot.end}，请在当天开始前60分钟至结束前签到`;
  }
  return undefined;
}

export function validateThreshold(threshold: number): Violations {
  return Number.isInteger(threshold) && threshold >= 2 && threshold <= 1000
    ? []
    : [{ field: 'threshold', description: 'must be 2 to 1000' }];
}

/** The batch request's own rules; the threshold, room, item and date are checked against the hall's data. */
export function validateBatchBooking(request: pb.BookBatchServiceRequest): Violations {
  const violations: Violations = [];
  if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
  checkText(violations, 'enterprise_name', request.enterpriseName, 2, 100);
  violations.push(...validateSocialCreditCode(request.creditCode, 'credit_code'));
  checkText(violations, 'contact_name', request.contactName, 2, 50);
  violations.push(...validateMobile(request.contactPhone, 'contact_phone'));
  if (!request.itemId) violations.push({ field: 'item_id', description: 'is required' });
  if (!Number.isInteger(request.quantity) || request.quantity < 1) {
    violations.push({ field: 'quantity', description: 'must be a whole number above the hall threshold' });
  }
  if (request.date) violations.push(...validateDate(request.date, 'date'));
  if (
    request.session !== pb.BatchSession.BATCH_SESSION_MORNING &&
    request.session !== pb.BatchSession.BATCH_SESSION_AFTERNOON
  ) {
    violations.push({ field: 'session', description: 'must be MORNING or AFTERNOON' });
  }
  return violations;
}

/** Whether the room is open in the session on that day: an open interval before noon (morning) or after it. */
export function sessionOpen(day: oh.OpenDay | undefined, session: pb.BatchSession): boolean {
  if (!day?.open) return false;
  return day.intervals.some((i) =>
    session === pb.BatchSession.BATCH_SESSION_MORNING ? minutesOf(i.start) < NOON : minutesOf(i.end) > NOON,
  );
}

/** The day booked must be the day of the call or the room's next open day after it. */
export function batchDateProblem(date: string, today: string, nextOpenDay: string | undefined): string | undefined {
  if (date === today || date === nextOpenDay) return undefined;
  return `批量办证服务室只约定在企业来电的当天或次日（${today}${nextOpenDay ? `或${nextOpenDay}` : ''}）`;
}
