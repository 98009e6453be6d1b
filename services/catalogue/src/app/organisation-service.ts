import {
  AlreadyExistsError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type Clock,
  type FieldViolation,
  type IdGenerator,
  maskMobile,
} from '@govhall/kit';
import { HallResult, DepartmentResult, WindowResult, PublicStaffResult, LeaderChainResult } from './results';
import {
  ancestorHalls,
  backupProblem,
  departmentLevel,
  findParentCycle,
  validateDepartmentSeat,
  validateDepartmentInput,
  validateHallInput,
  validateHallParent,
  validateLeaderChain,
  validateStaffInput,
  validateWindowInput,
  upperDepartmentProblem,
  TIER_RANK,
  type Department,
  type DepartmentInput,
  type Hall,
  type HallInput,
  type HallTier,
  type LeaderChain,
  type LeaderChainInput,
  type Staff,
  type StaffInput,
  type Window,
  type WindowInput,
} from '../domain/organisation';
import type {
  DepartmentFilter,
  HallFilter,
  OrganisationStore,
  OrganisationTransaction,
  StaffFilter,
  WindowFilter,
} from './ports';

export interface CommandMeta {
  requestId: string;
}
export interface UpdateMeta extends CommandMeta {
  expectedVersion: number;
}

function checkVersion(entity: string, current: { version: number }, expected: number): void {
  if (current.version !== expected) {
    throw new PreconditionFailedError(
      `${entity} was changed by someone else (version ${current.version}, you read ${expected}); reload and retry`,
    );
  }
}

/** What the hall shows the public of one staff member: no contact data, no roles beyond the title. */
export interface StaffProfile {
  readonly staffId: string;
  readonly employeeNo: string;
  readonly name: string;
  readonly photoRef: string;
  readonly title: string;
  readonly duties: string;
  readonly departmentId: string | null;
  readonly departmentName: string;
  readonly windowId: string | null;
  readonly windowNumber: string;
  readonly backupStaffId: string | null;
  readonly backupName: string;
}

/** Staff as published in events and answered over gRPC: the mobile number masked (PIPL). */
export type PublicStaff = Omit<Staff, 'mobile'> & { readonly mobileMasked: string };

function publicStaff(staff: Staff): PublicStaff {
  const { mobile, ...rest } = staff;
  return { ...rest, mobileMasked: maskMobile(mobile) };
}

/**
 * Use cases of the organisation directory. Every command validates, writes and raises its event in one
 * transaction (through the store's outbox) and is idempotent by request id.
 */
export class OrganisationService {
  constructor(
    private readonly store: OrganisationStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  // ---- halls -------------------------------------------------------------------------------------------

  createHall(meta: CommandMeta, input: HallInput): Promise<Hall> {
    ValidationError.throwIfAny(validateHallInput(input));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateHall', request: input, result: HallResult },
      async (tx) => {
        const now = this.clock.now();
        const hall: Hall = {
          ...input,
          tier: input.tier!,
          kind: input.kind ?? 'main',
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.checkHallPlacement(tx, hall);
        await tx.saveHall(hall);
        tx.emit('hallCreated', hall);
        return hall;
      },
    );
  }

  updateHall(meta: UpdateMeta, id: string, input: HallInput): Promise<Hall> {
    ValidationError.throwIfAny(validateHallInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateHall',
        request: { id, input, v: meta.expectedVersion },
        result: HallResult,
      },
      async (tx) => {
        const current = await this.requireHall(tx, id);
        checkVersion('hall', current, meta.expectedVersion);
        const hall: Hall = {
          ...current,
          ...input,
          tier: input.tier!,
          kind: input.kind ?? 'main',
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await this.checkHallPlacement(tx, hall);
        await this.checkChildrenStillFit(tx, hall);
        if (current.kind === 'main' && (hall.kind !== 'main' || hall.regionCode !== current.regionCode)) {
          await this.checkNoBranchesLeft(tx, current);
        }
        await tx.saveHall(hall);
        tx.emit('hallUpdated', hall);
        return hall;
      },
    );
  }

  deactivateHall(meta: CommandMeta, id: string): Promise<Hall> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'DeactivateHall', request: { id }, result: HallResult },
      async (tx) => {
        const current = await this.requireHall(tx, id);
        if (!current.active) return current;
        const children = await tx.listHalls({ parentHallId: id, includeInactive: false });
        const departments = await tx.listDepartments({ hallId: id, includeInactive: false });
        const windows = await tx.listWindows({ hallId: id, includeInactive: false });
        const staff = await tx.listStaff({ hallId: id, includeInactive: false });
        if (children.length + departments.length + windows.length + staff.length > 0) {
          throw new PreconditionFailedError(
            `hall ${id} still has ${children.length} active sub-halls, ${departments.length} departments, ` +
              `${windows.length} windows and ${staff.length} staff; deactivate those first`,
          );
        }
        if (current.kind === 'main') await this.checkNoBranchesLeft(tx, current);
        const hall: Hall = { ...current, active: false, version: current.version + 1, updatedAt: this.clock.now() };
        await tx.saveHall(hall);
        tx.emit('hallDeactivated', hall);
        return hall;
      },
    );
  }

  async getHall(id: string): Promise<Hall> {
    return this.requireHall(this.store.reads, id);
  }

  listHalls(filter: HallFilter): Promise<Hall[]> {
    return this.store.reads.listHalls(filter);
  }

  private async requireHall(reads: { getHall(id: string): Promise<Hall | undefined> }, id: string): Promise<Hall> {
    const hall = id ? await reads.getHall(id) : undefined;
    if (!hall) throw new NotFoundError('hall', id);
    return hall;
  }

  /**
   * One main hall per region and a branch beside it; the parent a main hall one tier above with the region
   * nested in it, and no loop in the tree.
   */
  private async checkHallPlacement(tx: OrganisationTransaction, hall: Hall): Promise<void> {
    const main = await tx.findMainHall(hall.regionCode);
    if (hall.kind === 'main' && main && main.id !== hall.id) {
      throw new AlreadyExistsError(
        `region ${hall.regionCode} already has main hall ${main.id} (${main.name}); add this one as a branch`,
      );
    }
    if (hall.kind === 'branch' && (!main || main.id === hall.id)) {
      throw ValidationError.single(
        'hall.kind',
        `a branch hall stands beside its region's main hall, and region ${hall.regionCode} has none; create the main hall first`,
      );
    }
    if (!hall.parentHallId) return;
    const parent = await tx.getHall(hall.parentHallId);
    if (!parent) throw ValidationError.single('hall.parent_hall_id', `hall ${hall.parentHallId} does not exist`);
    const parents = await tx.hallParents();
    const cycle = findParentCycle(hall.id, hall.parentHallId, (id) => parents.get(id));
    if (cycle) {
      throw ValidationError.single('hall.parent_hall_id', `would make a loop in the hall tree: ${cycle.join(' → ')}`);
    }
    ValidationError.throwIfAny(validateHallParent(hall, parent));
  }

  /** A main hall stays while branch halls of its region stand beside it. */
  private async checkNoBranchesLeft(tx: OrganisationTransaction, main: Hall): Promise<void> {
    const branches = (
      await tx.listHalls({ regionCode: main.regionCode, kind: 'branch', includeInactive: false })
    ).filter((h) => h.id !== main.id);
    if (branches.length > 0) {
      throw new PreconditionFailedError(
        `main hall ${main.id} still has branch halls ${branches.map((b) => b.name).join('、')} in region ${main.regionCode}; deactivate them or name another main hall first`,
      );
    }
  }

  /** After a hall's tier or region changes, its sub-halls must still sit one tier below and inside it. */
  private async checkChildrenStillFit(tx: OrganisationTransaction, hall: Hall): Promise<void> {
    for (const child of await tx.listHalls({ parentHallId: hall.id, includeInactive: false })) {
      const problems = validateHallParent(child, hall);
      if (problems.length > 0) {
        throw new PreconditionFailedError(
          `sub-hall ${child.id} (${child.name}) would no longer fit: ${problems[0]!.description}; move it first`,
        );
      }
    }
  }

  // ---- departments -------------------------------------------------------------------------------------

  createDepartment(meta: CommandMeta, given: DepartmentInput): Promise<Department> {
    const input = withoutEmptyUpper(given);
    ValidationError.throwIfAny(validateDepartmentInput(input));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateDepartment', request: input, result: DepartmentResult },
      async (tx) => {
        const now = this.clock.now();
        const fields = {
          ...input,
          nature: input.nature!,
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        // A department of its hall's own level: one statement on the way that succeeds (it copies the hall's level
        // and region). One of its own level, or one naming its upper department: the hall is read first (its
        // region, its place in the hall tree).
        if (input.tier || input.upperDepartmentId) {
          const hall = await this.checkDepartmentPlacement(tx, { ...fields, tier: input.tier });
          const department: Department = { ...fields, ...departmentLevel(input, hall) };
          await this.checkUpperDepartment(tx, department);
          if (!(await tx.insertDepartment(department))) {
            throw new PreconditionFailedError(`department ${department.code} could not be created; retry`);
          }
          tx.emit('departmentCreated', department);
          return department;
        }
        const level = await tx.insertDepartment(fields);
        if (!level) {
          await this.checkDepartmentPlacement(tx, fields);
          throw new PreconditionFailedError(`department ${fields.code} could not be created; retry`);
        }
        const department: Department = { ...fields, ...level };
        tx.emit('departmentCreated', department);
        return department;
      },
    );
  }

  updateDepartment(meta: UpdateMeta, id: string, given: DepartmentInput): Promise<Department> {
    const input = withoutEmptyUpper(given);
    ValidationError.throwIfAny(validateDepartmentInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateDepartment',
        request: { id, input, v: meta.expectedVersion },
        result: DepartmentResult,
      },
      async (tx) => {
        const current = await this.requireDepartment(tx, id);
        checkVersion('department', current, meta.expectedVersion);
        if (input.hallId !== current.hallId) {
          throw ValidationError.single(
            'department.hall_id',
            'a department cannot move to another hall; create it there',
          );
        }
        const hall = await tx.getHall(current.hallId);
        const department: Department = {
          ...current,
          ...input,
          nature: input.nature!,
          ...(hall ? departmentLevel(input, hall) : { tier: current.tier, regionCode: current.regionCode }),
          // Replaced like every other field: left out, the department has none.
          upperDepartmentId: input.upperDepartmentId,
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await this.checkDepartmentPlacement(tx, department);
        await this.checkUpperDepartment(tx, department);
        if (department.tier !== current.tier && (await tx.departmentHasItems(id))) {
          throw new PreconditionFailedError(
            `department ${id} has items exercised at the ${current.tier} tier; its level cannot change under them`,
          );
        }
        if (department.tier !== current.tier) await this.checkLowerDepartmentsStillFit(tx, department);
        await tx.saveDepartment(department);
        tx.emit('departmentUpdated', department);
        return department;
      },
    );
  }

  deactivateDepartment(meta: CommandMeta, id: string): Promise<Department> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'DeactivateDepartment', request: { id }, result: DepartmentResult },
      async (tx) => {
        const current = await this.requireDepartment(tx, id);
        if (!current.active) return current;
        const windows = await tx.listWindows({ departmentId: id, includeInactive: false });
        if (windows.length > 0) {
          throw new PreconditionFailedError(
            `department ${id} is still served by windows ${windows.map((w) => w.number).join(', ')}; change those windows first`,
          );
        }
        const staff = await tx.listStaff({ departmentId: id, includeInactive: false });
        if (staff.length > 0) {
          throw new PreconditionFailedError(
            `department ${id} still has ${staff.length} active staff; move or deactivate them first`,
          );
        }
        const lower = await tx.lowerDepartments(id);
        if (lower.length > 0) {
          throw new PreconditionFailedError(
            `department ${id} is the upper department of ${lower.map((d) => `${d.code} (${d.name})`).join('、')}; change those departments first`,
          );
        }
        const department: Department = {
          ...current,
          active: false,
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await tx.saveDepartment(department);
        tx.emit('departmentDeactivated', department);
        return department;
      },
    );
  }

  getDepartment(id: string): Promise<Department> {
    return this.requireDepartment(this.store.reads, id);
  }

  listDepartments(filter: DepartmentFilter): Promise<Department[]> {
    return this.store.reads.listDepartments(filter);
  }

  private async requireDepartment(
    reads: { getDepartment(id: string): Promise<Department | undefined> },
    id: string,
  ): Promise<Department> {
    const department = id ? await reads.getDepartment(id) : undefined;
    if (!department) throw new NotFoundError('department', id);
    return department;
  }

  /**
   * The hall exists and is active, seats the department's region line, and has no department with its code.
   * Answers the hall.
   */
  private async checkDepartmentPlacement(
    tx: OrganisationTransaction,
    department: Pick<Department, 'id' | 'hallId' | 'code'> & { readonly tier?: HallTier; readonly regionCode: string },
  ): Promise<Hall> {
    const hall = await tx.getHall(department.hallId);
    if (!hall) throw ValidationError.single('department.hall_id', `hall ${department.hallId} does not exist`);
    if (!hall.active) throw ValidationError.single('department.hall_id', `hall ${department.hallId} is deactivated`);
    if (department.tier)
      ValidationError.throwIfAny(validateDepartmentSeat({ ...department, tier: department.tier }, hall));
    const sameCode = await tx.findDepartmentByCode(department.hallId, department.code);
    if (sameCode && sameCode.id !== department.id) {
      throw new AlreadyExistsError(`hall ${department.hallId} already has a department with code ${department.code}`);
    }
    return hall;
  }

  /**
   * 对口上级部门, when named: an active department of a hall above this one's, of its level or above, whose own
   * chain of upper departments does not lead back here. The departments read stay locked until commit, so the
   * upper one cannot be deactivated meanwhile.
   */
  private async checkUpperDepartment(tx: OrganisationTransaction, department: Department): Promise<void> {
    const upperId = department.upperDepartmentId;
    if (!upperId) return;
    const upper = await tx.getDepartment(upperId);
    const chain: string[] = [];
    // The chain climbs the hall tree, so it is short; it stops at a loop or at this department.
    for (let next = upper?.upperDepartmentId; next && next !== upperId && !chain.includes(next);) {
      chain.push(next);
      if (next === department.id) break;
      next = (await tx.getDepartment(next))?.upperDepartmentId;
    }
    const parents = await tx.hallParents();
    const problem = upperDepartmentProblem(
      department,
      upperId,
      upper,
      ancestorHalls(department.hallId, (id) => parents.get(id)),
      chain,
    );
    if (problem) throw ValidationError.single('department.upper_department_id', problem);
  }

  /** After a department's level changes, the departments naming it as their upper one must still be of its level or below. */
  private async checkLowerDepartmentsStillFit(tx: OrganisationTransaction, department: Department): Promise<void> {
    const misfits = (await tx.lowerDepartments(department.id)).filter(
      (lower) => TIER_RANK[department.tier] > TIER_RANK[lower.tier],
    );
    if (misfits.length > 0) {
      throw new PreconditionFailedError(
        `department ${department.id} is the upper department of ${misfits.map((d) => `${d.code} (${d.tier})`).join('、')}, which a ${department.tier} department cannot be; change those departments first`,
      );
    }
  }

  // ---- windows -----------------------------------------------------------------------------------------

  createWindow(meta: CommandMeta, input: WindowInput): Promise<Window> {
    ValidationError.throwIfAny(validateWindowInput(input));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateWindow', request: input, result: WindowResult },
      async (tx) => {
        const now = this.clock.now();
        const window: Window = {
          ...input,
          kind: input.kind!,
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.checkWindowPlacement(tx, window);
        await tx.saveWindow(window);
        tx.emit('windowCreated', window);
        return window;
      },
    );
  }

  updateWindow(meta: UpdateMeta, id: string, input: WindowInput): Promise<Window> {
    ValidationError.throwIfAny(validateWindowInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateWindow',
        request: { id, input, v: meta.expectedVersion },
        result: WindowResult,
      },
      async (tx) => {
        const current = await this.requireWindow(tx, id);
        checkVersion('window', current, meta.expectedVersion);
        if (input.hallId !== current.hallId) {
          throw ValidationError.single('window.hall_id', 'a window cannot move to another hall');
        }
        const window: Window = {
          ...current,
          ...input,
          kind: input.kind!,
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await this.checkWindowPlacement(tx, window);
        await tx.saveWindow(window);
        tx.emit('windowUpdated', window);
        return window;
      },
    );
  }

  deactivateWindow(meta: CommandMeta, id: string): Promise<Window> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'DeactivateWindow', request: { id }, result: WindowResult },
      async (tx) => {
        const current = await this.requireWindow(tx, id);
        if (!current.active) return current;
        const window: Window = { ...current, active: false, version: current.version + 1, updatedAt: this.clock.now() };
        await tx.saveWindow(window);
        tx.emit('windowDeactivated', window);
        return window;
      },
    );
  }

  getWindow(id: string): Promise<Window> {
    return this.requireWindow(this.store.reads, id);
  }

  listWindows(filter: WindowFilter): Promise<Window[]> {
    return this.store.reads.listWindows(filter);
  }

  private async requireWindow(
    reads: { getWindow(id: string): Promise<Window | undefined> },
    id: string,
  ): Promise<Window> {
    const window = id ? await reads.getWindow(id) : undefined;
    if (!window) throw new NotFoundError('window', id);
    return window;
  }

  /** The hall exists, the number is free, and every department served exists, is active and sits in the hall. */
  private async checkWindowPlacement(tx: OrganisationTransaction, window: Window): Promise<void> {
    const hall = await tx.getHall(window.hallId);
    if (!hall) throw ValidationError.single('window.hall_id', `hall ${window.hallId} does not exist`);
    if (!hall.active) throw ValidationError.single('window.hall_id', `hall ${window.hallId} is deactivated`);
    const departments = new Map((await tx.getDepartments(window.departmentIds)).map((d) => [d.id, d]));
    const violations: FieldViolation[] = [];
    window.departmentIds.forEach((id, index) => {
      const department = departments.get(id);
      const field = `window.department_ids[${index}]`;
      if (!department) violations.push({ field, description: `department ${id} does not exist` });
      else if (!department.active) violations.push({ field, description: `department ${id} is deactivated` });
      else if (department.hallId !== window.hallId)
        violations.push({ field, description: `department ${id} is not in hall ${window.hallId}` });
    });
    ValidationError.throwIfAny(violations);
    const sameNumber = await tx.findWindowByNumber(window.hallId, window.number);
    if (sameNumber && sameNumber.id !== window.id && sameNumber.active) {
      throw new AlreadyExistsError(`hall ${window.hallId} already has an active window numbered ${window.number}`);
    }
  }

  // ---- staff -------------------------------------------------------------------------------------------

  createStaff(meta: CommandMeta, input: StaffInput): Promise<PublicStaff> {
    ValidationError.throwIfAny(validateStaffInput(input));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateStaff', request: input, result: PublicStaffResult },
      async (tx) => {
        const now = this.clock.now();
        const staff: Staff = {
          ...input,
          roles: input.roles.filter((r) => r !== undefined),
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.checkStaffPlacement(tx, staff);
        await tx.saveStaff(staff);
        tx.emit('staffCreated', publicStaff(staff));
        return publicStaff(staff);
      },
    );
  }

  updateStaff(meta: UpdateMeta, id: string, input: StaffInput): Promise<PublicStaff> {
    ValidationError.throwIfAny(validateStaffInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateStaff',
        request: { id, input, v: meta.expectedVersion },
        result: PublicStaffResult,
      },
      async (tx) => {
        const current = await this.requireStaff(tx, id);
        checkVersion('staff', current, meta.expectedVersion);
        const staff: Staff = {
          ...current,
          ...input,
          roles: input.roles.filter((r) => r !== undefined),
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await this.checkStaffPlacement(tx, staff);
        await this.checkLeaderChainsStillHold(tx, staff);
        await this.checkBackupsStillHold(tx, staff);
        await tx.saveStaff(staff);
        tx.emit('staffUpdated', publicStaff(staff));
        return publicStaff(staff);
      },
    );
  }

  deactivateStaff(meta: CommandMeta, id: string): Promise<PublicStaff> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'DeactivateStaff', request: { id }, result: PublicStaffResult },
      async (tx) => {
        const current = await this.requireStaff(tx, id);
        if (!current.active) return publicStaff(current);
        const staff: Staff = { ...current, active: false, version: current.version + 1, updatedAt: this.clock.now() };
        await this.checkLeaderChainsStillHold(tx, staff);
        await this.checkBackupsStillHold(tx, staff);
        await tx.saveStaff(staff);
        tx.emit('staffDeactivated', publicStaff(staff));
        return publicStaff(staff);
      },
    );
  }

  async getStaff(id: string): Promise<PublicStaff> {
    return publicStaff(await this.requireStaff(this.store.reads, id));
  }

  /** The unmasked mobile number, for SMS to leaders. Callers are internal services only. */
  async getStaffContact(id: string): Promise<Pick<Staff, 'id' | 'name' | 'mobile'>> {
    const staff = await this.requireStaff(this.store.reads, id);
    return { id: staff.id, name: staff.name, mobile: staff.mobile };
  }

  async listStaff(filter: StaffFilter): Promise<PublicStaff[]> {
    return (await this.store.reads.listStaff(filter)).map(publicStaff);
  }

  /** The public profiles of a hall's active staff (公开姓名、编号、照片、职务和岗位职责), with department and window. */
  async listStaffProfiles(filter: {
    hallId: string;
    departmentId?: string;
    windowId?: string;
  }): Promise<StaffProfile[]> {
    if (!filter.hallId) throw ValidationError.single('hall_id', 'is required');
    await this.requireHall(this.store.reads, filter.hallId);
    const [staff, departments, windows] = await Promise.all([
      this.store.reads.listStaff({ ...filter, includeInactive: false }),
      this.store.reads.listDepartments({ hallId: filter.hallId, includeInactive: true }),
      this.store.reads.listWindows({ hallId: filter.hallId, includeInactive: true }),
    ]);
    const departmentName = new Map(departments.map((d) => [d.id, d.name]));
    const windowNumber = new Map(windows.map((w) => [w.id, w.number]));
    const backups = new Map(
      (
        await this.store.reads.getStaffMany([
          ...new Set(staff.flatMap((s) => (s.backupStaffId ? [s.backupStaffId] : []))),
        ])
      )
        .filter((b) => b.active)
        .map((b) => [b.id, b.name]),
    );
    return staff.map((s) => {
      const backupName = s.backupStaffId ? backups.get(s.backupStaffId) : undefined;
      return {
        staffId: s.id,
        employeeNo: s.employeeNo,
        name: s.name,
        photoRef: s.photoRef,
        title: s.title,
        duties: s.duties,
        departmentId: s.departmentId,
        departmentName: s.departmentId ? (departmentName.get(s.departmentId) ?? '') : '',
        windowId: s.windowId,
        windowNumber: s.windowId ? (windowNumber.get(s.windowId) ?? '') : '',
        backupStaffId: backupName ? s.backupStaffId : null,
        backupName: backupName ?? '',
      };
    });
  }

  private async requireStaff(reads: { getStaff(id: string): Promise<Staff | undefined> }, id: string): Promise<Staff> {
    const staff = id ? await reads.getStaff(id) : undefined;
    if (!staff) throw new NotFoundError('staff', id);
    return staff;
  }

  /** Hall, department and window exist and sit together; a working (active) placement needs them active. */
  private async checkStaffPlacement(tx: OrganisationTransaction, staff: Staff): Promise<void> {
    const hall = await tx.getHall(staff.hallId);
    if (!hall) throw ValidationError.single('staff.hall_id', `hall ${staff.hallId} does not exist`);
    const violations: FieldViolation[] = [];
    const violate = (field: string, description: string): number => violations.push({ field, description });
    if (staff.active && !hall.active) violate('staff.hall_id', `hall ${staff.hallId} is deactivated`);
    if (staff.departmentId) {
      const department = await tx.getDepartment(staff.departmentId);
      const field = 'staff.department_id';
      if (!department) violate(field, `department ${staff.departmentId} does not exist`);
      else if (department.hallId !== staff.hallId)
        violate(field, `department ${staff.departmentId} is not in hall ${staff.hallId}`);
      else if (staff.active && !department.active) violate(field, `department ${staff.departmentId} is deactivated`);
    }
    if (staff.windowId) {
      const window = await tx.getWindow(staff.windowId);
      const field = 'staff.window_id';
      if (!window) violate(field, `window ${staff.windowId} does not exist`);
      else if (window.hallId !== staff.hallId)
        violate(field, `window ${staff.windowId} is not in hall ${staff.hallId}`);
      else if (staff.active && !window.active) violate(field, `window ${staff.windowId} is deactivated`);
    }
    if (staff.backupStaffId) {
      const backup = staff.backupStaffId === staff.id ? staff : await tx.getStaff(staff.backupStaffId);
      const problem = backupProblem(staff, backup);
      if (problem) violate('staff.backup_staff_id', problem);
    }
    ValidationError.throwIfAny(violations);
    const sameNo = await tx.findStaffByEmployeeNo(staff.hallId, staff.employeeNo);
    if (sameNo && sameNo.id !== staff.id) {
      throw new AlreadyExistsError(`hall ${staff.hallId} already has staff with employee number ${staff.employeeNo}`);
    }
  }

  /** A change that would leave someone's AB-post backup unable to stand in is refused. */
  private async checkBackupsStillHold(tx: OrganisationTransaction, backup: Staff): Promise<void> {
    for (const covered of await tx.staffBackedUpBy(backup.id)) {
      if (covered.id === backup.id) continue;
      const problem = backupProblem(covered, backup);
      if (problem) {
        throw new PreconditionFailedError(
          `staff ${backup.id} is the AB-post backup of ${covered.id} (${covered.name}) and then could not stand in: ${problem}; name another backup first`,
        );
      }
    }
  }

  /** A change that would leave a leader chain pointing at the wrong person is refused. */
  private async checkLeaderChainsStillHold(tx: OrganisationTransaction, staff: Staff): Promise<void> {
    for (const chain of await tx.leaderChainsNaming(staff.id)) {
      const named = new Map((await tx.getStaffMany(namedIn(chain))).map((s) => [s.id, s]));
      named.set(staff.id, staff);
      const violations = validateLeaderChain(chain, named);
      if (violations.length > 0) {
        throw new PreconditionFailedError(
          `staff ${staff.id} is in the leader chain of department ${chain.departmentId} (${violations[0]!.field}); change the chain first`,
        );
      }
    }
  }

  // ---- leader chain ------------------------------------------------------------------------------------

  setLeaderChain(meta: CommandMeta, input: LeaderChainInput): Promise<LeaderChain> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'SetLeaderChain', request: input, result: LeaderChainResult },
      async (tx) => {
        const department = await this.requireDepartment(tx, input.departmentId);
        if (!department.active) throw new PreconditionFailedError(`department ${department.id} is deactivated`);
        const named = new Map((await tx.getStaffMany(namedIn(input))).map((s) => [s.id, s]));
        ValidationError.throwIfAny(validateLeaderChain(input, named));
        const current = await tx.getLeaderChain(input.departmentId);
        const chain: LeaderChain = { ...input, version: (current?.version ?? 0) + 1, updatedAt: this.clock.now() };
        await tx.saveLeaderChain(chain);
        tx.emit('leaderChainSet', chain);
        return chain;
      },
    );
  }

  async getLeaderChain(departmentId: string): Promise<LeaderChain> {
    const chain = departmentId ? await this.store.reads.getLeaderChain(departmentId) : undefined;
    if (!chain) throw new NotFoundError('leader chain of department', departmentId);
    return chain;
  }
}

function namedIn(chain: LeaderChainInput): string[] {
  return [chain.chiefRepresentativeId, chain.deputyLeaderId, chain.principalLeaderId].filter(
    (id): id is string => !!id,
  );
}

/** An empty upper department is none (callers that build inputs from the contract's messages send `''`). */
function withoutEmptyUpper(input: DepartmentInput): DepartmentInput {
  if (input.upperDepartmentId !== '') return input;
  const { upperDepartmentId: _none, ...rest } = input;
  return rest;
}
