import { parseHallDocument } from './documents';
import { InvalidDocumentError } from './errors';
import { isUnmaskedResidentId } from './fields';
import { renderHtml } from './render';
import {
  acceptanceNotice,
  permitDecision,
  refusalDecision,
  registrationSlip,
  revocationDecision,
  supplementNotice,
  weifang,
} from './spec-fixtures';

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

  it('accepts the decisions and fills their defaults', () => {
    expect(parseHallDocument({ ...permitDecision, certificates: undefined })).toMatchObject({ certificates: [] });
    expect(parseHallDocument({ ...revocationDecision, revokedCertificates: undefined })).toMatchObject({
      revokedCertificates: [],
    });
    expect(parseHallDocument(refusalDecision)).toMatchObject({ kind: 'refusal_decision' });
    // A 文号 without 第 is as good.
    expect(() => parseHallDocument({ ...refusalDecision, documentNumber: '鲁政务许字〔2026〕15号' })).not.toThrow();
  });

  it('refuses a refusal decision without its written reason, or with a blank one', () => {
    const { reason: _reason, ...withoutReason } = refusalDecision;
    expect(violationsOf(withoutReason)).toEqual({
      reason: 'is required: a refusal gives its written reason (行政许可法第三十八条)',
    });
    expect(violationsOf({ ...refusalDecision, reason: '  ' })).toEqual({ reason: 'must have at least 2 characters' });
    expect(() => renderHtml(withoutReason as never, weifang)).toThrow(InvalidDocumentError);
  });

  it('refuses a decision without its department, 文号, basis or applicant, or with a bad 文号', () => {
    const { department: _d, applicant: _a, ...rest } = permitDecision;
    expect(violationsOf({ ...rest, documentNumber: '潍市监准字[2026]123号', legalBasis: [] })).toEqual({
      department: expect.any(String) as string,
      applicant: expect.any(String) as string,
      documentNumber: 'must be a 文号 like 潍市监准字〔2026〕第000123号',
      legalBasis: 'cite at least one law or regulation',
    });
    expect(violationsOf({ ...refusalDecision, legalBasis: [{ name: '《食品安全法》', article: '' }] })).toEqual({
      'legalBasis[0].article': 'must have at least 2 characters',
    });
    expect(violationsOf({ ...refusalDecision, caseNumber: undefined, grounds: '理由' })).toEqual({
      caseNumber: expect.any(String) as string,
      grounds: 'is not a known field',
    });
  });

  it('refuses a certificate expiring before the decision and a verification due before it', () => {
    expect(
      violationsOf({
        ...permitDecision,
        certificates: [
          { name: '食品经营许可证', number: 'JY1', validUntil: '2026-10-18' },
          { name: '食品经营许可证副本', number: 'JY2', validUntil: '2026-02-30' },
        ],
        commitment: { verificationDueAt: new Date('2026-10-19T00:00:00Z') },
      }),
    ).toEqual({
      'certificates[0].validUntil': 'must not be before the date of decidedAt',
      'certificates[1].validUntil': 'must be a real date YYYY-MM-DD',
      'commitment.verificationDueAt': 'must be after decidedAt',
    });
    // Valid until the decision's own day (10月19日 in China) is allowed.
    expect(() =>
      parseHallDocument({
        ...permitDecision,
        certificates: [{ name: '临时许可证', number: 'LS1', validUntil: '2026-10-19' }],
      }),
    ).not.toThrow();
  });

  it('refuses a collection missing what its method needs, or with what another method has', () => {
    expect(violationsOf({ ...permitDecision, collection: { method: 'express', window: '3号窗口' } })).toEqual({
      'collection.expressCompany': 'an express delivery names its carrier',
      'collection.window': 'an express delivery has no window',
    });
    expect(
      violationsOf({
        ...permitDecision,
        collection: { method: 'window', appointmentAt: new Date('2026-10-20T01:00:00Z'), trackingNumber: '1179456321' },
      }),
    ).toEqual({
      'collection.appointmentAt': 'only an appointment has a time',
      'collection.trackingNumber': 'only an express delivery has a waybill',
    });
    expect(violationsOf({ ...permitDecision, collection: { method: 'appointment' } })).toEqual({
      'collection.appointmentAt': 'an appointment says when',
    });
    expect(violationsOf({ ...permitDecision, collection: { method: 'courier' } })).toEqual({
      'collection.method': expect.any(String) as string,
    });
  });

  it('refuses a revocation without its finding, of a later decision, or naming itself as the original', () => {
    const { finding: _finding, ...withoutFinding } = revocationDecision;
    expect(violationsOf(withoutFinding)).toEqual({
      finding: 'is required: a revocation states what the verification found',
    });
    expect(
      violationsOf({
        ...revocationDecision,
        originalDecision: {
          documentNumber: revocationDecision.documentNumber,
          decidedAt: new Date('2026-11-21T00:00:00Z'),
        },
      }),
    ).toEqual({
      'originalDecision.decidedAt': 'must not be after decidedAt',
      'originalDecision.documentNumber': expect.stringContaining('own number') as string,
    });
    expect(violationsOf({ ...revocationDecision, originalDecision: undefined })).toEqual({
      originalDecision: expect.any(String) as string,
    });
  });

  it('refuses a decision’s complete applicant ID number like the notices', () => {
    expect(violationsOf({ ...refusalDecision, applicant: { name: '张三', idNumber: '11010519491231002X' } })).toEqual({
      'applicant.idNumber': expect.stringContaining('masked') as string,
    });
  });

  it('renders nothing for bad data: the render functions validate too', () => {
    expect(() => renderHtml({ ...acceptanceNotice, caseNumber: '' }, weifang)).toThrow(InvalidDocumentError);
  });
});
