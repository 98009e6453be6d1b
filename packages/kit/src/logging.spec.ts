import { Writable } from 'node:stream';
import { createLogger, maskIdNumber, maskMobile, maskPersonalData, residentIdCheckChar } from './logging';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n') };
}

const ID_NUMBER = '370702199001011234';
const MOBILE = '13812345678';

describe('log redaction', () => {
  it('keeps ID numbers and mobile numbers out of every part of a log line', () => {
    const out = capture();
    const logger = createLogger({ service: 'test', destination: out.stream });
    logger.info(
      { applicant: { idNumber: ID_NUMBER, contacts: [`tel ${MOBILE}`] }, mobile: Number(MOBILE) },
      `registered applicant ${ID_NUMBER} phone +86${MOBILE}`,
    );
    logger.error(new Error(`lookup failed for ${ID_NUMBER}`));
    const text = out.lines().join('\n');
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain(MOBILE);
    expect(text).not.toContain('12345678');
    expect(text).toContain('370702********1234');
    expect(text).toContain('138****5678');
    expect(JSON.parse(out.lines()[0]!)).toMatchObject({ service: 'test', level: 'info' });
  });

  it('masks an ID number ending in X and leaves other numbers alone', () => {
    expect(maskPersonalData('证件 11010519491231002X 已核验')).toBe('证件 110105********002X 已核验');
    expect(maskPersonalData('case 20261123000123 window 12')).toBe('case 20261123000123 window 12');
  });

  it('masks single values for display', () => {
    expect(maskMobile(MOBILE)).toBe('138****5678');
    expect(maskIdNumber(ID_NUMBER)).toBe('370702********1234');
  });
});

describe('residentIdCheckChar', () => {
  it('computes the GB 11643 check character of the first 17 digits, X for 10', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
  });
});
