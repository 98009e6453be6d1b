import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { evaluationV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';

const L = pb.RatingLevel;
const C = pb.RatingChannel;

/** The hall indicators of GB/T 39734 (窗口服务), the overall one first. */
export const DEFAULT_INDICATORS = ['整体满意度', '服务效率', '服务水平', '服务态度'] as const;

export const LEVEL_WORDING: Readonly<Partial<Record<pb.RatingLevel, string>>> = {
  [L.RATING_LEVEL_UNSPECIFIED]: '',
  [L.RATING_LEVEL_VERY_DISSATISFIED]: '非常不满意',
  [L.RATING_LEVEL_DISSATISFIED]: '不满意',
  [L.RATING_LEVEL_BASICALLY_SATISFIED]: '基本满意',
  [L.RATING_LEVEL_SATISFIED]: '满意',
  [L.RATING_LEVEL_VERY_SATISFIED]: '非常满意',
};

/** A level's number on the five-level scale (非常不满意 1 … 非常满意 5). */
export const levelNumber = (level: pb.RatingLevel): number =>
  [
    L.RATING_LEVEL_VERY_DISSATISFIED,
    L.RATING_LEVEL_DISSATISFIED,
    L.RATING_LEVEL_BASICALLY_SATISFIED,
    L.RATING_LEVEL_SATISFIED,
    L.RATING_LEVEL_VERY_SATISFIED,
  ].indexOf(level) + 1;

/** 差评: ≤ 2 of 5, or 不满意 on the two-level scale. */
export const isBad = (level: pb.RatingLevel): boolean => levelNumber(level) > 0 && levelNumber(level) <= 2;

export function defaultSettings(hallId: string): pb.HallEvaluationSettings {
  return pb.HallEvaluationSettings.fromPartial({
    hallId,
    scale: pb.RatingScale.RATING_SCALE_FIVE_LEVEL,
    indicators: [...DEFAULT_INDICATORS],
    rectificationWorkingDays: 5,
    complaintDeadlines: {
      investigateWorkingDays: 5,
      handleWorkingDays: 5,
      replyWorkingDays: 2,
      archiveWorkingDays: 5,
    },
    ratingLinkValidDays: 7,
    ratingLinkBaseUrl: 'https://zwfw.example.gov.cn/rate/',
    version: 0,
  });
}

/** Fills what a request left out with the defaults. */
export function withDefaults(s: pb.HallEvaluationSettings): pb.HallEvaluationSettings {
  const d = defaultSettings(s.hallId);
  return pb.HallEvaluationSettings.fromPartial({
    ...s,
    scale: s.scale === pb.RatingScale.RATING_SCALE_UNSPECIFIED ? d.scale : s.scale,
    indicators: s.indicators.length > 0 ? s.indicators : d.indicators,
    rectificationWorkingDays: s.rectificationWorkingDays || d.rectificationWorkingDays,
    complaintDeadlines: s.complaintDeadlines ?? d.complaintDeadlines,
    ratingLinkValidDays: s.ratingLinkValidDays || d.ratingLinkValidDays,
    ratingLinkBaseUrl: s.ratingLinkBaseUrl || d.ratingLinkBaseUrl,
  });
}

const between = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

export function settingsViolations(s: pb.HallEvaluationSettings): FieldViolation[] {
  const v: FieldViolation[] = [];
  const at = (field: string, description: string) => v.push({ field: `settings.${field}`, description });
  if (!s.hallId) at('hall_id', 'is required');
  if (!Object.values(pb.RatingScale).includes(s.scale) || s.scale === pb.RatingScale.RATING_SCALE_UNSPECIFIED)
    at('scale', 'FIVE_LEVEL or TWO_LEVEL');
  if (s.indicators.length > 10) at('indicators', 'at most 10');
  const seen = new Set<string>();
  s.indicators.forEach((name, i) => {
    if (name.trim().length < 2 || name.length > 20) at(`indicators[${i}]`, '2 to 20 characters');
    if (seen.has(name)) at(`indicators[${i}]`, 'named twice');
    seen.add(name);
  });
  if (!between(s.rectificationWorkingDays, 1, 60)) at('rectification_working_days', '1 to 60 working days');
  const d = s.complaintDeadlines;
  if (d) {
    for (const [field, days] of [
      ['investigate_working_days', d.investigateWorkingDays],
      ['handle_working_days', d.handleWorkingDays],
      ['reply_working_days', d.replyWorkingDays],
      ['archive_working_days', d.archiveWorkingDays],
    ] as const)
      if (!between(days, 1, 60)) at(`complaint_deadlines.${field}`, '1 to 60 working days');
  }
  if (!between(s.ratingLinkValidDays, 1, 90)) at('rating_link_valid_days', '1 to 90 days');
  if (!/^https?:\/\/[^\s]{3,200}$/.test(s.ratingLinkBaseUrl)) at('rating_link_base_url', 'an http(s) URL');
  return v;
}

export interface RatingInput {
  readonly channel: pb.RatingChannel;
  readonly scores: readonly pb.IndicatorScore[];
  readonly comment: string;
}

/** The channels each kind of caller may record: staff key in paper cards; the gateway serves the others. */
export const GATEWAY_CHANNELS: readonly pb.RatingChannel[] = [
  C.RATING_CHANNEL_WINDOW_DEVICE,
  C.RATING_CHANNEL_KIOSK,
  C.RATING_CHANNEL_WEB,
];

/**
 * The scores of a rating checked against the hall's scale and indicators: every indicator once, levels of the
 * scale (the two-level scale takes 满意 / 不满意 only). The overall indicator is the first.
 */
export function scoreViolations(settings: pb.HallEvaluationSettings, r: RatingInput): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (r.scores.length !== settings.indicators.length)
    v.push({ field: 'scores', description: `rate each of: ${settings.indicators.join('、')}` });
  const two = settings.scale === pb.RatingScale.RATING_SCALE_TWO_LEVEL;
  const seen = new Set<string>();
  r.scores.forEach((s, i) => {
    if (!settings.indicators.includes(s.indicator))
      v.push({ field: `scores[${i}].indicator`, description: `one of ${settings.indicators.join('、')}` });
    else if (seen.has(s.indicator)) v.push({ field: `scores[${i}].indicator`, description: 'rated twice' });
    seen.add(s.indicator);
    const n = levelNumber(s.level);
    if (n === 0) v.push({ field: `scores[${i}].level`, description: 'a RATING_LEVEL_ value' });
    else if (two && n !== 2 && n !== 4)
      v.push({ field: `scores[${i}].level`, description: 'the hall rates 满意 (SATISFIED) or 不满意 (DISSATISFIED)' });
  });
  if (r.comment.length > 500) v.push({ field: 'comment', description: 'at most 500 characters' });
  return v;
}

/** The scores in the hall's indicator order, and the overall level (the first indicator's). */
export function orderedScores(
  settings: pb.HallEvaluationSettings,
  scores: readonly pb.IndicatorScore[],
): { scores: pb.IndicatorScore[]; overall: pb.RatingLevel } {
  const ordered = settings.indicators.map((indicator) => scores.find((s) => s.indicator === indicator)!);
  return { scores: ordered, overall: ordered[0]!.level };
}

// ---- SMS links ------------------------------------------------------------------------------------------------

/**
 * A rating link's token: `<link id>.<signature>`, 34 characters, short enough for one SMS template variable
 * (Aliyun: 35). The id is 8 random bytes, the signature the first 16 bytes of an HMAC-SHA256 (the service's key)
 * over the id, the case and the expiry, both base64url. The row of the link says whether it was used; the
 * signature says the token was issued here for that case and expiry, so a made-up or altered token is refused.
 */
export function newLinkId(): string {
  return randomBytes(8).toString('base64url');
}

export function signLink(key: Buffer, link: { id: string; caseId: string; expiresAt: Date }): string {
  return `${link.id}.${signature(key, link)}`;
}

function signature(key: Buffer, link: { id: string; caseId: string; expiresAt: Date }): string {
  return createHmac('sha256', key)
    .update(`${link.id}\n${link.caseId}\n${link.expiresAt.toISOString()}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The link id of a well-formed token (its signature still to be checked against the row). */
export function linkIdOf(token: string): string | undefined {
  return /^([0-9A-Za-z_-]{11})\.([0-9A-Za-z_-]{22})$/.exec(token)?.[1];
}

export function validSignature(
  key: Buffer,
  token: string,
  link: { id: string; caseId: string; expiresAt: Date },
): boolean {
  const given = Buffer.from(token.slice(token.indexOf('.') + 1));
  const expected = Buffer.from(signature(key, link));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
