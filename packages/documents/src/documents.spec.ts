import { parseHallDocument } from './documents';
import { InvalidDocumentError } from './errors';
import { isUnmaskedResidentId } from './fields';
import { renderHtml } from './render';
import { acceptanceNotice, registrationSlip, supplementNotice, weifang } from './spec-fixtures';

function violationsOf(input: unknown): Record<string, string> {
  try {
    parseHallDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDocumentError);
    return Object.fromEntries((error as InvalidDocumentError).violations.map((v) => [v.field, v.description]));
  }
  throw new Error('the document was accepted');
}

describe('document data', () => {
  it('accepts the sample of every kind and fills the defaults', () => {
    expect(parseHallDocument(supplementNotice)).toMatchObject({ sequence: 1 });
    expect(parseHallDocument({ ...registrationSlip, situations: undefined })).toMatchObject({ situations: [] });
  });

  it('refuses a complete resident ID number or mobile number: the caller masks them', () => {
    expect(isUnmaskedResidentId('11010519491231002X')).toBe(true);
    expect(isUnmaskedResidentId('110105194912310021')).toBe(false); // wrong check digit: not an ID number
    expect(
      violationsOf({
        ...acceptanceNotice,
        applicant: { name: '张三', idNumber: '11010519491231002X', phone: '138 0013 8000' },
      }),
    ).toEqual({
      'applicant.idNumber': expect.stringContaining('370702********1234') as string,
      'applicant.phone': expect.stringContaining('138****5678') as string,
    });
  });

  it('refuses a promised date before the acceptance and a 容缺 deadline not after it', () => {
    expect(
      violationsOf({
        ...acceptanceNotice,
        promisedDate: '2026-10-11',
        commitment: { materials: [{ name: '健康证明', supplementDueAt: new Date('2026-10-12T02:00:00Z') }] },
      }),
    ).toEqual({
      promisedDate: 'must not be before the date of acceptedAt',
      'commitment.materials[0].supplementDueAt': 'must be after acceptedAt',
    });
    // 2026-10-12T16:30Z is already 10月13日 in China: a promise for the 13th is not before it.
    expect(() =>
      parseHallDocument({
        ...acceptanceNotice,
        acceptedAt: new Date('2026-10-12T16:30:00Z'),
        promisedDate: '2026-10-13',
      }),
    ).not.toThrow();
  });

  it('refuses an impossible date, a bad number, a bad password and an empty 容缺 list', () => {
    expect(
      violationsOf({
        ...acceptanceNotice,
        caseNumber: 'SL 2026/1',
        promisedDate: '2026-02-30',
        acceptedAt: new Date('x'),
        queryPassword: '12',
        commitment: { materials: [] },
      }),
    ).toEqual({
      caseNumber: expect.stringContaining('letters, digits or hyphens') as string,
      promisedDate: 'must be a real date YYYY-MM-DD',
      acceptedAt: 'must be a valid Date',
      queryPassword: expect.any(String) as string,
      'commitment.materials': 'name at least one material accepted missing',
    });
  });

  it('refuses a supplement notice without entries, or naming a material twice', () => {
    expect(violationsOf({ ...supplementNotice, entries: [] })).toEqual({
      entries: 'name at least one material to supplement',
    });
    const [first] = supplementNotice.entries;
    expect(violationsOf({ ...supplementNotice, entries: [first, { ...first, problem: 'non_conforming' }] })).toEqual({
      'entries[1].materialName': expect.stringContaining('already listed') as string,
    });
  });

  it('refuses a material on file without its source, a source on another status, and a due before registration', () => {
    const [submitted, onFile, missing] = registrationSlip.materials;
    expect(
      violationsOf({
        ...registrationSlip,
        acceptanceDue: { limit: '4个工作小时内', at: new Date('2026-10-12T02:00:00Z') },
        materials: [{ ...submitted, onFileFrom: '电子证照库' }, { ...onFile, onFileFrom: undefined }, missing],
      }),
    ).toEqual({
      'acceptanceDue.at': 'must not be before registeredAt',
      'materials[0].onFileFrom': 'only a material on file has a source',
      'materials[1].onFileFrom': 'a material on file says where it comes from',
    });
  });

  it('refuses an unknown kind, an unknown field and a multi-line name', () => {
    expect(violationsOf({ ...acceptanceNotice, kind: 'approval_decision' })).toEqual({
      kind: expect.any(String) as string,
    });
    expect(violationsOf({ ...acceptanceNotice, applicantName: '张三' })).toEqual({
      applicantName: 'is not a known field',
    });
    expect(violationsOf({ ...acceptanceNotice, itemName: '食品经营\n许可' })).toEqual({
      itemName: expect.stringContaining('single line') as string,
    });
  });

  it('renders nothing for bad data: the render functions validate too', () => {
    expect(() => renderHtml({ ...acceptanceNotice, caseNumber: '' }, weifang)).toThrow(InvalidDocumentError);
  });
});
