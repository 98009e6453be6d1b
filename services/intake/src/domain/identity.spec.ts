import {
  isLandline,
  isMobile,
  maskPersonIdNumber,
  maskPhone,
  normaliseIdNumber,
  normalisePhone,
  organisationCodeCheckChar,
  residentIdBirthDate,
  residentIdCheckChar,
  socialCreditCheckChar,
  validateMobile,
  validatePersonIdNumber,
  validatePhone,
  validateResidentIdNumber,
  validateSocialCreditCode,
  type IdType,
} from './identity';

const FIELD = 'registration.applicant.person.id_number';
// 2026-10-12 10:00 in China.
const NOW = new Date('2026-10-12T02:00:00Z');

const residentProblem = (value: string, now = NOW) => validateResidentIdNumber(value, FIELD, now);
const withCheck = (first17: string) => first17 + residentIdCheckChar(first17);

describe('resident ID number (GB 11643)', () => {
  it('computes the ISO 7064 MOD 11-2 check character of published numbers', () => {
    // GB 11643-1999's own examples, and the kit's logging example.
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(residentIdCheckChar('37070219900101123')).toBe('4');
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
  });

  it('accepts valid numbers, with a lower-case x or spaces', () => {
    for (const id of ['11010519491231002X', '11010519491231002x', ' 110105 19491231 002X ', '370702199001011234']) {
      expect(residentProblem(id)).toEqual([]);
    }
    expect(normaliseIdNumber('110105 19491231 002x')).toBe('11010519491231002X');
  });

  it('names the expected check digit', () => {
    expect(residentProblem('370702199001011230')).toEqual([
      { field: FIELD, description: 'check digit is 4, not 0 (GB 11643)' },
    ]);
    expect(residentProblem('110105194912310021')[0]?.description).toBe('check digit is X, not 1 (GB 11643)');
  });

  it('refuses other lengths, letters and empty input', () => {
    expect(residentProblem('')[0]?.description).toBe('is required');
    expect(residentProblem('110105491231002')[0]?.description).toBe('must be 18 characters (GB 11643), not 15');
    expect(residentProblem('3707021990010112345')[0]?.description).toMatch(/not 19/);
    expect(residentProblem('37070219900A011234')[0]?.description).toBe(
      'must be 17 digits followed by a digit or X (GB 11643)',
    );
    expect(residentProblem('37070219900101123Y')[0]?.description).toMatch(/digit or X/);
  });

  it('refuses a region outside the province codes', () => {
    expect(residentProblem(withCheck('99070219900101123'))[0]?.description).toMatch(
      /region code 990702 does not start with a province code/,
    );
    expect(residentProblem(withCheck('00000019900101123'))[0]?.description).toMatch(/00 is none/);
    expect(residentProblem(withCheck('10000019900101123'))).toHaveLength(1);
    // Hong Kong, Macau and Taiwan residence permits share the format.
    expect(residentProblem(withCheck('81000019900101123'))).toEqual([]);
    expect(residentProblem(withCheck('83000019900101123'))).toEqual([]);
  });

  it('refuses impossible, early and future birth dates', () => {
    expect(residentProblem(withCheck('37070219900230123'))[0]?.description).toBe(
      'birth date 1990-02-30 is not a real date',
    );
    expect(residentProblem(withCheck('37070219901301123'))[0]?.description).toMatch(/1990-13-01 is not a real date/);
    expect(residentProblem(withCheck('37070220230229123'))[0]?.description).toMatch(/not a real date/);
    expect(residentProblem(withCheck('37070220240229123'))).toEqual([]);
    // The standard's own example of a person born in 1880: a valid check digit, but not a living applicant.
    expect(residentProblem('440524188001010014')[0]?.description).toBe('birth date 1880-01-01 is before 1900');
    expect(residentProblem(withCheck('37070219000101123'))).toEqual([]);
    expect(residentProblem(withCheck('37070220261013123'))[0]?.description).toBe(
      'birth date 2026-10-13 is in the future (today is 2026-10-12)',
    );
  });

  it('reads today in China: born today is fine at 00:30 China time, which is still yesterday in UTC', () => {
    const justAfterMidnight = new Date('2026-10-11T16:30:00Z');
    expect(residentProblem(withCheck('37070220261012123'), justAfterMidnight)).toEqual([]);
    expect(residentProblem(withCheck('37070220261012123'), new Date('2026-10-11T15:59:00Z'))).toHaveLength(1);
  });

  it('reads the birth date', () => {
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
  });
});

describe('other person documents (format only)', () => {
  const cases: [IdType, string[], string[]][] = [
    [
      'passport',
      ['E12345678', 'EA1234567', 'G12345678', 'X1234', '533380006'],
      ['E123', 'E1234567-8', 'E12345678ABCDEFGHIJ'],
    ],
    [
      'hk_macau_permit',
      ['H12345678', 'M12345678', 'h12345678', 'H1234567801'],
      ['A12345678', 'H1234567', 'H123456789'],
    ],
    ['taiwan_permit', ['12345678', '1234567890', '1234567890(B)'], ['1234567', 'T12345678', '123456789']],
    [
      'foreign_permanent_resident',
      ['937156198001011234', '93715619800101123X', 'USA370080101001'],
      ['837156198001011234', '9371561980010112', 'US3700801010012'],
    ],
  ];
  it.each(cases)('%s: accepts %j, refuses %j', (idType, good, bad) => {
    for (const value of good) expect(validatePersonIdNumber(idType, value, FIELD, NOW)).toEqual([]);
    for (const value of bad) {
      const violations = validatePersonIdNumber(idType, value, FIELD, NOW);
      expect(violations).toHaveLength(1);
      expect(violations[0]!.field).toBe(FIELD);
    }
    expect(validatePersonIdNumber(idType, '  ', FIELD, NOW)).toEqual([{ field: FIELD, description: 'is required' }]);
  });

  it('checks a resident ID in full', () => {
    expect(validatePersonIdNumber('resident_id', '370702199001011230', FIELD, NOW)[0]?.description).toMatch(
      /check digit is 4/,
    );
  });
});

describe('unified social credit code (GB 32100)', () => {
  const CODE = 'registration.applicant.organisation.credit_code';
  // Published codes: the standard's sample, and companies' codes from their public registration records.
  const REAL = [
    '91350100M000100Y43', // GB 32100-2015 sample
    '91110000710925462X', // 中国石油天然气股份有限公司
    '91330100799655058B', // 阿里巴巴（中国）有限公司
    '9144030071526726XG', // 腾讯科技（深圳）有限公司
    '914403001922038216', // 华为技术有限公司
    '91100000100003962T', // 中国工商银行股份有限公司 (registered at the central level, region 100000)
    '91110108551385082Q', // 北京小米科技有限责任公司
  ];

  it.each(REAL)('accepts %s', (code) => {
    expect(validateSocialCreditCode(code, CODE)).toEqual([]);
    expect(socialCreditCheckChar(code.slice(0, 17))).toBe(code[17]);
    expect(organisationCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
  });

  it('accepts lower case and spaces', () => {
    expect(validateSocialCreditCode(' 91350100m000100y43 ', CODE)).toEqual([]);
  });

  it('computes GB 11714 check characters, X and 0 included', () => {
    expect(organisationCodeCheckChar('M000100Y')).toBe('4');
    expect(organisationCodeCheckChar('71526726')).toBe('X');
    expect(organisationCodeCheckChar('10000485')).toBe('0');
  });

  it('names the expected check character', () => {
    expect(validateSocialCreditCode('91350100M000100Y44', CODE)).toEqual([
      { field: CODE, description: 'check character is 3, not 4 (GB 32100)' },
    ]);
    expect(validateSocialCreditCode('91110000710925462Y', CODE)[0]?.description).toBe(
      'check character is X, not Y (GB 32100)',
    );
  });

  it('refuses an organisation code whose own check fails, even when the 18th character is right', () => {
    const first17 = '91350100M000100Y5';
    const code = first17 + socialCreditCheckChar(first17);
    expect(validateSocialCreditCode(code, CODE)[0]?.description).toBe(
      'organisation code M000100Y5 has check character 5, not 4 (GB 11714)',
    );
    // A made-up code often quoted as a sample: both of its checks fail.
    expect(validateSocialCreditCode('911100001000048554', CODE)[0]?.description).toMatch(/GB 11714/);
  });

  it('refuses characters outside the 31-character set', () => {
    for (const [code, char] of [
      ['91350100M000100I43', 'I'],
      ['91350100M000100O43', 'O'],
      ['91350100M000100S43', 'S'],
      ['91350100M000100V43', 'V'],
      ['91350100M000100Z43', 'Z'],
      ['91350100M000100-43', '-'],
    ]) {
      expect(validateSocialCreditCode(code!, CODE)[0]?.description).toBe(
        `character 16 (${char}) is not in the GB 32100 set 0-9 and A-Y without I, O, S, V, Z`,
      );
    }
  });

  it('refuses unknown registration departments, categories and regions', () => {
    expect(validateSocialCreditCode('B1350100M000100Y43', CODE)[0]?.description).toMatch(
      /registration department code B is not one of/,
    );
    expect(validateSocialCreditCode('94350100M000100Y43', CODE)[0]?.description).toBe(
      "institution category 4 is not one of department 9's (1, 2, 3)",
    );
    expect(validateSocialCreditCode('Y2350100M000100Y43', CODE)[0]?.description).toMatch(/category 2/);
    expect(validateSocialCreditCode('9199A100M000100Y43', CODE)[0]?.description).toBe(
      'region code 99A100 is not a GB/T 2260 code',
    );
    expect(validateSocialCreditCode('91990100M000100Y43', CODE)[0]?.description).toMatch(/region code 990100/);
  });

  it('refuses other lengths and empty input', () => {
    expect(validateSocialCreditCode('', CODE)[0]?.description).toBe('is required');
    expect(validateSocialCreditCode('91350100M000100Y4', CODE)[0]?.description).toBe(
      'must be 18 characters (GB 32100), not 17',
    );
    // The old 9-character organisation code alone is not a credit code.
    expect(validateSocialCreditCode('M000100Y4', CODE)).toHaveLength(1);
  });
});

describe('phones', () => {
  const PHONE = 'registration.applicant.phone';

  it('accepts mobiles in the forms people type them', () => {
    for (const value of ['13812345678', '19912345678', '+86 138 1234 5678', '138-1234-5678', '008613812345678']) {
      expect(validateMobile(value, PHONE)).toEqual([]);
      expect(normalisePhone(value)).toMatch(/^1[3-9]\d{9}$/);
    }
  });

  it('refuses what is not a mainland mobile', () => {
    for (const value of ['12812345678', '1381234567', '138123456789', '0536-8096123', 'abc']) {
      expect(validateMobile(value, PHONE)).toEqual([
        { field: PHONE, description: 'must be an 11-digit mainland mobile number, e.g. 13812345678' },
      ]);
    }
    expect(validateMobile(' ', PHONE)).toEqual([{ field: PHONE, description: 'is required' }]);
  });

  it('accepts a landline with its area code, and writes it in one form', () => {
    expect(normalisePhone('0536-8096123')).toBe('0536-8096123');
    expect(normalisePhone('05368096123')).toBe('0536-8096123');
    expect(normalisePhone('(0536) 8096123')).toBe('0536-8096123');
    expect(normalisePhone('01065132255')).toBe('010-65132255');
    expect(normalisePhone('+86 10 65132255')).toBe('010-65132255');
    expect(normalisePhone('+86 0536 8096123')).toBe('0536-8096123');
    expect(normalisePhone('0536-8096123-801')).toBe('0536-8096123-801');
    for (const value of ['0536-8096123', '010-65132255', '0755-86013388', '0536-8096123-801']) {
      expect(validatePhone(value, PHONE)).toEqual([]);
      expect(isLandline(value)).toBe(true);
      expect(isMobile(value)).toBe(false);
    }
    expect(validatePhone('13812345678', PHONE)).toEqual([]);
  });

  it('refuses a landline without area code or with a bad local number', () => {
    for (const value of ['8096123', '0536-0096123', '0536-1096123', '012-12345678', '0536-809612', '12345']) {
      expect(validatePhone(value, PHONE)).toEqual([
        {
          field: PHONE,
          description: 'must be a mobile like 13812345678 or a landline with area code like 0536-8096123',
        },
      ]);
    }
  });
});

describe('masking', () => {
  it('masks a resident ID as the first 6 and last 4', () => {
    expect(maskPersonIdNumber('resident_id', '370702199001011234')).toBe('370702********1234');
    expect(maskPersonIdNumber('resident_id', '11010519491231002x')).toBe('110105********002X');
  });

  it('never shows more than half of another document, nor more than 6 + 4 characters', () => {
    expect(maskPersonIdNumber('passport', 'E12345678')).toBe('E1*****78');
    expect(maskPersonIdNumber('taiwan_permit', '12345678')).toBe('12****78');
    expect(maskPersonIdNumber('taiwan_permit', '1234567890')).toBe('12*****890');
    expect(maskPersonIdNumber('foreign_permanent_resident', '937156198001011234')).toBe('93715*********1234');
    expect(maskPersonIdNumber('passport', 'X12')).toBe('****');
    const samples: [IdType, string][] = [
      ['passport', 'E12345678'],
      ['passport', 'AB1234567890123'],
      ['passport', '533380006'],
      ['hk_macau_permit', 'H1234567801'],
      ['taiwan_permit', '12345678'],
      ['foreign_permanent_resident', 'USA370080101001'],
      ['foreign_permanent_resident', '937156198001011234'],
    ];
    for (const [idType, value] of samples) {
      const masked = maskPersonIdNumber(idType, value);
      const shown = [...masked].filter((c) => c !== '*').length;
      expect(masked).toHaveLength(value.length);
      expect(shown).toBeLessThanOrEqual(Math.floor(value.length / 2));
      expect(masked).toMatch(/^[^*]{0,6}\*+[^*]{0,4}$/);
    }
  });

  it('masks phones', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0536-8096123')).toBe('0536-*****23');
    expect(maskPhone('010-65132255-801')).toBe('010-******55');
    expect(maskPhone('12345')).toBe('****');
  });
});
