import type { Metrics } from '@govhall/kit';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { FiredBatch } from '../app/ports';
import type { HorizonReport } from '../app/horizon';
import { chinaYearOf } from '../domain/clock';

/** The timing service's own metrics, beside the kit's RED and bus metrics. */
export function timingMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  const alerts = new Counter({
    name: 'govhall_timing_alerts_fired_total',
    help: 'Alert steps fired, by level (reminder, pre_warning, applicant_warning, yellow, red).',
    labelNames: ['level'] as const,
    registers,
  });
  const lag = new Histogram({
    name: 'govhall_timing_fire_lag_seconds',
    help: 'From the instant a step fell due to its firing, in seconds.',
    labelNames: ['level'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers,
  });
  const yearMissing = new Gauge({
    name: 'govhall_timing_calendar_year_missing',
    help: '1 when the coming year has no calendar data within 60 days of its start (per hall with running clocks).',
    labelNames: ['hall_id', 'year'] as const,
    registers,
  });
  const parked = new Gauge({
    name: 'govhall_timing_parked_clocks',
    help: 'Clocks parked because their due instant falls in a year with no calendar data, per hall.',
    labelNames: ['hall_id'] as const,
    registers,
  });
  return {
    fired(batch: FiredBatch, now: Date): void {
      for (const alert of batch.alerts) {
        alerts.inc({ level: alert.level });
        lag.observe({ level: alert.level }, Math.max(0, now.getTime() - Date.parse(alert.at)) / 1000);
      }
    },
    horizon(report: HorizonReport): void {
      yearMissing.reset();
      parked.reset();
      const year = chinaYearOf(report.checkedAt) + 1;
      for (const hall of report.halls) {
        yearMissing.set({ hall_id: hall.hallId, year: String(year) }, hall.comingYearMissing ? 1 : 0);
        parked.set({ hall_id: hall.hallId }, hall.parkedClocks);
      }
    },
  };
}
