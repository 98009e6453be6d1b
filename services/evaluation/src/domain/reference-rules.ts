/**
 * Three halls' assessment rules as they are described in their own reports, ready to be set as a hall's rules
 * (each is valid by `rulesViolations`): Zhangzhou's monthly points, Liucheng's weighted indicators, Xi'an's daily
 * scoring. The points of each rule are the reports' where they give them, and reasonable figures where they do not.
 */
import { evaluationV1 as pb } from '@govhall/contracts';

const IM = pb.IndicatorMeasure;
const EFFECTIVE_FROM = '2026-01';

type RuleRow = readonly [code: string, label: string, points: number, cap?: number];
const pointRules = (rows: readonly RuleRow[]): pb.PointRule[] =>
  rows.map(([code, label, points, cap = 0]) => pb.PointRule.fromPartial({ code, label, points, cap }));

/**
 * 漳州: base 100, at most 110 with bonuses; deductions and bonuses per fact, published with their reasons; full
 * marks or more makes a candidate, votes break ties for 5 先进工作者 and 3 红旗窗口; 20% may be 优秀; 200 元 per 100
 * points a month (pro rata), 300 元 for a 先进工作者; a window's month is 20 points of its department's annual score.
 */
export function zhangzhouRules(hallId: string): pb.AssessmentRules {
  return pb.AssessmentRules.fromPartial({
    hallId,
    name: '漳州市行政服务中心窗口工作人员月考评',
    effectiveFrom: EFFECTIVE_FROM,
    method: pb.ScoringMethod.SCORING_METHOD_MONTHLY_POINTS,
    yearAggregation: pb.YearAggregation.YEAR_AGGREGATION_AVERAGE,
    basePoints: 100,
    maxPoints: 110,
    pointRules: pointRules([
      ['yellow_card', '办件超时（黄牌）', -5],
      // A red card follows a yellow one on the same case: 5 more.
      ['red_card', '办件严重超时（红牌）', -5],
      ['charge_above_standard', '违规收费', -5],
      ['rule_breach', '违反办件规定', -3],
      ['complaint_substantiated', '群众投诉属实', -5],
      ['rating_bad', '群众评价不满意', -2],
      ['absent_half_day', '旷工半天', -3],
      ['late', '迟到', -1],
      ['early_leave', '早退', -1],
      ['discipline', '违反在岗、仪容等工作纪律', -2],
      ['video_patrol_finding', '视频巡查发现问题', -2],
      ['praise_letter', '收到表扬信', 2, 6],
      ['banner', '收到锦旗', 3, 6],
      ['helping_other_post', '协助其他岗位工作', 1],
      ['information_submission', '信息投稿被采用', 1, 5],
    ]),
    grades: [
      { grade: '优秀', minPoints: 100 },
      { grade: '合格', minPoints: 80 },
      { grade: '不合格', minPoints: 0 },
    ],
    failingGrade: '不合格',
    awards: { bestStaffCount: 5, redFlagWindowCount: 3, candidatesNeedFullMarks: true, excellentQuotaPercent: 20 },
    bonus: { fenPerHundredPoints: 20_000, bestStaffFen: 30_000 },
    windowPointsInDepartmentAnnual: 20,
  });
}

type IndicatorRow = readonly [
  code: string,
  layer: string,
  category: string,
  name: string,
  weight: number,
  measure: pb.IndicatorMeasure,
  target: number,
  floor: number,
  factCode?: string,
];

const SATISFACTION = '提高群众满意度';
const EFFICIENCY = '提高工作效能';
const PROCESS = '优化内部流程';
const QUALITY = '加强自身素质';

/**
 * 柳城: four layers of weighted indicators (a subset of the 31, weights summing to 100); the first layer's nine
 * indicators are the report's own. One month graded 差 fails the year and removes award eligibility.
 */
export function liuchengRules(hallId: string): pb.AssessmentRules {
  const rows: readonly IndicatorRow[] = [
    ['satisfaction', SATISFACTION, '优质服务', '群众满意度', 12, IM.INDICATOR_MEASURE_SATISFACTION_RATE, 1, 0.9],
    ['complaint_rate', SATISFACTION, '优质服务', '群众投诉率', 8, IM.INDICATOR_MEASURE_COMPLAINT_RATE, 0, 0.05],
    [
      'double_acceptance',
      SATISFACTION,
      '优质服务',
      '两头受理事项',
      5,
      IM.INDICATOR_MEASURE_FACT_COUNT,
      0,
      3,
      'double_acceptance',
    ],
    ['violations', SATISFACTION, '优质服务', '违纪违规人次', 5, IM.INDICATOR_MEASURE_FACT_COUNT, 0, 2, 'violation'],
    [
      'on_site_payment',
      SATISFACTION,
      '方便快捷',
      '现场缴费率',
      4,
      IM.INDICATOR_MEASURE_ENTERED_RATE,
      1,
      0.8,
      'on_site_payment_rate',
    ],
    [
      'commitment_speed_up',
      SATISFACTION,
      '方便快捷',
      '承诺提速率',
      6,
      IM.INDICATOR_MEASURE_COMMITMENT_SPEED_UP,
      0.5,
      0,
    ],
    ['actual_speed_up', SATISFACTION, '方便快捷', '实际办结提速率', 6, IM.INDICATOR_MEASURE_ACTUAL_SPEED_UP, 0.6, 0],
    [
      'disclosure',
      SATISFACTION,
      '公开公正',
      '信息公开率',
      2,
      IM.INDICATOR_MEASURE_ENTERED_RATE,
      1,
      0.9,
      'disclosure_rate',
    ],
    [
      'information_request',
      SATISFACTION,
      '公开公正',
      '政府信息查询受理率',
      2,
      IM.INDICATOR_MEASURE_ENTERED_RATE,
      1,
      0.9,
      'information_request_rate',
    ],
    ['overdue_cases', EFFICIENCY, '按时办结', '超时办件', 10, IM.INDICATOR_MEASURE_FACT_COUNT, 0, 3, 'yellow_card'],
    [
      'instant_completion',
      EFFICIENCY,
      '窗口效能',
      '即办件当场办结率',
      10,
      IM.INDICATOR_MEASURE_ENTERED_RATE,
      1,
      0.8,
      'instant_completion_rate',
    ],
    ['rating_rate', PROCESS, '好差评', '评价率', 8, IM.INDICATOR_MEASURE_RATING_RATE, 0.9, 0.5],
    ['rule_breaches', PROCESS, '流程规范', '违反办件规定', 7, IM.INDICATOR_MEASURE_FACT_COUNT, 0, 3, 'rule_breach'],
    ['absences', QUALITY, '考勤纪律', '旷工（半天）', 6, IM.INDICATOR_MEASURE_FACT_COUNT, 0, 4, 'absent_half_day'],
    ['lateness', QUALITY, '考勤纪律', '迟到', 4, IM.INDICATOR_MEASURE_FACT_COUNT, 0, 6, 'late'],
    [
      'training',
      QUALITY,
      '学习培训',
      '学习培训参加率',
      5,
      IM.INDICATOR_MEASURE_ENTERED_RATE,
      1,
      0.8,
      'training_attendance_rate',
    ],
  ];
  return pb.AssessmentRules.fromPartial({
    hallId,
    name: '柳城县政务服务中心窗口工作人员绩效考评',
    effectiveFrom: EFFECTIVE_FROM,
    method: pb.ScoringMethod.SCORING_METHOD_WEIGHTED_INDICATORS,
    yearAggregation: pb.YearAggregation.YEAR_AGGREGATION_AVERAGE,
    indicators: rows.map(([code, layer, category, name, weight, measure, target, floor, factCode = '']) =>
      pb.Indicator.fromPartial({ code, layer, category, name, weight, measure, target, floor, factCode }),
    ),
    grades: [
      { grade: '优秀', minPoints: 90 },
      { grade: '良好', minPoints: 80 },
      { grade: '合格', minPoints: 60 },
      { grade: '差', minPoints: 0 },
    ],
    failingGrade: '差',
    // 评优选先: those graded 差 are never candidates.
    awards: { bestStaffCount: 3, redFlagWindowCount: 0, candidatesNeedFullMarks: false, excellentQuotaPercent: 0 },
  });
}

/**
 * 西安: 日考核 — every working day 10 points plus that day's situations (a subset of the 38), the month the sum
 * of its days, the year the sum of its months (年终考核的唯一依据); 优秀窗口 and 服务明星 each month.
 */
export function xianRules(hallId: string): pb.AssessmentRules {
  return pb.AssessmentRules.fromPartial({
    hallId,
    name: '西安市政务服务中心窗口及窗口人员日考核',
    effectiveFrom: EFFECTIVE_FROM,
    method: pb.ScoringMethod.SCORING_METHOD_DAILY_POINTS,
    yearAggregation: pb.YearAggregation.YEAR_AGGREGATION_SUM,
    basePoints: 10,
    pointRules: pointRules([
      ['full_authorisation', '部门充分授权', 2, 2],
      ['innovation', '创新工作方式和服务手段', 2],
      ['process_optimisation', '优化办事流程', 2],
      ['leader_guidance', '部门领导到政务中心指导工作', 1, 1],
      ['promotion', '窗口人员提拔晋升', 3],
      ['emergency_handled', '突发问题处理得当', 2],
      ['praise_letter', '受到办事群众表扬', 1, 3],
      ['late', '迟到', -1],
      ['early_leave', '早退', -1],
      ['off_post', '脱岗', -2],
      ['absent_half_day', '旷工半天', -5],
      ['yellow_card', '办件超时', -2],
      ['complaint_substantiated', '服务态度差被投诉', -3],
      ['rating_bad', '群众评价不满意', -1],
      ['return_visit_dissatisfied', '电话回访群众不满意', -2],
      ['video_patrol_finding', '视频巡查发现问题', -1],
      ['charge_above_standard', '违规收费', -5],
    ]),
    grades: [{ grade: '合格', minPoints: 0 }],
    awards: { bestStaffCount: 3, redFlagWindowCount: 2, candidatesNeedFullMarks: false, excellentQuotaPercent: 0 },
  });
}
