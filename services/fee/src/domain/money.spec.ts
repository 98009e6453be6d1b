import fc from 'fast-check';
import { isFen, MAX_AMOUNT_FEN, perUnitFen, quantity, shareFen, tenThousandYuan, yuan } from './money';

describe('isFen', () => {
  it.each<[string, unknown]>([
    ['0', 0],
    ['1 fen', 1],
    ['an ordinary fee', 12850],
    ['the largest amount', MAX_AMOUNT_FEN],
  ])('takes %s', (_, value) => {
    expect(isFen(value)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['half a fen', 0.5],
    ['a float of yuan', 128.5],
    ['0.1 + 0.2', 0.1 + 0.2],
    ['a negative amount', -1],
    ['one fen above the largest amount', MAX_AMOUNT_FEN + 1],
    ['an unsafe integer', Number.MAX_SAFE_INTEGER + 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '12850'],
    ['a bigint', 12850n],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(isFen(value)).toBe(false);
  });
});

/** `a × b / divisor` rounded half up, computed here independently in BigInt. */
function halfUp(a: number, b: number, divisor: number): bigint {
  const product = BigInt(a) * BigInt(b);
  const d = BigInt(divisor);
  const quotient = product / d;
  return (product % d) * 2n >= d ? quotient + 1n : quotient;
}

describe('perUnitFen', () => {
  it.each<[number, number, number]>([
    // unit price (fen), quantity (thousandths), fen
    [25, 500, 13], // 12.5 fen: half rounds up
    [25, 499, 12], // 12.475
    [25, 540, 14], // 13.5
    [100, 1000, 100], // one whole unit
    [350, 123_456, 43_210], // 3.50 元/m² × 123.456 m² = 432.096 元
    [1, 1, 0], // 0.001 fen
    [0, 5_000, 0],
  ])('%i fen × %i/1000 = %i fen', (unitPriceFen, quantityMilli, expected) => {
    expect(perUnitFen(unitPriceFen, quantityMilli)).toBe(expected);
  });

  it('is exact where a float product is not (1,014,350,323 × 10,423,113 / 1000)', () => {
    // In floating point Math.round(a * b / 1000) gives 10572688038216, one fen too many.
    expect(perUnitFen(1_014_350_323, 10_423_113)).toBe(10_572_688_038_215);
  });

  it('rounds half up once, within half a fen of the exact product', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (price, milli) => {
        const fen = perUnitFen(price, milli);
        expect(Number.isSafeInteger(fen)).toBe(true);
        expect(BigInt(fen)).toBe(halfUp(price, milli, 1000));
      }),
      { numRuns: 300 },
    );
  });
});

describe('shareFen', () => {
  it.each<[number, number, number]>([
    // amount (fen), basis points, fen
    [10_000, 1500, 1500], // a 15% upward share of 100 元
    [1, 5000, 1], // 0.5 fen rounds up
    [3, 5000, 2], // 1.5
    [1, 4999, 0], // 0.4999
    [12_345, 3333, 4115], // 4114.5885
    [12_345, 0, 0],
    [12_345, 10_000, 12_345],
  ])('%i fen × %i bp = %i fen', (amountFen, basisPoints, expected) => {
    expect(shareFen(amountFen, basisPoints)).toBe(expected);
  });

  it('does not round .4999 up where a float product would', () => {
    // 999,999,995,001 × 9999 / 10000 = 999,899,995,001.4999; Math.round of the float product gives …002.
    expect(shareFen(999_999_995_001, 9999)).toBe(999_899_995_001);
  });

  it('rounds half up once for any amount and share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const share = shareFen(amount, bp);
        expect(BigInt(share)).toBe(halfUp(amount, bp, 10_000));
        expect(share).toBeLessThanOrEqual(amount);
      }),
      { numRuns: 300 },
    );
  });
});

describe('yuan', () => {
  it.each<[number, string]>([
    [1_234_505, '12,345.05'],
    [12_850, '128.50'],
    [100, '1.00'],
    [5, '0.05'],
    [50, '0.50'],
    [0, '0.00'],
    [99_999, '999.99'],
    [100_000, '1,000.00'],
    [100_000_000, '1,000,000.00'],
    [MAX_AMOUNT_FEN, '10,000,000,000.00'],
    [-12_345, '-123.45'],
    [-5, '-0.05'],
  ])('%i fen is %s', (fen, text) => {
    expect(yuan(fen)).toBe(text);
  });
});

describe('tenThousandYuan', () => {
  it.each<[number, string]>([
    // 1 万元 = 10,000 元 = 1,000,000 fen.
    [549_410_000, '549.41'], // 已退还63宗549.41万元
    [86_200_000, '86.20'],
    [5_494_100, '5.49'], // 54,941.00 元 = 5.4941 万元
    [1_000_000, '1.00'], // 1 万元
    [0, '0.00'],
    [4_999, '0.00'], // 0.004999 万元
    [5_000, '0.01'], // 0.005 rounds up
    [549_415_000, '549.42'], // 549.415 rounds up
    [549_414_999, '549.41'],
    [123_456_789_000, '123456.79'], // no thousands separators in the report line
  ])('%i fen is %s 万元', (fen, text) => {
    expect(tenThousandYuan(fen)).toBe(text);
  });
});

describe('quantity', () => {
  it.each<[number, string]>([
    [1_250_000, '1,250.000'],
    [123_456, '123.456'],
    [1_000, '1.000'],
    [5, '0.005'],
    [0, '0.000'],
  ])('%i thousandths is %s', (milli, text) => {
    expect(quantity(milli)).toBe(text);
  });
});
