import { ScheduleMissingError, isIsoDate, localDateOf, type WorkingCalendar } from '@govhall/calendar';
import type { CatalogueReader } from '@govhall/catalogue-client';
import { catalogueItemsV1 as items, intakeEventsV1 as ev, intakeV1 as pb } from '@govhall/contracts';
import {
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  nextPageToken,
  readPage,
  type Actor,
  type FieldViolation,
  type Clock,
  type IdGenerator,
  type Logger,
  type StaffActor,
  messageResult,
} from '@govhall/kit';
import {
  assertCanDecide,
  carryingDepartments,
  decidingRefusal,
  validateAccept,
  validateAcceptWithMissing,
  validateCompletion,
  validateRefusal,
  validateResubmitted,
  validateSupplementEntries,
  validateSupplied,
  type Decision,
  type LinkedDepartment,
} from '../domain/decisions';
import { isMobile, maskPersonIdNumber, maskPhone, normalisePhone } from '../domain/identity';
import {
  DEFAULT_REGISTRATION_NUMBER_FORMAT,
  formatCaseNumber,
  formatRegistrationNumber,
  parseNumberFormat,
  sequenceScope,
  type NumberFormat,
} from '../domain/numbering';
import type { PersonalDataCipher } from '../domain/personal-data';
import { generateQueryPassword, hashQueryPassword } from '@govhall/kit';
import {
  acceptanceLimitOf,
  agentAppointedOn,
  applicantIdentityKey,
  calendarLimit,
  checkItemForRegistration,
  idTypeOf,
  materialList,
  missingRequiredCodes,
  registrationMaterials,
  submittedFields,
  validateAgentInput,
  validateRegisterShape,
  validateSituations,
  validateSubmittedMaterials,
} from '../domain/registration';
import type { RegistrationStore, RegistrationTx, StoredRegistration } from './registration-ports';

const REGISTRATION_NUMBER_FORMAT = parseNumberFormat(DEFAULT_REGISTRATION_NUMBER_FORMAT);

/** The year of an instant in China Standard Time (the calendar's years), not the machine's time zone. */
const chinaYearOf = (instant: Date): number => Number(localDateOf(instant).slice(0, 4));

export interface CommandMeta {
  readonly requestId: string;
}

export interface IntakeServiceOptions {
  readonly store: RegistrationStore;
  readonly catalogue: CatalogueReader;
  readonly cipher: PersonalDataCipher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly caseNumberFormat: string;
  readonly logger?: Logger;
}

const S = pb.RegistrationStatus;

export function staffOf(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw new PermissionDeniedError('只有政务服务中心工作人员可以办理');
  return actor;
}

/** A calendar computation; a year with no schedule is FAILED_PRECONDITION naming the year and the fix. */
export function due(calendar: WorkingCalendar, start: Date, limit: items.TimeLimit | undefined): Date {
  try {
    return calendar.dueInstant(start, calendarLimit(limit));
  } catch (error) {
    if (error instanceof ScheduleMissingError)
      throw new PreconditionFailedError(
        `${error.year} 年的工作日历尚未加载，无法计算时限：请先用 CalendarService.LoadYearSchedule 加载该年度的节假日安排`,
        { cause: error },
      );
    throw error;
  }
}

/** The intake use cases: agents, registration at the front desk and the department window's decisions. */
export class IntakeService {
  /** The case number format, checked at start-up (the config refuses a bad one) and parsed once here. */
  private readonly caseNumberFormat: NumberFormat;

  constructor(private readonly o: IntakeServiceOptions) {
    this.caseNumberFormat = parseNumberFormat(o.caseNumberFormat);
  }

  private get store() {
    return this.o.store;
  }

  // ---- agents ----

  async registerAgent(meta: CommandMeta, actor: Actor, r: pb.RegisterAgentRequest): Promise<pb.RegisterAgentResponse> {
    const staff = staffOf(actor);
    const input = r.agent;
    const hallId = input?.hallId ?? '';
    if (staff.hallId !== hallId || !staff.roles.includes('administrator'))
      throw new PermissionDeniedError('只有本中心的管理员可以登记代办员');
    const hall = await this.o.catalogue.hall(hallId);
    if (!hall) throw ValidationError.single('agent.hall_id', '政务服务中心不存在');
    const now = this.o.clock.now();
    ValidationError.throwIfAny(validateAgentInput(input, hall.regionCode, now));
    const a = input!;
    const idHash = this.o.cipher.lookupHash('id_number', a.idNumber);
    const sealed = {
      idHash,
      id: this.o.cipher.encrypt(a.idNumber.trim().toUpperCase()),
      phone: this.o.cipher.encrypt(a.phone),
    };
    const agent: pb.Agent = {
      id: this.o.ids.next(),
      hallId,
      kind: a.kind,
      name: a.name.trim(),
      idNumberMasked: maskPersonIdNumber('resident_id', a.idNumber),
      phoneMasked: maskPhone(a.phone),
      community: a.community.trim(),
      regionCode: a.regionCode,
      appointedFrom: a.appointedFrom,
      appointedUntil: a.appointedUntil,
      createdAt: now,
    };
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'RegisterAgent',
        request: pb.RegisterAgentRequest.toJSON({
          ...r,
          agent: { ...a, idNumber: idHash, phone: this.o.cipher.lookupHash('phone', a.phone) },
        }),
        result: messageResult(pb.RegisterAgentResponse),
      },
      async (tx) => {
        if (await tx.agentAppointment(hallId, idHash, a.appointedFrom))
          throw new PreconditionFailedError('该人员在本中心同一日期起的聘任已登记');
        await tx.saveAgent(agent, sealed);
        tx.emit('agentRegistered', { agent });
        return { agent };
      },
    );
  }

  async listAgents(actor: Actor, r: pb.ListAgentsRequest): Promise<pb.ListAgentsResponse> {
    const staff = staffOf(actor);
    if (staff.hallId !== r.hallId) throw new PermissionDeniedError('只能查看本中心的代办员');
    if (r.appointedOn && !isIsoDate(r.appointedOn)) throw ValidationError.single('appointed_on', '日期须为 YYYY-MM-DD');
    return { agents: await this.store.listAgents(r.hallId, r.appointedOn) };
  }

  // ---- registration ----

  async register(meta: CommandMeta, actor: Actor, r: pb.RegisterRequest): Promise<pb.RegisterResponse> {
    const staff = staffOf(actor);
    const now = this.o.clock.now();
    if (r.hallId && staff.hallId !== r.hallId) throw new PermissionDeniedError('只能在本人所在的政务服务中心登记');
    ValidationError.throwIfAny(validateRegisterShape(r, now));
    const { catalogue, cipher } = this.o;
    const [hall, window, item] = await Promise.all([
      catalogue.hall(r.hallId),
      catalogue.window(r.windowId),
      catalogue.item(r.itemId, r.itemVersion),
    ]);
    if (!hall || !hall.active) throw ValidationError.single('hall_id', '政务服务中心不存在或已停用');
    if (!window || window.hallId !== r.hallId || !window.active)
      throw ValidationError.single('window_id', '登记窗口不属于本中心');
    ValidationError.throwIfAny(checkItemForRegistration(item, r.itemVersion, hall.tier));
    const pinned = item!;
    const content = pinned.content!;
    ValidationError.throwIfAny(validateSituations(pinned, r.situationCodes));
    const list = materialList(pinned, r.situationCodes);
    ValidationError.throwIfAny(validateSubmittedMaterials(list, r.materials, r.channel));
    const today = localDateOf(now);
    let agent: pb.Agent | undefined;
    if (r.agentId) {
      agent = await this.store.agent(r.agentId);
      if (!agent || agent.hallId !== r.hallId) throw ValidationError.single('agent_id', '代办员不存在或不属于本中心');
      if (!agentAppointedOn(agent, today))
        throw ValidationError.single('agent_id', `代办员今日（${today}）不在聘任期内`);
    }
    if (r.project?.directorStaffId) {
      const director = await catalogue.staff(r.project.directorStaffId);
      if (!director || director.hallId !== r.hallId)
        throw ValidationError.single('project.director_staff_id', '跟踪服务的主任须为本中心工作人员');
    }
    const limit = acceptanceLimitOf(pinned);
    const calendar = await catalogue.workingCalendar(r.hallId, chinaYearOf(now), 2);
    const acceptanceDueAt = due(calendar, now, limit);

    const applicantInput = r.applicant!;
    const person = applicantInput.kind === pb.ApplicantKind.APPLICANT_KIND_PERSON ? applicantInput.person! : undefined;
    const org = person ? undefined : applicantInput.organisation!;
    const identityKey = applicantIdentityKey(applicantInput, (value) => cipher.lookupHash('id_number', value));
    const phone = person ? person.phone : org!.contactPhone;
    const sealed = {
      id: person ? cipher.encrypt(person.idNumber.trim().toUpperCase()) : null,
      phone: cipher.encrypt(phone),
    };
    const applicantView = (id: string): pb.Applicant => ({
      id,
      kind: applicantInput.kind,
      name: person ? person.name.trim() : org!.name.trim(),
      idType: person ? person.idType : pb.IdType.ID_TYPE_UNSPECIFIED,
      idNumberMasked: person ? maskPersonIdNumber(idTypeOf(person.idType)!, person.idNumber) : '',
      creditCode: org ? org.creditCode.trim().toUpperCase() : '',
      contactName: org ? org.contactName.trim() : '',
      phoneMasked: maskPhone(phone),
    });
    // The request as recorded for retries carries no personal data in clear.
    const phoneHash = cipher.lookupHash('phone', phone);
    const recorded = pb.RegisterRequest.toJSON({
      ...r,
      applicant: {
        ...applicantInput,
        person: person && { ...person, idNumber: identityKey, phone: phoneHash },
        organisation: org && { ...org, contactPhone: phoneHash },
      },
    });
    const newApplicantId = this.o.ids.next();
    const registrationId = this.o.ids.next();

    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'Register',
        request: recorded,
        result: messageResult(pb.RegisterResponse),
      },
      async (tx) => {
        const applicantId = await tx.applicant(identityKey, applicantInput.kind, sealed, newApplicantId, now);
        const [certificates, verified] = await Promise.all([
          tx.certificates(applicantId, today),
          tx.verified(applicantId),
        ]);
        const materials = registrationMaterials(list, r.materials, {
          certificate: (name) => certificates.find((c) => c.name === name),
          verified: (name) => verified.find((m) => m.materialName === name),
        });
        const values = { regionCode: this.o.regionCode, localDate: now };
        const scope = sequenceScope(REGISTRATION_NUMBER_FORMAT, values);
        const sequence = await tx.nextNumber(`registration|${scope.key}`);
        const registration: pb.Registration = pb.Registration.fromPartial({
          id: registrationId,
          number: formatRegistrationNumber({ ...values, sequence }, REGISTRATION_NUMBER_FORMAT),
          hallId: r.hallId,
          windowId: r.windowId,
          registeredByStaffId: staff.staffId,
          channel: r.channel,
          applicant: applicantView(applicantId),
          agentId: agent?.id ?? '',
          agentName: agent?.name ?? '',
          agentKind: agent?.kind ?? pb.AgentKind.AGENT_KIND_UNSPECIFIED,
          itemId: pinned.id,
          itemVersion: pinned.version,
          itemName: content.name,
          departmentId: content.departmentId,
          caseType: content.caseType,
          situationCodes: r.situationCodes,
          materials,
          projectName: r.project?.name.trim() ?? '',
          projectCategory: r.project?.category ?? items.ProjectCategory.PROJECT_CATEGORY_UNSPECIFIED,
          directorStaffId: r.project?.directorStaffId ?? '',
          ticketId: r.ticketId,
          registeredAt: now,
          acceptanceLimit: limit,
          acceptanceDueAt,
          status: S.REGISTRATION_STATUS_REGISTERED,
          version: 1,
          updatedAt: now,
          preReviewReference: r.preReviewReference.trim(),
        });
        await tx.insertRegistration(registration, pinned, applicantId);
        tx.emit('registered', {
          registrationId,
          registrationNumber: registration.number,
          hallId: r.hallId,
          departmentId: content.departmentId,
          windowId: r.windowId,
          itemId: pinned.id,
          itemVersion: pinned.version,
          itemName: content.name,
          channel: r.channel,
          applicantId,
          registeredAt: now,
          acceptanceLimit: limit,
          acceptanceDueAt,
          missingMaterialCodes: missingRequiredCodes(materials),
        });
        return { registration };
      },
    );
  }

  /** The notify service's one way to a phone: opened here, answered to it alone (the access rule), never logged. */
  async getContact(r: pb.GetContactRequest): Promise<pb.GetContactResponse> {
    if (!r.applicantId === !r.appointmentId)
      throw ValidationError.single('applicant_id', 'give exactly one of applicant_id and appointment_id');
    const sealed = await this.store.sealedPhone(
      r.applicantId ? { applicantId: r.applicantId } : { appointmentId: r.appointmentId },
    );
    if (!sealed)
      throw r.applicantId
        ? new NotFoundError('phone of applicant', r.applicantId)
        : new NotFoundError('appointment', r.appointmentId);
    const phone = normalisePhone(this.o.cipher.decrypt(sealed));
    return { mobile: isMobile(phone) ? phone : '', phoneMasked: maskPhone(phone) };
  }

  async getRegistration(actor: Actor, r: pb.GetRegistrationRequest): Promise<pb.GetRegistrationResponse> {
    const staff = staffOf(actor);
    const stored = r.id
      ? await this.store.registration(r.id)
      : r.number
        ? await this.store.byNumber('number', r.number)
        : r.caseNumber
          ? await this.store.byNumber('case_number', r.caseNumber)
          : undefined;
    if (!r.id && !r.number && !r.caseNumber) throw ValidationError.single('id', '必须给出登记 id、登记号或受理编号');
    if (!stored || stored.registration.hallId !== staff.hallId)
      throw new NotFoundError('registration', r.id || r.number || r.caseNumber);
    return { registration: stored.registration };
  }

  async listRegistrations(actor: Actor, r: pb.ListRegistrationsRequest): Promise<pb.ListRegistrationsResponse> {
    const staff = staffOf(actor);
    if (staff.hallId !== r.hallId) throw new PermissionDeniedError('只能查看本中心的登记');
    const status = r.status === S.REGISTRATION_STATUS_UNSPECIFIED ? '' : r.status;
    // Tokens are bound to the query: a token of another hall, department or status is refused.
    const scope = `registrations:${r.hallId}:${r.departmentId}:${status}`;
    const violations: FieldViolation[] = [];
    const window = readPage(
      { size: r.pageSize, token: r.pageToken },
      { defaultSize: 50, maxSize: 200 },
      scope,
      violations,
    );
    ValidationError.throwIfAny(violations);
    const rows = await this.store.list({
      hallId: r.hallId,
      departmentId: r.departmentId,
      status,
      offset: window.offset,
      limit: window.limit + 1,
    });
    return {
      registrations: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async listOnFile(actor: Actor, r: pb.ListOnFileRequest): Promise<pb.ListOnFileResponse> {
    staffOf(actor);
    if (r.kind === pb.ApplicantKind.APPLICANT_KIND_ORGANISATION) {
      if (!r.creditCode) throw ValidationError.single('credit_code', '必须填写统一社会信用代码');
    } else if (r.kind === pb.ApplicantKind.APPLICANT_KIND_PERSON) {
      if (!idTypeOf(r.idType)) throw ValidationError.single('id_type', '必须选择证件类型');
      if (!r.idNumber) throw ValidationError.single('id_number', '必须填写证件号码');
    } else throw ValidationError.single('kind', '必须选择申请人类型');
    const identityKey = applicantIdentityKey(
      { kind: r.kind, person: { idType: r.idType, idNumber: r.idNumber }, organisation: { creditCode: r.creditCode } },
      (value) => this.o.cipher.lookupHash('id_number', value),
    );
    const applicantId = await this.store.applicantByIdentity(identityKey);
    if (!applicantId) return { entries: [] };
    const today = localDateOf(this.o.clock.now());
    const [certificates, verified] = await Promise.all([
      this.store.certificates(applicantId, today),
      this.store.verified(applicantId),
    ]);
    return {
      entries: [
        ...certificates.map((c) => ({
          source: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
          name: c.name,
          reference: c.number,
          issuer: c.issuer,
          issuedAt: c.issuedAt,
          validUntil: c.validUntil,
        })),
        ...verified.map((m) => ({
          source: pb.OnFileSource.ON_FILE_SOURCE_EARLIER_CASE,
          name: m.materialName,
          reference: m.caseNumber,
          issuer: m.issuer,
          issuedAt: m.verifiedAt,
          validUntil: '',
        })),
      ],
    };
  }

  // ---- decisions ----

  /** The registration and the permission of the deciding staff member at the window, read before the command. */
  private async decider(actor: Actor, registrationId: string, windowId: string): Promise<StoredRegistration> {
    const staff = staffOf(actor);
    if (!registrationId) throw ValidationError.single('registration_id', '必须指定登记');
    if (!windowId) throw ValidationError.single('window_id', '必须指定受理窗口');
    const stored = await this.store.registration(registrationId);
    if (!stored || stored.registration.hallId !== staff.hallId) throw new NotFoundError('registration', registrationId);
    const window = await this.o.catalogue.window(windowId);
    const carriers = window ? await this.carriersAt(stored.registration, window.departmentIds) : [];
    const acting = [stored.registration.departmentId, ...carriers];
    let windowOfStaff = '';
    if (window?.kind === 'comprehensive' && !(staff.departmentId && acting.includes(staff.departmentId)))
      windowOfStaff = (await this.o.catalogue.staff(staff.staffId))?.windowId ?? '';
    const refusal = decidingRefusal(
      { hallId: staff.hallId, departmentId: staff.departmentId, windowId: windowOfStaff },
      stored.registration,
      window,
      carriers,
    );
    if (refusal) throw new PermissionDeniedError(refusal);
    return stored;
  }

  /**
   * 市县联动: of the departments a window serves, those carrying the line of the item's department when that one sits
   * in another hall (a city bureau's item accepted at the district): read from the catalogue, before the command,
   * climbing their upper departments a tier at a time.
   */
  private async carriersAt(registration: pb.Registration, windowDepartmentIds: readonly string[]): Promise<string[]> {
    const known = new Map<string, LinkedDepartment>();
    const asked = new Set<string>();
    const read = async (ids: readonly string[]) => {
      ids.forEach((id) => asked.add(id));
      for (const d of await Promise.all(ids.map((id) => this.o.catalogue.department(id)))) if (d) known.set(d.id, d);
    };
    await read([registration.departmentId]);
    const itemDepartment = known.get(registration.departmentId);
    if (!itemDepartment || itemDepartment.hallId === registration.hallId) return [];
    await read(windowDepartmentIds.filter((id) => !asked.has(id)));
    // A chain climbs the hall tree: from a village at most four links up to the province.
    for (let link = 0; link < 4; link++) {
      const next = [...new Set([...known.values()].map((d) => d.upperDepartmentId))].filter(
        (id) => id && !asked.has(id),
      );
      if (next.length === 0) break;
      await read(next);
    }
    return carryingDepartments(itemDepartment, registration.hallId, windowDepartmentIds, (id) => known.get(id));
  }

  /** Runs a decision: re-reads the registration under lock, checks its status, applies `work`. */
  private decide<T>(
    meta: CommandMeta,
    operation: string,
    request: unknown,
    result: { fromJSON(object: unknown): T },
    registrationId: string,
    decision: Decision,
    work: (tx: RegistrationTx, stored: StoredRegistration, now: Date) => Promise<T>,
    now: Date,
  ): Promise<T> {
    return this.store.command(
      { requestId: meta.requestId, operation, request, result: messageResult(result) },
      async (tx) => {
        const stored = await tx.registration(registrationId, true);
        if (!stored) throw new NotFoundError('registration', registrationId);
        assertCanDecide(stored.registration, decision);
        return work(tx, stored, now);
      },
    );
  }

  /** What an acceptance needs computed outside the transaction: password and its hash, promise, case id. */
  private async prepareAcceptance(stored: StoredRegistration) {
    const now = this.o.clock.now();
    const password = generateQueryPassword();
    const [hash, calendar, department] = await Promise.all([
      hashQueryPassword(password),
      this.o.catalogue.workingCalendar(stored.registration.hallId, chinaYearOf(now), 2),
      this.o.catalogue.department(stored.registration.departmentId),
    ]);
    const content = stored.item.content!;
    const promisedLimit = content.promisedLimit ?? { amount: 0, unit: items.LimitUnit.LIMIT_UNIT_WORKING_DAYS };
    const promisedAt = due(calendar, now, promisedLimit);
    const supplementLimit = content.missingMaterials?.supplementLimit;
    const supplementDueAt = content.missingMaterials ? due(calendar, now, supplementLimit) : undefined;
    return {
      now,
      password,
      hash,
      calendar,
      promisedLimit,
      promisedAt,
      supplementDueAt,
      caseId: this.o.ids.next(),
      department,
    };
  }

  private async acceptInTx(
    tx: RegistrationTx,
    stored: StoredRegistration,
    p: Awaited<ReturnType<IntakeService['prepareAcceptance']>>,
    windowId: string,
    staffId: string,
    options: {
      status: pb.RegistrationStatus;
      missing?: readonly string[];
      commitment?: pb.MissingMaterialCommitment;
      completion?: { note: string; certificate: string };
    },
  ): Promise<pb.Registration> {
    const reg = stored.registration;
    const caseNumber = await this.caseNumberWith(tx, p.now, p.department?.code);
    const missing = new Set(options.missing ?? []);
    const materials = reg.materials.map((m) =>
      missing.has(m.code) ? { ...m, supplementDueAt: p.supplementDueAt } : m,
    );
    const acceptance: pb.Acceptance = pb.Acceptance.fromPartial({
      caseId: p.caseId,
      caseNumber,
      acceptedAt: p.now,
      promisedLimit: p.promisedLimit,
      promisedAt: p.promisedAt,
      promisedDate: localDateOf(p.promisedAt),
      windowId,
      handlerStaffId: staffId,
      ...(options.commitment ? { commitment: options.commitment } : {}),
      ...(stored.item.content?.reported ? { reported: stored.item.content.reported } : {}),
      ...(options.completion
        ? {
            completedAt: p.now,
            resultNote: options.completion.note.trim(),
            certificateNumber: options.completion.certificate,
          }
        : {}),
      queryPasswordIssues: 1,
    });
    const registration: pb.Registration = {
      ...reg,
      materials,
      status: options.status,
      acceptance,
      version: reg.version + 1,
      updatedAt: p.now,
    };
    await tx.updateRegistration(registration, {
      queryPasswordHash: p.hash,
      ...(missing.size > 0 ? { supplementDueAt: p.supplementDueAt ?? null } : {}),
    });
    // Government-issued materials seen in this case are on file for the applicant's later cases.
    const byCode = new Map((stored.item.content?.materials ?? []).map((m) => [m.code, m]));
    for (const m of materials) {
      const material = byCode.get(m.code);
      if (
        material?.source === items.MaterialSource.MATERIAL_SOURCE_GOVERNMENT &&
        m.status === pb.MaterialStatus.MATERIAL_STATUS_SUBMITTED
      )
        await tx.recordVerified(
          stored.applicantId,
          m.name,
          caseNumber,
          material.sourceDepartment || p.department?.name || '',
          p.now,
        );
    }
    const accepted: ev.Accepted = ev.Accepted.fromPartial({
      caseId: p.caseId,
      caseNumber,
      registrationId: reg.id,
      registrationNumber: reg.number,
      item: stored.item,
      applicantId: stored.applicantId,
      applicantKind: reg.applicant?.kind,
      applicantName: reg.applicant?.name,
      agentId: reg.agentId,
      situationCodes: reg.situationCodes,
      materials: materials.map((m) => ({
        code: m.code,
        name: m.name,
        status: m.status,
        onFileSource: m.onFileSource,
        onFileReference: m.onFileReference,
        copies: m.copies,
        originalChecked: m.originalChecked,
        fileRef: m.fileRef,
        acceptedMissing: missing.has(m.code),
        supplementDueAt: missing.has(m.code) ? p.supplementDueAt : undefined,
      })),
      ...(options.commitment ? { commitment: options.commitment } : {}),
      acceptedAt: p.now,
      promisedLimit: p.promisedLimit,
      promisedAt: p.promisedAt,
      hallId: reg.hallId,
      departmentId: reg.departmentId,
      windowId,
      handlerStaffId: staffId,
      ...(acceptance.reported ? { reported: acceptance.reported } : {}),
      queryPasswordHash: p.hash,
      channel: reg.channel,
      projectName: reg.projectName,
      projectCategory: reg.projectCategory,
      directorStaffId: reg.directorStaffId,
      ...(options.completion
        ? { completedAt: p.now, resultNote: acceptance.resultNote, certificateNumber: acceptance.certificateNumber }
        : {}),
    });
    tx.emit(options.completion ? 'completedImmediately' : 'accepted', accepted, p.caseId);
    return registration;
  }

  private async caseNumberWith(tx: RegistrationTx, now: Date, departmentCode?: string) {
    const values = { regionCode: this.o.regionCode, localDate: now, departmentCode };
    const scope = sequenceScope(this.caseNumberFormat, values);
    return formatCaseNumber(this.caseNumberFormat, { ...values, sequence: await tx.nextNumber(`case|${scope.key}`) });
  }

  /** The plaintext password on the first answer only: a replay carries another case id than the one generated. */
  private withPassword<T extends { registration?: pb.Registration | undefined; queryPassword: string }>(
    answer: T,
    caseId: string,
    password: string,
  ): T {
    return answer.registration?.acceptance?.caseId === caseId ? { ...answer, queryPassword: password } : answer;
  }

  async accept(meta: CommandMeta, actor: Actor, r: pb.AcceptRequest): Promise<pb.AcceptResponse> {
    const stored = await this.decider(actor, r.registrationId, r.windowId);
    const p = await this.prepareAcceptance(stored);
    const answer = await this.decide(
      meta,
      'Accept',
      pb.AcceptRequest.toJSON(r),
      pb.AcceptResponse,
      r.registrationId,
      'accept',
      async (tx, current) => {
        ValidationError.throwIfAny(validateAccept(current.registration));
        const registration = await this.acceptInTx(tx, current, p, r.windowId, staffOf(actor).staffId, {
          status: S.REGISTRATION_STATUS_ACCEPTED,
        });
        return { registration, queryPassword: '' };
      },
      p.now,
    );
    return this.withPassword(answer, p.caseId, p.password);
  }

  async acceptWithMissing(
    meta: CommandMeta,
    actor: Actor,
    r: pb.AcceptWithMissingRequest,
  ): Promise<pb.AcceptWithMissingResponse> {
    const stored = await this.decider(actor, r.registrationId, r.windowId);
    const p = await this.prepareAcceptance(stored);
    const commitment: pb.MissingMaterialCommitment = pb.MissingMaterialCommitment.fromPartial({
      signedBy: r.commitment?.signedBy.trim() ?? '',
      statement:
        r.commitment?.statement.trim() || '本人（单位）承诺在规定期限内补齐容缺材料，逾期未补齐的，自愿承担相应责任。',
      signedAt: r.commitment?.signedAt ?? p.now,
      supplementLimit: stored.item.content?.missingMaterials?.supplementLimit,
      supplementDueAt: p.supplementDueAt,
    });
    const answer = await this.decide(
      meta,
      'AcceptWithMissing',
      pb.AcceptWithMissingRequest.toJSON(r),
      pb.AcceptWithMissingResponse,
      r.registrationId,
      'accept_with_missing',
      async (tx, current) => {
        ValidationError.throwIfAny(
          validateAcceptWithMissing(current.registration, current.item, r.missingMaterialCodes, r.commitment),
        );
        const registration = await this.acceptInTx(tx, current, p, r.windowId, staffOf(actor).staffId, {
          status: S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
          missing: r.missingMaterialCodes,
          commitment,
        });
        return { registration, queryPassword: '' };
      },
      p.now,
    );
    return this.withPassword(answer, p.caseId, p.password);
  }

  async completeImmediately(
    meta: CommandMeta,
    actor: Actor,
    r: pb.CompleteImmediatelyRequest,
  ): Promise<pb.CompleteImmediatelyResponse> {
    const stored = await this.decider(actor, r.registrationId, r.windowId);
    ValidationError.throwIfAny([...validateCompletion(r.resultNote, r.certificateNumber)]);
    const p = await this.prepareAcceptance(stored);
    const answer = await this.decide(
      meta,
      'CompleteImmediately',
      pb.CompleteImmediatelyRequest.toJSON(r),
      pb.CompleteImmediatelyResponse,
      r.registrationId,
      'complete_immediately',
      async (tx, current) => {
        ValidationError.throwIfAny(validateAccept(current.registration));
        const registration = await this.acceptInTx(tx, current, p, r.windowId, staffOf(actor).staffId, {
          status: S.REGISTRATION_STATUS_COMPLETED,
          completion: { note: r.resultNote, certificate: r.certificateNumber.trim() },
        });
        return { registration, queryPassword: '' };
      },
      p.now,
    );
    return this.withPassword(answer, p.caseId, p.password);
  }

  async supplyMissingMaterials(
    meta: CommandMeta,
    actor: Actor,
    r: pb.SupplyMissingMaterialsRequest,
  ): Promise<pb.SupplyMissingMaterialsResponse> {
    await this.decider(actor, r.registrationId, r.windowId);
    const now = this.o.clock.now();
    return this.decide(
      meta,
      'SupplyMissingMaterials',
      pb.SupplyMissingMaterialsRequest.toJSON(r),
      pb.SupplyMissingMaterialsResponse,
      r.registrationId,
      'supply_missing',
      async (tx, current) => {
        ValidationError.throwIfAny(validateSupplied(current.registration, r.materials));
        const reg = current.registration;
        const supplied = new Map(r.materials.map((s) => [s.code, s]));
        const materials = reg.materials.map((m) => {
          const s = supplied.get(m.code);
          return s ? { ...m, ...submittedFields(s, m.copies), suppliedAt: now } : m;
        });
        const allSupplied = materials.every((m) => !m.supplementDueAt || m.suppliedAt);
        const acceptance = reg.acceptance!;
        const registration: pb.Registration = {
          ...reg,
          materials,
          acceptance:
            allSupplied && acceptance.commitment
              ? { ...acceptance, commitment: { ...acceptance.commitment, allSuppliedAt: now } }
              : acceptance,
          version: reg.version + 1,
          updatedAt: now,
        };
        await tx.updateRegistration(registration, allSupplied ? { supplementDueAt: null } : {});
        tx.emit(
          'missingMaterialsSupplied',
          {
            caseId: acceptance.caseId,
            registrationId: reg.id,
            materialCodes: r.materials.map((m) => m.code),
            allSupplied,
            suppliedAt: now,
          },
          acceptance.caseId,
        );
        return { registration, allSupplied };
      },
      now,
    );
  }

  async requestSupplement(
    meta: CommandMeta,
    actor: Actor,
    r: pb.RequestSupplementRequest,
  ): Promise<pb.RequestSupplementResponse> {
    await this.decider(actor, r.registrationId, r.windowId);
    const now = this.o.clock.now();
    const staffId = staffOf(actor).staffId;
    return this.decide(
      meta,
      'RequestSupplement',
      pb.RequestSupplementRequest.toJSON(r),
      pb.RequestSupplementResponse,
      r.registrationId,
      'request_supplement',
      async (tx, current) => {
        const reg = current.registration;
        ValidationError.throwIfAny(validateSupplementEntries(reg, r.entries));
        const names = new Map(reg.materials.map((m) => [m.code, m.name]));
        const notice: pb.SupplementNotice = {
          sequence: reg.supplementNotices.length + 1,
          entries: r.entries.map((e) => ({
            ...e,
            materialName: names.get(e.materialCode) ?? e.materialName,
            reason: e.reason.trim(),
          })),
          requestedAt: now,
          requestedByStaffId: staffId,
          resubmittedAt: undefined,
        };
        const registration: pb.Registration = {
          ...reg,
          status: S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED,
          supplementNotices: [...reg.supplementNotices, notice],
          version: reg.version + 1,
          updatedAt: now,
        };
        await tx.updateRegistration(registration);
        tx.emit('supplementRequested', {
          registrationId: reg.id,
          hallId: reg.hallId,
          departmentId: reg.departmentId,
          notice,
          requestedAt: now,
          applicantId: current.applicantId,
        });
        return { registration };
      },
      now,
    );
  }

  async resubmit(meta: CommandMeta, actor: Actor, r: pb.ResubmitRequest): Promise<pb.ResubmitResponse> {
    const stored = await this.decider(actor, r.registrationId, r.windowId);
    ValidationError.throwIfAny([
      ...validateResubmitted(stored.registration, r.materials),
      ...validateSubmittedMaterials(
        materialList(stored.item, stored.registration.situationCodes),
        r.materials,
        stored.registration.channel,
      ),
    ]);
    const now = this.o.clock.now();
    return this.decide(
      meta,
      'Resubmit',
      pb.ResubmitRequest.toJSON(r),
      pb.ResubmitResponse,
      r.registrationId,
      'resubmit',
      async (tx, current) => {
        const reg = current.registration;
        const brought = new Map(r.materials.map((s) => [s.code, s]));
        const materials = reg.materials.map((m) => {
          const s = brought.get(m.code);
          return s
            ? {
                ...m,
                ...submittedFields(s, m.copies),
                onFileSource: pb.OnFileSource.ON_FILE_SOURCE_UNSPECIFIED,
                onFileReference: '',
                onFileIssuer: '',
              }
            : m;
        });
        const notices = reg.supplementNotices.map((n, i) =>
          i === reg.supplementNotices.length - 1 ? { ...n, resubmittedAt: now } : n,
        );
        const registration: pb.Registration = {
          ...reg,
          materials,
          status: S.REGISTRATION_STATUS_REGISTERED,
          supplementNotices: notices,
          version: reg.version + 1,
          updatedAt: now,
        };
        await tx.updateRegistration(registration);
        tx.emit('resubmitted', {
          registrationId: reg.id,
          hallId: reg.hallId,
          noticeSequence: notices.at(-1)!.sequence,
          materialCodes: r.materials.map((m) => m.code),
          resubmittedAt: now,
        });
        return { registration };
      },
      now,
    );
  }

  async refuse(meta: CommandMeta, actor: Actor, r: pb.RefuseRequest): Promise<pb.RefuseResponse> {
    ValidationError.throwIfAny(validateRefusal(r.reason, r.legalBasis));
    await this.decider(actor, r.registrationId, r.windowId);
    const now = this.o.clock.now();
    const staffId = staffOf(actor).staffId;
    return this.decide(
      meta,
      'Refuse',
      pb.RefuseRequest.toJSON(r),
      pb.RefuseResponse,
      r.registrationId,
      'refuse',
      async (tx, current) => {
        const reg = current.registration;
        // 否定报备: every refusal is filed with the centre as it is recorded.
        const refusal: pb.Refusal = {
          reason: r.reason.trim(),
          legalBasis: r.legalBasis.trim(),
          refusedAt: now,
          refusedByStaffId: staffId,
          windowId: r.windowId,
          filedAt: now,
        };
        const registration: pb.Registration = {
          ...reg,
          status: S.REGISTRATION_STATUS_REFUSED,
          refusal,
          version: reg.version + 1,
          updatedAt: now,
        };
        await tx.updateRegistration(registration);
        tx.emit('refused', {
          registrationId: reg.id,
          registrationNumber: reg.number,
          hallId: reg.hallId,
          departmentId: reg.departmentId,
          itemId: reg.itemId,
          itemVersion: reg.itemVersion,
          applicantId: current.applicantId,
          refusal,
        });
        return { registration };
      },
      now,
    );
  }

  async reissueQueryPassword(
    meta: CommandMeta,
    actor: Actor,
    r: pb.ReissueQueryPasswordRequest,
  ): Promise<pb.ReissueQueryPasswordResponse> {
    await this.decider(actor, r.registrationId, r.windowId);
    const now = this.o.clock.now();
    const password = generateQueryPassword();
    const hash = await hashQueryPassword(password);
    // A retry runs the work too (the kit's runner then rolls it back and replays the stored answer), so only the
    // very object this attempt produced proves that its hash was committed and its password may be answered.
    let produced: pb.ReissueQueryPasswordResponse | undefined;
    const answer = await this.decide(
      meta,
      'ReissueQueryPassword',
      pb.ReissueQueryPasswordRequest.toJSON(r),
      pb.ReissueQueryPasswordResponse,
      r.registrationId,
      'reissue_password',
      async (tx, current) => {
        const reg = current.registration;
        const acceptance = { ...reg.acceptance!, queryPasswordIssues: reg.acceptance!.queryPasswordIssues + 1 };
        const registration: pb.Registration = { ...reg, acceptance, version: reg.version + 1, updatedAt: now };
        await tx.updateRegistration(registration, { queryPasswordHash: hash });
        tx.emit(
          'queryPasswordReissued',
          { caseId: acceptance.caseId, caseNumber: acceptance.caseNumber, queryPasswordHash: hash, reissuedAt: now },
          acceptance.caseId,
        );
        produced = { registration, queryPassword: '' };
        return produced;
      },
      now,
    );
    return answer === produced ? { ...answer, queryPassword: password } : answer;
  }

  async listRefusals(actor: Actor, r: pb.ListRefusalsRequest): Promise<pb.ListRefusalsResponse> {
    const staff = staffOf(actor);
    if (staff.hallId !== r.hallId || !staff.roles.some((role) => role === 'supervisor' || role === 'administrator'))
      throw new PermissionDeniedError('只有本中心的监督员或管理员可以查看否定报备');
    const violations = [];
    if (!isIsoDate(r.fromDate)) violations.push({ field: 'from_date', description: '日期须为 YYYY-MM-DD' });
    if (!isIsoDate(r.toDate)) violations.push({ field: 'to_date', description: '日期须为 YYYY-MM-DD' });
    ValidationError.throwIfAny(violations);
    const from = new Date(`${r.fromDate}T00:00:00+08:00`);
    const to = new Date(new Date(`${r.toDate}T00:00:00+08:00`).getTime() + 86_400_000);
    if (to <= from) throw ValidationError.single('to_date', '截止日期不得早于起始日期');
    if (to.getTime() - from.getTime() > 366 * 86_400_000)
      throw ValidationError.single('to_date', '查询区间至多 366 天');
    return { registrations: await this.store.refusals(r.hallId, from, to) };
  }

  /** Reports 容缺 cases whose supplement deadline passed with materials missing: once per case. */
  async sweepOverdueSupplements(): Promise<number> {
    const now = this.o.clock.now();
    let raised = 0;
    for (const id of await this.store.overdueIds(now)) {
      const emitted = await this.store.command(
        {
          requestId: `overdue:${id}`,
          operation: 'MissingMaterialsOverdue',
          request: { id },
          result: messageResult({ fromJSON: (o: unknown) => Boolean(o) }),
        },
        async (tx) => {
          const stored = await tx.registration(id, true);
          if (!stored) return false;
          const reg = stored.registration;
          const outstanding = reg.materials.filter((m) => m.supplementDueAt && !m.suppliedAt);
          const acceptance = reg.acceptance!;
          const dueAt = outstanding[0]?.supplementDueAt ?? acceptance.commitment?.supplementDueAt;
          const registration: pb.Registration =
            outstanding.length > 0 && acceptance.commitment
              ? {
                  ...reg,
                  acceptance: { ...acceptance, commitment: { ...acceptance.commitment, overdueAt: now } },
                  version: reg.version + 1,
                  updatedAt: now,
                }
              : reg;
          await tx.updateRegistration(registration, { overdueAt: now });
          if (outstanding.length === 0) return false;
          tx.emit(
            'missingMaterialsOverdue',
            {
              caseId: acceptance.caseId,
              caseNumber: acceptance.caseNumber,
              registrationId: reg.id,
              hallId: reg.hallId,
              departmentId: reg.departmentId,
              materialCodes: outstanding.map((m) => m.code),
              supplementDueAt: dueAt,
              applicantId: stored.applicantId,
            },
            acceptance.caseId,
          );
          return true;
        },
      );
      if (emitted) raised++;
    }
    return raised;
  }

  /** For the documents: a registration the staff member's hall holds. */
  async registrationForDocument(actor: Actor, id: string): Promise<StoredRegistration> {
    const staff = staffOf(actor);
    if (!id) throw ValidationError.single('registration_id', '必须指定登记');
    const stored = await this.store.registration(id);
    if (!stored || stored.registration.hallId !== staff.hallId) throw new NotFoundError('registration', id);
    return stored;
  }
}
