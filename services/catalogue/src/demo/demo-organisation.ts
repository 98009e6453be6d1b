/**
 * The demo organisation, read from `demo/organisation.yaml` and loaded through `OrganisationService`: halls,
 * their departments, windows, staff and each department's leader chain. The file refers to everything by its
 * stable key (hall key, department code, window number, employee number), never by a generated id.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { OrganisationService } from '../app/organisation-service';
import { BodyNatures, HallKinds, HallTiers, StaffRoles, WindowKinds } from '../domain/organisation';
import { DEMO_FOLDER, DemoDataError, asEntry, readDemoFile, type DemoFile, type DemoProblem } from './demo-files';
import { departmentRef } from './demo-items-schema';
import { key, list, oneOf, optionalText, text } from './demo-schema';

const staffSchema = z.strictObject({
  employeeNo: text,
  name: text,
  mobile: text,
  roles: z.array(oneOf(StaffRoles)),
  /** Number of the window of this hall the person sits at. */
  window: text.optional(),
  /** The public profile: photo reference, 职务, 岗位职责. */
  photo: optionalText,
  title: optionalText,
  duties: optionalText,
  /** AB岗: employee number of the backup, listed before this person in the same department. */
  backup: text.optional(),
});

const departmentSchema = z.strictObject({
  code: text,
  name: text,
  nature: oneOf(BodyNatures),
  /** Its own level and region when they differ from the hall's (a district department in the city hall). */
  tier: oneOf(HallTiers).optional(),
  regionCode: optionalText,
  consultationPhone: text,
  /** 对口上级部门: `<hall key>/<code>` of a department of a hall listed before this one (city/SCJG). */
  upperDepartment: departmentRef.optional(),
  staff: list(staffSchema),
  /** Employee numbers of staff of this department. */
  leaderChain: z
    .strictObject({ chiefRepresentative: text.optional(), deputyLeader: text, principalLeader: text })
    .optional(),
});

const windowSchema = z.strictObject({
  number: text,
  name: text,
  kind: oneOf(WindowKinds),
  /** Codes of the departments of this hall the window serves. */
  departments: list(text),
});

const hallSchema = z.strictObject({
  key,
  name: text,
  tier: oneOf(HallTiers),
  regionCode: text,
  /** main (the default), branch or department. */
  kind: oneOf(HallKinds).default('main'),
  /** Key of the parent hall, listed before this one; absent at the top. */
  parent: key.optional(),
  address: optionalText,
  complaintPhone: text,
  complaintUrl: optionalText,
  departments: list(departmentSchema),
  windows: list(windowSchema),
});

const organisationSchema = z.strictObject({ halls: z.array(hallSchema) }).superRefine(checkReferences);

export type DemoOrganisation = z.output<typeof organisationSchema>;
export type DemoHall = DemoOrganisation['halls'][number];
export type DemoDepartment = DemoHall['departments'][number];

/** A name used twice where names must be unique, or a name that refers to nothing. */
function checkReferences(data: { halls: readonly DemoHall[] }, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const unique = (seen: Map<string, number>, name: string, index: number, path: PropertyKey[], what: string) => {
    const first = seen.get(name);
    if (first !== undefined) issue(path, `repeats ${what} ${name} (also at index ${first})`);
    else seen.set(name, index);
  };
  const halls = new Map<string, number>();
  /** `<hall key>/<code>` of the departments of the halls before this one. */
  const departmentsBefore = new Set<string>();
  data.halls.forEach((hall, h) => {
    const at = (...path: PropertyKey[]): PropertyKey[] => ['halls', h, ...path];
    hall.departments.forEach((d, i) => {
      if (d.upperDepartment !== undefined && !departmentsBefore.has(d.upperDepartment))
        issue(
          at('departments', i, 'upperDepartment'),
          `names no department of a hall listed before this one (${d.upperDepartment})`,
        );
    });
    if (hall.parent !== undefined && !halls.has(hall.parent)) {
      issue(at('parent'), `names no hall listed before this one (${hall.parent})`);
    }
    unique(halls, hall.key, h, at('key'), 'hall key');
    const codes = new Map<string, number>();
    hall.departments.forEach((d, i) => unique(codes, d.code, i, at('departments', i, 'code'), 'department code'));
    const numbers = new Map<string, number>();
    hall.windows.forEach((w, i) => {
      unique(numbers, w.number, i, at('windows', i, 'number'), 'window number');
      w.departments.forEach((code, j) => {
        if (!codes.has(code))
          issue(at('windows', i, 'departments', j), `names no department of hall ${hall.key} (${code})`);
      });
    });
    const employees = new Map<string, number>();
    hall.departments.forEach((d, i) => {
      const own = new Set(d.staff.map((s) => s.employeeNo));
      const before = new Set<string>();
      d.staff.forEach((s, j) => {
        const path = at('departments', i, 'staff', j);
        unique(employees, s.employeeNo, j, [...path, 'employeeNo'], 'employee number in this hall');
        if (s.backup !== undefined && !before.has(s.backup)) {
          issue([...path, 'backup'], `names no staff of department ${d.code} listed before this one (${s.backup})`);
        }
        before.add(s.employeeNo);
        if (s.window !== undefined && !numbers.has(s.window)) {
          issue([...path, 'window'], `names no window of hall ${hall.key} (${s.window})`);
        }
      });
      for (const [link, employeeNo] of Object.entries(d.leaderChain ?? {})) {
        if (employeeNo !== undefined && !own.has(employeeNo)) {
          issue(at('departments', i, 'leaderChain', link), `names no staff of department ${d.code} (${employeeNo})`);
        }
      }
    });
    for (const d of hall.departments) departmentsBefore.add(`${hall.key}/${d.code}`);
  });
}

/** `organisation.yaml` of `folder`, or its problems added to `problems`. */
export function readOrganisationFile(folder: string, problems: DemoProblem[]): DemoFile<DemoOrganisation> | undefined {
  return readDemoFile(join(folder, 'organisation.yaml'), organisationSchema, problems);
}

function readOrganisation(folder: string): DemoFile<DemoOrganisation> {
  const problems: DemoProblem[] = [];
  const file = readOrganisationFile(folder, problems);
  if (!file) throw new DemoDataError(problems);
  return file;
}

/**
 * The demo organisation of `folder` (default: the service's `demo/`), shape and references checked.
 * @throws DemoDataError listing every problem, by file, line and path.
 */
export function demoOrganisation(folder: string = DEMO_FOLDER): DemoOrganisation {
  return readOrganisation(folder).data;
}

export interface DemoSummary {
  halls: number;
  departments: number;
  windows: number;
  staff: number;
}

/**
 * Loads (or replays) the demo organisation of `folder` through the use cases, which check every entry
 * against the domain rules; returns what the files hold.
 *
 * Every command's request id is made of stable keys (`demo-<hall>-hall`, `demo-<hall>-dept-<code>`,
 * `demo-<hall>-window-<number>`, `demo-<hall>-staff-<employee no>`, `demo-<hall>-chain-<code>`), so loading
 * the same files again replays and changes nothing. An entry changed after a data folder took it is refused
 * at the next load (its request id was used for a different request): start on a fresh data folder.
 * @throws DemoDataError naming the file and the entry when the files are malformed or a use case refuses one
 */
export async function loadDemoOrganisation(
  service: OrganisationService,
  folder: string = DEMO_FOLDER,
): Promise<DemoSummary> {
  const source = readOrganisation(folder);
  const summary: DemoSummary = { halls: 0, departments: 0, windows: 0, staff: 0 };
  const hallIds = new Map<string, string>();
  /** `<hall key>/<code>` → id, for upper departments (of halls loaded before). */
  const departmentsByRef = new Map<string, string>();
  for (const [h, demo] of source.data.halls.entries()) {
    const rid = (suffix: string): { requestId: string } => ({ requestId: `demo-${demo.key}-${suffix}` });
    const at = (...path: PropertyKey[]) => ({ source, path: ['halls', h, ...path] });
    const hall = await asEntry(at(), () =>
      service.createHall(rid('hall'), {
        name: demo.name,
        tier: demo.tier,
        regionCode: demo.regionCode,
        address: demo.address,
        parentHallId: demo.parent === undefined ? null : hallIds.get(demo.parent)!,
        kind: demo.kind,
        complaintPhone: demo.complaintPhone,
        complaintUrl: demo.complaintUrl,
      }),
    );
    hallIds.set(demo.key, hall.id);
    summary.halls += 1;

    const departmentIds = new Map<string, string>();
    for (const [i, department] of demo.departments.entries()) {
      const created = await asEntry(at('departments', i), () =>
        service.createDepartment(rid(`dept-${department.code}`), {
          hallId: hall.id,
          code: department.code,
          name: department.name,
          nature: department.nature,
          tier: department.tier,
          regionCode: department.regionCode,
          consultationPhone: department.consultationPhone,
          upperDepartmentId:
            department.upperDepartment === undefined ? undefined : departmentsByRef.get(department.upperDepartment)!,
        }),
      );
      departmentIds.set(department.code, created.id);
      departmentsByRef.set(`${demo.key}/${department.code}`, created.id);
      summary.departments += 1;
    }

    const windowIds = new Map<string, string>();
    for (const [i, window] of demo.windows.entries()) {
      const created = await asEntry(at('windows', i), () =>
        service.createWindow(rid(`window-${window.number}`), {
          hallId: hall.id,
          number: window.number,
          name: window.name,
          kind: window.kind,
          departmentIds: window.departments.map((code) => departmentIds.get(code)!),
        }),
      );
      windowIds.set(window.number, created.id);
      summary.windows += 1;
    }

    for (const [i, department] of demo.departments.entries()) {
      const departmentId = departmentIds.get(department.code)!;
      const staffIds = new Map<string, string>();
      for (const [j, person] of department.staff.entries()) {
        const staff = await asEntry(at('departments', i, 'staff', j), () =>
          service.createStaff(rid(`staff-${person.employeeNo}`), {
            hallId: hall.id,
            departmentId,
            employeeNo: person.employeeNo,
            name: person.name,
            mobile: person.mobile,
            roles: person.roles,
            windowId: person.window === undefined ? null : windowIds.get(person.window)!,
            photoRef: person.photo,
            title: person.title,
            duties: person.duties,
            backupStaffId: person.backup === undefined ? null : staffIds.get(person.backup)!,
          }),
        );
        staffIds.set(person.employeeNo, staff.id);
        summary.staff += 1;
      }
      const chain = department.leaderChain;
      if (chain) {
        await asEntry(at('departments', i, 'leaderChain'), () =>
          service.setLeaderChain(rid(`chain-${department.code}`), {
            departmentId,
            chiefRepresentativeId:
              chain.chiefRepresentative === undefined ? null : staffIds.get(chain.chiefRepresentative)!,
            deputyLeaderId: staffIds.get(chain.deputyLeader)!,
            principalLeaderId: staffIds.get(chain.principalLeader)!,
          }),
        );
      }
    }
  }
  return summary;
}
