/**
 * Pushes the status callbacks the store says are owed. A callback is a
 * confirmation sent over HTTP: owed in the same durable write as the
 * status it reports (owed.ts), recorded as sent only after the receiver
 * answered 2xx, so a restart sends again what was not answered
 * (at-least-once; eventId lets the receiver drop a repeat). Its own work
 * loop, apart from the confirmation mails, and a limit per receiving host,
 * so that a slow ERP holds up neither the mails nor other accounts' pushes.
 */
import { retryDelaySeconds } from '../../dispatch/retry.js';
import { WorkLoop } from '../../dispatch/work-loop.js';
import type { LogFn } from '../../log.js';
import type { ConfirmationState, MessageStore, SmsMessage } from '../../store/types.js';
import type { CallbackAccount } from './account.js';
import { isAllowed, shown } from './allow.js';
import { postCallback, type Attempt } from './http.js';
import { CallbackOutages } from './outages.js';
import { callbackPayload } from './payload.js';

export interface CallbackSettings {
  concurrency: number;
  perHost: number;
  timeoutSeconds: number;
  retrySeconds: readonly number[];
  maxAttempts: number;
  /** Longest Retry-After honoured; a longer one waits this long. */
  maxRetryAfterSeconds: number;
}

export interface CallbackWorkerOptions {
  store: Pick<MessageStore, 'confirmationsDue' | 'confirmationSent' | 'confirmationFailed' | 'onChange'>;
  settings: CallbackSettings;
  /** The operator's word on an account's callbacks (config accounts[].statusCallbacks): where they may go, and the signing secrets. */
  accountOf: (account: string) => CallbackAccount | undefined;
  userAgent: string;
  now?: () => Date;
  log: LogFn;
  tickMs?: number;
}

type Job = [SmsMessage, ConfirmationState];

export class CallbackWorker {
  private readonly loop: WorkLoop<Job>;
  private readonly now: () => Date;
  /** Pushes under way per receiving host (scheme, host and port). */
  private readonly perHost = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly stopping = new AbortController();
  private readonly outages: CallbackOutages;

  constructor(private readonly o: CallbackWorkerOptions) {
    this.now = o.now ?? (() => new Date());
    this.outages = new CallbackOutages(o.log, this.now);
    this.loop = new WorkLoop<Job>({
      concurrency: o.settings.concurrency,
      tickMs: o.tickMs ?? 500,
      next: (limit) => this.next(limit),
      key: ([m, c]) => keyOf(m, c),
      run: (job) => this.push(job),
      onError: ([m, c], e) => o.log('callback-error', { msgId: m.id, stage: c.stage, error: e.message }),
    });
  }

  start(): void {
    this.o.store.onChange(() => this.loop.wake());
    this.loop.start();
  }

  /** Starts no new push, aborts those under way (they stay owed and go again after the restart) and waits for them. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping.abort();
    await this.loop.stop(timeoutMs);
  }

  /**
   * Due pushes whose host has a free place: picked in the store's walk, so
   * that the pushes of a host at its limit cannot fill the batch and keep
   * other hosts waiting.
   */
  private next(limit: number): Job[] {
    const taken = new Map<string, number>();
    return this.o.store.confirmationsDue(this.now(), limit, 'callback', (m, c) => {
      if (this.running.has(keyOf(m, c))) return false;
      const host = hostOf(m.callback?.url);
      const n = (this.perHost.get(host) ?? 0) + (taken.get(host) ?? 0);
      if (n >= this.o.settings.perHost) return false;
      taken.set(host, (taken.get(host) ?? 0) + 1);
      return true;
    });
  }

  private async push([m, c]: Job): Promise<void> {
    const key = keyOf(m, c);
    const host = hostOf(m.callback?.url);
    this.running.add(key);
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    try {
      const attempt = await this.attempt(m, c);
      // Cut off by a stop: still owed, sent again after the restart.
      if (this.stopping.signal.aborted && attempt.outcome === 'retry') return;
      await this.record(m, c, attempt);
    } finally {
      this.running.delete(key);
      const left = (this.perHost.get(host) ?? 1) - 1;
      if (left > 0) this.perHost.set(host, left);
      else this.perHost.delete(host);
    }
  }

  private async attempt(m: SmsMessage, c: ConfirmationState): Promise<Attempt> {
    const url = m.callback?.url ?? '';
    const account = this.o.accountOf(m.account);
    // Checked again at every push: the operator may have narrowed the list since the SMS was taken in.
    if (!account || !isAllowed(url, account.allow)) return { outcome: 'final', error: 'the URL is no longer among those allowed for the account (accounts[].statusCallbacks.allow)' };
    const payload = callbackPayload(m, c);
    return postCallback({
      url, body: JSON.stringify(payload), eventId: payload.eventId, secrets: account.secrets, timeoutMs: this.o.settings.timeoutSeconds * 1000,
      userAgent: this.o.userAgent, now: this.now(), signal: this.stopping.signal,
    });
  }

  private async record(m: SmsMessage, c: ConfirmationState, a: Attempt): Promise<void> {
    const base = { msgId: m.id, stage: c.stage, account: m.account, url: shown(m.callback?.url ?? ''), attempts: c.attempts + 1 };
    if (a.outcome === 'done') {
      await this.o.store.confirmationSent(m.id, c.stage, `${base.url} HTTP ${a.status}`, this.now(), 'callback');
      this.o.log('callback-sent', { ...base, status: a.status });
      this.outages.succeeded(m.account, base.url);
      return;
    }
    if (a.outcome === 'retry') this.outages.failed(m.account, base.url, a.error);
    const { maxAttempts, retrySeconds, maxRetryAfterSeconds } = this.o.settings;
    if (a.outcome === 'final' || c.attempts + 1 >= maxAttempts) {
      const why = a.outcome === 'final' ? a.error : `${a.error}; gave up after ${maxAttempts} attempts`;
      // Recorded as done with the reason, like a mail refused by recipient-guard.ts: nothing more is owed.
      await this.o.store.confirmationSent(m.id, c.stage, `not sent: ${why}`, this.now(), 'callback');
      this.o.log('callback-failed', { ...base, error: why });
      return;
    }
    // At least a second: a receiver answering Retry-After: 0 must not turn the retries into a loop.
    const wait = Math.max(1, Math.min(a.retryAfterSeconds ?? retryDelaySeconds(c.attempts + 1, retrySeconds), maxRetryAfterSeconds));
    this.o.log('callback-retry', { ...base, wait, error: a.error });
    await this.o.store.confirmationFailed(m.id, c.stage, a.error, new Date(this.now().getTime() + wait * 1000), 'callback');
  }
}

const keyOf = (m: SmsMessage, c: ConfirmationState) => `${m.id}/${c.stage}`;

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').origin;
  } catch {
    return '';
  }
}
