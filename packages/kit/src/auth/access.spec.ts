import { PermissionDeniedError, UnauthenticatedError } from '../errors';
import { Access, authorize, describeAccess, type AccessRule } from './access';
import { ANONYMOUS, type Actor, type StaffActor } from './actor';

function staff(roles: readonly string[] = ['clerk']): StaffActor {
  return { kind: 'staff', staffId: 's-1', roles, departmentId: 'd-1', hallId: 'h-1', regionCode: '330100' };
}
const intake: Actor = { kind: 'service', service: 'intake' };
const catalogue: Actor = { kind: 'service', service: 'catalogue' };

function refusal(rule: AccessRule, actor: Actor): { error: Error; rule: string } {
  const decision = authorize(rule, actor);
  if (decision.allowed) throw new Error(`expected ${describeAccess(rule)} to refuse`);
  return decision;
}

describe('authorize', () => {
  it('lets anyone through a public rule, anonymous callers included', () => {
    for (const actor of [ANONYMOUS, staff(), intake]) {
      expect(authorize(Access.public(), actor)).toEqual({ allowed: true });
    }
  });

  it('lets any staff member through Access.staff() and refuses services', () => {
    expect(authorize(Access.staff(), staff([])).allowed).toBe(true);
    const refused = refusal(Access.staff(), intake);
    expect(refused.error).toBeInstanceOf(PermissionDeniedError);
    expect(refused.error.message).toBe('requires any staff');
    expect(refused.rule).toBe('any staff');
  });

  it('requires one of the named roles when anyRole is given', () => {
    const rule = Access.staff({ anyRole: ['reviewer', 'approver'] });
    expect(authorize(rule, staff(['clerk', 'approver'])).allowed).toBe(true);
    expect(authorize(rule, staff(['reviewer'])).allowed).toBe(true);
    const refused = refusal(rule, staff(['clerk', 'supervisor']));
    expect(refused.error).toBeInstanceOf(PermissionDeniedError);
    expect(refused.error.message).toBe('requires staff with role reviewer or approver');
    // Says what is required, never what the caller holds.
    expect(refused.error.message).not.toMatch(/clerk|supervisor|s-1/);
  });

  it('lets only the named services through Access.service', () => {
    const rule = Access.service('intake', 'case');
    expect(authorize(rule, intake).allowed).toBe(true);
    expect(refusal(rule, catalogue).error.message).toBe('requires service intake or case');
    expect(refusal(rule, staff(['administrator'])).error).toBeInstanceOf(PermissionDeniedError);
  });

  it('allows through anyOf when any part allows, and names the whole rule when refusing', () => {
    const rule = Access.anyOf(Access.staff({ anyRole: ['administrator'] }), Access.service('catalogue'));
    expect(authorize(rule, catalogue).allowed).toBe(true);
    expect(authorize(rule, staff(['administrator'])).allowed).toBe(true);
    const refused = refusal(rule, staff(['clerk']));
    expect(refused.rule).toBe('staff with role administrator, or service catalogue');
    expect(refused.error.message).toBe('requires staff with role administrator, or service catalogue');
  });

  it('answers an anonymous caller refused by any non-public rule with UnauthenticatedError', () => {
    const rules = [
      Access.staff(),
      Access.staff({ anyRole: ['clerk'] }),
      Access.service('intake'),
      Access.anyOf(Access.staff(), Access.service('intake')),
    ];
    for (const rule of rules) {
      const refused = refusal(rule, ANONYMOUS);
      expect(refused.error).toBeInstanceOf(UnauthenticatedError);
      expect(refused.error.message).toBe('credentials required');
      expect(refused.rule).toBe(describeAccess(rule));
    }
  });
});

describe('describeAccess', () => {
  it('describes every kind of rule readably', () => {
    expect(describeAccess(Access.public())).toBe('public');
    expect(describeAccess(Access.staff())).toBe('any staff');
    expect(describeAccess(Access.staff({ anyRole: ['administrator'] }))).toBe('staff with role administrator');
    expect(describeAccess(Access.service('intake'))).toBe('service intake');
    expect(describeAccess(Access.anyOf(Access.service('fee'), Access.anyOf(Access.staff(), Access.public())))).toBe(
      'service fee, or any staff, or public',
    );
  });
});

describe('Access builders', () => {
  it('refuse rules that could never mean what they say', () => {
    expect(() => Access.staff({ anyRole: [] })).toThrow(TypeError);
    expect(() => Access.staff({ anyRole: ['has space'] })).toThrow(TypeError);
    expect(() => Access.service()).toThrow(TypeError);
    expect(() => Access.service('*')).toThrow(TypeError);
    expect(() => Access.anyOf()).toThrow(TypeError);
  });

  it('flatten nested anyOf, collapse a single rule and drop repeated names', () => {
    const rule = Access.anyOf(Access.anyOf(Access.service('a'), Access.service('b')), Access.staff());
    expect(rule).toEqual({
      kind: 'anyOf',
      rules: [
        { kind: 'service', names: ['a'] },
        { kind: 'service', names: ['b'] },
        { kind: 'staff', anyRole: null },
      ],
    });
    expect(Access.anyOf(Access.service('a'))).toEqual({ kind: 'service', names: ['a'] });
    expect(Access.service('a', 'a')).toEqual({ kind: 'service', names: ['a'] });
    expect(Object.isFrozen(rule)).toBe(true);
  });
});
