import { PermissionDeniedError, UnauthenticatedError } from '../errors';
import { isServiceName, ROLE_NAME_PATTERN, type Actor } from './actor';

/**
 * Who may call a gRPC method, as the method declares it. Build rules with `Access`; they are plain frozen data,
 * so a service can list its methods' rules in one table and test it.
 */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'staff'; readonly anyRole: readonly string[] | null }
  | { readonly kind: 'service'; readonly names: readonly string[] }
  | { readonly kind: 'anyOf'; readonly rules: readonly AccessRule[] };

/** The outcome of `authorize`. */
export type AccessDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** `UnauthenticatedError` for an anonymous caller, `PermissionDeniedError` for one without the right. */
      readonly error: UnauthenticatedError | PermissionDeniedError;
      /** `describeAccess` of the rule that refused, for the log line (e.g. `staff with role administrator`). */
      readonly rule: string;
    };

const PUBLIC: AccessRule = Object.freeze({ kind: 'public' });
const ANY_STAFF: AccessRule = Object.freeze({ kind: 'staff', anyRole: null });
const ALLOWED: AccessDecision = Object.freeze({ allowed: true });

function distinct(values: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(values)]);
}

/**
 * The rule builders. Each throws a `TypeError` at declaration (service start-up) when the rule could never mean
 * what it says: an empty role or service list, a malformed name, `anyOf()` of nothing.
 */
export const Access = {
  /** Anyone, anonymous callers included (health, public guides). */
  public(): AccessRule {
    return PUBLIC;
  },

  /**
   * Any authenticated member of staff; with `anyRole`, only one holding at least one of those roles. Services and
   * anonymous callers are refused. Role names are the catalogue's (`clerk`, `approver`, `administrator`, ...).
   */
  staff(options: { readonly anyRole?: readonly string[] } = {}): AccessRule {
    if (options.anyRole === undefined) return ANY_STAFF;
    if (options.anyRole.length === 0) {
      throw new TypeError('Access.staff: anyRole must name at least one role (leave it out for any staff)');
    }
    for (const role of options.anyRole) {
      if (!ROLE_NAME_PATTERN.test(role))
        throw new TypeError(`Access.staff: ${JSON.stringify(role)} is not a role name`);
    }
    return Object.freeze({ kind: 'staff', anyRole: distinct(options.anyRole) });
  },

  /** Only the named services (by the name in their service token, e.g. `intake`). Staff are refused. */
  service(...names: string[]): AccessRule {
    if (names.length === 0) throw new TypeError('Access.service: name at least one service');
    for (const name of names) {
      if (!isServiceName(name)) throw new TypeError(`Access.service: ${JSON.stringify(name)} is not a service name`);
    }
    return Object.freeze({ kind: 'service', names: distinct(names) });
  },

  /** Allowed when any of `rules` allows. Nested `anyOf`s are flattened. */
  anyOf(...rules: AccessRule[]): AccessRule {
    if (rules.length === 0) throw new TypeError('Access.anyOf: give at least one rule');
    const flat = rules.flatMap((rule) => (rule.kind === 'anyOf' ? rule.rules : [rule]));
    return flat.length === 1 ? flat[0]! : Object.freeze({ kind: 'anyOf', rules: Object.freeze(flat) });
  },
} as const;

function allows(rule: AccessRule, actor: Actor): boolean {
  switch (rule.kind) {
    case 'public':
      return true;
    case 'staff':
      return actor.kind === 'staff' && (rule.anyRole === null || rule.anyRole.some((r) => actor.roles.includes(r)));
    case 'service':
      return actor.kind === 'service' && rule.names.includes(actor.service);
    case 'anyOf':
      return rule.rules.some((r) => allows(r, actor));
  }
}

/**
 * A readable description of `rule`, for refusals and logs: `public`, `any staff`, `staff with role administrator`,
 * `staff with role reviewer or approver`, `service intake`, `service intake or case`, and for `anyOf` the parts
 * joined by `, or ` (`staff with role administrator, or service catalogue`).
 */
export function describeAccess(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return 'public';
    case 'staff':
      return rule.anyRole === null ? 'any staff' : `staff with role ${rule.anyRole.join(' or ')}`;
    case 'service':
      return `service ${rule.names.join(' or ')}`;
    case 'anyOf':
      return rule.rules.map(describeAccess).join(', or ');
  }
}

/**
 * Decides whether `actor` may make a call guarded by `rule`.
 * - allowed: `{ allowed: true }`;
 * - refused, anonymous caller: `UnauthenticatedError('credentials required')` (the caller should sign in);
 * - refused, authenticated caller: `PermissionDeniedError('requires <rule>')`. The message says what is required,
 *   never what the caller's token holds.
 */
export function authorize(rule: AccessRule, actor: Actor): AccessDecision {
  if (allows(rule, actor)) return ALLOWED;
  const description = describeAccess(rule);
  const error =
    actor.kind === 'anonymous'
      ? new UnauthenticatedError('credentials required')
      : new PermissionDeniedError(`requires ${description}`);
  return { allowed: false, error, rule: description };
}
