import { intakeV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { residentId, startIntakeForTest, type IntakeUnderTest } from './start-for-test';

const ID = residentId('37070219850505321');

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
  it('prints what each notice must say, from the records and the hall’s template', async () => {
    const demo = await under.demo();
    const admin = new pb.IntakeServiceClient(
      under.address,
      grpc.credentials.createInsecure(),
      await under.as('700GLB07'),
    );
    const registerOne = async (key: string, materials: string[]) =>
      (
        await callUnary(
          front,
          'register',
          pb.RegisterRequest.fromPartial({
            requestId: `doc-reg-${key}`,
            hallId: demo.halls['city'],
            windowId: demo.windows['city/A01'],
            channel: pb.Channel.CHANNEL_HALL_WINDOW,
            applicant: {
              kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
              person: { name: '赵六', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber: ID, phone: '13905361111' },
            },
            itemId: demo.items['11370700SCJG000105003000'],
            situationCodes: ['COMPANY'],
            materials: materials.map((code) => ({ code, copies: 1 })),
          }),
        )
      ).registration!;
    const html = async (registrationId: string, kind: pb.DocumentKind, queryPassword = '') =>
      Buffer.from(
        (
          await callUnary(front, 'renderDocument', {
            registrationId,
            kind,
            format: pb.DocumentFormat.DOCUMENT_FORMAT_HTML,
            queryPassword,
            sequence: 0,
          })
        ).content,
      ).toString('utf8');
    try {
      // 受理通知书: number, item, masked applicant, promised date, password, the hall's complaint contacts.
      const accepted = await callUnary(scjg, 'accept', {
        requestId: 'doc-acc-0002',
        registrationId: (await registerOne('0002', ['M01', 'M02', 'M03', 'M05', 'M06', 'M07'])).id,
        windowId: demo.windows['city/B02']!,
      });
      const acceptance = accepted.registration!.acceptance!;
      const notice = await html(
        accepted.registration!.id,
        pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE,
        accepted.queryPassword,
      );
      const [year, month, day] = acceptance.promisedDate.split('-').map(Number);
      for (const text of [
        acceptance.caseNumber,
        '食品经营许可',
        `370702********${ID.slice(-4)}`,
        `${year}年${month}月${day}日`,
        accepted.queryPassword,
        '0536-12345',
        // mustache escapes `/` too: the complaint URL as the HTML holds it.
        '投诉网址：https:&#x2F;&#x2F;zwfw.weifang.gov.cn&#x2F;tousu',
      ]) {
        expect(notice).toContain(text);
      }
      expect(notice).not.toContain(ID);
      const reprint = await html(accepted.registration!.id, pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE);
      expect(reprint).not.toContain(accepted.queryPassword);

      // 补正通知书: every material named with its reason; 不予受理通知书: the reason.
      const pending = await registerOne('0003', ['M01', 'M03', 'M05', 'M06', 'M07']);
      await callUnary(scjg, 'requestSupplement', {
        requestId: 'doc-sup-0003',
        registrationId: pending.id,
        windowId: demo.windows['city/B02']!,
        entries: [
          {
            materialCode: 'M02',
            materialName: '',
            problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
            reason: '未提交营业执照，请携带营业执照副本原件及复印件',
          },
          {
            materialCode: 'M05',
            materialName: '',
            problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_NON_CONFORMING,
            reason: '平面图未标注操作间面积',
          },
        ],
      });
      const supplement = await html(pending.id, pb.DocumentKind.DOCUMENT_KIND_SUPPLEMENT_NOTICE);
      for (const text of [pending.number, '营业执照', '未提交营业执照', '平面图未标注操作间面积']) {
        expect(supplement).toContain(text);
      }
      const refused = await registerOne('0004', ['M01', 'M02', 'M03', 'M05', 'M06', 'M07']);
      await callUnary(scjg, 'refuse', {
        requestId: 'doc-ref-0004',
        registrationId: refused.id,
        windowId: demo.windows['city/B02']!,
        reason: '申请事项依法不属于本机关职权范围',
        legalBasis: '《中华人民共和国行政许可法》第三十二条',
      });
      const refusal = await html(refused.id, pb.DocumentKind.DOCUMENT_KIND_REFUSAL_NOTICE);
      expect(refusal).toContain('申请事项依法不属于本机关职权范围');
      expect(refusal).toContain('行政复议');

      // A hall's own template is data: the next notice prints its header and seal.
      const set = await callUnary(
        admin,
        'setDocumentTemplate',
        pb.SetDocumentTemplateRequest.fromPartial({
          requestId: 'doc-template-0001',
          template: {
            hallId: demo.halls['city'],
            header: '潍坊市民之家',
            sealText: '潍坊市行政审批服务局业务专用章',
            complaintPhone: '12345',
            queryInstructions: '登录爱山东APP查询办理进度',
            footerLines: ['办公时间：工作日 8:30-12:00，14:00-17:30'],
          },
        }),
      );
      expect(set.template?.isDefault).toBe(false);
      const branded = await html(accepted.registration!.id, pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE);
      for (const text of ['潍坊市民之家', '潍坊市行政审批服务局业务专用章', '登录爱山东APP查询办理进度', '12345']) {
        expect(branded).toContain(text);
      }
      await expect(
        callUnary(
          front,
          'setDocumentTemplate',
          pb.SetDocumentTemplateRequest.fromPartial({
            requestId: 'doc-template-0002',
            template: { hallId: demo.halls['city'], header: 'x', sealText: 'y', complaintPhone: '12345' },
          }),
        ),
      ).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    } finally {
      admin.close();
    }
  }, 60_000);
});
