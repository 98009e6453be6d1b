import { createHash } from 'node:crypto';
import type { FieldViolation } from './errors';

/**
 * Page tokens: opaque to the caller (`page_token` / `next_page_token`), an offset inside, bound to the query
 * they came from by a hash of its filter. A token from another query, a malformed one or one past `maxOffset` is
 * refused as `page_token: is not a token this service gave out for this query` rather than giving a wrong page.
 * Tokens are not signed: a client that builds one only chooses an offset, which `maxOffset` bounds.
 */
export interface PageRequest {
  /** `page_size`; 0 means the default. */
  readonly size: number;
  /** `page_token`; empty for the first page. */
  readonly token: string;
}

export interface PagePolicy {
  readonly defaultSize: number;
  readonly maxSize: number;
  /** The deepest offset served (deep offsets cost a scan); default 100,000. */
  readonly maxOffset?: number;
}

export interface PageWindow {
  /** Rows to skip. */
  readonly offset: number;
  /** Rows to return. Ask the store for `limit + 1` to learn whether there is a next page. */
  readonly limit: number;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

function scopeTag(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 8);
}

/**
 * Reads a page request; `scope` is the query's filter as a string (its fields in a fixed order), so a token only
 * works for the query that made it. Adds violations for `page_size` and `page_token` to `violations`.
 */
export function readPage(
  page: PageRequest,
  policy: PagePolicy,
  scope: string,
  violations: FieldViolation[],
): PageWindow {
  const size = page.size === 0 ? policy.defaultSize : page.size;
  if (!Number.isInteger(size) || size < 1 || size > policy.maxSize) {
    violations.push({ field: 'page_size', description: `must be 1 to ${policy.maxSize}` });
  }
  let offset = 0;
  if (page.token !== '') {
    const decoded = TOKEN.test(page.token) ? Buffer.from(page.token, 'base64url').toString('utf8') : '';
    const match = /^(\d{1,9})\.([A-Za-z0-9_-]{8})$/.exec(decoded);
    const value = match ? Number(match[1]) : NaN;
    if (!match || match[2] !== scopeTag(scope) || !(value > 0) || value > (policy.maxOffset ?? 100_000)) {
      violations.push({ field: 'page_token', description: 'is not a token this service gave out for this query' });
    } else offset = value;
  }
  return { offset, limit: size };
}

/** The token of the page after `window`, or `''` when there is none. */
export function nextPageToken(window: PageWindow, hasMore: boolean, scope: string): string {
  if (!hasMore) return '';
  return Buffer.from(`${window.offset + window.limit}.${scopeTag(scope)}`, 'utf8').toString('base64url');
}
