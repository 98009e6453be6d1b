import { timingV1 } from '@govhall/contracts';
import type { Metrics, ServiceActor } from '@govhall/kit';
import { Gauge } from 'prom-client';
import type { TimingIndicators } from '../app/indicators';

/** The ratios the supervision dashboard shows, by `indicator` label. */
const RATIOS = {
  on_time_rate: 'onTimeRate',
  completion_rate: 'completionRate',
  commitment_speed_up: 'commitmentSpeedUp',
  actual_speed_up: 'actualSpeedUp',
} as const satisfies Record<string, keyof timingV1.Indicators>;

/** The counts the supervision dashboard shows, by `indicator` label. */
const COUNTS = {
  received: 'received',
  accepted: 'accepted',
  completed: 'completed',
  overdue: 'overdue',
  yellow_cards: 'yellowCards',
  red_cards: 'redCards',
} as const satisfies Record<string, keyof timingV1.Indicators>;

const TIMING_SERVICE: ServiceActor = { kind: 'service', service: 'timing' };

export interface IndicatorGauges {
  /**
   * Reads the current month's indicators of every hall and sets the gauges. A hall whose read fails has no series
   * until the next refresh (a stale month is not shown as current); the others are set, then the failure is thrown.
   */
  refresh(): Promise<void>;
}

/**
 * The current month's indicators per hall as gauges for the supervision dashboard:
 * `govhall_timing_indicator_ratio{hall_id,indicator}` and `govhall_timing_indicator_count{hall_id,indicator}`.
 */
export function indicatorGauges(
  metrics: Metrics,
  indicators: TimingIndicators,
  hallIds: () => Promise<string[]>,
): IndicatorGauges {
  const registers = [metrics.registry];
  const ratio = new Gauge({
    name: 'govhall_timing_indicator_ratio',
    help: "The current month's indicator ratios per hall (China time): on_time_rate, completion_rate, commitment_speed_up, actual_speed_up.",
    labelNames: ['hall_id', 'indicator'] as const,
    registers,
  });
  const count = new Gauge({
    name: 'govhall_timing_indicator_count',
    help: "The current month's indicator counts per hall (China time): received, accepted, completed, overdue, yellow_cards, red_cards.",
    labelNames: ['hall_id', 'indicator'] as const,
    registers,
  });
  return {
    async refresh(): Promise<void> {
      const month = indicators.currentMonth();
      const halls = await hallIds();
      const read = await Promise.allSettled(
        halls.map((hallId) =>
          indicators.get(TIMING_SERVICE, {
            hallId,
            month,
            fromDate: '',
            toDate: '',
            grouping: timingV1.IndicatorGrouping.INDICATOR_GROUPING_HALL,
            departmentId: '',
          }),
        ),
      );
      // Set only after every read: a scrape never sees half of the halls of a refresh.
      ratio.reset();
      count.reset();
      const failed: string[] = [];
      read.forEach((result, i) => {
        const hallId = halls[i] ?? '';
        if (result.status === 'rejected' || !result.value.total) {
          failed.push(hallId);
          return;
        }
        const total = result.value.total;
        for (const [indicator, field] of Object.entries(RATIOS))
          ratio.set({ hall_id: hallId, indicator }, total[field]);
        for (const [indicator, field] of Object.entries(COUNTS))
          count.set({ hall_id: hallId, indicator }, total[field]);
      });
      if (failed.length > 0) {
        const causes = read.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        throw new AggregateError(causes, `indicator gauges: reading halls ${failed.join(', ')} failed`);
      }
    },
  };
}
