/**
 * The demo cases of the embedded start (`demo/cases.yaml`), loaded through the real use cases: each application
 * is registered and accepted through intake's gRPC API as its demo staff (tokens from `signer`), its case opens
 * from intake's acceptance event like any other, and each step is `CaseService.act` as the demo staff member the
 * file names; then the joint meetings and the archive batches. Request ids are fixed, so a second load on the same
 * data replays every command and changes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDateOf } from '@govhall/calendar';
import { departmentView, hallView, staffView, windowView, type StaffView } from '@govhall/catalogue-client';
import { caseV1, catalogueItemsV1, catalogueV1, intakeV1 } from '@govhall/contracts';
import { NotFoundError, callUnary, type StaffActor, type TokenSigner } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { parse } from 'yaml';
import { z } from 'zod';
import type { CaseService } from '../app/case-service';

/** The demo data shipped with the service. */
export const DEMO_CASES_FILE = join(__dirname, '..', '..', 'demo', 'cases.yaml');

const ACTIONS = [
  'take',
  'assign',
  'review',
  'verify',
  'approve',
  'refuse',
  'sendBack',
  'issue',
  'deliver',
  'complete',
  'startSpecialProcedure',
  'endSpecialProcedure',
  'extend',
  'decideSubtask',
  'verifyCommitment',
  'agreePickup',
] as const;

const employeeNo = z.string().regex(/^[0-9A-Z]{5,16}$/, 'an employee number of the demo organisation');
const hallKey = z.enum(['city', 'district', 'township']);
const place = z.strictObject({ window: z.string().min(2), staff: employeeNo });
/**
 * Not a staff action: the loader stands in for the fee service (一费制) and reports the case's bills paid, as
 * `fee.case.fees_paid` would, so that a case of an item with fees can be issued.
 */
const FEES_PAID = 'feesPaid';
const feesPaid = z.strictObject({
  paidFen: z.number().int().nonnegative(),
  billIds: z.array(z.string().min(1)).default([]),
});
/** One Act request as proto JSON, less its request id and case id: exactly one action; or the fees paid. */
const step = z
  .looseObject({ as: employeeNo.optional(), [FEES_PAID]: feesPaid.optional() })
  .refine((s) => Object.keys(s).filter((k) => k !== 'as').length === 1, 'one action besides `as`')
  .refine(
    (s) => Object.keys(s).every((k) => k === 'as' || k === FEES_PAID || (ACTIONS as readonly string[]).includes(k)),
    `the action is one of ${[...ACTIONS, FEES_PAID].join(', ')}`,
  )
  .refine(
    (s) => (s.feesPaid === undefined) === (s.as !== undefined),
    'a staff action names its staff member (`as`); feesPaid (the fee service) names none',
  );

const demoCase = z.strictObject({
  key: z.string().regex(/^[a-z0-9-]{3,60}$/),
  hall: hallKey,
  /** The item's implementation code. */
  item: z.string().min(10),
  situations: z.array(z.string()).default([]),
  register: place,
  accept: place,
  /** intake's ApplicantInput as proto JSON. */
  applicant: z.record(z.string(), z.unknown()),
  /** intake's ProjectInput as proto JSON. */
  project: z.record(z.string(), z.unknown()).optional(),
  /** `last-week`: the whole story plays on the Tuesday of the week before the load. */
  when: z.literal('last-week').optional(),
  steps: z.array(step),
});

const demoFile = z.strictObject({
  cases: z.array(demoCase).min(1),
  meetings: z.array(
    z.strictObject({
      key: z.string().regex(/^[a-z0-9-]{3,60}$/),
      hall: hallKey,
      convenedBy: employeeNo,
      title: z.string().min(2),
      /** Department codes of the hall. */
      attending: z.array(z.string()),
      minutes: z.string().default(''),
      decisions: z
        .array(
          z.strictObject({
            case: z.string(),
            subtaskCode: z.string(),
            approved: z.boolean(),
            opinion: z.string(),
            refusalReason: z.string().default(''),
          }),
        )
        .min(1),
    }),
  ),
  archive: z.array(
    z.strictObject({
      key: z.string().regex(/^[a-z0-9-]{3,60}$/),
      hall: hallKey,
      department: z.string(),
      staff: employeeNo,
      /** The week handed over: the one the named case was completed in. */
      weekOf: z.string(),
    }),
  ),
});
export type DemoCasesFile = z.infer<typeof demoFile>;
type DemoCase = DemoCasesFile['cases'][number];

/** Reads and checks the demo file; every case a meeting or an archive batch names must be in it. */
export function readDemoCases(file = DEMO_CASES_FILE): DemoCasesFile {
  const parsed = demoFile.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  }
  const keys = new Set(parsed.data.cases.map((c) => c.key));
  const unknown = [
    ...parsed.data.meetings.flatMap((m) => m.decisions.map((d) => d.case)),
    ...parsed.data.archive.map((a) => a.weekOf),
  ].filter((k) => !keys.has(k));
  if (keys.size !== parsed.data.cases.length || unknown.length > 0)
    throw new Error(`${file}: case keys must be unique and known (unknown: ${unknown.join(', ') || 'none'})`);
  return parsed.data;
}

/** Runs `work` while every service's clock reads `at` onwards (the embedded start's demo clock). */
export type DemoPast = <T>(at: Date, work: () => Promise<T>) => Promise<T>;

export interface DemoCasesOptions {
  readonly service: CaseService;
  readonly catalogueAddress: string;
  readonly intakeAddress: string;
  /** Signs the demo staff's tokens for intake (a key intake trusts for staff). */
  readonly signer: TokenSigner;
  readonly past: DemoPast;
  readonly file?: string;
  /** How long to wait for intake's acceptance event to open a case. */
  readonly openTimeoutMs?: number;
}

export interface DemoCaseRef {
  readonly caseId: string;
  readonly caseNumber: string;
}

export interface DemoCasesSummary {
  /** Every case the service holds after the load (intake's demo acceptances included), one per case. */
  readonly cases: number;
  /** By current stage of open cases (IN_PROGRESS), e.g. `PROCESS_STAGE_REVIEW`. */
  readonly atStage: Readonly<Record<string, number>>;
  readonly suspended: number;
  readonly completed: number;
  readonly archived: number;
  readonly refused: number;
  readonly pendingVerification: number;
  readonly joint: number;
  readonly handedUp: number;
  /** The file's cases by key. */
  readonly byKey: ReadonlyMap<string, DemoCaseRef>;
  readonly meetingIds: readonly string[];
  readonly bundleIds: readonly string[];
  readonly archiveBatchIds: readonly string[];
  /** Ids of the demo directory the loader used (hall ids by key, staff ids by employee number). */
  readonly hallIds: Readonly<Record<string, string>>;
  readonly staffIds: ReadonlyMap<string, string>;
}

interface Directory {
  readonly halls: Readonly<Record<string, ReturnType<typeof hallView>>>;
  readonly departments: readonly ReturnType<typeof departmentView>[];
  readonly windows: readonly ReturnType<typeof windowView>[];
  readonly staff: ReadonlyMap<string, StaffView>;
  readonly items: ReadonlyMap<string, catalogueItemsV1.Item>;
}

/** The Tuesday 09:30 (Beijing time) of the week before `now`'s. */
export function tuesdayOfLastWeek(now: Date): Date {
  const day = localDateOf(now);
  const noon = new Date(`${day}T12:00:00+08:00`);
  const sinceMonday = (noon.getUTCDay() + 6) % 7;
  const monday = new Date(noon.getTime() - sinceMonday * 86_400_000);
  return new Date(`${localDateOf(new Date(monday.getTime() - 6 * 86_400_000))}T09:30:00+08:00`);
}

export async function loadDemoCases(options: DemoCasesOptions): Promise<DemoCasesSummary> {
  const data = readDemoCases(options.file);
  const credentials = grpc.credentials.createInsecure();
  const organisation = new catalogueV1.OrganisationServiceClient(options.catalogueAddress, credentials);
  const itemClient = new catalogueItemsV1.ItemServiceClient(options.catalogueAddress, credentials);
  const intake = new intakeV1.IntakeServiceClient(options.intakeAddress, credentials);
  try {
    const directory = await readDirectory(organisation, itemClient);
    const loader = new Loader(options, directory, intake);
    await loader.waitForIntakeCases();
    // Every case is accepted first, a few at a time (the embedded PostgreSQL runs one session: more would only
    // queue), then the loader waits for all of them to open (a bundle's partners must exist before an issue).
    const now = data.cases.filter((c) => c.when === undefined);
    const opened = await inTurns(now, 4, (c) => named(c.key, () => loader.open(c)));
    for (const c of now) await named(c.key, () => loader.opened(c));
    for (const [i, c] of now.entries()) await named(c.key, () => loader.play(c, opened[i]!));
    for (const meeting of data.meetings) await loader.meeting(meeting);
    // The past last: nothing else may run on the clock while it reads last week.
    for (const c of data.cases.filter((x) => x.when === 'last-week')) {
      await options.past(tuesdayOfLastWeek(new Date()), () =>
        named(c.key, async () => {
          const ref = await loader.open(c);
          await loader.opened(c);
          await loader.play(c, ref);
        }),
      );
    }
    for (const batch of data.archive) await loader.archive(batch);
    return await loader.summary();
  } finally {
    organisation.close();
    itemClient.close();
    intake.close();
  }
}

/** `work` over `items`, at most `width` at once; the answers in the items' order. */
async function inTurns<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      answers[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return answers;
}

/** A failure names the demo case it happened in. */
async function named<T>(key: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(`demo case ${key}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function readDirectory(
  organisation: catalogueV1.OrganisationServiceClient,
  items: catalogueItemsV1.ItemServiceClient,
): Promise<Directory> {
  const [halls, departments, windows, staff, published] = await Promise.all([
    callUnary(organisation, 'listHalls', catalogueV1.ListHallsRequest.fromPartial({})),
    callUnary(organisation, 'listDepartments', catalogueV1.ListDepartmentsRequest.fromPartial({})),
    callUnary(organisation, 'listWindows', catalogueV1.ListWindowsRequest.fromPartial({})),
    callUnary(organisation, 'listStaff', catalogueV1.ListStaffRequest.fromPartial({})),
    callUnary(
      items,
      'listItems',
      catalogueItemsV1.ListItemsRequest.fromPartial({
        status: catalogueItemsV1.ItemStatus.ITEM_STATUS_PUBLISHED,
        pageSize: 500,
      }),
    ),
  ]);
  const main = halls.halls.map(hallView).filter((_, i) => halls.halls[i]!.kind === catalogueV1.HallKind.HALL_KIND_MAIN);
  return {
    halls: Object.fromEntries(main.map((h) => [h.tier, h])),
    departments: departments.departments.map(departmentView),
    windows: windows.windows.map(windowView),
    staff: new Map(staff.staff.map((s) => [s.employeeNo, staffView(s)])),
    items: new Map(published.items.map((i) => [i.content?.implementationCode ?? '', i])),
  };
}

class Loader {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly byKey = new Map<string, DemoCaseRef>();
  private readonly meetingIds: string[] = [];
  private readonly archiveBatchIds: string[] = [];

  constructor(
    private readonly o: DemoCasesOptions,
    private readonly d: Directory,
    private readonly intake: intakeV1.IntakeServiceClient,
  ) {}

  private hall(key: string) {
    const hall = this.d.halls[key];
    if (!hall) throw new Error(`demo cases: the catalogue's demo has no ${key} hall`);
    return hall;
  }

  private member(no: string): StaffView {
    const member = this.d.staff.get(no);
    if (!member) throw new Error(`demo cases: no demo staff member ${no}`);
    return member;
  }

  private actor(no: string): StaffActor {
    const m = this.member(no);
    const hall = Object.values(this.d.halls).find((h) => h.id === m.hallId);
    return {
      kind: 'staff',
      staffId: m.id,
      roles: m.roles,
      departmentId: m.departmentId || null,
      hallId: m.hallId,
      regionCode: hall?.regionCode ?? '',
    };
  }

  /** A hall's administrator, as the loader reads the cases (hall-wide). */
  private reader(hallId: string): StaffActor {
    const hall = Object.values(this.d.halls).find((h) => h.id === hallId);
    return {
      kind: 'staff',
      staffId: 'demo-loader',
      roles: ['administrator'],
      departmentId: null,
      hallId,
      regionCode: hall?.regionCode ?? '',
    };
  }

  private async metadata(no: string): Promise<grpc.Metadata> {
    let token = this.tokens.get(no);
    if (!token) {
      const { kind: _kind, ...staff } = this.actor(no);
      void _kind;
      token = this.o.signer.signStaff(staff);
      this.tokens.set(no, token);
    }
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await token}`);
    return metadata;
  }

  private window(hallId: string, number: string): string {
    const w = this.d.windows.find((x) => x.hallId === hallId && x.number === number);
    if (!w) throw new Error(`demo cases: no window ${number} in hall ${hallId}`);
    return w.id;
  }

  /** Waits until the case exists here (intake's acceptance event has opened it). */
  private async waitOpen(caseId: string, hallId: string): Promise<void> {
    const until = Date.now() + (this.o.openTimeoutMs ?? 20_000);
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      try {
        await this.o.service.getCase(this.reader(hallId), { caseId, caseNumber: '' });
        return;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        if (Date.now() > until) throw new Error(`demo cases: case ${caseId} did not open from intake's acceptance`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Intake's own demo acceptances: their cases open first, so the counts hold them. */
  async waitForIntakeCases(): Promise<void> {
    for (const hall of Object.values(this.d.halls)) {
      const admin = [...this.d.staff.values()].find((s) => s.hallId === hall.id);
      if (!admin) continue;
      const { registrations } = await callUnary(
        this.intake,
        'listRegistrations',
        intakeV1.ListRegistrationsRequest.fromPartial({ hallId: hall.id, pageSize: 200 }),
        { metadata: await this.metadata(admin.employeeNo) },
      );
      for (const r of registrations) if (r.acceptance?.caseId) await this.waitOpen(r.acceptance.caseId, hall.id);
    }
  }

  private item(c: DemoCase): catalogueItemsV1.Item {
    const item = this.d.items.get(c.item);
    if (!item) throw new Error(`no published item ${c.item}`);
    return item;
  }

  /** The item's required materials for the case's situations. */
  private materials(c: DemoCase): catalogueItemsV1.Material[] {
    const situations = new Set(c.situations);
    return (this.item(c).content?.materials ?? [])
      .filter((m) => m.necessity === catalogueItemsV1.MaterialNecessity.MATERIAL_NECESSITY_REQUIRED)
      .filter((m) => m.situationCodes.length === 0 || m.situationCodes.some((s) => situations.has(s)));
  }

  /** Registers and accepts the application through intake; `opened` waits for its case. */
  async open(c: DemoCase): Promise<DemoCaseRef> {
    const hall = this.hall(c.hall);
    const item = this.item(c);
    const materials = this.materials(c).map((m) => ({
      code: m.code,
      copies: Math.max(1, m.copies),
      originalChecked: true,
      fileRef: '',
    }));
    const id = (what: string) => `demo-case-${c.key}-${what}`;
    const { registration } = await callUnary(
      this.intake,
      'register',
      intakeV1.RegisterRequest.fromPartial({
        requestId: id('register'),
        hallId: hall.id,
        windowId: this.window(hall.id, c.register.window),
        channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
        applicant: intakeV1.ApplicantInput.fromJSON(c.applicant),
        itemId: item.id,
        situationCodes: c.situations,
        materials,
        ...(c.project ? { project: intakeV1.ProjectInput.fromJSON(c.project) } : {}),
      }),
      { metadata: await this.metadata(c.register.staff) },
    );
    const accepted = await callUnary(
      this.intake,
      'accept',
      {
        requestId: id('accept'),
        registrationId: registration!.id,
        windowId: this.window(hall.id, c.accept.window),
      },
      { metadata: await this.metadata(c.accept.staff) },
    );
    const acceptance = accepted.registration!.acceptance!;
    const ref = { caseId: acceptance.caseId, caseNumber: acceptance.caseNumber };
    this.byKey.set(c.key, ref);
    return ref;
  }

  /** Waits until intake's acceptance event has opened the case of `c`. */
  async opened(c: DemoCase): Promise<void> {
    await this.waitOpen(this.byKey.get(c.key)!.caseId, this.hall(c.hall).id);
  }

  /** The case's steps, in order, each as its staff member (the fees paid as the fee service reports them). */
  async play(c: DemoCase, ref: DemoCaseRef): Promise<void> {
    for (const [i, { as, feesPaid, ...action }] of c.steps.entries()) {
      const requestId = `demo-case-${c.key}-step-${i + 1}`;
      if (feesPaid) {
        await this.o.service.feesPaid(requestId, { caseId: ref.caseId, caseNumber: ref.caseNumber, ...feesPaid });
        continue;
      }
      await this.o.service.act(
        this.actor(as!),
        caseV1.ActRequest.fromJSON({ ...action, requestId, caseId: ref.caseId }),
      );
    }
  }

  async meeting(m: DemoCasesFile['meetings'][number]): Promise<void> {
    const hall = this.hall(m.hall);
    const department = (code: string) => {
      const found = this.d.departments.find((x) => x.hallId === hall.id && x.code === code);
      if (!found) throw new Error(`demo cases: meeting ${m.key}: no department ${code}`);
      return found.id;
    };
    const { meeting } = await this.o.service.holdJointMeeting(this.actor(m.convenedBy), {
      requestId: `demo-case-meeting-${m.key}`,
      hallId: hall.id,
      title: m.title,
      attendingDepartmentIds: m.attending.map(department),
      decisions: m.decisions.map((d) => ({
        caseId: this.byKey.get(d.case)!.caseId,
        subtaskCode: d.subtaskCode,
        approved: d.approved,
        opinion: d.opinion,
        refusalReason: d.refusalReason,
      })),
      minutes: m.minutes,
    });
    this.meetingIds.push(meeting!.id);
  }

  async archive(a: DemoCasesFile['archive'][number]): Promise<void> {
    const hall = this.hall(a.hall);
    const department = this.d.departments.find((x) => x.hallId === hall.id && x.code === a.department);
    if (!department) throw new Error(`demo cases: archive ${a.key}: no department ${a.department}`);
    const ref = this.byKey.get(a.weekOf)!;
    const { case: c } = await this.o.service.getCase(this.reader(hall.id), { caseId: ref.caseId, caseNumber: '' });
    if (!c?.completedAt) throw new Error(`demo cases: archive ${a.key}: case ${a.weekOf} is not completed`);
    const { batch } = await this.o.service.createArchiveBatch(this.actor(a.staff), {
      requestId: `demo-case-archive-${a.key}`,
      hallId: hall.id,
      departmentId: department.id,
      weekOf: localDateOf(c.completedAt),
    });
    this.archiveBatchIds.push(batch!.id);
  }

  /** Counts what the service holds now, over every main hall (a cross-tier case once). */
  async summary(): Promise<DemoCasesSummary> {
    const seen = new Map<string, caseV1.CaseSummary>();
    for (const hall of Object.values(this.d.halls)) {
      let pageToken = '';
      do {
        const page = await this.o.service.listCases(this.reader(hall.id), {
          hallId: hall.id,
          departmentId: '',
          status: caseV1.CaseStatus.CASE_STATUS_UNSPECIFIED,
          pageSize: 200,
          pageToken,
        });
        for (const c of page.cases) seen.set(c.caseId, c);
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    const S = caseV1.CaseStatus;
    const all = [...seen.values()];
    const atStage: Record<string, number> = {};
    for (const c of all.filter((x) => x.status === S.CASE_STATUS_IN_PROGRESS))
      atStage[c.currentStage] = (atStage[c.currentStage] ?? 0) + 1;
    const count = (status: caseV1.CaseStatus) => all.filter((c) => c.status === status).length;
    // Joint cases, bundles and pending verifications are read from the cases themselves.
    const details = await Promise.all(
      all.map(
        async (s) =>
          (
            await this.o.service.getCase(this.reader(s.currentHallId || s.acceptingHallId), {
              caseId: s.caseId,
              caseNumber: '',
            })
          ).case!,
      ),
    );
    return {
      cases: all.length,
      atStage,
      suspended: count(S.CASE_STATUS_SUSPENDED),
      completed: count(S.CASE_STATUS_COMPLETED),
      archived: count(S.CASE_STATUS_ARCHIVED),
      handedUp: details.filter((c) => c.handoff && c.acceptingHallId !== c.currentHallId).length,
      refused: all.filter((c) => c.decision === caseV1.DecisionKind.DECISION_KIND_REFUSED).length,
      pendingVerification: details.filter(
        (c) => c.commitmentVerification?.status === caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING,
      ).length,
      joint: details.filter((c) => c.subtasks.length > 0).length,
      byKey: this.byKey,
      meetingIds: this.meetingIds,
      bundleIds: [...new Set(details.flatMap((c) => (c.bundle?.bundleId ? [c.bundle.bundleId] : [])))],
      archiveBatchIds: this.archiveBatchIds,
      hallIds: Object.fromEntries(Object.entries(this.d.halls).map(([k, h]) => [k, h.id])),
      staffIds: new Map([...this.d.staff].map(([no, s]) => [no, s.id])),
    };
  }
}
