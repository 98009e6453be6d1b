import type { CommandKey, KitTables } from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  BodyNature,
  Department,
  Hall,
  HallKind,
  HallTier,
  LeaderChain,
  Staff,
  StaffRole,
  Window,
  WindowKind,
} from '../../domain/organisation';
import type {
  DepartmentFilter,
  HallFilter,
  NewDepartment,
  OrganisationReads,
  OrganisationStore,
  OrganisationTransaction,
  StaffFilter,
  WindowFilter,
} from '../../app/ports';
import type { Emit } from '../../app/events';
import { runCommand, type CatalogueCommands } from './commands';
import type { ItemTables } from './pg-item-store';

interface Timestamps {
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The catalogue schema's tables (see migrations/). */
export interface CatalogueTables extends KitTables {
  halls: Timestamps & {
    id: string;
    name: string;
    tier: string;
    region_code: string;
    parent_hall_id: string | null;
    address: string;
    kind: string;
    complaint_phone: string;
    complaint_url: string;
  };
  departments: Timestamps & {
    id: string;
    hall_id: string;
    code: string;
    name: string;
    nature: string;
    tier: string;
    region_code: string;
    consultation_phone: string;
    upper_department_id: string | null;
  };
  windows: Timestamps & { id: string; hall_id: string; number: string; name: string; kind: string };
  window_departments: { window_id: string; department_id: string; position: number };
  staff: Timestamps & {
    id: string;
    hall_id: string;
    department_id: string | null;
    employee_no: string;
    name: string;
    mobile: string;
    roles: string[];
    window_id: string | null;
    photo_ref: string;
    title: string;
    duties: string;
    backup_staff_id: string | null;
  };
  leader_chains: {
    department_id: string;
    chief_representative_id: string | null;
    deputy_leader_id: string;
    principal_leader_id: string;
    version: number;
    updated_at: Date;
  };
}

type Executor = Kysely<CatalogueTables> | Transaction<CatalogueTables>;

const toHall = (row: Selectable<CatalogueTables['halls']>): Hall => ({
  id: row.id,
  name: row.name,
  tier: row.tier as HallTier,
  regionCode: row.region_code,
  parentHallId: row.parent_hall_id,
  address: row.address,
  kind: row.kind as HallKind,
  complaintPhone: row.complaint_phone,
  complaintUrl: row.complaint_url,
  active: row.active,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toDepartment = (row: Selectable<CatalogueTables['departments']>): Department => ({
  id: row.id,
  hallId: row.hall_id,
  code: row.code,
  name: row.name,
  nature: row.nature as BodyNature,
  tier: row.tier as HallTier,
  regionCode: row.region_code,
  consultationPhone: row.consultation_phone,
  upperDepartmentId: row.upper_department_id ?? undefined,
  active: row.active,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toStaff = (row: Selectable<CatalogueTables['staff']>): Staff => ({
  id: row.id,
  hallId: row.hall_id,
  departmentId: row.department_id,
  employeeNo: row.employee_no,
  name: row.name,
  mobile: row.mobile,
  roles: row.roles as StaffRole[],
  windowId: row.window_id,
  photoRef: row.photo_ref,
  title: row.title,
  duties: row.duties,
  backupStaffId: row.backup_staff_id,
  active: row.active,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toLeaderChain = (row: Selectable<CatalogueTables['leader_chains']>): LeaderChain => ({
  departmentId: row.department_id,
  chiefRepresentativeId: row.chief_representative_id,
  deputyLeaderId: row.deputy_leader_id,
  principalLeaderId: row.principal_leader_id,
  version: row.version,
  updatedAt: row.updated_at,
});

/** Reads over either the pool or one transaction. */
class PgOrganisationReads implements OrganisationReads {
  constructor(protected readonly db: Executor) {}

  async getHall(id: string): Promise<Hall | undefined> {
    const row = await this.db.selectFrom('halls').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toHall(row);
  }

  async listHalls(filter: HallFilter): Promise<Hall[]> {
    let query = this.db.selectFrom('halls').selectAll().orderBy('region_code');
    if (filter.parentHallId) query = query.where('parent_hall_id', '=', filter.parentHallId);
    if (filter.tier) query = query.where('tier', '=', filter.tier);
    if (filter.regionCode) query = query.where('region_code', '=', filter.regionCode);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (!filter.includeInactive) query = query.where('active', '=', true);
    return (await query.execute()).map(toHall);
  }

  async getDepartment(id: string): Promise<Department | undefined> {
    const row = await this.db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDepartment(row);
  }

  async getDepartments(ids: readonly string[]): Promise<Department[]> {
    if (ids.length === 0) return [];
    return (
      await this.db
        .selectFrom('departments')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    ).map(toDepartment);
  }

  async listDepartments(filter: DepartmentFilter): Promise<Department[]> {
    let query = this.db.selectFrom('departments').selectAll().orderBy('code');
    if (filter.hallId) query = query.where('hall_id', '=', filter.hallId);
    if (!filter.includeInactive) query = query.where('active', '=', true);
    return (await query.execute()).map(toDepartment);
  }

  async getWindow(id: string): Promise<Window | undefined> {
    return (await this.windows([id]))[0];
  }

  async listWindows(filter: WindowFilter): Promise<Window[]> {
    let query = this.db.selectFrom('windows').select('id').orderBy('number');
    if (filter.hallId) query = query.where('hall_id', '=', filter.hallId);
    if (!filter.includeInactive) query = query.where('active', '=', true);
    if (filter.departmentId) {
      const departmentId = filter.departmentId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('window_departments')
            .select('window_id')
            .whereRef('window_departments.window_id', '=', 'windows.id')
            .where('window_departments.department_id', '=', departmentId),
        ),
      );
    }
    return this.windows((await query.execute()).map((r) => r.id));
  }

  /** Windows with their departments in their listed order, in the order of `ids`. */
  private async windows(ids: readonly string[]): Promise<Window[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('windows')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    const links = await this.db
      .selectFrom('window_departments')
      .selectAll()
      .where('window_id', 'in', [...ids])
      .orderBy('position')
      .execute();
    const byId = new Map<string, Window>(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          hallId: row.hall_id,
          number: row.number,
          name: row.name,
          kind: row.kind as WindowKind,
          departmentIds: links.filter((l) => l.window_id === row.id).map((l) => l.department_id),
          active: row.active,
          version: row.version,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      ]),
    );
    return ids.map((id) => byId.get(id)).filter((w): w is Window => w !== undefined);
  }

  async getStaff(id: string): Promise<Staff | undefined> {
    const row = await this.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStaff(row);
  }

  async getStaffMany(ids: readonly string[]): Promise<Staff[]> {
    if (ids.length === 0) return [];
    return (
      await this.db
        .selectFrom('staff')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    ).map(toStaff);
  }

  async listStaff(filter: StaffFilter): Promise<Staff[]> {
    let query = this.db.selectFrom('staff').selectAll().orderBy('employee_no');
    if (filter.hallId) query = query.where('hall_id', '=', filter.hallId);
    if (filter.departmentId) query = query.where('department_id', '=', filter.departmentId);
    if (filter.windowId) query = query.where('window_id', '=', filter.windowId);
    if (filter.role) {
      const role = filter.role;
      query = query.where(sql<boolean>`${role} = ANY(roles)`);
    }
    if (!filter.includeInactive) query = query.where('active', '=', true);
    return (await query.execute()).map(toStaff);
  }

  async getLeaderChain(departmentId: string): Promise<LeaderChain | undefined> {
    const row = await this.db
      .selectFrom('leader_chains')
      .selectAll()
      .where('department_id', '=', departmentId)
      .executeTakeFirst();
    return row && toLeaderChain(row);
  }
}

/**
 * A command's reads lock the rows they read (FOR UPDATE) until commit: two updates from the same version, or a
 * check against a parent another command is changing, serialise instead of both passing and the second
 * silently overwriting the first.
 */
class PgOrganisationTransaction extends PgOrganisationReads implements OrganisationTransaction {
  constructor(
    private readonly trx: Transaction<CatalogueTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  override async getHall(id: string): Promise<Hall | undefined> {
    const row = await this.trx.selectFrom('halls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    return row && toHall(row);
  }

  override async getDepartment(id: string): Promise<Department | undefined> {
    const row = await this.trx
      .selectFrom('departments')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toDepartment(row);
  }

  override async getWindow(id: string): Promise<Window | undefined> {
    const locked = await this.trx
      .selectFrom('windows')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return locked ? super.getWindow(id) : undefined;
  }

  override async getStaff(id: string): Promise<Staff | undefined> {
    const row = await this.trx.selectFrom('staff').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    return row && toStaff(row);
  }

  override async getLeaderChain(departmentId: string): Promise<LeaderChain | undefined> {
    const row = await this.trx
      .selectFrom('leader_chains')
      .selectAll()
      .where('department_id', '=', departmentId)
      .forUpdate()
      .executeTakeFirst();
    return row && toLeaderChain(row);
  }

  async hallParents(): Promise<Map<string, string | null>> {
    const rows = await this.trx.selectFrom('halls').select(['id', 'parent_hall_id']).execute();
    return new Map(rows.map((r) => [r.id, r.parent_hall_id]));
  }

  async findMainHall(regionCode: string): Promise<Hall | undefined> {
    const row = await this.trx
      .selectFrom('halls')
      .selectAll()
      .where('region_code', '=', regionCode)
      .where('kind', '=', 'main')
      .where('active', '=', true)
      .forUpdate()
      .executeTakeFirst();
    return row && toHall(row);
  }

  async departmentHasItems(departmentId: string): Promise<boolean> {
    const trx = this.trx as unknown as Transaction<ItemTables>;
    const row = await trx
      .selectFrom('item_versions')
      .select('item_id')
      .where('department_id', '=', departmentId)
      .where('status', 'in', ['draft', 'published'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async lowerDepartments(departmentId: string): Promise<Department[]> {
    const rows = await this.trx
      .selectFrom('departments')
      .selectAll()
      .where('upper_department_id', '=', departmentId)
      .where('active', '=', true)
      .orderBy('code')
      .execute();
    return rows.map(toDepartment);
  }

  async staffBackedUpBy(staffId: string): Promise<Staff[]> {
    const rows = await this.trx
      .selectFrom('staff')
      .selectAll()
      .where('backup_staff_id', '=', staffId)
      .where('active', '=', true)
      .execute();
    return rows.map(toStaff);
  }

  async findDepartmentByCode(hallId: string, code: string): Promise<Department | undefined> {
    const row = await this.trx
      .selectFrom('departments')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('code', '=', code)
      .executeTakeFirst();
    return row && toDepartment(row);
  }

  async findWindowByNumber(hallId: string, number: string): Promise<Window | undefined> {
    const row = await this.trx
      .selectFrom('windows')
      .select('id')
      .where('hall_id', '=', hallId)
      .where('number', '=', number)
      .where('active', '=', true)
      .executeTakeFirst();
    return row ? this.getWindow(row.id) : undefined;
  }

  async findStaffByEmployeeNo(hallId: string, employeeNo: string): Promise<Staff | undefined> {
    const row = await this.trx
      .selectFrom('staff')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('employee_no', '=', employeeNo)
      .executeTakeFirst();
    return row && toStaff(row);
  }

  async leaderChainsNaming(staffId: string): Promise<LeaderChain[]> {
    const rows = await this.trx
      .selectFrom('leader_chains')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('chief_representative_id', '=', staffId),
          eb('deputy_leader_id', '=', staffId),
          eb('principal_leader_id', '=', staffId),
        ]),
      )
      .execute();
    return rows.map(toLeaderChain);
  }

  async saveHall(hall: Hall): Promise<void> {
    const row = {
      id: hall.id,
      name: hall.name,
      tier: hall.tier,
      region_code: hall.regionCode,
      parent_hall_id: hall.parentHallId,
      address: hall.address,
      kind: hall.kind,
      complaint_phone: hall.complaintPhone,
      complaint_url: hall.complaintUrl,
      active: hall.active,
      version: hall.version,
      created_at: hall.createdAt,
      updated_at: hall.updatedAt,
    };
    await this.trx
      .insertInto('halls')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async saveDepartment(department: Department): Promise<void> {
    const row = {
      id: department.id,
      hall_id: department.hallId,
      code: department.code,
      name: department.name,
      nature: department.nature,
      tier: department.tier,
      region_code: department.regionCode,
      consultation_phone: department.consultationPhone,
      upper_department_id: department.upperDepartmentId ?? null,
      active: department.active,
      version: department.version,
      created_at: department.createdAt,
      updated_at: department.updatedAt,
    };
    await this.trx
      .insertInto('departments')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async insertDepartment(department: NewDepartment): Promise<{ tier: HallTier; regionCode: string } | undefined> {
    // Values are cast: in INSERT ... SELECT an untyped parameter would be read as text.
    const row = await this.trx
      .insertInto('departments')
      .columns([
        'id',
        'hall_id',
        'code',
        'name',
        'nature',
        'tier',
        'region_code',
        'consultation_phone',
        'upper_department_id',
        'active',
        'version',
        'created_at',
        'updated_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('halls')
          .select([
            sql<string>`${department.id}::text`.as('id'),
            'halls.id as hall_id',
            sql<string>`${department.code}::text`.as('code'),
            sql<string>`${department.name}::text`.as('name'),
            sql<string>`${department.nature}::text`.as('nature'),
            department.tier ? sql<string>`${department.tier}::text`.as('tier') : sql<string>`halls.tier`.as('tier'),
            department.tier
              ? sql<string>`${department.regionCode}::text`.as('region_code')
              : sql<string>`halls.region_code`.as('region_code'),
            sql<string>`${department.consultationPhone}::text`.as('consultation_phone'),
            sql<string | null>`${department.upperDepartmentId ?? null}::text`.as('upper_department_id'),
            sql<boolean>`${department.active}::boolean`.as('active'),
            sql<number>`${department.version}::integer`.as('version'),
            sql<Date>`${department.createdAt}::timestamptz`.as('created_at'),
            sql<Date>`${department.updatedAt}::timestamptz`.as('updated_at'),
          ])
          .where('halls.id', '=', department.hallId)
          .where('halls.active', '=', true)
          .forShare(),
      )
      .onConflict((oc) => oc.columns(['hall_id', 'code']).doNothing())
      .returning(['tier', 'region_code'])
      .executeTakeFirst();
    return row && { tier: row.tier as HallTier, regionCode: row.region_code };
  }

  async saveWindow(window: Window): Promise<void> {
    const row = {
      id: window.id,
      hall_id: window.hallId,
      number: window.number,
      name: window.name,
      kind: window.kind,
      active: window.active,
      version: window.version,
      created_at: window.createdAt,
      updated_at: window.updatedAt,
    };
    await this.trx
      .insertInto('windows')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    await this.trx.deleteFrom('window_departments').where('window_id', '=', window.id).execute();
    if (window.departmentIds.length > 0) {
      await this.trx
        .insertInto('window_departments')
        .values(
          window.departmentIds.map((departmentId, position) => ({
            window_id: window.id,
            department_id: departmentId,
            position,
          })),
        )
        .execute();
    }
  }

  async saveStaff(staff: Staff): Promise<void> {
    const row = {
      id: staff.id,
      hall_id: staff.hallId,
      department_id: staff.departmentId,
      employee_no: staff.employeeNo,
      name: staff.name,
      mobile: staff.mobile,
      roles: [...staff.roles],
      window_id: staff.windowId,
      photo_ref: staff.photoRef,
      title: staff.title,
      duties: staff.duties,
      backup_staff_id: staff.backupStaffId,
      active: staff.active,
      version: staff.version,
      created_at: staff.createdAt,
      updated_at: staff.updatedAt,
    };
    await this.trx
      .insertInto('staff')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async saveLeaderChain(chain: LeaderChain): Promise<void> {
    const row = {
      department_id: chain.departmentId,
      chief_representative_id: chain.chiefRepresentativeId,
      deputy_leader_id: chain.deputyLeaderId,
      principal_leader_id: chain.principalLeaderId,
      version: chain.version,
      updated_at: chain.updatedAt,
    };
    await this.trx
      .insertInto('leader_chains')
      .values(row)
      .onConflict((oc) => oc.column('department_id').doUpdateSet(row))
      .execute();
  }
}

/** PostgreSQL implementation of the directory's store. */
export class PgOrganisationStore implements OrganisationStore {
  readonly reads: OrganisationReads;

  constructor(private readonly commands: CatalogueCommands) {
    this.reads = new PgOrganisationReads(commands.db);
  }

  command<T>(key: CommandKey<T>, work: (tx: OrganisationTransaction) => Promise<T>): Promise<T> {
    return runCommand(this.commands, key, (trx, emit) => new PgOrganisationTransaction(trx, emit), work);
  }
}
