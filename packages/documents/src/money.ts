/**
 * Money as the payment notice prints it. Amounts are integer fen (分); every function here works on the decimal
 * digits of that integer, never on a float, so no amount is ever off by a rounding error (0.1 + 0.2 is not 0.3
 * in binary floating point, and a bill must be exact).
 */

const CAPITAL_DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
/** Units within a group of four digits, from the group's lowest digit up. */
const GROUP_UNITS = ['', '拾', '佰', '仟'] as const;

function digitsOf(value: number, what: string, allowNegative: boolean): { negative: boolean; digits: string } {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of fen, got ${value}`);
  if (value < 0 && !allowNegative) throw new RangeError(`${what} must not be negative, got ${value}`);
  // A safe integer prints as plain digits (never in exponent form), so the string is exact.
  return { negative: value < 0, digits: String(Math.abs(value)) };
}

/** `1234567` → `1,234,567`. */
function withThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Yuan with two decimals and thousands separators, from integer fen: 1234505 → `12,345.05`, 5 → `0.05`,
 * -150 → `-1.50`. No currency sign: the caller adds ¥ or 元 where the layout wants one.
 * Throws RangeError for a value that is not a safe integer.
 */
export function formatYuan(fen: number): string {
  const { negative, digits } = digitsOf(fen, 'an amount', true);
  return yuanOfDigits(negative, digits);
}

/** {@link formatYuan} of a sum that may pass 2^53 (the lines' reductions added up). */
export function formatYuanOfSum(fen: bigint): string {
  return yuanOfDigits(fen < 0n, String(fen < 0n ? -fen : fen));
}

function yuanOfDigits(negative: boolean, digits: string): string {
  const padded = digits.padStart(3, '0');
  return `${negative ? '-' : ''}${withThousands(padded.slice(0, -2))}.${padded.slice(-2)}`;
}

/**
 * A quantity given in thousandths of its unit, with three decimals and thousands separators: 1250000 →
 * `1,250.000`, 500 → `0.500`. Throws RangeError for a negative value or one that is not a safe integer.
 */
export function formatQuantity(milli: number): string {
  const { digits } = digitsOf(milli, 'a quantity', false);
  const padded = digits.padStart(4, '0');
  return `${withThousands(padded.slice(0, -3))}.${padded.slice(-3)}`;
}

/** The 20-digit 缴款码 in groups of four for reading it out at the bank: `3707 0020 2612 0200 0142`. */
export function formatPaymentCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** One group of up to four digits without leading zeros (not all zero): `1001` → 壹仟零壹, `10` → 壹拾. */
function groupText(digits: string): string {
  let out = '';
  let zeroPending = false;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 0) {
      zeroPending = out !== '';
      continue;
    }
    // Zeros between two written digits are read as one 零; trailing zeros are not read at all.
    out += `${zeroPending ? '零' : ''}${CAPITAL_DIGITS[digit]}${GROUP_UNITS[digits.length - 1 - i]}`;
    zeroPending = false;
  }
  return out;
}

/**
 * The text of `digits` (no leading zeros, not all zero) split at `size` digits under `unit`: the high part,
 * the unit, then the low part, with one 零 where the low part does not begin at its highest place
 * (100010000 → 壹亿零壹万; 107000 → 壹拾万柒仟).
 */
function splitText(digits: string, size: number, unit: string, low: (digits: string) => string): string {
  if (digits.length <= size) return low(digits);
  const high = digits.slice(0, -size);
  const rest = digits.slice(-size).replace(/^0+/, '');
  const head = `${integerText(high)}${unit}`;
  if (rest === '') return head;
  return `${head}${rest.length < size ? '零' : ''}${low(rest)}`;
}

/** Whole yuan: groups of four digits under 万, groups of eight under 亿 (1e12 yuan is 壹万亿). */
function integerText(digits: string): string {
  return splitText(digits, 8, '亿', (below) => splitText(below, 4, '万', groupText));
}

/**
 * 人民币大写: the amount in Chinese capital numerals, as bills and receipts print it (中国人民银行《支付结算办法》
 * 附件一《正确填写票据和结算凭证的基本规定》):
 * - 元 after the whole yuan, then 角 and 分; an amount ending at 元 or at 角 ends with 整
 *   (12850 → 壹佰贰拾捌元伍角整, 1000000 → 壹万元整, 0 → 零元整);
 * - 拾 is always written with its digit (10 yuan → 壹拾元整);
 * - zeros between digits are one 零 (1001 yuan → 壹仟零壹元整), also across 万 and 亿 (100010000 yuan →
 *   壹亿零壹万元整); where the rules leave 零 optional (元位 or 万位 zero while 角位 or 仟位 is not) it is left
 *   out: 1680.32 yuan → 壹仟陆佰捌拾元叁角贰分, 107000 yuan → 壹拾万柒仟元整;
 * - 零 after 元 when 角 is zero and 分 is not (105 → 壹元零伍分); an amount under one yuan has no 元
 *   (5 → 伍分, 10 → 壹角整).
 * Throws RangeError for a negative amount or one that is not a safe integer of fen.
 */
export function chineseCapitalAmount(fen: number): string {
  const { digits } = digitsOf(fen, 'an amount', false);
  if (fen === 0) return '零元整';
  const padded = digits.padStart(3, '0');
  const yuan = padded.slice(0, -2).replace(/^0+/, '');
  const jiao = Number(padded[padded.length - 2]);
  const cents = Number(padded[padded.length - 1]);
  let out = yuan === '' ? '' : `${integerText(yuan)}元`;
  if (jiao === 0 && cents === 0) return `${out}整`;
  if (jiao !== 0) out += `${CAPITAL_DIGITS[jiao]}角`;
  else if (yuan !== '') out += '零';
  return cents === 0 ? `${out}整` : `${out}${CAPITAL_DIGITS[cents]}分`;
}
