import { localDateOf } from '@govhall/calendar';
import { evaluationV1 as pb } from '@govhall/contracts';
import { NotFoundError, type Actor, type Clock } from '@govhall/kit';
import type { AssessmentService } from '../app/assessment-service';
import type { EvaluationService } from '../app/evaluation-service';
import type { CaseRecord } from '../domain/cases';
import { zhangzhouRules } from '../domain/reference-rules';

// The embedded start's evaluation demo, in the city hall of the demo (Weifang 370700), over the case demo's
// completed cases (services/case/demo/cases.yaml): the 食品经营许可 mailed out is rated 非常满意 on the window's
// device; the 个体工商户设立 collected at B01 is rated 不满意 on the web under the applicant's name, which opens a
// rectification for the clerk who served and a return visit task (100% of real-name bad reviews). A 12345 hotline
// complaint about B01 is under investigation. Last month is assessed by Zhangzhou's rules (the facts below and
// whatever timing's cards put in it), closed and published with its best staff and red-flag windows. Every step
// has a fixed request id, so a second start on the same data folder changes nothing.

/** What the demo needs of the case demo: its cases by key, its halls by key, staff ids by employee number. */
export interface EvaluationDemoCases {
  readonly byKey: ReadonlyMap<string, { readonly caseId: string; readonly caseNumber: string }>;
  readonly hallIds: Readonly<Record<string, string>>;
  readonly staffIds: ReadonlyMap<string, string>;
}

export interface EvaluationDemo {
  /** The banner's line. */
  readonly line: string;
  /** The assessed month (YYYY-MM), for the `try:` lines. */
  readonly month: string;
  /** Ids no public list answers (rectification, return visit, complaint): the random-input sweep seeds with them. */
  readonly ids: readonly string[];
}

/** The case rated 非常满意 on the window's device. */
const GOOD_CASE = 'food-business-completed';
/** The case rated 不满意 under the applicant's name. */
const BAD_CASE = 'company-setup-archived';
/** How long the demo waits for the service to read the case demo's completions off the case stream. */
const CATCH_UP_MS = 60_000;

const SUPERVISOR = '700GLB03';
const ADMINISTRATOR = '700GLB07';
const FRONT_DESK = '700GLB01';

const INDICATORS = ['整体满意度', '服务效率', '服务水平', '服务态度'] as const;
const L = pb.RatingLevel;
const scoresOf = (...levels: pb.RatingLevel[]): pb.IndicatorScore[] =>
  INDICATORS.map((indicator, i) => ({ indicator, level: levels[i] ?? levels[0]! }));

/** Last month's facts the centre enters (Zhangzhou's codes): [employee number, code, day of month, quantity, note]. */
const ENTERED_FACTS: readonly (readonly [
  employeeNo: string,
  code: string,
  day: number,
  quantity: number,
  note: string,
])[] = [
  ['700ZRZY01', 'praise_letter', 6, 1, '群众来信表扬耐心指导填报'],
  ['700ZRZY01', 'banner', 18, 1, '企业赠送锦旗“高效服务 情系企业”'],
  ['700ZJJ01', 'information_submission', 20, 2, '政务信息两篇被市政务服务管理局采用'],
  ['700GAJ01', 'helping_other_post', 12, 2, '协助综合受理窗口高峰分流'],
  ['700FGW01', 'late', 9, 1, '迟到15分钟'],
  ['700RSJ01', 'discipline', 16, 1, '工作时间玩手机'],
  ['700GAJ01', 'staff_vote', 28, 6, '月度民主测评'],
  ['700ZRZY01', 'staff_vote', 28, 4, '月度民主测评'],
];

/** The month before `day`'s (YYYY-MM). */
function monthBefore(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** What `read` answers, or undefined where it finds nothing. */
async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Loads the demo's ratings, rectification, complaint and published month; answers the banner's line. */
export async function loadEvaluationDemo(
  services: { readonly service: EvaluationService; readonly assessment: AssessmentService },
  cases: EvaluationDemoCases,
  regionCode: string,
  clock: Clock,
): Promise<EvaluationDemo> {
  const { service, assessment } = services;
  const city = cases.hallIds['city'];
  const month = monthBefore(localDateOf(clock.now()));
  if (!city) return { line: 'evaluation (好差评): no city hall in the demo', month, ids: [] };
  const staffId = (employeeNo: string): string => {
    const id = cases.staffIds.get(employeeNo);
    if (!id) throw new Error(`the evaluation demo needs staff member ${employeeNo} in the demo directory`);
    return id;
  };
  const asStaff = (employeeNo: string, roles: string[]): Actor => ({
    kind: 'staff',
    staffId: staffId(employeeNo),
    roles,
    departmentId: null,
    hallId: city,
    regionCode,
  });
  const supervisor = asStaff(SUPERVISOR, ['supervisor']);
  const administrator = asStaff(ADMINISTRATOR, ['administrator']);
  const frontDesk = asStaff(FRONT_DESK, ['front_desk']);
  const gateway: Actor = { kind: 'service', service: 'gateway' };

  const completed = async (key: string): Promise<CaseRecord | undefined> => {
    const ref = cases.byKey.get(key);
    if (!ref) return undefined;
    const until = Date.now() + CATCH_UP_MS;
    let record = await service.completedCase(ref.caseId);
    while (!record && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      record = await service.completedCase(ref.caseId);
    }
    return record;
  };
  const good = await completed(GOOD_CASE);
  const bad = await completed(BAD_CASE);
  const ids: string[] = [];

  if (good) {
    await service.rate(
      gateway,
      pb.RateRequest.fromPartial({
        requestId: `demo-evaluation-rate-${GOOD_CASE}`,
        caseId: good.caseId,
        channel: pb.RatingChannel.RATING_CHANNEL_WINDOW_DEVICE,
        scores: scoresOf(L.RATING_LEVEL_VERY_SATISFIED),
        windowId: good.windowId,
        staffId: good.staffId,
      }),
    );
    // A routine return visit (回访) by phone: counted by channel, not tied to a bad review.
    await service.recordReturnVisit(
      supervisor,
      pb.RecordReturnVisitRequest.fromPartial({
        requestId: `demo-evaluation-visit-${GOOD_CASE}`,
        hallId: city,
        caseId: good.caseId,
        channel: pb.ReturnVisitChannel.RETURN_VISIT_CHANNEL_PHONE,
        outcome: '电话回访，企业对许可证邮寄送达表示满意',
        satisfied: true,
      }),
    );
  }
  if (bad) {
    const rated = await service.rate(
      gateway,
      pb.RateRequest.fromPartial({
        requestId: `demo-evaluation-rate-${BAD_CASE}`,
        caseId: bad.caseId,
        channel: pb.RatingChannel.RATING_CHANNEL_WEB,
        scores: scoresOf(
          L.RATING_LEVEL_DISSATISFIED,
          L.RATING_LEVEL_DISSATISFIED,
          L.RATING_LEVEL_BASICALLY_SATISFIED,
          L.RATING_LEVEL_DISSATISFIED,
        ),
        comment: '第一次来被告知材料不全，但没有一次性告知需补哪些材料，多跑了一趟',
        rater: { name: '郑雨桐', phone: '13805360324' },
      }),
    );
    if (rated.rectificationId) ids.push(rated.rectificationId);
    const { complaint } = await service.fileComplaint(
      frontDesk,
      pb.FileComplaintRequest.fromPartial({
        requestId: 'demo-evaluation-complaint-hotline',
        hallId: city,
        channel: pb.ComplaintChannel.COMPLAINT_CHANNEL_HOTLINE,
        content: '12345热线转办：群众反映B01窗口中午12点前半小时无人值守，等候约30分钟无人受理',
        complainantName: '刘建华',
        complainantPhone: '13905367788',
        windowId: bad.windowId,
        staffId: bad.staffId,
      }),
    );
    if (complaint) {
      ids.push(complaint.id);
      if (complaint.step === pb.ComplaintStep.COMPLAINT_STEP_ACCEPTED)
        await service.advanceComplaint(supervisor, {
          requestId: 'demo-evaluation-complaint-hotline-investigated',
          id: complaint.id,
          step: pb.ComplaintStep.COMPLAINT_STEP_INVESTIGATED,
          note: '已调阅窗口视频，正在核实当日排班情况',
          substantiated: false,
        });
    }
  }

  // Last month by Zhangzhou's rules: set once, facts entered, closed and published.
  const rules = await unlessNotFound(assessment.getAssessmentRules(supervisor, { hallId: city, month: '' }));
  if (!rules)
    await assessment.setAssessmentRules(administrator, {
      requestId: 'demo-evaluation-rules-city',
      rules: zhangzhouRules(city),
    });
  let published = (await unlessNotFound(assessment.getMonth(supervisor, { hallId: city, month })))?.month;
  if (published?.status !== pb.MonthStatus.MONTH_STATUS_PUBLISHED) {
    await assessment.recordAssessmentFacts(supervisor, {
      requestId: `demo-evaluation-facts-${month}`,
      hallId: city,
      facts: ENTERED_FACTS.map(([employeeNo, code, day, quantity, note]) =>
        pb.FactInput.fromPartial({
          code,
          day: `${month}-${String(day).padStart(2, '0')}`,
          staffId: staffId(employeeNo),
          quantity,
          note,
        }),
      ),
    });
    if (published?.status !== pb.MonthStatus.MONTH_STATUS_CLOSED)
      await assessment.closeMonth(supervisor, { requestId: `demo-evaluation-close-${month}`, hallId: city, month });
    published = (
      await assessment.publishMonth(supervisor, { requestId: `demo-evaluation-publish-${month}`, hallId: city, month })
    ).month;
  }

  const ratings = (
    await service.listRatings(supervisor, pb.ListRatingsRequest.fromPartial({ hallId: city, pageSize: 200 }))
  ).ratings;
  const open = (
    await service.listRectifications(
      supervisor,
      pb.ListRectificationsRequest.fromPartial({
        hallId: city,
        status: pb.RectificationStatus.RECTIFICATION_STATUS_OPEN,
        pageSize: 200,
      }),
    )
  ).rectifications;
  const visits = (
    await service.listReturnVisits(
      supervisor,
      pb.ListReturnVisitsRequest.fromPartial({
        hallId: city,
        status: pb.ReturnVisitStatus.RETURN_VISIT_STATUS_PENDING,
        pageSize: 200,
      }),
    )
  ).visits;
  ids.push(...visits.map((v) => v.id));
  const complaints = (
    await service.listComplaints(
      supervisor,
      pb.ListComplaintsRequest.fromPartial({ hallId: city, openOnly: true, pageSize: 200 }),
    )
  ).complaints;
  const best = published?.staff.filter((s) => s.bestStaff).length ?? 0;
  const redFlags = published?.windows.filter((w) => w.redFlag).length ?? 0;
  const line =
    `evaluation (好差评): ${ratings.length} rating(s) in the city hall (${ratings.filter((r) => r.bad).length} bad), ` +
    `${open.length} open rectification(s) (整改), ${visits.length} return visit(s) to make (回访), ` +
    `${complaints.length} open complaint(s) (投诉); ${month} assessed by Zhangzhou's rules (月考核): ` +
    `${published?.staff.length ?? 0} staff, ${best} best staff (服务标兵), ${redFlags} red-flag windows (红旗窗口), ` +
    (published?.status === pb.MonthStatus.MONTH_STATUS_PUBLISHED ? 'published' : 'not published');
  return { line, month, ids: [...new Set(ids)] };
}
