import { busObserverFor, createMetrics, MetricNames } from './metrics';

/** The value of one series in Prometheus text, whatever order its labels come in. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && match[2]!.split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('createMetrics', () => {
  it('registers every kit metric and the default process metrics, each labelled with the service', async () => {
    const metrics = createMetrics('catalogue');
    const text = await metrics.registry.metrics();
    for (const name of Object.values(MetricNames)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/^process_resident_memory_bytes\{service="catalogue"\} \d+/m);
  });

  it('keeps each service in its own registry', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    a.outboxPublished.inc(2);
    expect(valueOf(await a.registry.metrics(), 'outbox_published_total', { service: 'a' })).toBe(2);
    expect(valueOf(await b.registry.metrics(), 'outbox_published_total', { service: 'b' })).toBe(0);
  });
});

describe('busObserverFor', () => {
  it('counts fresh publishes by the service in the subject, not duplicates', async () => {
    const metrics = createMetrics('case');
    const observer = busObserverFor(metrics);
    observer.published('hall.370700.case.case.completed', false);
    observer.published('hall.370700.case.stage.entered', false);
    observer.published('hall.370700.case.stage.entered', true);
    observer.published('dlq.370700.timing-case-events', false);
    const text = await metrics.registry.metrics();
    expect(valueOf(text, 'bus_events_published_total', { subject_service: 'case', service: 'case' })).toBe(2);
    expect(valueOf(text, 'bus_events_published_total', { subject_service: 'dlq', service: 'case' })).toBe(1);
  });

  it('counts outcomes and durations per consumer, and dead letters separately', async () => {
    const metrics = createMetrics('timing');
    const observer = busObserverFor(metrics);
    observer.handled('timing-case-events', 'ack', 0.01);
    observer.handled('timing-case-events', 'nak', 0.02);
    observer.handled('timing-case-events', 'dead_letter', 0.03);
    const text = await metrics.registry.metrics();
    for (const outcome of ['ack', 'nak', 'dead_letter']) {
      expect(
        valueOf(text, 'bus_events_handled_total', { consumer: 'timing-case-events', outcome, service: 'timing' }),
      ).toBe(1);
    }
    expect(valueOf(text, 'bus_dead_letters_total', { consumer: 'timing-case-events', service: 'timing' })).toBe(1);
    expect(
      valueOf(text, 'bus_event_handle_duration_seconds_count', { consumer: 'timing-case-events', service: 'timing' }),
    ).toBe(3);
  });
});
