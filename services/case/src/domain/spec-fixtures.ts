/**
 * Fixtures of the domain specs: two halls of Weifang (the city centre and Kuiwen district) on the national 2026
 * schedule with different opening hours, their people, the items of each kind and intake's acceptance.
 */
import { WorkingCalendar, defaultNationalSchedule } from '@govhall/calendar';
import { caseV1, catalogueItemsV1 as items, intakeEventsV1 } from '@govhall/contracts';
import { ValidationError } from '@govhall/kit';
import { act } from './actions';
import type { Case, CaseActor, CaseEnvironment, StaffMember, Transition } from './model';
import { openCase, type OpeningPlace } from './opening';

/** Local time in China. */
export const cst = (local: string): Date => new Date(`${local}+08:00`);

/** Accepted on Monday 2 March 2026, 10:00. */
export const T0 = cst('2026-03-02T10:00');
/** T0 + 10 working days (the promised limit): Monday 16 March, close of business. */
export const PROMISED_AT = cst('2026-03-16T17:30');

export const HALL = { city: 'hall-weifang', county: 'hall-kuiwen' } as const;
const REGIONS: Readonly<Record<string, string>> = { [HALL.city]: '370700', [HALL.county]: '370705' };

export const DEPT = {
  market: 'dept-scjg',
  countyMarket: 'dept-kw-scjg',
  dev: 'dept-fgw',
  land: 'dept-zrzy',
  build: 'dept-zjj',
  env: 'dept-sthj',
  police: 'dept-gaj',
} as const;
const DEPARTMENT_NAMES: Readonly<Record<string, string>> = {
  [DEPT.market]: '潍坊市市场监督管理局',
  [DEPT.countyMarket]: '奎文区市场监督管理局',
  [DEPT.dev]: '潍坊市发展和改革委员会',
  [DEPT.land]: '潍坊市自然资源和规划局',
  [DEPT.build]: '潍坊市住房和城乡建设局',
  [DEPT.env]: '潍坊市生态环境局',
};

const schedules = [defaultNationalSchedule(2026)];
const CALENDARS: Readonly<Record<string, WorkingCalendar>> = {
  // City: 08:30–12:00, 14:00–17:30 (7 h a day).
  [HALL.city]: new WorkingCalendar({
    regionCode: '370700',
    workingHours: {
      periods: [
        { start: '08:30', end: '12:00' },
        { start: '14:00', end: '17:30' },
      ],
    },
    schedules,
  }),
  // Kuiwen closes at 17:00, so a due time shows which hall's calendar counted it.
  [HALL.county]: new WorkingCalendar({
    regionCode: '370705',
    workingHours: {
      periods: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '17:00' },
      ],
    },
    schedules,
  }),
};

export function calendarOf(hallId: string): WorkingCalendar {
  const calendar = CALENDARS[hallId];
  if (!calendar) throw new Error(`no calendar for hall ${hallId}`);
  return calendar;
}

const person = (staffId: string, roles: string[], departmentId: string = DEPT.market, hallId: string = HALL.city) => ({
  staffId,
  roles,
  departmentId,
  hallId,
});

/** The people of the specs: city market regulation, Kuiwen, the joint departments and an outsider. */
export const people = {
  clerk: person('clerk-wang', ['clerk']),
  reviewer: person('rev-li', ['reviewer']),
  reviewer2: person('rev-zhao', ['reviewer']),
  verifier: person('chief-sun', ['chief_representative']),
  approver: person('appr-zhou', ['approver']),
  leader: person('leader-wu', ['deputy_leader']),
  principal: person('leader-zheng', ['principal_leader']),
  /** An approver of another department of the same hall. */
  police: person('appr-qian', ['approver'], DEPT.police),
  /** Same department code, other hall. */
  countyApprover: person('appr-kw', ['approver'], DEPT.market, HALL.county),
  countyClerk: person('clerk-kw', ['clerk'], DEPT.countyMarket, HALL.county),
  countyReviewer: person('rev-kw', ['reviewer'], DEPT.countyMarket, HALL.county),
  devReviewer: person('rev-fgw', ['reviewer'], DEPT.dev),
  devApprover: person('appr-fgw', ['approver'], DEPT.dev),
  devLeader: person('leader-fgw', ['deputy_leader'], DEPT.dev),
  landClerk: person('clerk-zrzy', ['clerk'], DEPT.land),
  landApprover: person('appr-zrzy', ['approver'], DEPT.land),
  buildApprover: person('appr-zjj', ['approver'], DEPT.build),
  envApprover: person('appr-sthj', ['approver'], DEPT.env),
} satisfies Record<string, CaseActor>;

const STAFF: readonly StaffMember[] = [
  ...Object.values(people).map((p) => ({
    id: p.staffId,
    hallId: p.hallId,
    departmentId: p.departmentId,
    roles: p.roles,
    active: true,
  })),
  { id: 'rev-left', hallId: HALL.city, departmentId: DEPT.market, roles: ['reviewer'], active: false },
];

export interface EnvironmentOptions {
  readonly now?: Date;
  /** The case settings of every hall (SetHallCaseSettings); default: none set. */
  readonly settings?: Partial<caseV1.HallCaseSettings>;
  /** Whether this deployment serves a hall; default: every hall. */
  readonly servesHall?: (hallId: string) => boolean;
}

export interface TestEnvironment extends CaseEnvironment {
  /** The same environment (ids continue) at another instant. */
  at(now: Date): TestEnvironment;
}

export function environment(options: EnvironmentOptions = {}): TestEnvironment {
  let counter = 0;
  const build = (now: Date): TestEnvironment => ({
    now,
    calendarOf,
    settingsOf: (hallId) => caseV1.HallCaseSettings.fromPartial({ ...options.settings, hallId }),
    newId: () => `id-${(counter += 1)}`,
    servesHall: options.servesHall ?? (() => true),
    regionOf: (hallId) => REGIONS[hallId] ?? '',
    staff: (staffId) => STAFF.find((s) => s.id === staffId),
    departmentName: (departmentId) => DEPARTMENT_NAMES[departmentId] ?? '',
    at: build,
  });
  return build(options.now ?? T0);
}

export const workingDays = (amount: number): items.TimeLimit => ({
  amount,
  unit: items.LimitUnit.LIMIT_UNIT_WORKING_DAYS,
});

const S = items.ProcessStage;

/** 食品经营许可 of the city market regulation bureau: 承诺件, 审核合一, 10 working days promised. */
export function item(content: Partial<items.ItemContent> = {}): items.Item {
  return items.Item.fromPartial({
    id: 'item-food',
    version: 3,
    status: items.ItemStatus.ITEM_STATUS_PUBLISHED,
    content: {
      name: '食品经营许可',
      departmentId: DEPT.market,
      itemType: items.ItemType.ITEM_TYPE_LICENSING,
      caseType: items.CaseType.CASE_TYPE_PROMISED,
      reviewMode: items.ReviewMode.REVIEW_MODE_SINGLE,
      statutoryLimit: workingDays(20),
      promisedLimit: workingDays(10),
      stageBudgets: [
        { stage: S.PROCESS_STAGE_PRE_REVIEW, limit: workingDays(1) },
        { stage: S.PROCESS_STAGE_REVIEW, limit: workingDays(3) },
        { stage: S.PROCESS_STAGE_VERIFY, limit: workingDays(1) },
        { stage: S.PROCESS_STAGE_APPROVE, limit: workingDays(2) },
        { stage: S.PROCESS_STAGE_ISSUE, limit: workingDays(1) },
      ],
      result: { name: '食品经营许可证', kind: items.ResultKind.RESULT_KIND_CERTIFICATE },
      ...content,
    },
  });
}

/** 一费制: the item charging a fixed 登记费 of 80 yuan (8000 fen). */
export const feeItem = (content: Partial<items.ItemContent> = {}): items.Item =>
  item({
    free: false,
    feeItems: [
      items.FeeItem.fromPartial({
        code: 'F01',
        name: '登记费',
        kind: items.FeeKind.FEE_KIND_FIXED,
        amountFen: 8000,
        receivingDepartmentId: DEPT.market,
      }),
    ],
    ...content,
  });

export const reviewVerifyItem = (): items.Item => item({ reviewMode: items.ReviewMode.REVIEW_MODE_REVIEW_VERIFY });

export const immediateItem = (): items.Item =>
  item({ name: '食品经营许可证补办', caseType: items.CaseType.CASE_TYPE_IMMEDIATE });

export const reportedItem = (): items.Item =>
  item({ reported: items.Reporting.fromPartial({ upperAuthority: '山东省市场监督管理局' }) });

export const commitmentItem = (): items.Item => item({ notificationCommitment: true });

/**
 * 企业投资项目并联审批, led by 发改: 用地预审 (LAND) and 环评 (EIA) in parallel, 规划许可 (PLAN) after LAND.
 */
export const jointItem = (): items.Item =>
  item({
    name: '企业投资项目并联审批',
    departmentId: DEPT.dev,
    caseType: items.CaseType.CASE_TYPE_JOINT,
    joint: items.JointProcess.fromPartial({
      leadDepartmentId: DEPT.dev,
      subItems: [
        { code: 'LAND', name: '建设项目用地预审', departmentId: DEPT.land, itemId: 'item-land', limit: workingDays(5) },
        {
          code: 'PLAN',
          name: '建设工程规划许可',
          departmentId: DEPT.build,
          itemId: 'item-plan',
          limit: workingDays(3),
        },
        { code: 'EIA', name: '环境影响评价审批', departmentId: DEPT.env, itemId: 'item-eia', limit: workingDays(4) },
      ],
      edges: [{ subItem: 'PLAN', dependsOn: 'LAND' }],
    }),
  });

export const CASE_ID = 'case-0001';
export const CASE_NUMBER = 'SL2026030200123';

/** intake's `accepted` of the item at the city hall's window 3, by clerk Wang, at T0. */
export function accepted(
  of: items.Item = item(),
  over: Partial<intakeEventsV1.Accepted> = {},
): intakeEventsV1.Accepted {
  return intakeEventsV1.Accepted.fromPartial({
    caseId: CASE_ID,
    caseNumber: CASE_NUMBER,
    registrationId: 'reg-0045',
    registrationNumber: 'DJ2026030200045',
    item: of,
    applicantId: 'applicant-1',
    applicantName: '潍坊**餐饮有限公司',
    acceptedAt: T0,
    promisedLimit: workingDays(10),
    promisedAt: PROMISED_AT,
    hallId: HALL.city,
    departmentId: DEPT.market,
    windowId: 'window-3',
    handlerStaffId: people.clerk.staffId,
    projectName: '',
    ...over,
  });
}

/** Approved where accepted, by the city market regulation bureau. */
export function place(over: Partial<OpeningPlace> = {}): OpeningPlace {
  return {
    acceptingDepartmentId: DEPT.market,
    approvingHallId: HALL.city,
    approvingDepartmentId: DEPT.market,
    leadDepartmentId: '',
    regionCode: '370700',
    ...over,
  };
}

/** 市县联动: accepted by Kuiwen's clerk, approved by the city bureau. */
export const crossTier = {
  accepted: (of: items.Item = item()) =>
    accepted(of, {
      hallId: HALL.county,
      departmentId: DEPT.countyMarket,
      windowId: 'kw-window-1',
      handlerStaffId: people.countyClerk.staffId,
    }),
  place: place({ acceptingDepartmentId: DEPT.countyMarket, regionCode: '370705' }),
};

/** The case as the store keeps it after a change: the version counted. */
export const bump = (t: Transition): Case => ({ ...t.case, version: t.case.version + 1 });

/** A case opened (not completed on the spot) and stored. */
export function opened(
  of: items.Item = item(),
  env: CaseEnvironment = environment(),
  options: { accepted?: Partial<intakeEventsV1.Accepted>; place?: Partial<OpeningPlace> } = {},
): Case {
  return bump(openCase(accepted(of, options.accepted), place(options.place), env, false));
}

type Actions = Omit<caseV1.ActRequest, 'requestId' | 'caseId' | 'expectedVersion'>;
/** One action of an ActRequest, its fields partial (the rest take their proto defaults). */
export type ActionInput = { [K in keyof Actions]?: Partial<NonNullable<Actions[K]>> };

export function request(action: ActionInput): caseV1.ActRequest {
  return caseV1.ActRequest.fromPartial({ requestId: 'req-1', caseId: CASE_ID, ...action } as caseV1.ActRequest);
}

/** Runs one action. */
export function step(c: Case, action: ActionInput, actor: CaseActor, env: CaseEnvironment): Transition {
  return act(c, request(action), actor, env);
}

/** Runs one action and stores its result. */
export function apply(c: Case, action: ActionInput, actor: CaseActor, env: CaseEnvironment): Case {
  return bump(step(c, action, actor, env));
}

/** The request fields a ValidationError names; fails when the call does not throw one. */
export function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations.map((v) => v.field);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

type Draft = Transition['events'][number];
type PayloadByName = { [D in Draft as D['name']]: D['payload'] };

export const eventNames = (t: Transition): string[] => t.events.map((e) => e.name);

/** The payload of the only event of that name. */
export function eventOf<N extends Draft['name']>(t: Transition, name: N): PayloadByName[N] {
  const found = t.events.filter((e) => e.name === name);
  const only = found[0];
  if (found.length !== 1 || !only) throw new Error(`expected one ${name} event, got ${found.length}`);
  return only.payload as PayloadByName[N];
}

export const lastStage = (c: Case): caseV1.StageRecord => {
  const stage = c.stages[c.stages.length - 1];
  if (!stage) throw new Error('the case has no stage');
  return stage;
};

/** The part (subtask) of that code; fails when the case has none. */
export const part = (c: Case | undefined, code: string): caseV1.Subtask => {
  const found = c?.subtasks.find((s) => s.code === code);
  if (!found) throw new Error(`no part ${code}`);
  return found;
};

/** Each part's status by its code. */
export const statuses = (c: Case | undefined) => Object.fromEntries(c!.subtasks.map((s) => [s.code, s.status]));
