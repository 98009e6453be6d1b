import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric name the kit defines, in one place (dashboards and alert rules use these). */
export const MetricNames = {
  grpcRequests: 'grpc_server_requests_total',
  grpcDuration: 'grpc_server_request_duration_seconds',
  busHandled: 'bus_events_handled_total',
  busHandleDuration: 'bus_event_handle_duration_seconds',
  busPublished: 'bus_events_published_total',
  busDeadLetters: 'bus_dead_letters_total',
  outboxPending: 'outbox_pending',
  outboxPublished: 'outbox_published_total',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** What became of one delivered event. */
export type HandleOutcome = 'ack' | 'nak' | 'dead_letter';

/**
 * One service's metrics: its own registry (never prom-client's global one, so several services can share one
 * process in embedded mode), with every series labelled `service`.
 */
export interface Metrics {
  readonly registry: Registry;
  /** gRPC calls answered, by method and status name (`OK`, `NOT_FOUND`, ...). */
  readonly grpcRequests: Counter<'method' | 'code'>;
  /** gRPC handling time in seconds, by method. */
  readonly grpcDuration: Histogram<'method'>;
  /** Events handled, by durable consumer and outcome. */
  readonly busHandled: Counter<'consumer' | 'outcome'>;
  /** Event handling time in seconds, by durable consumer. */
  readonly busHandleDuration: Histogram<'consumer'>;
  /** Events newly stored by the bus (dedupe hits not counted), by the service segment of the subject. */
  readonly busPublished: Counter<'subject_service'>;
  /** Events moved to the dead-letter subject, by durable consumer. */
  readonly busDeadLetters: Counter<'consumer'>;
  /** Outbox rows not yet published (set by the relay after each pass). */
  readonly outboxPending: Gauge;
  /** Outbox rows the relay has published. */
  readonly outboxPublished: Counter;
}

/**
 * Creates the registry and metrics of one service. Default Node.js process metrics are included, without a
 * prefix, and every series carries `service="<serviceName>"`.
 */
export function createMetrics(serviceName: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    grpcRequests: new Counter({
      name: MetricNames.grpcRequests,
      help: 'gRPC calls answered, by method and status code.',
      labelNames: ['method', 'code'] as const,
      registers,
    }),
    grpcDuration: new Histogram({
      name: MetricNames.grpcDuration,
      help: 'Time to answer a gRPC call, in seconds.',
      labelNames: ['method'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    busHandled: new Counter({
      name: MetricNames.busHandled,
      help: 'Events handled by a durable consumer, by outcome (ack, nak, dead_letter).',
      labelNames: ['consumer', 'outcome'] as const,
      registers,
    }),
    busHandleDuration: new Histogram({
      name: MetricNames.busHandleDuration,
      help: 'Time to handle one event delivery, in seconds.',
      labelNames: ['consumer'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    busPublished: new Counter({
      name: MetricNames.busPublished,
      help: 'Events stored by the bus (duplicates not counted), by the owning service in the subject.',
      labelNames: ['subject_service'] as const,
      registers,
    }),
    busDeadLetters: new Counter({
      name: MetricNames.busDeadLetters,
      help: 'Events moved to the dead-letter subject, by durable consumer.',
      labelNames: ['consumer'] as const,
      registers,
    }),
    outboxPending: new Gauge({
      name: MetricNames.outboxPending,
      help: 'Outbox rows not yet published.',
      registers,
    }),
    outboxPublished: new Counter({
      name: MetricNames.outboxPublished,
      help: 'Outbox rows published by the relay.',
      registers,
    }),
  };
}

/** The bus observer shape (structurally the `BusObserver` of `bus/observer.ts`). */
export interface MetricsBusObserver {
  /** One publish answered by the bus; `duplicate` when it had stored that event id already. */
  published(subject: string, duplicate: boolean): void;
  /** One delivery handled by durable consumer `durable`, taking `seconds`. */
  handled(durable: string, outcome: HandleOutcome, seconds: number): void;
}

/**
 * A bus observer that records into `metrics`. A publish is counted under the service segment of its subject
 * (`hall.<region>.<service>.<entity>.<verb>` → `<service>`; `dlq.<region>.…` → `dlq`); a duplicate publish is
 * not counted, since nothing new was stored. A `dead_letter` outcome also counts in `bus_dead_letters_total`.
 */
export function busObserverFor(metrics: Metrics): MetricsBusObserver {
  return {
    published(subject, duplicate) {
      if (duplicate) return;
      const tokens = subject.split('.');
      const service = tokens[0] === 'hall' ? tokens[2] : tokens[0];
      metrics.busPublished.inc({ subject_service: service ?? 'unknown' });
    },
    handled(durable, outcome, seconds) {
      metrics.busHandled.inc({ consumer: durable, outcome });
      metrics.busHandleDuration.observe({ consumer: durable }, seconds);
      if (outcome === 'dead_letter') metrics.busDeadLetters.inc({ consumer: durable });
    },
  };
}
