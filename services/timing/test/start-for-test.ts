import { startCaseForTest, type CaseUnderTest } from '@govhall/case/testing';
import { TimingEvents, contractRegistry, timingV1 } from '@govhall/contracts';
import {
  JetStreamBus,
  callUnary,
  eventDecoder,
  eventFactory,
  uuidV7Ids,
  type EventEnvelope,
  type EventFactory,
  type EventOf,
  type Logger,
  type PublishResult,
} from '@govhall/kit';
import { FakeClock } from '@govhall/kit';
import { readStream, sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import type { FiredBatch } from '../src/app/ports';
import { loadTimingConfig } from '../src/config';
import { startTiming, type RunningTiming } from '../src/main';

export type TimingEvent = NonNullable<EventOf<typeof TimingEvents>>;
const decode = eventDecoder(TimingEvents, contractRegistry());

/** Catalogue (whole demo), intake, case and timing in this process, on one fake clock; timers fire by hand. */
export interface TimingUnderTest {
  readonly cases: CaseUnderTest;
  readonly timing: RunningTiming;
  readonly clock: FakeClock;
  readonly region: string;
  /** `127.0.0.1:port` of the timing service. */
  readonly address: string;
  /** The environment timing started with (for a second replica). */
  readonly env: Record<string, string>;
  /** A TimingService client acting as the demo staff member. */
  client(employeeNo: string): Promise<timingV1.TimingServiceClient>;
  /** The clocks of a case once `ready` holds for them (events are consumed asynchronously). */
  clocksOf(caseId: string, ready?: (clocks: timingV1.Clock[]) => boolean): Promise<timingV1.Clock[]>;
  /** Fires every step due at the fake clock's now, batch after batch, and answers what was fired. */
  fire(): Promise<FiredBatch>;
  /** The timing events on the region's stream (decoded), optionally of one case. */
  events(caseId?: string): Promise<TimingEvent[]>;
  /** Stamps crafted contract events (intake's, the case service's) with the fake clock, in the region under test. */
  readonly factory: EventFactory;
  /** Publishes a crafted event onto its stream (JetStream drops a second publish of the same id). */
  publish(event: EventEnvelope): Promise<PublishResult>;
  /**
   * Another timing replica on the same database, bus, catalogue and fake clock, `env` over the harness's
   * (e.g. `{ TIMER_LOOP: 'on' }`). Its caller stops it; `stop` stops any still running.
   */
  startReplica(env?: Record<string, string>): Promise<RunningTiming>;
  stop(): Promise<void>;
}

export const TIMING_TEST_ENV = { TIMER_LOOP: 'off', HORIZON_CHECK_MS: '86400000' } as const;

export async function startTimingForTest(
  options: { clock?: FakeClock; logger?: Logger } = {},
): Promise<TimingUnderTest> {
  const clock = options.clock ?? new FakeClock('2026-10-12T09:30:00+08:00');
  const cases = await startCaseForTest({ clock, ...(options.logger ? { logger: options.logger } : {}) });
  const env: Record<string, string> = { ...cases.env, ...TIMING_TEST_ENV };
  const timing = await startTiming(loadTimingConfig({ ...env, GRPC_PORT: '0', HTTP_PORT: '0' }), {
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const address = `127.0.0.1:${timing.grpcPort}`;
  const region = env['REGION_CODE']!;
  const clients = new Map<string, timingV1.TimingServiceClient>();
  const client = async (employeeNo: string) => {
    let c = clients.get(employeeNo);
    if (!c) {
      c = new timingV1.TimingServiceClient(
        address,
        grpc.credentials.createInsecure(),
        await cases.intake.as(employeeNo),
      );
      clients.set(employeeNo, c);
    }
    return c;
  };
  const clocksOf = async (caseId: string, ready: (clocks: timingV1.Clock[]) => boolean = (c) => c.length > 0) => {
    let clocks: timingV1.Clock[] = [];
    const reader = await client('700GLB03');
    await waitFor(
      async () => {
        clocks = (await callUnary(reader, 'getCaseClocks', { caseId, registrationId: '' })).clocks;
        return ready(clocks);
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `clocks of case ${caseId}` },
    );
    return clocks;
  };
  const fire = async (): Promise<FiredBatch> => {
    const all: {
      clocks: FiredBatch['clocks'][number][];
      alerts: FiredBatch['alerts'][number][];
      cards: timingV1.Card[];
      warnings: FiredBatch['warnings'][number][];
    } = {
      clocks: [],
      alerts: [],
      cards: [],
      warnings: [],
    };
    for (;;) {
      const batch = await timing.service.fireDueBatch(500);
      all.clocks.push(...batch.clocks);
      all.alerts.push(...batch.alerts);
      all.cards.push(...batch.cards);
      all.warnings.push(...batch.warnings);
      // One step per clock per batch (due order across clocks): until nothing is due.
      if (batch.clocks.length === 0) return all;
    }
  };
  const events = async (caseId?: string): Promise<TimingEvent[]> => {
    const stored = await readStream(sharedNatsUrl(), `TIMING_${region}`);
    return stored
      .map((m) => m.json as EventEnvelope)
      .filter((e) => !caseId || e.caseId === caseId)
      .map((e) => decode(e))
      .filter((e): e is TimingEvent => e !== undefined);
  };
  const factory = eventFactory({ clock, ids: uuidV7Ids, regionCode: region });
  let bus: Promise<JetStreamBus> | undefined;
  const publish = async (event: EventEnvelope): Promise<PublishResult> =>
    (await (bus ??= JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'timing-test-publisher' }))).publish(event);
  const replicas: RunningTiming[] = [];
  const startReplica = async (overrides: Record<string, string> = {}): Promise<RunningTiming> => {
    const replica = await startTiming(loadTimingConfig({ ...env, ...overrides, GRPC_PORT: '0', HTTP_PORT: '0' }), {
      clock,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    replicas.push(replica);
    return replica;
  };
  return {
    cases,
    timing,
    clock,
    region,
    address,
    env,
    client,
    clocksOf,
    fire,
    events,
    factory,
    publish,
    startReplica,
    stop: async () => {
      for (const c of clients.values()) c.close();
      // A replica's stop is idempotent: those a test stopped already return at once.
      for (const replica of replicas) await replica.stop();
      await (await bus)?.close();
      await timing.stop();
      await cases.stop();
    },
  };
}
