import { uniqueRegionCode, waitFor } from '@govhall/testing';
import { InProcessBus, InProcessBusState, subjectMatches, subjectsOverlap } from '../src/bus';
import { streamFor, Services } from '../src/events';
import { describeBusContract, recordingObserver, type BusFixture } from './bus-contract';

function inProcessFixture(): Promise<BusFixture> {
  const state = new InProcessBusState();
  const observer = recordingObserver();
  let bus = new InProcessBus({ state, observer });
  return Promise.resolve({
    get bus() {
      return bus;
    },
    regionCode: uniqueRegionCode(),
    observed: observer.calls,
    restart: async () => {
      await bus.close();
      bus = new InProcessBus({ state, observer });
      return bus;
    },
    dispose: () => bus.close(),
  });
}

describeBusContract('InProcessBus', inProcessFixture);

describe('InProcessBus specifics', () => {
  it('matches NATS wildcards', () => {
    expect(subjectMatches('hall.370700.case.>', 'hall.370700.case.stage.entered')).toBe(true);
    expect(subjectMatches('hall.370700.case.>', 'hall.370700.case')).toBe(false);
    expect(subjectMatches('hall.*.case.stage.*', 'hall.370700.case.stage.entered')).toBe(true);
    expect(subjectMatches('hall.*.case.stage.*', 'hall.370700.case.stage.entered.late')).toBe(false);
    expect(subjectMatches('hall.370700.case.stage.entered', 'hall.370700.case.stage.entered')).toBe(true);
    expect(subjectMatches('hall.370700.case.stage.entered', 'hall.370700.case.stage.left')).toBe(false);
    expect(subjectsOverlap('hall.370700.case.>', 'hall.*.case.stage.*')).toBe(true);
    expect(subjectsOverlap('hall.370700.case.>', 'hall.370700.fee.>')).toBe(false);
    expect(subjectsOverlap('dlq.370700.>', 'hall.370700.>')).toBe(false);
  });

  it('refuses a stream whose subjects overlap another stream, as JetStream does', async () => {
    const bus = new InProcessBus();
    const region = uniqueRegionCode();
    await bus.ensureStream(streamFor(Services.case, region));
    await expect(bus.ensureStream({ name: 'ALL_CASES', subjects: ['hall.*.case.>'] })).rejects.toThrow(/overlap/);
    await bus.close();
  });

  it('leaves no timer or immediate behind after close, even with a redelivery pending', async () => {
    const resources = (): string[] =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate');
    const before = resources().length;
    const bus = new InProcessBus();
    const region = uniqueRegionCode();
    const stream = streamFor(Services.case, region);
    await bus.ensureStream(stream);
    let deliveries = 0;
    await bus.consume({ stream: stream.name, durable: 'timers', regionCode: region, backoffMs: [60_000] }, () => {
      deliveries += 1;
      return Promise.reject(new Error('fails, to leave a redelivery timer pending'));
    });
    await bus.publish({
      id: 'evt-timer',
      type: 'case.case.created',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      regionCode: region,
      data: {},
    });
    await waitFor(() => deliveries === 1, { what: 'first delivery' });
    expect(resources().length).toBeGreaterThan(before);
    await bus.close();
    expect(resources().length).toBe(before);
  });
});
