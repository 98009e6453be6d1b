// Money is integer fen (分) from the API to the database: a number that must stay a safe integer. Products and
// shares are computed in BigInt and rounded half up to the fen once, at the end, so no float ever touches an
// amount (0.1 + 0.2 is not 0.3 in binary floating point; a fiscal receipt must be exact).

/** The largest amount any line, bill or deposit may come to: ¥10 billion, far above any real fee. */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_AMOUNT_FEN;
}

/** `a × b / divisor`, rounded half up, for non-negative integers. */
function mulDivHalfUp(a: number, b: number, divisor: number): number {
  const numerator = BigInt(a) * BigInt(b);
  const d = BigInt(divisor);
  const result = (numerator * 2n + d) / (d * 2n);
  return Number(result);
}

/** A per-unit fee: unit price × quantity in thousandths of the unit, rounded half up to the fen. */
export function perUnitFen(unitPriceFen: number, quantityMilli: number): number {
  return mulDivHalfUp(unitPriceFen, quantityMilli, 1000);
}

/** A share in basis points (1/100 of a percent) of an amount, rounded half up to the fen. */
export function shareFen(amountFen: number, basisPoints: number): number {
  return mulDivHalfUp(amountFen, basisPoints, 10_000);
}

/** 万元 with two decimals, rounded half up, as reports write large sums: 549410000 fen → 549.41 (万元). */
export function tenThousandYuan(fen: number): string {
  // 1 万元 = 1,000,000 fen; two decimals = units of 10,000 fen.
  const hundredths = mulDivHalfUp(fen, 1, 10_000);
  const digits = hundredths.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

// Yuan (1234505 → 12,345.05) and quantities in thousandths (1250000 → 1,250.000), written as the payment notice
// writes them.
export { formatQuantity as quantity, formatYuan as yuan } from '@govhall/documents';
