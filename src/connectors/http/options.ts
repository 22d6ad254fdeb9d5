/**
 * The HTTP connector's configuration: plain JSON-able data, so a typical
 * REST aggregator is described in the config file rather than in code.
 */
import type { DeliveryReport } from '../types.js';

/** Where a value is found in a response body. */
export type ValueFrom =
  /** Dotted path into a JSON body; numeric segments index arrays (`messages.0.id`). */
  | { type: 'json'; path: string }
  /** First capture group (or the whole match) of a regular expression over the raw body. */
  | { type: 'regex'; pattern: string };

/** `ours`: the aggregator returns no id (Kannel), so our own id is the message id and the dlr-url carries it back. */
export type MessageIdFrom = ValueFrom | { type: 'ours' };

export interface HttpResponseRules {
  /** Statuses that mean "accepted"; default every 2xx. */
  okStatus?: number[];
  messageIdFrom: MessageIdFrom;
  /** Where the aggregator explains a refusal; default a short excerpt of the body. */
  errorFrom?: ValueFrom;
  /** Statuses worth retrying; default 429 and every 5xx. */
  temporaryStatus?: number[];
  /**
   * Statuses after which nobody knows whether the aggregator took the SMS, as after a timeout (uncertain,
   * see onUncertain); checked before temporaryStatus. Default DEFAULT_UNCERTAIN_STATUS.
   */
  uncertainStatus?: number[];
  /**
   * Statuses that say the connector cannot send any SMS as configured (credentials, endpoint), not that
   * this SMS is wrong: the SMS was not taken and fails over, the breaker opens. Default DEFAULT_CONNECTOR_ERROR_STATUS.
   */
  connectorErrorStatus?: number[];
}

/**
 * 504: a proxy in front of the aggregator gave up waiting for it, after handing it the request. 502: a
 * proxy got no usable answer, which includes an upstream that closed the connection after reading the
 * request (nginx "upstream prematurely closed connection", an AWS load balancer's "target closed the
 * connection"): both are our own timeout or lost connection, one hop further, so a resend may double the SMS.
 */
export const DEFAULT_UNCERTAIN_STATUS: readonly number[] = [502, 504];

/**
 * 401/407: our credentials (or the proxy's) are refused; 403: forbidden to us (Kannel answers a wrong
 * username or password with 403 "Authorization failed for sendsms", and nothing else with 403; an API
 * key that expired, an account suspended, an address not allowed). 404/405: the configured URL or method
 * does not exist there; the URL is not built from the SMS, so it says nothing about the SMS. Each hits
 * every SMS alike: refusing them one by one for good would lose them all while a fallback might work.
 */
export const DEFAULT_CONNECTOR_ERROR_STATUS: readonly number[] = [401, 403, 404, 405, 407];

export interface HttpWebhookOptions {
  /** Our own listener for delivery reports; keep it on loopback unless a proxy fronts it. */
  listen: { host: string; port: number };
  /** Path the listener answers on, e.g. `/dlr/kannel`. */
  path: string;
  /** How the aggregator reaches the listener; default `http://<listen host>:<port><path>`. */
  publicUrl?: string;
  secret: string;
  /** Extra query parameters of `{{dlr_url}}`, as templates (Kannel: `{ id: '{{id}}' }`). */
  dlrUrlQuery?: Record<string, string>;
  /** Appended verbatim to `{{dlr_url}}`: gateway-side escapes like Kannel's `&type=%d` must not be percent-encoded. */
  dlrUrlSuffix?: string;
  /** Report field names: a query/form key, or a dotted path into a JSON body. */
  idParam: string;
  statusParam: string;
  statusMap: Record<string, DeliveryReport['status']>;
  reasonParam?: string;
  /** Report field with our own SMS id, when the report carries it besides the aggregator's (put `{{id}}` into dlrUrlQuery or the request); see DeliveryReport.ourId. */
  ourIdParam?: string;
  /** Replies from handsets (mobile-originated SMS) the aggregator forwards, on their own path; field names as for reports. */
  mo?: { path: string; fromParam: string; toParam: string; textParam: string };
}

export interface HttpConnectorOptions {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Query parameters as templates; a parameter that renders to '' is left out. */
  query?: Record<string, string>;
  /** Body fields as templates (JSON values are strings); a field that renders to '' is left out. */
  body?: { type: 'form' | 'json'; fields: Record<string, string> };
  /** Sender used for `{{from}}` when the SMS names none. */
  from?: string;
  timeoutMs: number;
  /** How long without a "too fast" ends a throttling episode when the aggregator gave no Retry-After (default HTTP_QUIET_MS). */
  throttleQuietMs?: number;
  response: HttpResponseRules;
  webhook?: HttpWebhookOptions;
}

/** What an HTTP status says about the SMS, per the connector's rules, in the order they are checked. */
export type StatusMeaning = 'ok' | 'uncertain' | 'connector' | 'temporary' | 'refused';

export function statusMeaning(r: HttpResponseRules, status: number): StatusMeaning {
  if (r.okStatus ? r.okStatus.includes(status) : status >= 200 && status < 300) return 'ok';
  if ((r.uncertainStatus ?? DEFAULT_UNCERTAIN_STATUS).includes(status)) return 'uncertain';
  if ((r.connectorErrorStatus ?? DEFAULT_CONNECTOR_ERROR_STATUS).includes(status)) return 'connector';
  if (r.temporaryStatus ? r.temporaryStatus.includes(status) : status === 429 || (status >= 500 && status < 600)) return 'temporary';
  return 'refused';
}
