/**
 * One attempt of a status callback: a signed POST, no redirects, a time
 * limit, and the answer sorted into what happens next. 2xx is done; 408,
 * 429, 5xx, a timeout and a connection error are tried again (Retry-After
 * honoured); any other answer (3xx: redirects are not followed; 4xx: the
 * receiver refuses it) is final.
 */
import { HEADER_EVENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signature } from './sign.js';

export type Attempt =
  | { outcome: 'done'; status: number }
  | { outcome: 'retry'; error: string; retryAfterSeconds?: number }
  | { outcome: 'final'; error: string };

export interface PostInput {
  url: string;
  body: string;
  eventId: string;
  /** The account's secrets: the current one, and the previous one while it is rotated. */
  secrets: readonly string[];
  timeoutMs: number;
  userAgent: string;
  now: Date;
  /** Aborts the request (the bridge stops). */
  signal?: AbortSignal;
}

const RETRY_STATUS: ReadonlySet<number> = new Set([408, 429]);

export async function postCallback(i: PostInput): Promise<Attempt> {
  const timestamp = Math.floor(i.now.getTime() / 1000);
  const timeout = AbortSignal.timeout(i.timeoutMs);
  let res: Response;
  try {
    res = await fetch(i.url, {
      method: 'POST',
      redirect: 'manual',
      signal: i.signal ? AbortSignal.any([timeout, i.signal]) : timeout,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': i.userAgent,
        [HEADER_EVENT_ID]: i.eventId,
        [HEADER_TIMESTAMP]: String(timestamp),
        [HEADER_SIGNATURE]: signature(i.secrets, timestamp, i.body),
      },
      body: i.body,
    });
    // The answer's body says nothing we act on; reading it to the end frees the connection for the next push.
    await res.arrayBuffer();
  } catch (e) {
    if (timeout.aborted) return { outcome: 'retry', error: `no answer within ${i.timeoutMs} ms` };
    return { outcome: 'retry', error: networkError(e as Error) };
  }
  if (res.status >= 200 && res.status < 300) return { outcome: 'done', status: res.status };
  const error = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  if (res.status >= 300 && res.status < 400) return { outcome: 'final', error: `${error}: redirects are not followed` };
  if (res.status >= 500 || RETRY_STATUS.has(res.status)) return { outcome: 'retry', error, retryAfterSeconds: retryAfter(res.headers.get('retry-after'), i.now) };
  return { outcome: 'final', error };
}

/** Retry-After (RFC 9110 §10.2.3): seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS error). */
function networkError(e: Error): string {
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() || e.message : e.message;
}
