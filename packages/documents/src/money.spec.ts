import { chineseCapitalAmount, formatPaymentCode, formatQuantity, formatYuan, formatYuanOfSum } from './money';

const DIGITS: Readonly<Record<string, bigint>> = {
  零: 0n,
  壹: 1n,
  贰: 2n,
  叁: 3n,
  肆: 4n,
  伍: 5n,
  陆: 6n,
  柒: 7n,
  捌: 8n,
  玖: 9n,
};
const UNITS: Readonly<Record<string, bigint>> = { 拾: 10n, 佰: 100n, 仟: 1000n };

/** Reads a 大写 amount back into fen, independently of how it was written, to check it says the amount. */
function fenOfCapital(text: string): bigint {
  let high = 0n; // everything before the last 亿, already multiplied
  let below = 0n; // the part under 亿 whose 万 is done
  let group = 0n; // the current group of four digits
  let digit = 0n;
  let fen = 0n;
  for (const char of text) {
    if (char in DIGITS) digit = DIGITS[char]!;
    else if (char in UNITS) {
      group += digit * UNITS[char]!;
      digit = 0n;
    } else if (char === '万') {
      below += (group + digit) * 10_000n;
      group = digit = 0n;
    } else if (char === '亿') {
      high = (high + below + group + digit) * 100_000_000n;
      below = group = digit = 0n;
    } else if (char === '元') {
      fen += (high + below + group + digit) * 100n;
      high = below = group = digit = 0n;
    } else if (char === '角') {
      fen += digit * 10n;
      digit = 0n;
    } else if (char === '分') {
      fen += digit;
      digit = 0n;
    } else if (char !== '整') throw new Error(`unexpected ${char} in ${text}`);
  }
  return fen;
}

/** A small deterministic generator (mulberry32): the same amounts on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chineseCapitalAmount (人民币大写)', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [5, '伍分'],
    [10, '壹角整'],
    [11, '壹角壹分'],
    [100, '壹元整'],
    [105, '壹元零伍分'],
    [150, '壹元伍角整'],
    [1_000, '壹拾元整'],
    [1_500, '壹拾伍元整'],
    [12_850, '壹佰贰拾捌元伍角整'],
    [10_000, '壹佰元整'],
    [32_504, '叁佰贰拾伍元零肆分'],
    [100_100, '壹仟零壹元整'],
    [101_000, '壹仟零壹拾元整'],
    [100_001, '壹仟元零壹分'],
    [168_032, '壹仟陆佰捌拾元叁角贰分'],
    [1_000_000, '壹万元整'],
    [1_640_902, '壹万陆仟肆佰零玖元零贰分'],
    [2_000_100, '贰万零壹元整'],
    [2_010_000, '贰万零壹佰元整'],
    [10_700_053, '壹拾万柒仟元伍角叁分'],
    [10_070_000, '壹拾万零柒佰元整'],
    [11_251_000, '壹拾壹万贰仟伍佰壹拾元整'],
    [1_000_000_005, '壹仟万元零伍分'],
    [10_000_000_000, '壹亿元整'],
    [10_000_000_100, '壹亿零壹元整'],
    [10_000_100_000, '壹亿零壹仟元整'],
    [10_001_000_000, '壹亿零壹万元整'],
    [10_100_000_000, '壹亿零壹佰万元整'],
    [11_000_000_000, '壹亿壹仟万元整'],
    [123_456_789_012, '壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分'],
    [1_000_000_000_000, '壹佰亿元整'],
    [100_000_000_000_000, '壹万亿元整'],
    [Number.MAX_SAFE_INTEGER, '玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖元玖角壹分'],
  ])('%d fen → %s', (fen, capital) => {
    expect(chineseCapitalAmount(fen)).toBe(capital);
  });

  it('says the amount, with one 零 at most in a row and none where nothing follows, for many amounts', () => {
    const next = random(20261202);
    for (let i = 0; i < 5_000; i++) {
      // Digits drawn with many zeros, so runs of zeros cross 万 and 亿 often.
      const length = 1 + Math.floor(next() * 15);
      let digits = '';
      for (let d = 0; d < length; d++) digits += next() < 0.5 ? '0' : String(1 + Math.floor(next() * 9));
      const fen = Number(digits);
      const capital = chineseCapitalAmount(fen);
      expect([fen, fenOfCapital(capital)]).toEqual([fen, BigInt(fen)]);
      if (fen === 0) continue; // 零元整, in the table above
      expect([fen, capital]).not.toEqual([fen, expect.stringMatching(/零零|零[元万亿角分整]|^零/)]);
      // 整 exactly when the amount has no 分.
      expect([fen, capital.endsWith('整')]).toEqual([fen, fen % 10 === 0]);
    }
  });

  it('refuses a negative amount and one that is not a whole safe number of fen', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => chineseCapitalAmount(bad)).toThrow(RangeError);
    }
  });
});

describe('formatYuan', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [10, '0.10'],
    [100, '1.00'],
    [12_850, '128.50'],
    [100_000, '1,000.00'],
    [1_234_505, '12,345.05'],
    [123_456_789, '1,234,567.89'],
    [11_251_000, '112,510.00'],
    [Number.MAX_SAFE_INTEGER, '90,071,992,547,409.91'],
    [-150, '-1.50'],
    [-123_456_789, '-1,234,567.89'],
  ])('%d fen → %s', (fen, yuan) => {
    expect(formatYuan(fen)).toBe(yuan);
  });

  it('is exact where floating point is not', () => {
    // 0.1 + 0.2 yuan in floats is 0.30000000000000004; in fen it is 30.
    expect(formatYuan(10 + 20)).toBe('0.30');
    // Above 2^53 a sum keeps every fen as a bigint.
    expect(formatYuanOfSum(BigInt(Number.MAX_SAFE_INTEGER) + 2n)).toBe('90,071,992,547,409.93');
  });

  it('refuses a fraction of a fen and an unsafe number', () => {
    for (const bad of [0.5, 128.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => formatYuan(bad)).toThrow(RangeError);
    }
  });
});

describe('formatQuantity and formatPaymentCode', () => {
  it('prints thousandths of a unit with three decimals', () => {
    expect(formatQuantity(1_250_000)).toBe('1,250.000');
    expect(formatQuantity(123_456)).toBe('123.456');
    expect(formatQuantity(500)).toBe('0.500');
    expect(formatQuantity(1)).toBe('0.001');
    expect(() => formatQuantity(-1)).toThrow(RangeError);
    expect(() => formatQuantity(1.5)).toThrow(RangeError);
  });

  it('groups the 20 digits of a payment code by four', () => {
    expect(formatPaymentCode('37070020261202000142')).toBe('3707 0020 2612 0200 0142');
  });
});
