import { validateBundleInput, validateBundlePlace, validateItemInput, type BundlePlace, type ItemInput } from './items';
import type { HallTier } from './organisation';

/** Bundles issued at one window of one hall (两证齐发), and fee items linked to the fee catalogue. */

const input = { name: '房屋所有权证、国有土地使用证两证齐发', description: '', itemIds: ['property', 'land'] };
const at = { hallId: 'hall-kw', windowId: 'window-b03' };

/** 奎文区政务服务中心, window B03 serving 房产 (QZJJ) and the city bureau's branch (ZRZYKW). */
function aPlace(overrides: Partial<BundlePlace> = {}): BundlePlace {
  const item = (departmentId: string, acceptTiers: HallTier[] = ['district']) => ({
    departmentId,
    departmentHallId: 'hall-kw',
    acceptTiers,
  });
  return {
    hall: { id: 'hall-kw', tier: 'district', active: true },
    window: {
      id: 'window-b03',
      hallId: 'hall-kw',
      number: 'B03',
      kind: 'department',
      active: true,
      departmentIds: ['dept-qzjj', 'dept-zrzykw'],
    },
    items: new Map([
      ['property', item('dept-qzjj')],
      ['land', item('dept-zrzykw')],
    ]),
    ...overrides,
  };
}

const fieldsOf = (violations: readonly { field: string }[]): string[] => violations.map((v) => v.field);

describe('bundle place', () => {
  it('needs the hall and the window named', () => {
    expect(fieldsOf(validateBundleInput({ ...input, hallId: '', windowId: '' }))).toEqual([
      'bundle.hall_id',
      'bundle.window_id',
    ]);
  });

  it('issues at a window of the hall that serves every item’s department', () => {
    expect(validateBundlePlace({ ...input, ...at }, aPlace())).toEqual([]);
  });

  it('refuses an item whose department sits in another hall (a bundle across two halls)', () => {
    const place = aPlace();
    const items = new Map(place.items);
    items.set('land', { departmentId: 'dept-zrzy', departmentHallId: 'hall-city', acceptTiers: ['city'] });
    const violations = validateBundlePlace({ ...input, ...at }, { ...place, items });
    expect(fieldsOf(violations)).toEqual(['bundle.item_ids[1]']);
    expect(violations[0]!.description).toContain('not seated in hall hall-kw');
  });

  it('refuses an item the hall’s tier does not accept, and one the window does not serve', () => {
    const place = aPlace();
    const items = new Map(place.items);
    items.set('property', { departmentId: 'dept-qzjj', departmentHallId: 'hall-kw', acceptTiers: ['township'] });
    items.set('land', { departmentId: 'dept-qscj', departmentHallId: 'hall-kw', acceptTiers: ['district'] });
    const violations = validateBundlePlace({ ...input, ...at }, { ...place, items });
    expect(violations).toEqual([
      { field: 'bundle.item_ids[0]', description: 'item property is not accepted at a district hall' },
      { field: 'bundle.item_ids[1]', description: 'window B03 does not serve department dept-qscj of item land' },
    ]);
  });

  it('lets a certificate window (统一出件) issue for any department of the hall', () => {
    const place = aPlace();
    const window = { ...place.window!, kind: 'certificate' as const, departmentIds: [] };
    expect(validateBundlePlace({ ...input, ...at }, { ...place, window })).toEqual([]);
  });

  it('refuses a window of another hall, a deactivated one, one that issues nothing, and a missing hall', () => {
    const place = aPlace();
    const window = place.window!;
    const windowProblem = (w: BundlePlace['window']) =>
      validateBundlePlace({ ...input, ...at }, { ...place, window: w });
    expect(windowProblem({ ...window, hallId: 'hall-city' })).toEqual([
      { field: 'bundle.window_id', description: 'window B03 is not in hall hall-kw' },
    ]);
    expect(fieldsOf(windowProblem({ ...window, active: false }))).toEqual(['bundle.window_id']);
    expect(fieldsOf(windowProblem({ ...window, kind: 'cashier' }))).toEqual(['bundle.window_id']);
    expect(fieldsOf(windowProblem({ ...window, kind: 'batch_room' }))).toEqual([]);
    expect(fieldsOf(windowProblem(undefined))).toEqual(['bundle.window_id']);
    expect(fieldsOf(validateBundlePlace({ ...input, ...at }, { ...place, hall: undefined }))).toEqual([
      'bundle.hall_id',
    ]);
    expect(
      fieldsOf(validateBundlePlace({ ...input, ...at }, { ...place, hall: { ...place.hall!, active: false } })),
    ).toEqual(['bundle.hall_id']);
  });
});

describe('fee items linked to the fee catalogue', () => {
  /** A paid item whose only fee names a catalogue entry and leaves the rest to it. */
  const aPaidItem = (fee: Partial<ItemInput['feeItems'][number]> = {}): ItemInput => ({
    baseCode: '000144001000',
    implementationCode: '11370700BDC000144001000',
    name: '不动产首次登记',
    departmentId: 'dept-bdc',
    bodyNature: 'legal_organ',
    itemType: 'confirmation',
    exercisingTier: 'city',
    duties: '',
    legalBasis: [],
    acceptanceConditions: [],
    prerequisites: [],
    notificationCommitment: false,
    procedure: {
      description: '',
      channels: { onlineDepth: 0, appointment: false, expressDelivery: false, onlinePayment: false },
    },
    statutoryLimit: null,
    promisedLimit: { amount: 5, unit: 'working_days' },
    acceptanceLimit: null,
    stageBudgets: [],
    limitNote: '',
    commitment: { text: '', maxVisits: 1 },
    free: false,
    feeItems: [
      {
        code: 'F01',
        name: '',
        kind: undefined,
        amountFen: 0,
        unitPriceFen: 0,
        unitName: '',
        legalBasis: '',
        receivingDepartmentId: '',
        fiscalAccount: '',
        reducible: false,
        reductionBasis: '',
        catalogueEntryId: 'entry-bdc-001',
        ...fee,
      },
    ],
    result: { name: '', kind: null, sampleRef: '' },
    caseType: 'promised',
    reviewMode: 'single',
    situations: [],
    materials: [],
    acceptTiers: ['city'],
    approveTier: 'city',
    handlingScope: 'local',
    delegation: null,
    joint: null,
    missingMaterials: null,
    reported: null,
    refusalFilingRequired: false,
    publishResults: false,
    extensionLimit: null,
  });
  const feeFields = (item: ItemInput): string[] =>
    fieldsOf(validateItemInput(item)).filter((f) => f.startsWith('item.fee_items'));

  it('may leave its standard, receiver, account, name and basis to the entry', () => {
    expect(feeFields(aPaidItem())).toEqual([]);
  });

  it('still checks what it gives, and an unlinked fee needs all of it', () => {
    expect(feeFields(aPaidItem({ kind: 'fixed', amountFen: -1, fiscalAccount: '12' }))).toEqual([
      'item.fee_items[0].amount_fen',
      'item.fee_items[0].fiscal_account',
    ]);
    expect(feeFields(aPaidItem({ catalogueEntryId: null }))).toEqual([
      'item.fee_items[0].name',
      'item.fee_items[0].kind',
      'item.fee_items[0].legal_basis',
      'item.fee_items[0].receiving_department_id',
      'item.fee_items[0].fiscal_account',
    ]);
  });
});
