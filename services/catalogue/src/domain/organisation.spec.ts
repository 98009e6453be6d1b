import { ancestorHalls, upperDepartmentProblem, type Department } from './organisation';

const at = new Date('2026-10-12T01:00:00Z');
const department = (id: string, hallId: string, over: Partial<Department> = {}): Department => ({
  id,
  hallId,
  code: 'SCJG',
  name: '市场监督管理局',
  nature: 'legal_organ',
  tier: 'city',
  regionCode: '370700',
  consultationPhone: '0536-8096102',
  active: true,
  version: 1,
  createdAt: at,
  updatedAt: at,
  ...over,
});

/** Weifang: the city hall, Kuiwen district under it, Dongguan street under that; another city beside. */
const PARENTS = new Map<string, string | null>([
  ['city', null],
  ['district', 'city'],
  ['township', 'district'],
  ['other-city', null],
]);
const parentOf = (id: string) => PARENTS.get(id);

describe('the halls above a hall', () => {
  it('climbs the parent chain, nearest first, and stops at the top or at a loop', () => {
    expect(ancestorHalls('township', parentOf)).toEqual(['district', 'city']);
    expect(ancestorHalls('city', parentOf)).toEqual([]);
    expect(ancestorHalls('unknown', parentOf)).toEqual([]);
    const loop = new Map([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(ancestorHalls('a', (id) => loop.get(id))).toEqual(['b']);
  });
});

describe('对口上级部门 (upper department)', () => {
  const cityScjg = department('city-scjg', 'city');
  const districtScjg = { id: 'district-qscj', tier: 'district' as const };
  const above = ancestorHalls('district', parentOf);

  it('takes an active department of a hall above, of the same level or above', () => {
    expect(upperDepartmentProblem(districtScjg, cityScjg.id, cityScjg, above, [])).toBeUndefined();
    // A city bureau's branch seated in the district hall (a city-level body) names the city bureau.
    expect(upperDepartmentProblem({ id: 'zrzykw', tier: 'city' }, cityScjg.id, cityScjg, above, [])).toBeUndefined();
    // Two halls up: a street office naming a city bureau.
    const street = { id: 'street-shsw', tier: 'township' as const };
    expect(upperDepartmentProblem(street, cityScjg.id, cityScjg, ancestorHalls('township', parentOf), [])).toBe(
      undefined,
    );
  });

  it('refuses itself, an unknown or deactivated one, one of its own hall, below or beside, or of a lower level', () => {
    expect(upperDepartmentProblem(districtScjg, districtScjg.id, undefined, above, [])).toMatch(/its own upper/);
    expect(upperDepartmentProblem(districtScjg, 'nope', undefined, above, [])).toMatch(/nope does not exist/);
    expect(
      upperDepartmentProblem(districtScjg, cityScjg.id, department(cityScjg.id, 'city', { active: false }), above, []),
    ).toMatch(/is deactivated/);
    const sameHall = department('district-zjj', 'district', { tier: 'district' });
    expect(upperDepartmentProblem(districtScjg, sameHall.id, sameHall, above, [])).toMatch(
      /not above this department's hall/,
    );
    const belowHall = department('street-shsw', 'township', { tier: 'township' });
    expect(upperDepartmentProblem(districtScjg, belowHall.id, belowHall, above, [])).toMatch(/not above/);
    const otherCity = department('other-scjg', 'other-city');
    expect(upperDepartmentProblem(districtScjg, otherCity.id, otherCity, above, [])).toMatch(/not above/);
    // A district department seated in the city hall is above in the tree but not in level.
    const seated = department('kwsp', 'city', { tier: 'district', regionCode: '370705' });
    expect(
      upperDepartmentProblem({ id: 'street', tier: 'township' }, seated.id, seated, ['district', 'city'], []),
    ).toBe(undefined);
    expect(upperDepartmentProblem({ id: 'zrzykw', tier: 'city' }, seated.id, seated, above, [])).toBe(
      'a district department cannot be the upper department of a city department',
    );
  });

  it('refuses a loop: the upper one whose own chain leads back', () => {
    expect(upperDepartmentProblem(districtScjg, cityScjg.id, cityScjg, above, ['province-scjg', districtScjg.id])).toBe(
      'would make a loop of upper departments: district-qscj → city-scjg → province-scjg → district-qscj',
    );
    expect(upperDepartmentProblem(districtScjg, cityScjg.id, cityScjg, above, ['province-scjg'])).toBeUndefined();
  });
});
