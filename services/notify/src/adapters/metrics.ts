import type { Metrics } from '@govhall/kit';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { AttemptOutcomeKind } from '../domain/policy';

/** The notify service's own metrics, beside the kit's RED and bus metrics. */
export function notifyMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  const attempts = new Counter({
    name: 'govhall_notify_sms_attempts_total',
    help: 'SMS attempts by provider, template and outcome (accepted = sent; throttled / transient = retried; provider_refused = failed over; invalid_recipient / not_sendable = failed).',
    labelNames: ['provider', 'template', 'outcome'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'govhall_notify_sms_send_seconds',
    help: 'One provider call, in seconds, by provider.',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const due = new Gauge({
    name: 'govhall_notify_queue_due',
    help: 'Messages due now and not yet sent (the queue depth).',
    registers,
  });
  const sending = new Gauge({
    name: 'govhall_notify_queue_sending',
    help: 'Messages with an attempt in flight (or left by a process that died, until their lease runs out).',
    registers,
  });
  const dead = new Gauge({
    name: 'govhall_notify_dead_letters',
    help: 'Messages in the dead letter (ListDispatches status DEAD; Resend sends one again).',
    registers,
  });
  return {
    attempt(provider: string, template: string, outcome: AttemptOutcomeKind, seconds: number): void {
      attempts.inc({ provider, template, outcome });
      if (provider !== 'none') latency.observe({ provider }, seconds);
    },
    depth(counts: { due: number; dead: number; sending: number }): void {
      due.set(counts.due);
      dead.set(counts.dead);
      sending.set(counts.sending);
    },
  };
}
