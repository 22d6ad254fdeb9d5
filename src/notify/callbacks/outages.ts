import type { LogFn } from '../../log.js';

interface Outage {
  since: Date;
  /** Attempts that failed temporarily since. */
  failures: number;
  /** The latest of their errors. */
  lastError: string;
}

/**
 * Whether a receiver of status callbacks (an account's URL, without its
 * query) is failing: a receiver down for two minutes costs thousands of
 * attempts, each logged only at debug (callback-retry), so the operator
 * reads one warn when it starts failing (callback-endpoint-failing) and one
 * info when a push goes through again (callback-endpoint-recovered, with
 * how long and how many attempts failed). Only temporary failures count
 * (no connection, a timeout, 5xx, 408, 429): a 4xx refuses one push, not
 * the receiver. In memory: a restart during an outage says it again.
 */
export class CallbackOutages {
  private readonly open = new Map<string, Outage>();

  constructor(private readonly log: LogFn, private readonly now: () => Date) {}

  failed(account: string, url: string, error: string): void {
    const key = `${account}\n${url}`;
    const o = this.open.get(key);
    if (o) {
      o.failures++;
      o.lastError = error;
      return;
    }
    this.open.set(key, { since: this.now(), failures: 1, lastError: error });
    this.log('callback-endpoint-failing', { account, url, error });
  }

  succeeded(account: string, url: string): void {
    const key = `${account}\n${url}`;
    const o = this.open.get(key);
    if (!o) return;
    this.open.delete(key);
    const ms = this.now().getTime() - o.since.getTime();
    this.log('callback-endpoint-recovered', { account, url, since: o.since.toISOString(), ms, failedAttempts: o.failures, lastError: o.lastError });
  }
}
