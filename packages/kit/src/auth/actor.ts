import type { FieldViolation } from '../errors';
import { REGION_CODE_PATTERN } from '../events';

/**
 * A member of staff acting through the gateway (or a test, or a script in the embedded start), as the token
 * minted for them says. Access by role × department × hall / region is decided from these fields by the service
 * that owns the data.
 */
export interface StaffActor {
  readonly kind: 'staff';
  readonly staffId: string;
  /**
   * The catalogue's staff role names as plain strings (`clerk`, `reviewer`, `approver`, `administrator`, ...);
   * the kit does not enumerate them. Never empty of meaning: a token with no roles is a staff member with none.
   */
  readonly roles: readonly string[];
  /** The department the person works for; `null` for staff of the hall itself (a front desk, an administrator). */
  readonly departmentId: string | null;
  readonly hallId: string;
  /** GB/T 2260 code of the hall's region: 6, 9 or 12 digits. */
  readonly regionCode: string;
}

/** Another of our services calling on its own behalf (a consumer, a timer, a hand-off). */
export interface ServiceActor {
  readonly kind: 'service';
  /** The service's name, e.g. `catalogue`, `intake`. */
  readonly service: string;
}

/** A call that carried no credentials at all. A call with bad credentials never becomes anonymous: it fails. */
export interface AnonymousActor {
  readonly kind: 'anonymous';
}

/** Who is calling, as a use case sees it. */
export type Actor = StaffActor | ServiceActor | AnonymousActor;

/** The one anonymous actor. */
export const ANONYMOUS: AnonymousActor = Object.freeze({ kind: 'anonymous' });

/**
 * What staff, department, hall and service ids look like: 1 to 128 of `[A-Za-z0-9._:-]`. Tokens whose ids do not
 * match are refused, so ids are safe to put in log lines, SQL parameters and subjects.
 */
export const ACTOR_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** What a role name looks like: 1 to 64 of `[A-Za-z0-9_.:-]` (role names such as `chief_representative`). */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** At most this many roles per staff token. */
export const MAX_ROLES = 32;

/**
 * A short label for logs and audit: `staff:<staffId>`, `service:<name>` or `anonymous`. It is also the `sub` claim
 * of the actor's token.
 */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return `staff:${actor.staffId}`;
    case 'service':
      return `service:${actor.service}`;
    case 'anonymous':
      return 'anonymous';
  }
}

/**
 * Every problem with a staff actor's fields (empty when valid), each naming its field (`regionCode`, `roles[2]`).
 * The signer refuses to mint, and the verifier to accept, a staff actor with problems. Values are never echoed.
 */
export function staffViolations(staff: Omit<StaffActor, 'kind'>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const problem = (field: string, description: string): void => void violations.push({ field, description });
  const id = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || !ACTOR_ID_PATTERN.test(value)) {
      problem(field, 'must be 1-128 characters of A-Z a-z 0-9 . : -');
    }
  };
  id('staffId', staff.staffId);
  if (staff.departmentId !== null) id('departmentId', staff.departmentId);
  id('hallId', staff.hallId);
  if (typeof staff.regionCode !== 'string' || !REGION_CODE_PATTERN.test(staff.regionCode)) {
    problem('regionCode', 'must be a GB/T 2260 code of 6, 9 or 12 digits');
  }
  if (!Array.isArray(staff.roles)) {
    problem('roles', 'must be an array of role names');
  } else {
    if (staff.roles.length > MAX_ROLES) problem('roles', `must hold at most ${MAX_ROLES} roles`);
    staff.roles.forEach((role: unknown, index) => {
      if (typeof role !== 'string' || !ROLE_NAME_PATTERN.test(role)) {
        problem(`roles[${index}]`, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -');
      }
    });
  }
  return violations;
}

/** Whether `name` is a valid service name (the `ACTOR_ID_PATTERN`). */
export function isServiceName(name: unknown): name is string {
  return typeof name === 'string' && ACTOR_ID_PATTERN.test(name);
}

/** A frozen staff actor with duplicate roles dropped (first occurrence kept), safe to share between calls. */
export function staffActor(staff: Omit<StaffActor, 'kind'>): StaffActor {
  return Object.freeze({
    kind: 'staff',
    staffId: staff.staffId,
    roles: Object.freeze([...new Set(staff.roles)]),
    departmentId: staff.departmentId,
    hallId: staff.hallId,
    regionCode: staff.regionCode,
  });
}

/** A frozen service actor. */
export function serviceActor(service: string): ServiceActor {
  return Object.freeze({ kind: 'service', service });
}
