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
}

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
  response: HttpResponseRules;
  webhook?: HttpWebhookOptions;
}

export const isOkStatus = (r: HttpResponseRules, status: number): boolean =>
  r.okStatus ? r.okStatus.includes(status) : status >= 200 && status < 300;

export const isTemporaryStatus = (r: HttpResponseRules, status: number): boolean =>
  r.temporaryStatus ? r.temporaryStatus.includes(status) : status === 429 || (status >= 500 && status < 600);
