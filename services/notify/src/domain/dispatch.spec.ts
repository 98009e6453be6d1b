import { afterAttempt, dispatchKey, type RetrySettings } from './dispatch';

const now = new Date('2026-10-12T09:30:00+08:00');
const later = (ms: number) => new Date(now.getTime() + ms);
/** 1 s, 2 s, 4 s …, without jitter, so each wait is exact. */
const retry: RetrySettings = { maxAttempts: 3, backoffMs: (attempt) => 1000 * 2 ** (attempt - 1) };

describe('afterAttempt', () => {
  it('marks an accepted message sent, with the provider’s id', () => {
    expect(afterAttempt(now, 1, { kind: 'accepted', providerMessageId: 'biz-1' }, retry, true)).toEqual({
      status: 'sent',
      providerMessageId: 'biz-1',
    });
    // Accepted is accepted, on the last attempt too and with no other provider left.
    expect(afterAttempt(now, 3, { kind: 'accepted', providerMessageId: 'biz-2' }, retry, false)).toEqual({
      status: 'sent',
      providerMessageId: 'biz-2',
    });
  });

  it.each(['invalid_recipient', 'not_sendable'] as const)('puts %s in the dead letter at once', (kind) => {
    expect(afterAttempt(now, 1, { kind, code: 'isv.MOBILE_NUMBER_ILLEGAL' }, retry, true)).toEqual({
      status: 'dead',
      reason: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
  });

  it('retries a transient failure after the backoff of its attempt number', () => {
    expect(afterAttempt(now, 1, { kind: 'transient', code: 'ServiceUnavailable' }, retry, true)).toEqual({
      status: 'pending',
      waitingFor: 'retry',
      at: later(1000),
    });
    expect(afterAttempt(now, 2, { kind: 'transient', code: 'ServiceUnavailable' }, retry, false)).toEqual({
      status: 'pending',
      waitingFor: 'retry',
      at: later(2000),
    });
  });

  it('asks the backoff for the attempt just made', () => {
    const asked: number[] = [];
    const spy: RetrySettings = { maxAttempts: 5, backoffMs: (n) => (asked.push(n), 7) };
    afterAttempt(now, 2, { kind: 'transient', code: 'x' }, spy, true);
    afterAttempt(now, 4, { kind: 'throttled', code: 'y', retryAfterMs: 0 }, spy, true);
    expect(asked).toEqual([2, 4]);
  });

  it('makes a dead letter after the last attempt', () => {
    expect(afterAttempt(now, 3, { kind: 'transient', code: 'Timeout' }, retry, true)).toEqual({
      status: 'dead',
      reason: 'Timeout after 3 attempts',
    });
    expect(afterAttempt(now, 4, { kind: 'transient', code: 'Timeout' }, retry, true)).toMatchObject({
      status: 'dead',
    });
    expect(
      afterAttempt(
        now,
        3,
        { kind: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: 60_000 },
        retry,
        true,
      ),
    ).toEqual({ status: 'dead', reason: 'isv.BUSINESS_LIMIT_CONTROL after 3 attempts' });
  });

  it('waits out a throttle at least as long as the provider asked', () => {
    const hour = 3_600_000;
    expect(
      afterAttempt(now, 1, { kind: 'throttled', code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: hour }, retry, true),
    ).toEqual({ status: 'pending', waitingFor: 'retry', at: later(hour) });
  });

  it('waits the backoff when it is longer than the throttle asked', () => {
    expect(afterAttempt(now, 2, { kind: 'throttled', code: 'Throttling', retryAfterMs: 10 }, retry, true)).toEqual({
      status: 'pending',
      waitingFor: 'retry',
      at: later(2000),
    });
  });

  it('moves a refusal to the other provider at once', () => {
    expect(afterAttempt(now, 1, { kind: 'provider_refused', code: 'isv.SMS_TEMPLATE_ILLEGAL' }, retry, true)).toEqual({
      status: 'pending',
      waitingFor: 'retry',
      at: now,
    });
  });

  it('makes a refusal a dead letter when no other provider is left, on any attempt', () => {
    expect(afterAttempt(now, 1, { kind: 'provider_refused', code: 'isv.SMS_TEMPLATE_ILLEGAL' }, retry, false)).toEqual({
      status: 'dead',
      reason: 'isv.SMS_TEMPLATE_ILLEGAL: no provider will send it',
    });
  });

  it('makes a refusal on the last attempt a dead letter even with another provider left', () => {
    expect(afterAttempt(now, 3, { kind: 'provider_refused', code: 'isv.AMOUNT_NOT_ENOUGH' }, retry, true)).toEqual({
      status: 'dead',
      reason: 'isv.AMOUNT_NOT_ENOUGH after 3 attempts',
    });
  });

  it('with one attempt allowed, makes any failure a dead letter', () => {
    const once: RetrySettings = { ...retry, maxAttempts: 1 };
    expect(afterAttempt(now, 1, { kind: 'transient', code: 'x' }, once, true)).toMatchObject({ status: 'dead' });
    expect(afterAttempt(now, 1, { kind: 'throttled', code: 'y', retryAfterMs: 5 }, once, true)).toMatchObject({
      status: 'dead',
    });
  });
});

describe('dispatchKey', () => {
  it('is the event, the recipient and the template', () => {
    expect(
      dispatchKey('0192a1b2-0000-7000-8000-000000000001', {
        recipient: { kind: 'applicant', id: 'app-9' },
        templateCode: 'case_accepted',
      }),
    ).toBe('0192a1b2-0000-7000-8000-000000000001:applicant:app-9:case_accepted');
  });

  it('differs by recipient kind, recipient, template and event', () => {
    const keys = new Set([
      dispatchKey('e1', { recipient: { kind: 'applicant', id: 'x' }, templateCode: 't' }),
      dispatchKey('e1', { recipient: { kind: 'appointment', id: 'x' }, templateCode: 't' }),
      dispatchKey('e1', { recipient: { kind: 'staff', id: 'x' }, templateCode: 't' }),
      dispatchKey('e1', { recipient: { kind: 'staff', id: 'y' }, templateCode: 't' }),
      dispatchKey('e1', { recipient: { kind: 'staff', id: 'y' }, templateCode: 'u' }),
      dispatchKey('e2', { recipient: { kind: 'staff', id: 'y' }, templateCode: 'u' }),
    ]);
    expect(keys.size).toBe(6);
  });

  it('is the same for the same event, recipient and template (a redelivery adds nothing)', () => {
    const m = { recipient: { kind: 'staff' as const, id: 's1' }, templateCode: 'red_card' };
    expect(dispatchKey('e1', m)).toBe(dispatchKey('e1', { ...m, recipient: { ...m.recipient } }));
  });
});
