import type { FieldViolation } from './errors';
import { nextPageToken, readPage } from './paging';

const policy = { defaultSize: 20, maxSize: 50, maxOffset: 1000 };

describe('page tokens', () => {
  it('walks pages with opaque tokens bound to their query', () => {
    const violations: FieldViolation[] = [];
    const first = readPage({ size: 0, token: '' }, policy, 'q=a', violations);
    expect(first).toEqual({ offset: 0, limit: 20 });
    const token = nextPageToken(first, true, 'q=a');
    expect(token).not.toContain('20');
    expect(readPage({ size: 0, token }, policy, 'q=a', violations)).toEqual({ offset: 20, limit: 20 });
    expect(violations).toEqual([]);
    expect(nextPageToken(first, false, 'q=a')).toBe('');
  });

  it('refuses a token of another query, a forged one, one past the deepest page, and a bad size', () => {
    const token = nextPageToken({ offset: 0, limit: 20 }, true, 'q=a');
    const deep = nextPageToken({ offset: 990, limit: 20 }, true, 'q=a');
    for (const [size, bad] of [
      [0, token],
      [0, '20'],
      [0, Buffer.from('20.AAAAAAAA').toString('base64url')],
      [0, deep],
      [0, '\u0000'],
    ] as const) {
      const violations: FieldViolation[] = [];
      readPage({ size, token: bad }, policy, bad === token ? 'q=b' : 'q=a', violations);
      expect(violations.map((v) => v.field)).toEqual(['page_token']);
    }
    const violations: FieldViolation[] = [];
    readPage({ size: 51, token: '' }, policy, 'q=a', violations);
    readPage({ size: -1, token: '' }, policy, 'q=a', violations);
    expect(violations.map((v) => v.field)).toEqual(['page_size', 'page_size']);
  });
});
