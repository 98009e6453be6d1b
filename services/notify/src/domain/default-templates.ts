import type { TemplateDraft } from './templates';

/**
 * The first version of every template the events send. They carry no provider ids: a hall submits the texts for
 * approval at its providers and saves the next version with the ids and signature it was given (SaveTemplate);
 * until then only the embedded start's file provider sends them, and the start-up log names what is missing.
 */
const applicant = (code: string, name: string, text: string, holdInQuietHours = true): TemplateDraft => ({
  code,
  name,
  category: 'notification',
  audience: 'applicant',
  text,
  holdInQuietHours,
  providers: [],
});
const staff = (code: string, name: string, text: string, holdInQuietHours: boolean): TemplateDraft => ({
  code,
  name,
  category: 'notification',
  audience: 'staff',
  text,
  holdInQuietHours,
  providers: [],
});

export const TemplateCodes = {
  caseAccepted: 'case_accepted',
  supplementRequested: 'supplement_requested',
  applicationRefused: 'application_refused',
  specialProcedureStarted: 'special_procedure_started',
  caseCompleted: 'case_completed',
  certificateReady: 'certificate_ready',
  pickupReminder: 'pickup_reminder',
  pickupAgreed: 'pickup_agreed',
  expressDispatched: 'express_dispatched',
  appointmentBooked: 'appointment_booked',
  appointmentReminder: 'appointment_reminder',
  applicantTimeWarning: 'applicant_time_warning',
  ratingInvitation: 'rating_invitation',
  handlerReminder: 'handler_reminder',
  preWarning: 'pre_warning',
  yellowCard: 'yellow_card',
  redCard: 'red_card',
  dailySummary: 'daily_summary',
} as const;
export type TemplateCode = (typeof TemplateCodes)[keyof typeof TemplateCodes];

const T = TemplateCodes;
export const DEFAULT_TEMPLATES: readonly TemplateDraft[] = [
  applicant(
    T.caseAccepted,
    '受理通知',
    '您申请的${item}已受理，受理编号${caseNumber}，承诺${promisedDate}前办结。可凭受理编号和查询密码通过${queryHint}查询办理进度。',
  ),
  applicant(
    T.supplementRequested,
    '补正告知',
    '您申请的${item}（登记号${registrationNumber}）需补正材料，请按补正材料通知书一次性补齐后到${hall}办理。',
  ),
  applicant(
    T.applicationRefused,
    '不予受理告知',
    '您申请的${item}（登记号${registrationNumber}）不予受理，理由详见不予受理通知书。如有疑问请致电${complaintPhone}。',
  ),
  applicant(
    T.specialProcedureStarted,
    '特别程序告知',
    '您的办件${caseNumber}（${item}）进入${procedure}程序，所需时间不计入办理时限，程序结束后继续办理。',
  ),
  // Sent on every completion, automatically: an applicant told of a completion they never saw will call.
  applicant(
    T.caseCompleted,
    '办结通知',
    '您的办件${caseNumber}（${item}）已于${completedAt}办结。如您未收到办理结果，请致电${complaintPhone}。',
  ),
  applicant(T.certificateReady, '领证通知', '您申请的${certificate}已制证，请于工作时间持受理通知书到${hall}领取。'),
  applicant(T.pickupReminder, '领证提醒', '提醒：您的${certificate}已可领取，请于${when}到${hall}领取。'),
  applicant(
    T.pickupAgreed,
    '领证时间通知',
    '您的${certificate}领取时间为${pickupAt}，地点${hall}，请持受理通知书按时领取。',
  ),
  applicant(
    T.expressDispatched,
    '证照寄出通知',
    '您的${certificate}已交${company}寄出，运单号${trackingNumber}，请注意查收。',
  ),
  applicant(
    T.appointmentBooked,
    '预约成功',
    '您已预约${date} ${start}-${end}到${hall}办理业务，预约码${code}，请按时到场取号。',
  ),
  applicant(
    T.appointmentReminder,
    '预约提醒',
    '提醒：您预约了${date} ${start}-${end}到${hall}办理业务，预约码${code}。',
  ),
  applicant(
    T.applicantTimeWarning,
    '办理时限提醒',
    '您的办件${caseNumber}（${item}）${clock}将于${dueAt}到期，请留意办理进度。',
  ),
  applicant(
    T.ratingInvitation,
    '评价邀请',
    // The page's address is in the approved template (providers approve fixed link domains); the variable is the
    // evaluation service's signed, single-use token.
    '请对${item}（${caseNumber}）的办理服务作出评价：https://zwfw.example.gov.cn/rate/${token}（仅可评价一次）',
  ),
  staff(T.handlerReminder, '催办', '催办：办件${caseNumber}（${item}）${stage}${state}，请及时办理。', true),
  // Leader alerts go at any hour (Xi'an's pre-warnings, Wuhu's cards).
  staff(
    T.preWarning,
    '预警',
    '预警：${department}办件${caseNumber}（${item}）${stage}剩余${remaining}，请督促办理。',
    false,
  ),
  staff(
    T.yellowCard,
    '黄牌督办',
    '黄牌督办：${department}办件${caseNumber}（${item}）${stage}已超时${overdue}，请督促办理并说明原因。',
    false,
  ),
  staff(
    T.redCard,
    '红牌督办',
    '红牌督办：${department}办件${caseNumber}（${item}）${stage}已超时${overdue}，请立即督办。',
    false,
  ),
  staff(
    T.dailySummary,
    '每日情况通报',
    '每日通报（${date}）：${window}窗口受理${accepted}件，办结${completed}件，催办${reminders}次，黄牌${yellow}张，红牌${red}张。',
    true,
  ),
];
