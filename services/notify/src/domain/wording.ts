/** How values read in an SMS: China time, Chinese names of stages, clocks and procedures, durations. */
import { UTC_OFFSET_MS } from '@govhall/calendar';
import { caseV1, catalogueItemsV1, timingV1 } from '@govhall/contracts';

const Stage = catalogueItemsV1.ProcessStage;
const STAGE_NAMES: Partial<Record<catalogueItemsV1.ProcessStage, string>> = {
  [Stage.PROCESS_STAGE_ACCEPT]: '受理环节',
  [Stage.PROCESS_STAGE_PRE_REVIEW]: '初审环节',
  [Stage.PROCESS_STAGE_REVIEW]: '审核环节',
  [Stage.PROCESS_STAGE_VERIFY]: '核准环节',
  [Stage.PROCESS_STAGE_APPROVE]: '审批环节',
  [Stage.PROCESS_STAGE_ISSUE]: '发证环节',
  [Stage.PROCESS_STAGE_ARCHIVE]: '归档环节',
};

const Kind = timingV1.ClockKind;
const CLOCK_NAMES: Partial<Record<timingV1.ClockKind, string>> = {
  [Kind.CLOCK_KIND_ACCEPTANCE]: '受理时限',
  [Kind.CLOCK_KIND_PROMISED]: '承诺办结时限',
  [Kind.CLOCK_KIND_STATUTORY]: '法定办结时限',
  [Kind.CLOCK_KIND_SUBTASK]: '联办环节时限',
};

const Procedure = caseV1.SpecialProcedureKind;
const PROCEDURE_NAMES: Partial<Record<caseV1.SpecialProcedureKind, string>> = {
  [Procedure.SPECIAL_PROCEDURE_KIND_HEARING]: '听证',
  [Procedure.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW]: '专家评审',
  [Procedure.SPECIAL_PROCEDURE_KIND_INSPECTION]: '现场勘查',
  [Procedure.SPECIAL_PROCEDURE_KIND_TESTING]: '检测',
  [Procedure.SPECIAL_PROCEDURE_KIND_APPRAISAL]: '鉴定',
  [Procedure.SPECIAL_PROCEDURE_KIND_QUARANTINE]: '检疫',
  [Procedure.SPECIAL_PROCEDURE_KIND_TENDER]: '招标拍卖',
  [Procedure.SPECIAL_PROCEDURE_KIND_MISSING_MATERIAL_SUPPLEMENT]: '容缺材料补齐',
};

/** The stage a clock or card is of, e.g. 审核环节; the clock's own name for case-level clocks. */
export function stageWording(stage: catalogueItemsV1.ProcessStage, clockKind?: timingV1.ClockKind): string {
  const clockName = clockKind === undefined || clockKind === Kind.CLOCK_KIND_STAGE ? undefined : CLOCK_NAMES[clockKind];
  if (clockName) return clockName;
  return STAGE_NAMES[stage] ?? '办理环节';
}

export function clockWording(kind: timingV1.ClockKind, stage: catalogueItemsV1.ProcessStage): string {
  return kind === Kind.CLOCK_KIND_STAGE ? `${stageWording(stage)}时限` : (CLOCK_NAMES[kind] ?? '办理时限');
}

export function procedureWording(kind: caseV1.SpecialProcedureKind): string {
  return PROCEDURE_NAMES[kind] ?? '特别';
}

function china(instant: Date): { y: number; mo: number; d: number; h: number; mi: number } {
  const t = new Date(instant.getTime() + UTC_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
  };
}
const two = (n: number) => String(n).padStart(2, '0');

/** 2026年10月20日 (China time). */
export function dateWording(instant: Date): string {
  const t = china(instant);
  return `${t.y}年${t.mo}月${t.d}日`;
}

/** 2026年12月4日 for the calendar date 2026-12-04 (an appointment's day). */
export function calendarDateWording(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return y && m && d ? `${y}年${m}月${d}日` : isoDate;
}

/** 10月20日 14:30 (China time). */
export function dateTimeWording(instant: Date): string {
  const t = china(instant);
  return `${t.mo}月${t.d}日 ${two(t.h)}:${two(t.mi)}`;
}

/** Working time in hours (a hall's working day varies, hours do not): 3.5个工作小时, 45分钟. */
export function workingDurationWording(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes}分钟`;
  const hours = Math.round((minutes / 60) * 10) / 10;
  return `${hours}个工作小时`;
}
