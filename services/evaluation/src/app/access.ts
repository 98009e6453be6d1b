import { PermissionDeniedError, type Actor } from '@govhall/kit';

/** A staff member acting, as their token says. */
export interface StaffActor {
  readonly staffId: string;
  readonly roles: readonly string[];
  readonly departmentId: string;
  readonly hallId: string;
}

/** 督查科 and the centre's administrators: they see raters and complainants, and run the assessment. */
export const SUPERVISION_ROLES = ['supervisor', 'administrator'] as const;

export function staffOf(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw new PermissionDeniedError('staff only');
  return { staffId: actor.staffId, roles: actor.roles, departmentId: actor.departmentId ?? '', hallId: actor.hallId };
}

export const isSupervision = (actor: Actor): boolean =>
  actor.kind === 'staff' && actor.roles.some((r) => (SUPERVISION_ROLES as readonly string[]).includes(r));

/** Staff act on their own hall's records only; a service (the gateway) acts for the hall it serves. */
export function requireHall(actor: Actor, hallId: string, what: string): void {
  if (actor.kind === 'staff' && actor.hallId !== hallId)
    throw new PermissionDeniedError(`${what}: that belongs to another hall`);
}

export function requireSupervision(actor: Actor, what: string): StaffActor {
  const staff = staffOf(actor);
  if (!isSupervision(actor))
    throw new PermissionDeniedError(`${what} is for the supervision office (督查科) or the centre's administrators`);
  return staff;
}
