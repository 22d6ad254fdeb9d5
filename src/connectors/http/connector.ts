import type { LogFn } from '../../log.js';
import { HTTP_QUIET_MS, ThrottleEpisodes } from '../throttling.js';
import type { Connector, ConnectorHealth, DeliveryReport, InboundSms, LookupResult, OutboundSms, SubmitResult } from '../types.js';
import type { HttpConnectorOptions, ValueFrom } from './options.js';
import { buildRequest, readResponse, type ReadAnswer } from './request.js';
import { retryAfterMs } from './retry-after.js';
import { unknownPlaceholders } from './template.js';
import { handOver } from '../listeners.js';
import { HttpFailure, WebhookServer } from './webhook.js';

export type { HttpConnectorOptions } from './options.js';

export interface HttpConnectorDeps {
  now?: () => Date;
  /** Injected for tests; defaults to the global fetch (keep-alive by default). */
  fetch?: typeof fetch;
  /** For what only the connector sees: an answer without a message id, credentials refused, throttling. */
  log?: LogFn;
}

/** Every template in the options, with where it sits, for the start-up check. */
function templatesOf(o: HttpConnectorOptions): Array<[where: string, template: string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(o.query ?? {})) out.push([`query.${k}`, v]);
  for (const [k, v] of Object.entries(o.headers ?? {})) out.push([`headers.${k}`, v]);
  for (const [k, v] of Object.entries(o.body?.fields ?? {})) out.push([`body.fields.${k}`, v]);
  for (const [k, v] of Object.entries(o.webhook?.dlrUrlQuery ?? {})) out.push([`webhook.dlrUrlQuery.${k}`, v]);
  return out;
}

/** Configuration mistakes, all at once, so a broken connector fails at start rather than on every SMS. */
export function optionProblems(o: HttpConnectorOptions): string[] {
  const problems = templatesOf(o).flatMap(([where, t]) => unknownPlaceholders(t).map((n) => `${where}: unknown placeholder {{${n}}}`));
  if (!isHttpUrl(o.url)) problems.push(`url: ${JSON.stringify(o.url)} is not an http:// or https:// URL`);
  if (o.method === 'GET' && o.body) problems.push('body: a GET request cannot carry a body');
  if (!(o.timeoutMs > 0)) problems.push('timeoutMs: must be positive');
  const { messageIdFrom, errorFrom } = o.response;
  if (messageIdFrom.type !== 'ours') problems.push(...valueFromProblems('response.messageIdFrom', messageIdFrom));
  if (errorFrom) problems.push(...valueFromProblems('response.errorFrom', errorFrom));
  if (o.webhook && !o.webhook.secret) problems.push('webhook.secret: must not be empty');
  if (o.webhook && !o.webhook.path.startsWith('/')) problems.push('webhook.path: must start with /');
  if (o.webhook?.mo && (!o.webhook.mo.path.startsWith('/') || o.webhook.mo.path === o.webhook.path)) problems.push('webhook.mo.path: must start with / and differ from webhook.path');
  return problems;
}

function isHttpUrl(s: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

function valueFromProblems(where: string, from: ValueFrom): string[] {
  if (from.type === 'json') return from.path ? [] : [`${where}.path: must not be empty for type json`];
  try {
    new RegExp(from.pattern);
    return from.pattern ? [] : [`${where}.pattern: must not be empty for type regex`];
  } catch (e) {
    return [`${where}.pattern: ${(e as Error).message}`];
  }
}

/**
 * A REST aggregator described by data: one HTTP request per SMS, and an own
 * listener for delivery reports. HTTP APIs cannot say whether an earlier,
 * unanswered request was taken, so lookup() answers 'unknown'.
 */
export class HttpConnector implements Connector {
  readonly name: string;
  /** Aggregators time out their callbacks after a few seconds. */
  readonly keptReportWaitMs = 5000;
  private readonly listeners: Array<(r: DeliveryReport) => void> = [];
  private readonly inbound: Array<(m: InboundSms) => Promise<void>> = [];
  private readonly webhook?: WebhookServer;
  private readonly fetch: typeof fetch;
  private localWebhookUrl?: string;
  private lastError?: string;
  /** The last submit failed for a reason of the connector's (no connection, no answer, 5xx, credentials): it is down until one works. */
  private failing = false;
  /** Epoch ms until which the aggregator asked us to wait (Retry-After on a temporary refusal). */
  private throttledUntil = 0;
  private readonly now: () => Date;
  private readonly log: LogFn;
  private readonly episodes: ThrottleEpisodes;

  constructor(
    private readonly opts: HttpConnectorOptions,
    deps: HttpConnectorDeps = {},
  ) {
    const problems = optionProblems(opts);
    if (problems.length) throw new Error(`http connector ${opts.name}: ${problems.join('; ')}`);
    this.name = opts.name;
    this.fetch = deps.fetch ?? fetch;
    const now = deps.now ?? (() => new Date());
    this.now = now;
    this.log = deps.log ?? (() => undefined);
    this.episodes = new ThrottleEpisodes(opts.name, 'http-throttled', this.log, () => now().getTime(), opts.throttleQuietMs ?? HTTP_QUIET_MS);
    if (opts.webhook) this.webhook = new WebhookServer(opts.webhook, (r) => this.emit(r), now, (m) => this.emitInbound(m));
  }

  /** Where the aggregator is told to send reports; set after start() when a webhook is configured. */
  get webhookUrl(): string | undefined {
    return this.opts.webhook?.publicUrl ?? this.localWebhookUrl;
  }

  async start(): Promise<void> {
    if (this.webhook) this.localWebhookUrl = await this.webhook.listen();
  }

  async stop(): Promise<void> {
    await this.webhook?.close();
    this.localWebhookUrl = undefined;
  }

  onReport(listener: (r: DeliveryReport) => void): void {
    this.listeners.push(listener);
  }

  onInbound(listener: (m: InboundSms) => Promise<void>): void {
    this.inbound.push(listener);
  }

  /**
   * HTTP has no link to watch: the connector is up as long as its last
   * submit did not fail for a reason of its own, and only a submit can
   * show it works again (bySubmits: the router still offers it; its
   * breaker spaces the tries). While the aggregator asked us to wait
   * (Retry-After), it is down and skipped until then.
   */
  health(): ConnectorHealth {
    const detail = this.lastError ? { detail: this.lastError } : {};
    if (this.now().getTime() < this.throttledUntil) {
      return { up: false, state: 'throttled', detail: `the aggregator asked to wait until ${new Date(this.throttledUntil).toISOString()} (${this.lastError})` };
    }
    return { up: !this.failing, state: this.failing ? 'failing' : 'ready', bySubmits: true, ...detail };
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    const req = buildRequest(this.opts, sms, this.webhookUrl, this.now());
    let status: number;
    let body: string;
    let retryAfter: string | null;
    try {
      const res = await this.fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      body = await res.text();
    } catch (e) {
      this.lastError = networkReason(e, this.opts.timeoutMs);
      this.failing = true;
      // Unless the connection was never made, the request may have reached the aggregator before the link broke or the time ran out.
      return { ok: false, temporary: true, reason: this.lastError, ...(neverConnected(e) ? {} : { uncertain: true }) };
    }
    const answer = readResponse(this.opts, sms, status, body);
    // 429 is "too many" whether or not it says how long to wait; another temporary refusal is throttling only with a Retry-After.
    const throttled = this.note(sms, status, answer, retryAfter);
    return throttled && !answer.result.ok ? { ...answer.result, throttled: true } : answer.result;
  }

  /** A report that names the SMS by our id (our id as the message id, as Kannel's; webhook.ourIdParam) can settle a lost answer at any time. */
  get lateReports(): boolean {
    return this.opts.response.messageIdFrom.type === 'ours' || Boolean(this.opts.webhook?.ourIdParam);
  }

  /** Keeps the connector's state in step with an answer, and tells the operator what only the connector sees; true: a throttling refusal. */
  private note(sms: OutboundSms, status: number, a: ReadAnswer, retryAfter: string | null): boolean {
    const r = a.result;
    this.lastError = r.ok ? undefined : r.reason;
    // A refusal of the SMS itself (4xx) is an answer too: the aggregator works.
    this.failing = !r.ok && r.temporary;
    if (a.noIdAt) this.log('http-no-message-id', { connector: this.name, msgId: sms.id, status, setting: a.noIdAt, action: 'recorded as handed over with our own id; check the setting against the aggregator\'s answer' });
    if (a.meaning === 'connector') this.log('http-connector-refused', { connector: this.name, msgId: sms.id, status, reason: this.lastError });
    // One reading of the clock: an HTTP date's wait ends at that date, not a millisecond after.
    const now = this.now();
    const wait = a.meaning === 'temporary' ? retryAfterMs(retryAfter, now) : undefined;
    if (wait !== undefined) this.throttledUntil = now.getTime() + wait;
    if (r.ok) this.episodes.taken();
    const throttled = !r.ok && a.meaning === 'temporary' && (status === 429 || wait !== undefined);
    if (throttled) this.episodes.refused({ status, ...(wait !== undefined ? { waitSeconds: Math.round(wait / 1000), until: new Date(this.throttledUntil).toISOString() } : {}) }, wait);
    return throttled;
  }

  async lookup(_id: string): Promise<LookupResult> {
    return { found: 'unknown' };
  }

  /** Nothing to re-arm: reports arrive by webhook whenever the aggregator sends them. */
  resume(_items: Array<{ id: string; to: string; connectorMessageId: string }>): void {}

  /**
   * Resolves once every listener that returned a promise settled: the
   * report is stored, however long a loaded disk takes (an earlier cap
   * answered 200 after 5 s while the write was still under way, and a
   * failed write then lost a report the aggregator never sent again). The
   * webhook answers only then, so a crash before it makes the aggregator
   * send the report again; one that could not be stored gets 500. Only a
   * report the dispatcher merely keeps is answered sooner (keptReportWaitMs).
   */
  private async emit(r: DeliveryReport): Promise<void> {
    // Started before the dispatcher listens (the bridge's start): nobody could store it yet, so it must come again.
    if (this.listeners.length === 0) throw new HttpFailure(503, 'not ready for reports yet');
    // Our own id is the message id here: it finds the SMS even when the submit's answer never came.
    if (this.opts.response.messageIdFrom.type === 'ours') r = { ...r, ourId: r.connectorMessageId };
    await handOver(this.listeners, r);
  }

  /** A reply from a handset: answered once every listener stored what it decided (a STOP on the opt-out list); without listeners it is only dropped. */
  private async emitInbound(m: InboundSms): Promise<void> {
    await Promise.all(this.inbound.map((l) => l(m)));
  }
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function neverConnected(e: unknown): boolean {
  return CONNECT_ERRORS.has((e as { cause?: { code?: string } }).cause?.code ?? '');
}

function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return `network error: ${err.message}${cause ? ` (${cause})` : ''}`;
}
