/**
 * Pure halves of one submit: the request built from the options and an
 * SMS, and the response read back into a SubmitResult. The connector only
 * adds the network in between.
 */
import type { OutboundSms, SubmitResult } from '../types.js';
import { statusMeaning, type HttpConnectorOptions, type HttpWebhookOptions, type StatusMeaning, type ValueFrom } from './options.js';
import { render, renderFields, smsValues, usesPlaceholder, type TemplateValues } from './template.js';

export interface BuiltRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** How long a body excerpt in a failure reason may be: enough to name the error, short enough for a log line. */
const EXCERPT = 200;

/**
 * `{{dlr_url}}`: the webhook's public URL with the secret and the configured
 * query, then the raw suffix. The suffix is the one place text is appended
 * unencoded, on purpose: Kannel must see `%d` itself to substitute it.
 */
export function buildDlrUrl(hook: HttpWebhookOptions, baseUrl: string, values: TemplateValues): string {
  const url = new URL(baseUrl);
  url.searchParams.set('secret', hook.secret);
  for (const [k, v] of renderFields(hook.dlrUrlQuery, values)) url.searchParams.set(k, v);
  return url.toString() + (hook.dlrUrlSuffix ?? '');
}

/** Header names are case-insensitive, so a configured `Content-Type` must win over our default. */
function setDefaultContentType(headers: Record<string, string>, type: string): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = type;
}

export function buildRequest(opts: HttpConnectorOptions, sms: OutboundSms, webhookBase?: string, now = new Date()): BuiltRequest {
  const values = smsValues(sms, opts.from, now);
  if (opts.webhook && webhookBase) values.dlr_url = buildDlrUrl(opts.webhook, webhookBase, values);
  const url = new URL(opts.url);
  for (const [k, v] of renderFields(opts.query, values)) url.searchParams.append(k, v);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = render(v, values);
  if (!opts.body) return { url: url.toString(), method: opts.method, headers };
  const fields = renderFields(opts.body.fields, values);
  if (opts.body.type === 'json') {
    setDefaultContentType(headers, 'application/json');
    return { url: url.toString(), method: opts.method, headers, body: JSON.stringify(Object.fromEntries(fields)) };
  }
  setDefaultContentType(headers, 'application/x-www-form-urlencoded');
  return { url: url.toString(), method: opts.method, headers, body: new URLSearchParams(fields).toString() };
}

/** A dotted path into parsed JSON; numeric segments index arrays. */
export function jsonPath(data: unknown, path: string): unknown {
  let cur = data;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A non-empty string or number found in the body, as text; undefined otherwise (including a body that is not JSON). */
export function extractValue(from: ValueFrom, body: string): string | undefined {
  if (from.type === 'regex') {
    const m = new RegExp(from.pattern).exec(body);
    const v = m ? (m[1] ?? m[0]) : undefined;
    return v ? v : undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  const v = jsonPath(data, from.path);
  return (typeof v === 'string' && v !== '') || typeof v === 'number' ? String(v) : undefined;
}

const excerpt = (body: string): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? flat.slice(0, EXCERPT) + '…' : flat;
};

/** An answer read back: the result for the dispatcher, and what the connector itself must tell the operator. */
export interface ReadAnswer {
  result: SubmitResult;
  meaning: StatusMeaning;
  /** An accepted answer without a readable message id: where the connector's config looked for it. */
  noIdAt?: string;
}

/** `response.messageIdFrom.path = "messages.0.id"`: the setting that found nothing, as an operator finds it in the config. */
function idSetting(from: ValueFrom): string {
  return from.type === 'json' ? `response.messageIdFrom.path = ${JSON.stringify(from.path)}` : `response.messageIdFrom.pattern = ${JSON.stringify(from.pattern)}`;
}

/**
 * The aggregator's answer as a SubmitResult. An accepted request without a
 * readable message id was taken all the same (the aggregator said so), so
 * it is submitted with our own id standing in: reports can then be matched
 * only by our id, when they carry it (webhook.ourIdParam). Failing it would
 * tell the sender the opposite of what happened, and resending it would
 * send it twice.
 */
export function readResponse(opts: HttpConnectorOptions, sms: OutboundSms, status: number, body: string): ReadAnswer {
  const rules = opts.response;
  const meaning = statusMeaning(rules, status);
  const why = (rules.errorFrom && extractValue(rules.errorFrom, body)) || excerpt(body);
  const reason = `HTTP ${status}${why ? `: ${why}` : ''}`;
  switch (meaning) {
    case 'ok': {
      const from = rules.messageIdFrom;
      if (from.type === 'ours') return { meaning, result: { ok: true, connectorMessageId: sms.id, ...defaultSenderUsed(opts, sms) } };
      const id = extractValue(from, body);
      if (id) return { meaning, result: { ok: true, connectorMessageId: id, ...defaultSenderUsed(opts, sms) } };
      const note = `the aggregator took it (HTTP ${status}) but its answer had no message id where ${idSetting(from)} looks; only reports carrying our own id can be matched`;
      return { meaning, noIdAt: idSetting(from), result: { ok: true, connectorMessageId: sms.id, note, ...defaultSenderUsed(opts, sms) } };
    }
    case 'uncertain':
      return { meaning, result: { ok: false, temporary: true, uncertain: true, reason: `${reason} (the aggregator may have taken it)` } };
    case 'connector':
      return { meaning, result: { ok: false, temporary: true, scope: 'connector', reason: `${reason} (the aggregator refuses this connector's requests: check its credentials and URL)` } };
    case 'temporary':
      return { meaning, result: { ok: false, temporary: true, reason } };
    case 'refused':
      return { meaning, result: { ok: false, temporary: false, reason, final: 'rejected' } };
  }
}

/**
 * SubmitResult's `sender`: the configured `from`, when the SMS names none and
 * the request carries `{{from}}` (where no template has it, the aggregator
 * chooses, and what it chose is not known here).
 */
export function defaultSenderUsed(opts: Pick<HttpConnectorOptions, 'from' | 'query' | 'headers' | 'body'>, sms: Pick<OutboundSms, 'sender'>): { sender?: string } {
  if (sms.sender || !opts.from) return {};
  const templates = [...Object.values(opts.query ?? {}), ...Object.values(opts.headers ?? {}), ...Object.values(opts.body?.fields ?? {})];
  return templates.some((t) => usesPlaceholder(t, 'from')) ? { sender: opts.from } : {};
}
