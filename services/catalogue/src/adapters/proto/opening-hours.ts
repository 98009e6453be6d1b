import { catalogueV1 as org, type catalogueOpeningHoursV1 as pb } from '@govhall/contracts';
import type { OpenTimes } from '../../app/opening-hours-service';
import type {
  OpenDay,
  OpeningSchedule,
  OpeningScheduleInput,
  OpeningScope,
  OpeningScopeInput,
  StoredOpeningHours,
} from '../../domain/opening-hours';
import { scopeLevel, sessionKind, windowKind } from './enums';

/** The opening hours' messages: proto → domain inputs, domain → proto (answers and event payloads). */

// ---- proto → domain --------------------------------------------------------------------------------------

/**
 * The scope a request names: an unspecified window kind is none (null), an unrecognised one undefined, for
 * validation to name `window_kind`.
 */
export function scopeIn(r: { hallId: string; windowKind: org.WindowKind; windowId: string }): OpeningScopeInput {
  const unspecified = r.windowKind === org.WindowKind.WINDOW_KIND_UNSPECIFIED;
  return {
    hallId: r.hallId,
    windowKind: unspecified ? null : windowKind.fromProto(r.windowKind),
    windowId: r.windowId,
  };
}

export const scheduleIn = (s: pb.OpeningSchedule): OpeningScheduleInput => ({
  sessions: s.sessions.map((session) => ({
    weekdays: [...session.weekdays],
    start: session.start,
    end: session.end,
    kind: sessionKind.fromProto(session.kind),
  })),
  openOnPublicHolidays: s.openOnPublicHolidays,
  note: s.note,
});

// ---- domain → proto --------------------------------------------------------------------------------------

export function scopeOut(hallId: string, scope: OpeningScope): pb.OpeningHoursScope {
  return {
    hallId,
    level: scopeLevel.toProto(scope.level),
    windowKind: windowKind.toProto(scope.level === 'window_kind' ? scope.windowKind : null),
    windowId: scope.level === 'window' ? scope.windowId : '',
  };
}

export const scheduleOut = (s: OpeningSchedule): pb.OpeningSchedule => ({
  sessions: s.sessions.map((session) => ({
    weekdays: [...session.weekdays],
    start: session.start,
    end: session.end,
    kind: sessionKind.toProto(session.kind),
  })),
  openOnPublicHolidays: s.openOnPublicHolidays,
  note: s.note,
});

/** One scope's stored schedule on the wire. */
export const openingHoursOut = (h: StoredOpeningHours): pb.OpeningHours => ({
  scope: scopeOut(h.hallId, h.scope),
  schedule: scheduleOut(h.schedule),
  version: h.version,
  setAt: h.setAt,
});

const openDayOut = (d: OpenDay): pb.OpenDay => ({
  date: d.date,
  weekday: d.weekday,
  open: d.intervals.length > 0,
  intervals: d.intervals.map((i) => ({ start: i.start, end: i.end, kind: sessionKind.toProto(i.kind) })),
  publicHoliday: d.holiday !== null,
  holidayName: d.holiday?.name ?? '',
  makeUpWorkday: d.makeUpWorkday !== null,
  makeUpWorkdayName: d.makeUpWorkday?.name ?? '',
  calendarDataVersion: d.calendarDataVersion,
});

/** What `GetOpenTimes` answers. */
export function openTimesOut(t: OpenTimes): pb.GetOpenTimesResponse {
  return {
    hallId: t.hallId,
    windowId: t.window?.id ?? '',
    windowNumber: t.window?.number ?? '',
    source: {
      hallId: t.hallId,
      level: scopeLevel.toProto(t.source.level),
      windowKind: windowKind.toProto(t.source.windowKind),
      windowId: t.source.windowId ?? '',
    },
    sourceVersion: t.source.version,
    note: t.source.schedule.note,
    days: t.days.map(openDayOut),
  };
}
