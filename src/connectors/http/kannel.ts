/**
 * Preset for Kannel's `GET /cgi-bin/sendsms`, which many on-premise gateways
 * and aggregators speak. Kannel answers with no message id, so our own id is
 * the message id and travels in the dlr-url, which Kannel calls back with
 * `%d` replaced by the report type. A flash SMS goes with `mclass=0`
 * (Kannel's message classes are 0–3), a validity as `validity` in minutes.
 */
import type { DeliveryReport } from '../types.js';
import type { HttpConnectorOptions } from './options.js';

export interface KannelPresetArgs {
  name: string;
  /** Kannel smsbox, e.g. `http://127.0.0.1:13013`; requests go to its `/cgi-bin/sendsms`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Default sender when the SMS names none; Kannel's own default when absent. */
  from?: string;
  /** Force a given SMSC (Kannel's `smsc=`). */
  smsc?: string;
  /** Where our report listener binds; Kannel must be able to reach it (see dlrWebhookBase). */
  listen?: { host: string; port: number };
  /** Path of the report listener; default `/dlr/<name>`. */
  webhookPath?: string;
  /** The listener's URL as Kannel reaches it; default the listener's own address. */
  dlrWebhookBase?: string;
  secret: string;
  /** Path where Kannel's sms-service forwards replies from handsets; default `/mo/<name>`. */
  moPath?: string;
  /** Report types asked for; default 19 = 1 delivered + 2 undelivered + 16 rejected by the SMSC (with 3, a rejection would never be reported). */
  dlrMask?: number;
  timeoutMs?: number;
  /** How long without a "too fast" ends a throttling episode when Kannel gave no Retry-After; default the http connector's. */
  throttleQuietMs?: number;
  /** Statuses after which Kannel may have taken the SMS (a proxy's 502/504); default the http connector's. */
  uncertainStatus?: number[];
  /** Statuses that are this connector's fault, not the SMS's (KANNEL_CONNECTOR_ERROR_STATUS by default). */
  connectorErrorStatus?: number[];
}

/**
 * What Kannel's smsbox answers when it cannot send anything for us: 403
 * "Authorization failed for sendsms" (wrong username or password, or an
 * allow-ip that leaves us out), 404 when baseUrl has no sendsms; 401 and
 * 407 come from a proxy in front of it. Its 400 ("… misformed, rejected",
 * "Number(s) has/have been denied by white- and/or black-lists") is about
 * the SMS, and its 500 "Sending failed." a temporary failure. Kannel takes
 * GET and POST, so no 405 of the http connector's default.
 */
export const KANNEL_CONNECTOR_ERROR_STATUS = [401, 403, 404, 407];

/** Kannel's dlr-url `%d`: 1 delivered, 2 undelivered, 4 buffered on the SMSC, 8 SMSC accepted, 16 SMSC rejected. */
export const KANNEL_DLR_TYPES: Record<string, DeliveryReport['status']> = {
  '1': 'delivered',
  '2': 'failed',
  '4': 'enroute',
  '8': 'enroute',
  '16': 'rejected',
};

export function kannelPreset(a: KannelPresetArgs): HttpConnectorOptions {
  const query: Record<string, string> = {
    username: a.username,
    password: a.password,
    to: '{{to}}',
    text: '{{text}}',
    from: '{{from}}',
    coding: '{{coding}}',
    // the text always travels as UTF-8; coding tells Kannel which alphabet to put on the air
    charset: 'UTF-8',
    // both left out when the SMS has none: message class 0 for a flash SMS, and minutes the SMSC may keep trying
    mclass: '{{mclass}}',
    // left out for a normal SMS; 1 asks Kannel to send an express one first
    priority: '{{priority}}',
    validity: '{{validity_minutes}}',
    'dlr-mask': String(a.dlrMask ?? 19),
    'dlr-url': '{{dlr_url}}',
  };
  if (a.smsc) query.smsc = a.smsc;
  return {
    name: a.name,
    url: new URL('/cgi-bin/sendsms', a.baseUrl).toString(),
    method: 'GET',
    query,
    ...(a.from ? { from: a.from } : {}),
    timeoutMs: a.timeoutMs ?? 10_000,
    ...(a.throttleQuietMs ? { throttleQuietMs: a.throttleQuietMs } : {}),
    response: {
      messageIdFrom: { type: 'ours' },
      // 202 "0: Accepted for delivery" / "3: Queued for later delivery"; 503 "Temporal failure" is retried by the default rule
      okStatus: [200, 202],
      connectorErrorStatus: a.connectorErrorStatus ?? KANNEL_CONNECTOR_ERROR_STATUS,
      ...(a.uncertainStatus ? { uncertainStatus: a.uncertainStatus } : {}),
    },
    webhook: {
      listen: a.listen ?? { host: '127.0.0.1', port: 0 },
      path: a.webhookPath ?? `/dlr/${encodeURIComponent(a.name)}`,
      ...(a.dlrWebhookBase ? { publicUrl: a.dlrWebhookBase } : {}),
      secret: a.secret,
      dlrUrlQuery: { id: '{{id}}' },
      // left unencoded so Kannel substitutes it: %d the report type, %A the SMSC's reply text
      dlrUrlSuffix: '&type=%d&reply=%A',
      idParam: 'id',
      statusParam: 'type',
      statusMap: KANNEL_DLR_TYPES,
      reasonParam: 'reply',
      // Kannel's sms-service get-url: ".../mo/<name>?secret=…&from=%p&to=%P&text=%a"
      mo: { path: a.moPath ?? `/mo/${encodeURIComponent(a.name)}`, fromParam: 'from', toParam: 'to', textParam: 'text' },
    },
  };
}
