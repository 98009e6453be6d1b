import { caseV1, catalogueItemsV1, timingV1 } from '@govhall/contracts';
import {
  calendarDateWording,
  clockWording,
  dateTimeWording,
  dateWording,
  procedureWording,
  stageWording,
  workingDurationWording,
} from './wording';

const Stage = catalogueItemsV1.ProcessStage;
const Kind = timingV1.ClockKind;
const Procedure = caseV1.SpecialProcedureKind;
const MINUTE = 60_000;

describe('dates, in China time', () => {
  it('writes the China date of an instant across UTC midnight', () => {
    // 16:30 UTC on the 19th is 00:30 on the 20th in China.
    expect(dateWording(new Date('2026-10-19T16:30:00Z'))).toBe('2026年10月20日');
    expect(dateWording(new Date('2026-10-19T15:59:59Z'))).toBe('2026年10月19日');
    expect(dateWording(new Date('2026-10-20T15:59:59Z'))).toBe('2026年10月20日');
    expect(dateWording(new Date('2026-12-31T16:00:00Z'))).toBe('2027年1月1日');
  });

  it('writes month and day without zeros, the time with them', () => {
    expect(dateTimeWording(new Date('2026-10-19T16:05:00Z'))).toBe('10月20日 00:05');
    expect(dateTimeWording(new Date('2026-01-05T01:02:00Z'))).toBe('1月5日 09:02');
    expect(dateTimeWording(new Date('2026-10-12T09:30:00+08:00'))).toBe('10月12日 09:30');
    expect(dateTimeWording(new Date('2026-10-12T23:59:00+08:00'))).toBe('10月12日 23:59');
  });

  it('writes a calendar date (an appointment’s day) as it stands, without zeros', () => {
    expect(calendarDateWording('2026-12-04')).toBe('2026年12月4日');
    expect(calendarDateWording('2027-01-10')).toBe('2027年1月10日');
    expect(calendarDateWording('not a date')).toBe('not a date');
  });
});

describe('workingDurationWording', () => {
  it('writes under an hour in minutes', () => {
    expect(workingDurationWording(45 * MINUTE)).toBe('45分钟');
    expect(workingDurationWording(59 * MINUTE)).toBe('59分钟');
    expect(workingDurationWording(90_000)).toBe('2分钟');
  });

  it('writes at least one minute', () => {
    expect(workingDurationWording(0)).toBe('1分钟');
    expect(workingDurationWording(20_000)).toBe('1分钟');
  });

  it('writes an hour or more in working hours with one decimal', () => {
    expect(workingDurationWording(60 * MINUTE)).toBe('1个工作小时');
    expect(workingDurationWording(90 * MINUTE)).toBe('1.5个工作小时');
    expect(workingDurationWording(200 * MINUTE)).toBe('3.3个工作小时');
    expect(workingDurationWording(8 * 60 * MINUTE)).toBe('8个工作小时');
    expect(workingDurationWording(40 * 60 * MINUTE)).toBe('40个工作小时');
  });

  it('rounds to the minute first: 59 min 40 s is an hour', () => {
    expect(workingDurationWording(59 * MINUTE + 40_000)).toBe('1个工作小时');
  });

  it('writes an overdue (negative) duration by its size', () => {
    expect(workingDurationWording(-45 * MINUTE)).toBe('45分钟');
    expect(workingDurationWording(-90 * MINUTE)).toBe('1.5个工作小时');
  });
});

describe('names', () => {
  it('names stages', () => {
    expect(stageWording(Stage.PROCESS_STAGE_ACCEPT)).toBe('受理环节');
    expect(stageWording(Stage.PROCESS_STAGE_PRE_REVIEW)).toBe('初审环节');
    expect(stageWording(Stage.PROCESS_STAGE_REVIEW)).toBe('审核环节');
    expect(stageWording(Stage.PROCESS_STAGE_VERIFY)).toBe('核准环节');
    expect(stageWording(Stage.PROCESS_STAGE_APPROVE)).toBe('审批环节');
    expect(stageWording(Stage.PROCESS_STAGE_ISSUE)).toBe('发证环节');
    expect(stageWording(Stage.PROCESS_STAGE_ARCHIVE)).toBe('归档环节');
    expect(stageWording(Stage.PROCESS_STAGE_UNSPECIFIED)).toBe('办理环节');
  });

  it('names a case-level clock by itself, a stage clock by its stage', () => {
    expect(stageWording(Stage.PROCESS_STAGE_REVIEW, Kind.CLOCK_KIND_STAGE)).toBe('审核环节');
    expect(stageWording(Stage.PROCESS_STAGE_REVIEW, Kind.CLOCK_KIND_PROMISED)).toBe('承诺办结时限');
    expect(stageWording(Stage.PROCESS_STAGE_UNSPECIFIED, Kind.CLOCK_KIND_ACCEPTANCE)).toBe('受理时限');
    expect(stageWording(Stage.PROCESS_STAGE_APPROVE, Kind.CLOCK_KIND_STATUTORY)).toBe('法定办结时限');
    expect(stageWording(Stage.PROCESS_STAGE_VERIFY, Kind.CLOCK_KIND_SUBTASK)).toBe('联办环节时限');
    expect(stageWording(Stage.PROCESS_STAGE_REVIEW, Kind.CLOCK_KIND_UNSPECIFIED)).toBe('审核环节');
  });

  it('names clocks', () => {
    expect(clockWording(Kind.CLOCK_KIND_STAGE, Stage.PROCESS_STAGE_APPROVE)).toBe('审批环节时限');
    expect(clockWording(Kind.CLOCK_KIND_STAGE, Stage.PROCESS_STAGE_UNSPECIFIED)).toBe('办理环节时限');
    expect(clockWording(Kind.CLOCK_KIND_PROMISED, Stage.PROCESS_STAGE_REVIEW)).toBe('承诺办结时限');
    expect(clockWording(Kind.CLOCK_KIND_STATUTORY, Stage.PROCESS_STAGE_REVIEW)).toBe('法定办结时限');
    expect(clockWording(Kind.CLOCK_KIND_ACCEPTANCE, Stage.PROCESS_STAGE_ACCEPT)).toBe('受理时限');
    expect(clockWording(Kind.CLOCK_KIND_UNSPECIFIED, Stage.PROCESS_STAGE_REVIEW)).toBe('办理时限');
  });

  it('names special procedures', () => {
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_HEARING)).toBe('听证');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW)).toBe('专家评审');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_INSPECTION)).toBe('现场勘查');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_TESTING)).toBe('检测');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_APPRAISAL)).toBe('鉴定');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_QUARANTINE)).toBe('检疫');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_TENDER)).toBe('招标拍卖');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_MISSING_MATERIAL_SUPPLEMENT)).toBe('容缺材料补齐');
    expect(procedureWording(Procedure.SPECIAL_PROCEDURE_KIND_UNSPECIFIED)).toBe('特别');
  });
});
