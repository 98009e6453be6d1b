import { intakeV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { residentIdCheckChar } from '../src/domain/identity';
import { startIntakeForTest, type IntakeUnderTest } from './start-for-test';

const ID17 = '37070219850505321';
const ID = ID17 + residentIdCheckChar(ID17);

describe('IntakeService documents', () => {
  let under: IntakeUnderTest;
  let front: pb.IntakeServiceClient;
  let scjg: pb.IntakeServiceClient;
  beforeAll(async () => {
    under = await startIntakeForTest();
    front = new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as('700GLB01'));
    scjg = new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as('700SCJG01'));
  }, 120_000);
  afterAll(async () => {
    front?.close();
    scjg?.close();
    await under?.stop();
  });

  it('refuses the acceptance notice before acceptance and renders a PDF after; the slip any time', async () => {
    const demo = await under.demo();
    const { registration } = await callUnary(
      front,
      'register',
      pb.RegisterRequest.fromPartial({
        requestId: 'doc-reg-0001',
        hallId: demo.halls['city'],
        windowId: demo.windows['city/A01'],
        channel: pb.Channel.CHANNEL_HALL_WINDOW,
        applicant: {
          kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
          person: { name: '赵六', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: ID, phone: '13905361111' },
        },
        itemId: demo.items['11370700SCJG000105003000'],
        situationCodes: ['COMPANY'],
        materials: ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'].map((code) => ({ code, copies: 1 })),
      }),
    );
    const render = (kind: pb.DocumentKind, format: pb.DocumentFormat, queryPassword = '') =>
      callUnary(front, 'renderDocument', {
        registrationId: registration!.id,
        kind,
        format,
        queryPassword,
        sequence: 0,
      });
    const slip = await render(pb.DocumentKind.DOCUMENT_KIND_REGISTRATION_SLIP, pb.DocumentFormat.DOCUMENT_FORMAT_HTML);
    const html = Buffer.from(slip.content).toString('utf8');
    expect(html).toContain(registration!.number);
    expect(html).not.toContain(ID);
    await expect(
      render(pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE, pb.DocumentFormat.DOCUMENT_FORMAT_PDF),
    ).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    const accepted = await callUnary(scjg, 'accept', {
      requestId: 'doc-acc-0001',
      registrationId: registration!.id,
      windowId: demo.windows['city/B02']!,
    });
    await expect(
      render(
        pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE,
        pb.DocumentFormat.DOCUMENT_FORMAT_PDF,
        accepted.queryPassword === '000000' ? '111111' : '000000',
      ),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const pdf = await render(
      pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE,
      pb.DocumentFormat.DOCUMENT_FORMAT_PDF,
      accepted.queryPassword,
    );
    expect(Buffer.from(pdf.content).subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.fileName).toContain(accepted.registration!.acceptance!.caseNumber);
    const template = await callUnary(front, 'getDocumentTemplate', { hallId: demo.halls['city']! });
    expect(template.template?.isDefault).toBe(true);
  }, 60_000);
});
