import { ScheduleMissingError } from '@govhall/calendar';
import { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import { PreconditionFailedError, type StaffActor } from '@govhall/kit';
import type { IntakeService } from '../app/intake-service';
import { organisationCodeCheckChar, residentIdCheckChar, socialCreditCheckChar } from '../domain/identity';
import type { DemoQueueCatalogue } from './demo-queue';

export interface DemoApplicationsSummary {
  /** Registrations made (or found made by an earlier load). */
  readonly registrations: number;
  readonly accepted: number;
  readonly acceptedWithMissing: number;
  readonly supplementRequested: number;
  readonly refused: number;
  readonly completedImmediately: number;
  readonly waiting: number;
  /** Cases left out because the calendar holds no schedule for the year a time limit reaches. */
  readonly skipped: number;
}

type Outcome =
  'accepted' | 'acceptedWithMissing' | 'supplementRequested' | 'refused' | 'completedImmediately' | 'waiting';

/** An invented resident ID of Kuiwen district with its GB 11643 check digit. */
const residentId = (birth: string, order: string) => {
  const first17 = `370705${birth}${order}`;
  return first17 + residentIdCheckChar(first17);
};
/** An invented 统一社会信用代码 of a Weifang company with both check characters (GB 11714, GB 32100). */
const creditCode = (org8: string) => {
  const first17 = `91370700${org8}${organisationCodeCheckChar(org8)}`;
  return first17 + socialCreditCheckChar(first17);
};
const person = (name: string, idNumber: string, phone: string): pb.ApplicantInput =>
  pb.ApplicantInput.fromPartial({
    kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
    person: { name, idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber, phone },
  });
const company = (name: string, code: string, legalRepresentative: string, phone: string): pb.ApplicantInput =>
  pb.ApplicantInput.fromPartial({
    kind: pb.ApplicantKind.APPLICANT_KIND_ORGANISATION,
    organisation: {
      name,
      creditCode: code,
      legalRepresentative,
      contactName: legalRepresentative,
      contactPhone: phone,
    },
  });

interface DemoCase {
  readonly key: string;
  readonly hall: 'city' | 'district';
  /** The registering window and the deciding one, by number; the clerk deciding, by employee number, and the
   * code of their department (organisation.yaml). */
  readonly registerAt: string;
  readonly decideAt: string;
  readonly staff: string;
  readonly department: string;
  readonly item: string;
  readonly situations?: readonly string[];
  readonly materials: readonly string[];
  readonly applicant: pb.ApplicantInput;
  readonly project?: { name: string; category: items.ProjectCategory };
  readonly outcome: Outcome;
}

/** Items with short promised limits (0 to 1 working day) where a promise is computed, so any day works. */
const CASES: readonly DemoCase[] = [
  {
    key: 'company-setup-accepted',
    hall: 'city',
    registerAt: 'A01',
    decideAt: 'B01',
    staff: '700SCJG01',
    department: 'SCJG',
    item: '11370700SCJG000105001000',
    situations: ['LLC'],
    materials: ['M01', 'M02', 'M03', 'M07'],
    applicant: company('潍坊鸢都新材料科技有限公司', creditCode('MA3DEM01'), '刘卫东', '13805360201'),
    outcome: 'accepted',
  },
  {
    key: 'venue-hygiene-missing',
    hall: 'city',
    registerAt: 'A01',
    decideAt: 'B11',
    staff: '700WJW01',
    department: 'WJW',
    item: '11370700WJW000118001000',
    situations: ['NEW'],
    materials: ['M01', 'M02', 'M03'],
    applicant: company('潍坊滨海文旅发展有限公司', creditCode('MA3DEM02'), '王晓红', '13805360202'),
    project: {
      name: '潍坊滨海文旅综合体招商项目',
      category: items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION,
    },
    outcome: 'acceptedWithMissing',
  },
  {
    key: 'food-business-supplement',
    hall: 'city',
    registerAt: 'A01',
    decideAt: 'B02',
    staff: '700SCJG01',
    department: 'SCJG',
    item: '11370700SCJG000105003000',
    situations: ['PERSON'],
    materials: ['M01', 'M04', 'M05', 'M06', 'M07'],
    applicant: person('陈国栋', residentId('19820415', '031'), '13805360203'),
    outcome: 'supplementRequested',
  },
  {
    key: 'property-transfer-refused',
    hall: 'district',
    registerAt: 'A01',
    decideAt: 'B03',
    staff: '705QZJJ01',
    department: 'QZJJ',
    item: '11370705QZJJ000131005000',
    situations: ['SALE'],
    materials: ['M01', 'M02', 'M03', 'M06', 'M07'],
    applicant: person('赵淑芬', residentId('19670923', '042'), '13805360204'),
    outcome: 'refused',
  },
  {
    key: 'individual-business-completed',
    hall: 'district',
    registerAt: 'A01',
    decideAt: 'B01',
    staff: '705QSCJ01',
    department: 'QSCJ',
    item: '11370705QSCJ000105005000',
    materials: ['M01', 'M02', 'M03'],
    applicant: person('孙明亮', residentId('19930207', '015'), '13805360205'),
    outcome: 'completedImmediately',
  },
  {
    key: 'land-transfer-waiting',
    hall: 'district',
    registerAt: 'A01',
    decideAt: 'B03',
    staff: '705ZRZY01',
    department: 'ZRZYKW',
    item: '11370700ZRZY000130005000',
    materials: ['M01', 'M02', 'M03', 'M04'],
    applicant: person('李婷婷', residentId('19880630', '028'), '13805360206'),
    outcome: 'waiting',
  },
];

/** A time limit that reaches a year the calendar holds no schedule for: the case is left out, not the load. */
function missingSchedule(error: unknown): boolean {
  return (
    error instanceof ScheduleMissingError ||
    (error instanceof PreconditionFailedError && error.cause instanceof ScheduleMissingError)
  );
}

/**
 * The demo applications of the embedded start, through the use cases as the deciding staff: in the city hall a
 * company set-up accepted (its promise from the hall's calendar), a public venue hygiene licence accepted with a
 * material missing (容缺, for a key investment project), a food business licence with a supplement notice
 * (一次性告知); in the district hall a property transfer refused (with its reason, filed), an individual
 * business completed on the spot (即办), a land use right transfer registered and waiting for the window. Request ids
 * are fixed: a rerun on the same data replays every command and changes nothing. Time is the use cases' own
 * clock (the system clock in `pnpm start`).
 */
export async function loadDemoApplications(
  running: { readonly intake: IntakeService },
  catalogue: DemoQueueCatalogue,
): Promise<DemoApplicationsSummary> {
  const org = catalogue.organisation;
  const [halls, departments, windows, staff, published] = await Promise.all([
    org.listHalls({ includeInactive: false }),
    org.listDepartments({ includeInactive: false }),
    org.listWindows({ includeInactive: false }),
    org.listStaff({ includeInactive: false }),
    catalogue.items.listItems({ status: 'published' }, { size: 500, token: '' }),
  ]);
  const intake = running.intake;
  const counts: Record<Outcome | 'skipped', number> = {
    accepted: 0,
    acceptedWithMissing: 0,
    supplementRequested: 0,
    refused: 0,
    completedImmediately: 0,
    waiting: 0,
    skipped: 0,
  };
  let registrations = 0;

  for (const c of CASES) {
    const hall = halls.find((h) => h.tier === c.hall && h.kind === 'main');
    const member = staff.find((s) => s.employeeNo === c.staff);
    const department = departments.find((d) => d.hallId === hall?.id && d.code === c.department);
    const itemId = published.items.find((i) => i.content.implementationCode === c.item)?.itemId;
    const windowId = (n: string) => windows.find((w) => w.hallId === hall?.id && w.number === n)?.id;
    const registerAt = windowId(c.registerAt);
    const decideAt = windowId(c.decideAt);
    if (!hall || !member || !department || !itemId || !registerAt || !decideAt)
      throw new Error(
        `demo application ${c.key}: the catalogue's demo directory lacks its hall, staff, item or window`,
      );
    const actor: StaffActor = {
      kind: 'staff',
      staffId: member.id,
      roles: ['clerk'],
      departmentId: department.id,
      hallId: hall.id,
      regionCode: hall.regionCode,
    };
    const id = (step: string) => `demo-application-${c.key}-${step}`;
    const decision = { registrationId: '', windowId: decideAt };
    try {
      const { registration } = await intake.register({ requestId: id('register') }, actor, {
        ...pb.RegisterRequest.fromPartial({
          requestId: id('register'),
          hallId: hall.id,
          windowId: registerAt,
          channel: pb.Channel.CHANNEL_HALL_WINDOW,
          applicant: c.applicant,
          itemId,
          situationCodes: [...(c.situations ?? [])],
          materials: c.materials.map((code) => ({ code, copies: 1, originalChecked: true, fileRef: '' })),
          ...(c.project ? { project: { ...c.project, directorStaffId: '' } } : {}),
        }),
      });
      const r = { ...decision, registrationId: registration!.id };
      switch (c.outcome) {
        case 'accepted':
          await intake.accept({ requestId: id('accept') }, actor, { requestId: id('accept'), ...r });
          break;
        case 'acceptedWithMissing':
          await intake.acceptWithMissing({ requestId: id('accept') }, actor, {
            requestId: id('accept'),
            ...r,
            missingMaterialCodes: ['M04'],
            commitment: pb.MissingMaterialCommitment.fromPartial({ signedBy: '王晓红' }),
          });
          break;
        case 'supplementRequested':
          await intake.requestSupplement({ requestId: id('supplement') }, actor, {
            requestId: id('supplement'),
            ...r,
            entries: [
              {
                materialCode: 'M02',
                materialName: '',
                problem: pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING,
                reason: '未提交营业执照，请携带营业执照原件及复印件一份',
              },
            ],
          });
          break;
        case 'refused':
          await intake.refuse({ requestId: id('refuse') }, actor, {
            requestId: id('refuse'),
            ...r,
            reason: '该房屋已被人民法院依法查封，不予办理转移登记',
            legalBasis: '《不动产登记暂行条例》第二十二条',
          });
          break;
        case 'completedImmediately':
          await intake.completeImmediately({ requestId: id('complete') }, actor, {
            requestId: id('complete'),
            ...r,
            resultNote: '个体工商户设立登记已当场办结，核发营业执照',
            certificateNumber: '92370705MA3DEMO5XK',
          });
          break;
        case 'waiting':
          break;
      }
      registrations++;
      counts[c.outcome]++;
    } catch (error) {
      if (!missingSchedule(error)) throw error;
      counts.skipped++;
    }
  }
  return { registrations, ...counts };
}
