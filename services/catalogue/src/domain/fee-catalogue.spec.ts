import {
  changesLinkedFees,
  fixedEntryFieldProblems,
  linkFeeItems,
  termsOf,
  validateFeeCatalogueEntryInput,
  type FeeCatalogueEntry,
  type FeeCatalogueEntryInput,
} from './fee-catalogue';
import type { FeeItem, Unchecked } from './items';

/** 城市基础设施配套费 of the city hall, in the one-fee bill; override what the test is about. */
function anInput(overrides: Partial<FeeCatalogueEntryInput> = {}): FeeCatalogueEntryInput {
  return {
    hallId: 'hall-city',
    code: 'SF-ZJJ-001',
    name: '城市基础设施配套费',
    chargingDepartmentId: 'dept-zjj',
    basis: '《山东省城市基础设施配套费征收管理办法》',
    kind: 'per_unit',
    amountFen: 0,
    unitPriceFen: 9000,
    unitName: '平方米',
    fiscalAccount: '3707010000100020001',
    oneFee: true,
    upwardShareBasisPoints: 0,
    upwardBody: '',
    ...overrides,
  };
}

function anEntry(overrides: Partial<FeeCatalogueEntry> = {}): FeeCatalogueEntry {
  return {
    ...anInput(),
    kind: 'per_unit',
    id: 'entry-1',
    status: 'active',
    cancellation: null,
    version: 1,
    createdAt: new Date('2026-03-02T01:00:00Z'),
    updatedAt: new Date('2026-03-02T01:00:00Z'),
    ...overrides,
  };
}

/** A fee item of an item linked to entry-1, leaving its standard to the entry. */
function aLinkedFee(overrides: Partial<Unchecked<FeeItem>> = {}): Unchecked<FeeItem> {
  return {
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
    catalogueEntryId: 'entry-1',
    ...overrides,
  };
}

const fieldsOf = (violations: readonly { field: string }[]): string[] => violations.map((v) => v.field);

describe('fee catalogue entries', () => {
  it('accepts a per-unit entry and a fixed one with an upward share naming its receiver', () => {
    expect(validateFeeCatalogueEntryInput(anInput())).toEqual([]);
    expect(
      validateFeeCatalogueEntryInput(
        anInput({
          kind: 'fixed',
          amountFen: 8000,
          unitPriceFen: 0,
          unitName: '',
          upwardShareBasisPoints: 10_000,
          upwardBody: '山东省财政厅',
        }),
      ),
    ).toEqual([]);
  });

  it('refuses a bad code, a standard that is not above 0 or mixes kinds, and a bad fiscal account', () => {
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ code: 'sf-zjj-001' })))).toEqual(['entry.code']);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ code: 'SF--1' })))).toEqual(['entry.code']);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ code: 'SF' })))).toEqual(['entry.code']);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ unitPriceFen: 0 })))).toEqual(['entry.unit_price_fen']);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ kind: 'fixed', amountFen: -5 })))).toEqual([
      'entry.amount_fen',
      'entry.unit_price_fen',
      'entry.unit_name',
    ]);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ amountFen: 100, unitName: '' })))).toEqual([
      'entry.unit_name',
      'entry.amount_fen',
    ]);
    expect(fieldsOf(validateFeeCatalogueEntryInput(anInput({ kind: undefined, fiscalAccount: '123' })))).toEqual([
      'entry.kind',
      'entry.fiscal_account',
    ]);
  });

  it('keeps the upward share within 0 to 10000 basis points, with a receiver exactly when above 0', () => {
    const share = (upwardShareBasisPoints: number, upwardBody: string) =>
      fieldsOf(validateFeeCatalogueEntryInput(anInput({ upwardShareBasisPoints, upwardBody })));
    expect(share(10_001, '山东省财政厅')).toEqual(['entry.upward_share_basis_points']);
    expect(share(-1, '')).toEqual(['entry.upward_share_basis_points']);
    expect(share(12.5, '山东省财政厅')).toEqual(['entry.upward_share_basis_points']);
    expect(share(2000, '')).toEqual(['entry.upward_body']);
    expect(share(0, '山东省财政厅')).toEqual(['entry.upward_body']);
    expect(share(2000, '山东省财政厅')).toEqual([]);
  });

  it('fixes the hall and the code once created', () => {
    expect(fieldsOf(fixedEntryFieldProblems(anEntry(), anInput({ hallId: 'hall-kw', code: 'SF-ZJJ-009' })))).toEqual([
      'entry.hall_id',
      'entry.code',
    ]);
    expect(fixedEntryFieldProblems(anEntry(), anInput({ name: '城市基础设施配套费（新）' }))).toEqual([]);
  });

  it('tells which updates change what linked fee items carry', () => {
    expect(changesLinkedFees(anEntry(), anInput({ name: '城市基础设施配套费（新）', basis: '新文件' }))).toBe(false);
    expect(changesLinkedFees(anEntry(), anInput({ unitPriceFen: 9500 }))).toBe(true);
    expect(changesLinkedFees(anEntry(), anInput({ oneFee: false }))).toBe(true);
    expect(changesLinkedFees(anEntry(), anInput({ upwardShareBasisPoints: 500, upwardBody: '山东省财政厅' }))).toBe(
      true,
    );
  });
});

describe('linking fee items to the catalogue', () => {
  const entries = new Map([['entry-1', anEntry()]]);
  const link = (fee: Unchecked<FeeItem>, options = { hallId: 'hall-city', publishing: false }) =>
    linkFeeItems([fee], entries, options.hallId, { prefix: 'item', publishing: options.publishing });

  it('fills the standard, receiver, account, name and basis from the entry and copies its terms', () => {
    const { feeItems, violations } = link(aLinkedFee());
    expect(violations).toEqual([]);
    expect(feeItems[0]).toEqual({
      ...aLinkedFee(),
      name: '城市基础设施配套费',
      kind: 'per_unit',
      unitPriceFen: 9000,
      unitName: '平方米',
      legalBasis: '《山东省城市基础设施配套费征收管理办法》',
      receivingDepartmentId: 'dept-zjj',
      fiscalAccount: '3707010000100020001',
      catalogue: { code: 'SF-ZJJ-001', oneFee: true, upwardShareBasisPoints: 0, upwardBody: '' },
    });
  });

  it('keeps the fee’s own name and basis, and accepts given values equal to the entry’s', () => {
    const { feeItems, violations } = link(
      aLinkedFee({ name: '配套费', legalBasis: '鲁财综〔2014〕1号', kind: 'per_unit', unitPriceFen: 9000 }),
    );
    expect(violations).toEqual([]);
    expect(feeItems[0]).toMatchObject({ name: '配套费', legalBasis: '鲁财综〔2014〕1号', unitPriceFen: 9000 });
  });

  it('refuses given values that differ from the entry, on their own fields', () => {
    const { violations } = link(
      aLinkedFee({ unitPriceFen: 8000, receivingDepartmentId: 'dept-other', fiscalAccount: '3707019999' }),
    );
    expect(fieldsOf(violations)).toEqual([
      'item.fee_items[0].unit_price_fen',
      'item.fee_items[0].receiving_department_id',
      'item.fee_items[0].fiscal_account',
    ]);
    expect(violations[0]!.description).toContain('SF-ZJJ-001 says 9000');
  });

  it('refuses an unknown entry, a cancelled one and one of another hall', () => {
    expect(fieldsOf(link(aLinkedFee({ catalogueEntryId: 'nope' })).violations)).toEqual([
      'item.fee_items[0].catalogue_entry_id',
    ]);
    const cancelled = anEntry({
      status: 'cancelled',
      cancellation: { round: '2008年行政事业性收费清理', basis: '财综〔2008〕78号', note: '', cancelledAt: new Date() },
    });
    const refused = linkFeeItems([aLinkedFee()], new Map([['entry-1', cancelled]]), 'hall-city', {
      prefix: 'item',
      publishing: false,
    });
    expect(refused.violations).toEqual([
      {
        field: 'item.fee_items[0].catalogue_entry_id',
        description: 'fee catalogue entry SF-ZJJ-001 was cancelled in 2008年行政事业性收费清理 (财综〔2008〕78号)',
      },
    ]);
    expect(fieldsOf(link(aLinkedFee(), { hallId: 'hall-kw', publishing: false }).violations)).toEqual([
      'item.fee_items[0].catalogue_entry_id',
    ]);
  });

  it('at publish, refuses a draft whose copy of the entry is out of date', () => {
    const saved = link(aLinkedFee()).feeItems[0]!;
    expect(link(saved, { hallId: 'hall-city', publishing: true }).violations).toEqual([]);
    const changed = new Map([
      ['entry-1', anEntry({ upwardShareBasisPoints: 2000, upwardBody: '山东省财政厅', version: 2 })],
    ]);
    const stale = linkFeeItems([saved], changed, 'hall-city', { prefix: 'item', publishing: true });
    expect(fieldsOf(stale.violations)).toEqual(['item.fee_items[0].catalogue_entry_id']);
    expect(stale.violations[0]!.description).toContain('save the draft again');
    const repriced = new Map([['entry-1', anEntry({ unitPriceFen: 9500, version: 2 })]]);
    expect(
      fieldsOf(linkFeeItems([saved], repriced, 'hall-city', { prefix: 'item', publishing: true }).violations),
    ).toEqual(['item.fee_items[0].unit_price_fen']);
  });

  it('leaves unlinked fees their own standard and drops any terms they carry', () => {
    const own = aLinkedFee({ catalogueEntryId: null, name: '工本费', kind: 'fixed', amountFen: 1000 });
    const { feeItems, violations } = link({ ...own, catalogue: termsOf(anEntry()) });
    expect(violations).toEqual([]);
    expect(feeItems[0]).toEqual(own);
  });
});
