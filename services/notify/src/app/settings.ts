import type { notifyV1 } from '@govhall/contracts';
import { ValidationError, type FieldViolation } from '@govhall/kit';
import { minutesOfDay } from '../domain/policy';
import type { NotifyStore } from './ports';

/** Quiet hours most halls keep (21:00 to 08:00); the query channels every hall has. */
export function defaultHallSettings(hallId: string): notifyV1.HallSettings {
  return {
    hallId,
    quietHoursStart: '21:00',
    quietHoursEnd: '08:00',
    queryHint: '政务服务网或大厅自助查询机',
    dailySummary: false,
    dailySummaryAt: '17:30',
    version: 0,
    isDefault: true,
  };
}

export function settingsViolations(s: notifyV1.HallSettings): FieldViolation[] {
  const problems: FieldViolation[] = [];
  const time = (field: string, value: string) => {
    if (minutesOfDay(value) === undefined)
      problems.push({ field: `settings.${field}`, description: 'HH:MM, 00:00 to 23:59' });
  };
  if (!s.hallId) problems.push({ field: 'settings.hall_id', description: 'is required' });
  time('quiet_hours_start', s.quietHoursStart);
  time('quiet_hours_end', s.quietHoursEnd);
  time('daily_summary_at', s.dailySummaryAt);
  const hint = s.queryHint.trim();
  if (hint.length < 2 || hint.length > 30)
    problems.push({ field: 'settings.query_hint', description: '2 to 30 characters (it is quoted in an SMS)' });
  return problems;
}

/** Each hall's settings, read through a short cache (the dispatcher asks for every message). */
export class HallSettingsBook {
  private readonly cache = new Map<string, { settings: notifyV1.HallSettings; until: number }>();

  constructor(
    private readonly store: NotifyStore,
    private readonly ttlMs = 10_000,
  ) {}

  async of(hallId: string): Promise<notifyV1.HallSettings> {
    const now = Date.now();
    const cached = this.cache.get(hallId);
    if (cached && cached.until > now) return cached.settings;
    const settings = (await this.store.settings(hallId)) ?? defaultHallSettings(hallId);
    this.cache.set(hallId, { settings, until: now + this.ttlMs });
    return settings;
  }

  async set(requestId: string, r: notifyV1.SetHallSettingsRequest): Promise<notifyV1.HallSettings> {
    if (!r.settings) throw ValidationError.single('settings', 'is required');
    const problems = settingsViolations(r.settings);
    if (problems.length > 0) throw new ValidationError(problems);
    const saved = await this.store.saveSettings(
      requestId,
      { ...r.settings, queryHint: r.settings.queryHint.trim(), isDefault: false },
      r.expectedVersion,
    );
    this.cache.delete(saved.hallId);
    return saved;
  }

  /** A hall that saved nothing answers the defaults. */
  async get(hallId: string): Promise<notifyV1.HallSettings> {
    if (!hallId) throw ValidationError.single('hall_id', 'is required');
    return this.of(hallId);
  }
}
