import { FakeClock } from './clock';

describe('FakeClock', () => {
  it('moves only when told to', () => {
    const clock = new FakeClock('2026-01-05T09:00:00+08:00');
    expect(clock.now().toISOString()).toBe('2026-01-05T01:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-01-05T01:01:30.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
