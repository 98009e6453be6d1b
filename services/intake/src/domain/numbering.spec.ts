import { PreconditionFailedError, ValidationError } from '@govhall/kit/errors';
import {
  DEFAULT_CASE_NUMBER_FORMAT,
  NumberingError,
  SequenceExhaustedError,
  formatCaseNumber,
  formatRegistrationNumber,
  formatTicketNumber,
  numberPattern,
  parseNumberFormat,
  sequenceScope,
  validateNumberFormat,
  validateTicketPrefix,
  validateTicketWidth,
} from './numbering';

const FIELD = 'settings.case_number_format';
const DAY = { regionCode: '370700', localDate: '2026-10-12' };
const descriptions = (format: string) => validateNumberFormat(format, FIELD).map((v) => v.description);

describe('case numbers', () => {
  it('writes the default region + date + sequence', () => {
    expect(formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, sequence: 42 })).toBe('3707002026101200042');
    expect(formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, sequence: 1 })).toBe('3707002026101200001');
    expect(formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, sequence: 99999 })).toBe('3707002026101299999');
  });

  it("takes an instant at its local date in China, not UTC's", () => {
    // 00:30 on 12 October in China is still 11 October in UTC.
    const instant = new Date('2026-10-11T16:30:00Z');
    expect(
      formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { regionCode: '370700', localDate: instant, sequence: 7 }),
    ).toBe('3707002026101200007');
    expect(sequenceScope(DEFAULT_CASE_NUMBER_FORMAT, { regionCode: '370700', localDate: instant }).localDate).toBe(
      '2026-10-12',
    );
  });

  it('writes literals, short dates, hall and department codes', () => {
    expect(formatCaseNumber('SL-{dept}-{date:YYMMDD}-{seq:4}', { ...DAY, departmentCode: 'SCJG', sequence: 42 })).toBe(
      'SL-SCJG-261012-0042',
    );
    expect(formatCaseNumber('{region}{hall}{date}{seq:3}', { ...DAY, hallCode: 'A1', sequence: 5 })).toBe(
      '370700A120261012005',
    );
    expect(
      formatCaseNumber('{region}{date:YYYYMMDD}{seq:8}', {
        regionCode: '370705001',
        localDate: '2026-01-02',
        sequence: 3,
      }),
    ).toBe('3707050012026010200000003');
  });

  it('refuses a sequence wider than the format instead of widening it', () => {
    const overflow = () => formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, sequence: 100000 });
    expect(overflow).toThrow(SequenceExhaustedError);
    expect(overflow).toThrow(PreconditionFailedError);
    expect(overflow).toThrow(
      'sequence 100000 does not fit {seq:5} of region:370700|date:2026-10-12: the numbers are used up',
    );
  });

  it('refuses values it cannot write', () => {
    const format = '{region}{dept}{date}{seq:5}';
    for (const sequence of [0, -1, 1.5, Number.NaN]) {
      expect(() => formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, sequence })).toThrow(
        /is not a whole number from 1/,
      );
    }
    expect(() => formatCaseNumber(format, { ...DAY, sequence: 1 })).toThrow(
      new NumberingError('format {region}{dept}{date}{seq:5} needs a department code'),
    );
    expect(() => formatCaseNumber(format, { ...DAY, departmentCode: 'scjg', sequence: 1 })).toThrow(
      'department code "scjg" cannot be written into a number',
    );
    expect(() =>
      formatCaseNumber(format, { ...DAY, regionCode: '37070', departmentCode: 'SCJG', sequence: 1 }),
    ).toThrow(/region code "37070" is not 6, 9 or 12 digits/);
    for (const localDate of ['2026-02-30', '2026-13-01', '20261012']) {
      expect(() => formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, localDate, sequence: 1 })).toThrow(
        `local date "${localDate}" is not a YYYY-MM-DD date`,
      );
    }
    expect(() => formatCaseNumber('{date}', { ...DAY, sequence: 1 })).toThrow(ValidationError);
  });

  it('writes registration numbers with the same formatter', () => {
    expect(formatRegistrationNumber({ ...DAY, sequence: 42 })).toBe('DJ2026101200042');
    expect(formatRegistrationNumber({ ...DAY, sequence: 42 }, 'DJ{region}{date:YYMMDD}{seq:4}')).toBe(
      'DJ3707002610120042',
    );
  });
});

describe('number formats', () => {
  it('accepts the default and variations', () => {
    for (const format of [
      DEFAULT_CASE_NUMBER_FORMAT,
      'DJ{date:YYYYMMDD}{seq:5}',
      '{date}{seq:3}',
      'SL-{dept}-{date:YYMMDD}-{seq:8}',
      '{region}.{hall}_{dept}{date}{seq:6}',
    ]) {
      expect(validateNumberFormat(format, FIELD)).toEqual([]);
    }
  });

  it('requires the sequence and the date', () => {
    expect(validateNumberFormat('{region}{date}', FIELD)).toEqual([
      { field: FIELD, description: 'must contain the sequence, e.g. {seq:5}' },
    ]);
    expect(descriptions('{region}{seq:5}')).toEqual([
      'must contain the date, e.g. {date:YYYYMMDD}, so sequences restart daily',
    ]);
    expect(descriptions('')).toEqual(['is required']);
    expect(descriptions('DJ')).toHaveLength(2);
  });

  it('bounds the sequence width to 3..8', () => {
    for (const seq of ['{seq:2}', '{seq:9}', '{seq}', '{seq:05}', '{seq:x}']) {
      expect(descriptions(`{date}${seq}`)[0]).toBe(
        `placeholder ${seq} must give the sequence width, {seq:3} to {seq:8}`,
      );
    }
  });

  it('refuses unknown placeholders, bad arguments and repeats', () => {
    expect(descriptions('{region}{date}{seq:5}{year}')).toEqual([
      'placeholder {year} is unknown: use {region}, {date:YYYYMMDD}, {date:YYMMDD}, {hall}, {dept} or {seq:N}',
    ]);
    expect(descriptions('{date:MMDD}{seq:5}')).toEqual([
      'placeholder {date:MMDD} must be {date:YYYYMMDD} or {date:YYMMDD}',
    ]);
    expect(descriptions('{region:6}{date}{seq:5}')).toEqual(['placeholder {region:6} takes no argument']);
    expect(descriptions('{date}{date}{seq:5}')).toEqual(['names {date} more than once']);
    expect(descriptions('{dept}{date}{dept}{seq:5}{seq:3}')).toEqual([
      'names {dept} more than once',
      'names {seq} more than once',
    ]);
  });

  it('refuses unbalanced braces, odd literal text and long formats', () => {
    expect(descriptions('{date}{seq:5')).toContain("has a '{' without its '}' at position 7");
    expect(descriptions('{date}}{seq:5}')).toEqual(["has a '}' without its '{' at position 7"]);
    expect(descriptions('烟审{date}{seq:5}')).toEqual([
      `literal text "烟审" may hold only letters, digits, '-', '_' and '.'`,
    ]);
    expect(descriptions('A/{date}{seq:5}')).toHaveLength(1);
    expect(descriptions('A {date}{seq:5}')).toHaveLength(1);
    expect(descriptions(`${'A'.repeat(60)}{date}{seq:5}`)).toEqual(['must be at most 64 characters']);
  });

  it('throws every problem at once when parsed', () => {
    expect(() => parseNumberFormat('{foo}', FIELD)).toThrow(ValidationError);
    try {
      parseNumberFormat('{foo}', FIELD);
    } catch (error) {
      expect((error as ValidationError).violations.map((v) => v.field)).toEqual([FIELD, FIELD, FIELD]);
    }
    expect(parseNumberFormat('SL-{dept}-{date:YYMMDD}-{seq:4}')).toMatchObject({
      sequenceWidth: 4,
      usesDepartment: true,
      usesHall: false,
    });
  });
});

describe('sequenceScope', () => {
  it('is region and date for the default format', () => {
    expect(sequenceScope(DEFAULT_CASE_NUMBER_FORMAT, { ...DAY, departmentCode: 'SCJG', hallCode: 'A' })).toEqual({
      key: 'region:370700|date:2026-10-12',
      regionCode: '370700',
      localDate: '2026-10-12',
      hallCode: null,
      departmentCode: null,
    });
  });

  it('adds the department or the hall when the format writes them', () => {
    expect(sequenceScope('{region}{dept}{date}{seq:5}', { ...DAY, departmentCode: 'SCJG' }).key).toBe(
      'region:370700|dept:SCJG|date:2026-10-12',
    );
    expect(sequenceScope('{hall}{dept}{date}{seq:5}', { ...DAY, departmentCode: 'SCJG', hallCode: 'B2' }).key).toBe(
      'region:370700|hall:B2|dept:SCJG|date:2026-10-12',
    );
    // The short date still restarts per full date.
    expect(sequenceScope('{date:YYMMDD}{seq:5}', { ...DAY, localDate: '2126-10-12' }).key).toBe(
      'region:370700|date:2126-10-12',
    );
  });
});

describe('numberPattern', () => {
  it('matches what the format writes and nothing else', () => {
    const pattern = numberPattern(DEFAULT_CASE_NUMBER_FORMAT);
    expect(pattern.test('3707002026101200042')).toBe(true);
    expect(pattern.test('370700202610120004')).toBe(false);
    expect(pattern.test('DJ2026101200042')).toBe(false);
    const dotted = numberPattern('A.{dept}{date}{seq:3}');
    expect(
      dotted.test(formatCaseNumber('A.{dept}{date}{seq:3}', { ...DAY, departmentCode: 'SCJG', sequence: 9 })),
    ).toBe(true);
    expect(dotted.test('AXSCJG20261012009')).toBe(false);
  });
});

describe('ticket numbers', () => {
  it('writes a category prefix and the zero-padded sequence', () => {
    expect(formatTicketNumber('A', 12)).toBe('A012');
    expect(formatTicketNumber('GS', 7)).toBe('GS007');
    expect(formatTicketNumber('A', 7, 2)).toBe('A07');
    expect(formatTicketNumber('VIP', 12, 4)).toBe('VIP0012');
    expect(formatTicketNumber('A', 999)).toBe('A999');
  });

  it('refuses a sequence past the width', () => {
    expect(() => formatTicketNumber('A', 1000)).toThrow(SequenceExhaustedError);
    expect(() => formatTicketNumber('A', 100, 2)).toThrow(
      'sequence 100 does not fit ticket width 2 of category A: the numbers are used up',
    );
  });

  it('refuses bad prefixes, widths and sequences', () => {
    expect(() => formatTicketNumber('a', 1)).toThrow('ticket prefix must be 1 to 3 capital letters, e.g. A or GS');
    expect(() => formatTicketNumber('A', 1, 5)).toThrow('ticket width must be a whole number from 2 to 4');
    expect(() => formatTicketNumber('A', 0)).toThrow(NumberingError);
    for (const prefix of ['', 'ABCD', 'A1', 'Ä']) {
      expect(validateTicketPrefix(prefix, 'category.prefix')).toEqual([
        { field: 'category.prefix', description: 'must be 1 to 3 capital letters, e.g. A or GS' },
      ]);
    }
    for (const width of [1, 5, 2.5]) {
      expect(validateTicketWidth(width, 'category.width')).toHaveLength(1);
    }
    expect(validateTicketWidth(4, 'category.width')).toEqual([]);
  });
});
