import {
  backoffMs,
  chooseProvider,
  minutesOfDay,
  nextAllowed,
  quietUntil,
  type NumberLimits,
  type PastAttempt,
} from './policy';

/** China time (+08:00), as the halls read it. */
const cst = (local: string) => new Date(`${local}+08:00`);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('minutesOfDay', () => {
  it('reads HH:MM', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('08:00')).toBe(480);
    expect(minutesOfDay('13:30')).toBe(810);
    expect(minutesOfDay('23:59')).toBe(1439);
  });

  it.each(['24:00', '8:00', '08:60', '0800', '08:00:00', '', ' 08:00', 'ab:cd'])('refuses %j', (value) => {
    expect(minutesOfDay(value)).toBeUndefined();
  });
});

describe('quietUntil', () => {
  describe('21:00 to 08:00 (past midnight)', () => {
    const quiet = (local: string) => quietUntil(cst(local), '21:00', '08:00');

    it('holds an evening message until the next morning', () => {
      expect(quiet('2026-10-12T22:30:00')).toEqual(cst('2026-10-13T08:00:00'));
      expect(quiet('2026-10-12T21:00:00')).toEqual(cst('2026-10-13T08:00:00'));
      expect(quiet('2026-10-12T23:59:59')).toEqual(cst('2026-10-13T08:00:00'));
    });

    it('holds a message after midnight until the same morning', () => {
      expect(quiet('2026-10-13T00:00:00')).toEqual(cst('2026-10-13T08:00:00'));
      expect(quiet('2026-10-13T03:00:00')).toEqual(cst('2026-10-13T08:00:00'));
      expect(quiet('2026-10-13T07:59:59')).toEqual(cst('2026-10-13T08:00:00'));
    });

    it('holds nothing in the day', () => {
      expect(quiet('2026-10-12T12:00:00')).toBeUndefined();
      expect(quiet('2026-10-12T08:00:00')).toBeUndefined();
      expect(quiet('2026-10-12T20:59:59')).toBeUndefined();
    });

    it('reads the hours in China time, not UTC', () => {
      // 14:30 UTC is 22:30 in China: quiet, until 08:00 China time, which is 00:00 UTC.
      expect(quietUntil(new Date('2026-10-12T14:30:00Z'), '21:00', '08:00')).toEqual(new Date('2026-10-13T00:00:00Z'));
      // 22:30 UTC is 06:30 the next morning in China.
      expect(quietUntil(new Date('2026-10-12T22:30:00Z'), '21:00', '08:00')).toEqual(new Date('2026-10-13T00:00:00Z'));
      // 04:00 UTC is noon in China.
      expect(quietUntil(new Date('2026-10-13T04:00:00Z'), '21:00', '08:00')).toBeUndefined();
    });

    it('crosses the end of a month and of a year', () => {
      expect(quiet('2026-10-31T22:00:00')).toEqual(cst('2026-11-01T08:00:00'));
      expect(quiet('2026-12-31T23:00:00')).toEqual(cst('2027-01-01T08:00:00'));
    });
  });

  describe('a window within one day, 12:00 to 13:30', () => {
    const quiet = (local: string) => quietUntil(cst(local), '12:00', '13:30');

    it('holds a message inside it until its end, the same day', () => {
      expect(quiet('2026-10-12T12:00:00')).toEqual(cst('2026-10-12T13:30:00'));
      expect(quiet('2026-10-12T12:45:00')).toEqual(cst('2026-10-12T13:30:00'));
      expect(quiet('2026-10-12T13:29:59')).toEqual(cst('2026-10-12T13:30:00'));
    });

    it('holds nothing outside it', () => {
      expect(quiet('2026-10-12T11:59:59')).toBeUndefined();
      expect(quiet('2026-10-12T13:30:00')).toBeUndefined();
      expect(quiet('2026-10-12T22:00:00')).toBeUndefined();
      expect(quiet('2026-10-12T03:00:00')).toBeUndefined();
    });
  });

  it('keeps no quiet hours when start and end are equal', () => {
    for (const local of ['2026-10-12T21:00:00', '2026-10-12T03:00:00', '2026-10-12T12:00:00'])
      expect(quietUntil(cst(local), '21:00', '21:00')).toBeUndefined();
    expect(quietUntil(cst('2026-10-12T00:00:00'), '00:00', '00:00')).toBeUndefined();
  });

  it('keeps no quiet hours for a malformed start or end', () => {
    expect(quietUntil(cst('2026-10-12T22:30:00'), '9:00 PM', '08:00')).toBeUndefined();
    expect(quietUntil(cst('2026-10-12T22:30:00'), '21:00', '24:00')).toBeUndefined();
  });

  it('takes a window from midnight', () => {
    expect(quietUntil(cst('2026-10-12T00:00:00'), '00:00', '06:00')).toEqual(cst('2026-10-12T06:00:00'));
    expect(quietUntil(cst('2026-10-12T23:00:00'), '00:00', '06:00')).toBeUndefined();
  });
});

describe('nextAllowed', () => {
  const limits: NumberLimits = { minIntervalMs: 30 * SECOND, perHour: 3, perDay: 5 };
  const now = cst('2026-10-12T10:00:00');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('answers now for a number never written to', () => {
    expect(nextAllowed(now, [], limits)).toEqual(now);
  });

  it('keeps the minimum interval after the last message', () => {
    expect(nextAllowed(now, [ago(10 * SECOND)], limits)).toEqual(new Date(now.getTime() + 20 * SECOND));
    expect(nextAllowed(now, [ago(30 * SECOND)], limits)).toEqual(now);
    expect(nextAllowed(now, [ago(5 * MINUTE)], limits)).toEqual(now);
  });

  it('measures the interval from the latest message, whatever the order given', () => {
    const sent = [ago(20 * MINUTE), ago(5 * SECOND), ago(90 * MINUTE)];
    expect(nextAllowed(now, sent, limits)).toEqual(new Date(now.getTime() + 25 * SECOND));
  });

  it('waits for the oldest message of a full hour to leave it', () => {
    const sent = [ago(50 * MINUTE), ago(30 * MINUTE), ago(10 * MINUTE)];
    expect(nextAllowed(now, sent, limits)).toEqual(new Date(now.getTime() + 10 * MINUTE));
    // The same, given in another order.
    expect(nextAllowed(now, [sent[2]!, sent[0]!, sent[1]!], limits)).toEqual(new Date(now.getTime() + 10 * MINUTE));
  });

  it('counts only the last hour', () => {
    const sent = [ago(90 * MINUTE), ago(30 * MINUTE), ago(10 * MINUTE)];
    expect(nextAllowed(now, sent, limits)).toEqual(now);
  });

  it('with more than the hour’s limit, waits until one fewer than the limit remains', () => {
    // Four in the last hour (a limit lowered since): after 09:20 leaves, two remain.
    const sent = [ago(50 * MINUTE), ago(40 * MINUTE), ago(30 * MINUTE), ago(20 * MINUTE)];
    expect(nextAllowed(now, sent, limits)).toEqual(new Date(now.getTime() + 20 * MINUTE));
  });

  it('stops for the day at the day’s limit, until midnight in China', () => {
    const sent = ['07:00', '07:30', '08:00', '08:30', '09:00'].map((t) => cst(`2026-10-12T${t}:00`));
    expect(nextAllowed(now, sent, limits)).toEqual(cst('2026-10-13T00:00:00'));
    expect(nextAllowed(now, [...sent].reverse(), limits)).toEqual(cst('2026-10-13T00:00:00'));
  });

  it('counts the day in China time: messages before 08:00 are of the same day there', () => {
    // 01:00 to 05:00 in China is the previous day in UTC; they still fill the China day.
    const sent = ['01:00', '02:00', '03:00', '04:00', '05:00'].map((t) => cst(`2026-10-12T${t}:00`));
    expect(nextAllowed(now, sent, limits)).toEqual(cst('2026-10-13T00:00:00'));
  });

  it('does not count the previous China day', () => {
    const sent = ['18:00', '19:00', '20:00', '21:00', '22:00'].map((t) => cst(`2026-10-11T${t}:00`));
    expect(nextAllowed(cst('2026-10-12T00:10:00'), sent, limits)).toEqual(cst('2026-10-12T00:10:00'));
  });

  it('takes the latest of the limits', () => {
    // The hour is full until 10:10; the minimum interval alone would allow 10:00:20.
    const sent = [ago(50 * MINUTE), ago(20 * MINUTE), ago(10 * SECOND)];
    expect(nextAllowed(now, sent, limits)).toEqual(new Date(now.getTime() + 10 * MINUTE));
  });

  it('moves past midnight when the hour is full late in the evening, and the new day is empty', () => {
    const late = cst('2026-10-12T23:45:00');
    const sent = ['23:00', '23:15', '23:30'].map((t) => cst(`2026-10-12T${t}:00`));
    expect(nextAllowed(late, sent, limits)).toEqual(cst('2026-10-13T00:00:00'));
    expect(nextAllowed(late, sent, { ...limits, perDay: 3 })).toEqual(cst('2026-10-13T00:00:00'));
  });
});

describe('backoffMs', () => {
  const middle = () => 0.5;

  it('doubles from the base: base, 2×, 4×, 8×', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 60_000, middle))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('treats attempt 0 as the first', () => {
    expect(backoffMs(0, 1000, 60_000, middle)).toBe(1000);
  });

  it('caps the exponent at maxMs', () => {
    expect(backoffMs(4, 1000, 5000, middle)).toBe(5000);
    expect(backoffMs(40, 1000, 5000, middle)).toBe(5000);
  });

  it('jitters by ±20 %', () => {
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(3200);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4800);
    expect(backoffMs(3, 1000, 60_000, () => 0.25)).toBe(3600);
    for (let i = 0; i < 200; i++) {
      const ms = backoffMs(2, 1000, 60_000);
      expect(ms).toBeGreaterThanOrEqual(1600);
      expect(ms).toBeLessThanOrEqual(2400);
    }
  });

  it('jitters the capped value too (so a capped wait may reach 1.2 × maxMs)', () => {
    // Current behaviour; the doc comment's "at most maxMs" reads as the cap before the jitter.
    expect(backoffMs(10, 1000, 5000, () => 0)).toBe(4000);
    expect(backoffMs(10, 1000, 5000, () => 1)).toBe(6000);
  });

  it('rounds to whole milliseconds', () => {
    expect(Number.isInteger(backoffMs(1, 333, 60_000, () => 0.123))).toBe(true);
  });
});

describe('chooseProvider', () => {
  const both = ['aliyun', 'tencent'] as const;
  const any = () => true;
  const attempt = (provider: string, outcome: PastAttempt['outcome']): PastAttempt => ({ provider, outcome });

  it('takes the first configured by default', () => {
    expect(chooseProvider(both, [], any)).toBe('aliyun');
    expect(chooseProvider(['tencent', 'aliyun'], [], any)).toBe('tencent');
  });

  it('after a transient failure or a throttle at one, takes the other', () => {
    expect(chooseProvider(both, [attempt('aliyun', 'transient')], any)).toBe('tencent');
    expect(chooseProvider(both, [attempt('aliyun', 'throttled')], any)).toBe('tencent');
    expect(chooseProvider(both, [attempt('aliyun', 'transient'), attempt('tencent', 'transient')], any)).toBe('aliyun');
    expect(chooseProvider(both, [attempt('tencent', 'throttled')], any)).toBe('aliyun');
  });

  it('looks at the last attempt that reached a provider', () => {
    const history = [attempt('aliyun', 'transient'), attempt('', 'not_sendable')];
    expect(chooseProvider(both, history, any)).toBe('tencent');
    expect(chooseProvider(both, [attempt('', 'transient')], any)).toBe('aliyun');
  });

  it('goes back to the first after other outcomes', () => {
    expect(chooseProvider(both, [attempt('tencent', 'invalid_recipient')], any)).toBe('aliyun');
    expect(chooseProvider(both, [attempt('tencent', 'accepted')], any)).toBe('aliyun');
  });

  it('never takes a provider that refused the message', () => {
    expect(chooseProvider(both, [attempt('aliyun', 'provider_refused')], any)).toBe('tencent');
    // The other failed transiently, but the one that refused is still out.
    const history = [attempt('aliyun', 'provider_refused'), attempt('tencent', 'transient')];
    expect(chooseProvider(both, history, any)).toBe('tencent');
    expect(chooseProvider(both, [attempt('tencent', 'provider_refused'), attempt('aliyun', 'throttled')], any)).toBe(
      'aliyun',
    );
  });

  it('takes only providers that can send the template', () => {
    expect(chooseProvider(both, [], (p) => p === 'tencent')).toBe('tencent');
    // Failing over to a provider without the template is no failover.
    expect(chooseProvider(both, [attempt('tencent', 'transient')], (p) => p === 'tencent')).toBe('tencent');
    expect(chooseProvider(both, [], () => false)).toBeUndefined();
  });

  it('answers undefined when every provider refused', () => {
    const history = [attempt('aliyun', 'provider_refused'), attempt('tencent', 'provider_refused')];
    expect(chooseProvider(both, history, any)).toBeUndefined();
    expect(chooseProvider(['file'], [attempt('file', 'provider_refused')], any)).toBeUndefined();
  });

  it('answers undefined with no provider configured', () => {
    expect(chooseProvider([], [], any)).toBeUndefined();
  });
});
