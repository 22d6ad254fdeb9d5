/**
 * The `connectors` list of the config schema. Each connector is
 * `{ name, type, <common keys>, <type>: { type-specific settings } }`; ajv's
 * `discriminator` picks the branch by `type`, so defaults are filled in for
 * that type's settings only and unknown keys are named per type.
 *
 * Adding a connector type: one entry in CONNECTOR_SETTINGS (its settings
 * object), one member of ConnectorConfig in types.ts, and one entry in
 * src/connectors/kinds.ts and one in src/connectors/factory.ts (the
 * compiler insists on the last three).
 */
import { smppConfigSchema } from '../connectors/smpp/config.js';
import { KANNEL_CONNECTOR_ERROR_STATUS } from '../connectors/http/kannel.js';
import { bool, int, obj, str, stringMap, strings } from './schema-kit.js';

const REPORT_STATUSES = ['delivered', 'failed', 'expired', 'rejected', 'enroute'];

const simulator = obj('The built-in simulator (type simulator): accepts every SMS and reports it delivered after a delay.', {
  deliveryDelayMs: int(500, 'Delay before the delivery report.', 0, 3600000),
  failNumbersEndingWith: strings(['0000'], 'Numbers ending with one of these are reported undeliverable (for testing failure confirmations).', { pattern: '^[0-9]+$' }),
  sentLog: str('simulator/sent.jsonl', 'File (relative to store.dir) where the simulator records every SMS it got, one JSON line each. Empty disables it. Give each simulator its own file.'),
});

const statuses = (def: number[], description: string) => ({ type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, default: def, description });

const UNCERTAIN_NOTE = 'Statuses after which the aggregator may have taken the SMS, as after a timeout: uncertain (see onUncertain), never failed over at once. 504 and 502 come from a proxy that handed the request on and got no answer (or a broken one); add 500 for an aggregator that answers 500 after storing an SMS. Empty: none.';

const kannel = obj('A Kannel sendsms gateway (type kannel). Delivery reports come back to our own report listener through dlr-url.', {
  baseUrl: str('http://127.0.0.1:13013', 'The smsbox; SMS go to its /cgi-bin/sendsms.'),
  username: str('', 'sendsms user.'),
  password: str('', 'sendsms password; write "${ENV_NAME}" to read it from the environment.'),
  from: str('', 'Default sender; empty leaves it to Kannel.'),
  smsc: str('', 'Force this SMSC (Kannel smsc=); empty lets Kannel route.'),
  secret: str('', 'Shared secret Kannel sends back with each report (at least 16 characters; required for type kannel); "${ENV_NAME}" reads it from the environment.'),
  listenHost: str('127.0.0.1', 'Address of our report listener.'),
  listenPort: int(8026, 'Port of our report listener (keep it fixed: reports for SMS sent before a restart come back to it).', 0, 65535),
  reportUrl: str('', 'Full URL under which Kannel reaches the report listener, path included (/dlr/<connector name>); empty means the listener\'s own address.'),
  moPath: str('', 'Path on the report listener where Kannel\'s sms-service forwards replies from handsets (get-url ".../mo/<name>?secret=…&from=%p&to=%P&text=%a"); empty: /mo/<connector name>.'),
  dlrMask: int(19, 'Report types asked for: 1 delivered + 2 undelivered + 16 rejected by the SMSC.', 1, 63),
  timeoutMs: int(10000, 'Time limit of one sendsms request; a request that times out after being sent counts as uncertain (see onUncertain).', 100, 120000),
  throttleQuietMs: int(10000, 'As http.throttleQuietMs: a throttling episode (log http-throttled … connector-throttling-ended) ends at the first sendsms taken this long after the last "too fast" (429 from Kannel or a proxy in front of it, or a temporary refusal with Retry-After); a refusal with Retry-After (seconds or an HTTP date) sets its own, the wait it asks for.', 100, 3600000),
  uncertainStatus: statuses([502, 504], UNCERTAIN_NOTE),
  connectorErrorStatus: statuses(KANNEL_CONNECTOR_ERROR_STATUS, 'Statuses that say this Kannel cannot send any SMS as configured, not that the SMS is wrong: 403 is sendsms\'s "Authorization failed for sendsms" (a wrong username or password, or this host not in the user\'s allow-ip), 404 no sendsms at baseUrl, 401 and 407 a proxy in front of it asking for credentials. The SMS was not taken and goes to the next connector (or is retried), the breaker opens at once, the log says http-connector-refused at error, and the fraud brake does not count it. Kannel\'s 400 (a field of the SMS it will not take, a number its black-list denies) stays a refusal of the SMS. Empty: none.'),
});

const PLACEHOLDER_NOTE = 'Values are templates with {{to}}, {{to_digits}}, {{text}}, {{from}}, {{id}}, {{coding}}, {{encoding}}, {{mclass}} (0 for a flash SMS, else empty), {{priority}} (1 for an express SMS, else empty), {{validity_minutes}} and {{expires_at}} (what is left of its validity, its end in ISO 8601; empty without one), {{dlr_url}}; a value that renders empty is left out.';

const valueFrom = (description: string, types: string[], def: string, path: string, example: string) => obj(description, {
  type: str(def, 'json: a dotted path into a JSON body (numeric parts index arrays); regex: the first capture group of a regular expression over the raw body' + (types.includes('ours') ? '; ours: the aggregator returns no id, our own id ({{id}}) is used and must come back in reports' : '') + (types.includes('none') ? '; none: a short excerpt of the body' : '') + '.', { enum: types }),
  path: str(path, `JSON path for type json, e.g. "${example}".`),
  pattern: str('', 'Regular expression for type regex, e.g. "id=(\\\\w+)".', { format: 'regex' }),
});

const http = obj('A REST aggregator described as data (type http): one request per SMS, and a webhook for its delivery reports.', {
  url: str('', 'Request URL (required for type http), e.g. "https://api.example.com/v1/sms".'),
  method: str('POST', 'HTTP method.', { enum: ['GET', 'POST'] }),
  headers: stringMap(`Request headers, e.g. {"Authorization": "\${SMS_API_AUTH}"} (a whole value "\${NAME}" is read from the environment). ${PLACEHOLDER_NOTE}`),
  query: stringMap(`Query parameters. ${PLACEHOLDER_NOTE}`),
  body: obj('Request body (POST only).', {
    type: str('json', 'json: a JSON object of strings; form: application/x-www-form-urlencoded.', { enum: ['json', 'form'] }),
    fields: stringMap(`Body fields; empty sends no body. ${PLACEHOLDER_NOTE}`),
  }),
  from: str('', 'Sender used for {{from}} when the SMS names none.'),
  timeoutMs: int(10000, 'Time limit of one request; a request that times out after being sent counts as uncertain (see onUncertain).', 100, 120000),
  throttleQuietMs: int(10000, 'A throttling episode (log http-throttled … connector-throttling-ended) ends at the first request taken this long after the last "too fast" (429, or a temporary refusal with Retry-After); a refusal with Retry-After (seconds or an HTTP date) sets its own, the wait it asks for.', 100, 3600000),
  response: obj('How the answer is read.', {
    okStatus: statuses([], 'Statuses meaning "accepted"; empty means every 2xx.'),
    uncertainStatus: statuses([502, 504], UNCERTAIN_NOTE),
    connectorErrorStatus: statuses([401, 403, 404, 405, 407], 'Statuses that say this connector cannot send any SMS as configured (credentials refused, API key expired, URL or method wrong), not that the SMS is wrong: the SMS was not taken and goes to the next connector (or is retried), the breaker opens at once, the log says http-connector-refused at error, and the fraud brake does not count it. Empty: none.'),
    temporaryStatus: statuses([], 'Statuses worth retrying (on the next connector at once, then later); empty means 429 and every 5xx. A Retry-After on one (429, 503) keeps SMS away from the connector until then (at most an hour). Any status in none of these lists rejects the SMS.'),
    messageIdFrom: valueFrom('Where the aggregator\'s message id is in an accepted answer. An accepted answer without one is recorded as handed over with our own id (logged as http-no-message-id at warn, naming this setting): only reports with webhook.ourIdParam can then be matched.', ['json', 'regex', 'ours'], 'json', 'id', 'messages.0.id'),
    errorFrom: valueFrom('Where the aggregator explains a refusal.', ['none', 'json', 'regex'], 'none', '', 'error.message'),
  }),
  webhook: obj('Our listener for the aggregator\'s delivery reports (GET query, POST form or POST JSON).', {
    enabled: bool(false, 'Listen for delivery reports. Without reports an SMS stays "handed to the carrier" until dispatch.receiptTimeoutHours.'),
    listen: obj('Where the listener binds.', {
      host: str('127.0.0.1', 'Address; keep it on loopback unless a reverse proxy fronts it.'),
      port: int(8027, 'Port (keep it fixed: reports for SMS sent before a restart come back to it; 0 picks a free one, for tests).', 0, 65535),
    }),
    path: str('', 'Path the listener answers on; empty means /dlr/<connector name>.'),
    publicUrl: str('', 'The listener\'s URL as the aggregator reaches it (used for {{dlr_url}}); empty means its own address.'),
    secret: str('', 'Shared secret (at least 16 characters) the aggregator must send as the "secret" query parameter or the X-Webhook-Secret header; write "${ENV_NAME}" to read it from the environment. Reports without it get 403.'),
    dlrUrlQuery: stringMap(`Extra query parameters of {{dlr_url}} (besides the secret), e.g. {"id": "{{id}}"}. ${PLACEHOLDER_NOTE}`),
    dlrUrlSuffix: str('', 'Appended unencoded to {{dlr_url}}, for the aggregator\'s own escapes (Kannel: "&type=%d").'),
    idParam: str('id', 'Report field with the message id: a query/form key, or a dotted path into a JSON body.'),
    statusParam: str('status', 'Report field with the status.'),
    statusMap: {
      ...stringMap('The aggregator\'s status values and what they mean here; a report with any other value gets 400.', { enum: REPORT_STATUSES }),
      default: Object.fromEntries(REPORT_STATUSES.map((s) => [s, s])),
    },
    reasonParam: str('', 'Report field with a reason shown for failures; empty for none.'),
    ourIdParam: str('', 'Report field with our own SMS id, when reports carry it (dlrUrlQuery {"ref": "{{id}}"}, or a client reference the aggregator echoes): a report then finds its SMS even when the aggregator\'s id never reached us (the submit timed out, or its answer had no id), and settles an SMS left not confirmed (see Uncertain submits). Empty for none.'),
    mo: obj('Replies from handsets (mobile-originated SMS) the aggregator forwards to us, on the same listener with the same secret; a STOP among them goes on the opt-out list (inbound.keywords).', {
      path: str('', 'Path for replies, e.g. /mo/<connector name>; empty: none are taken.'),
      fromParam: str('from', 'Field with the handset\'s number (E.164, or national in smtp.defaultCountry).'),
      toParam: str('to', 'Field with the number or short code it was sent to (the sender of the answer, with inbound.answer on).'),
      textParam: str('text', 'Field with the text.'),
    }),
  }),
});

/** Type-specific settings, one per connector type; the key is both the `type` value and the settings key. */
export const CONNECTOR_SETTINGS = { simulator, smpp: smppConfigSchema, kannel, http };

const COMMON = {
  name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'Name used in routes, statuses, logs and report URLs (letters, digits, _ . -); unique.' },
  type: { type: 'string', enum: Object.keys(CONNECTOR_SETTINGS), description: `Kind of connector; its settings go under the key of the same name. simulator: built in, needs no account; smpp: an SMSC or aggregator over SMPP 3.4; kannel: a Kannel gateway (or an aggregator speaking its sendsms API); http: any REST aggregator, described as data.` },
  onUncertain: str('fail', 'When a submit may or may not have reached the aggregator (connection lost or timed out after sending): fail: the SMS fails as not confirmed, and the sender is told it may have arrived; resend: it goes to the next candidate (or is retried), and is logged as possibly duplicated. A late answer settles either (SMPP: the submit_sm_resp; Kannel and http: a delivery report naming our id): see Uncertain submits.', { enum: ['fail', 'resend'] }),
  breaker: obj('Circuit breaker: after this many consecutive temporary or uncertain failures the connector is not used for a cool-down, then one SMS probes it.', {
    failures: int(5, 'Consecutive failures that open the breaker.', 1, 1000),
    coolDownSeconds: int(30, 'How long an open breaker keeps traffic away before a probe.', 1, 86400),
  }),
};

const branch = (type: keyof typeof CONNECTOR_SETTINGS) => ({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: { ...COMMON, type: { const: type }, [type]: CONNECTOR_SETTINGS[type] },
});

export const connectorsSchema = {
  type: 'array',
  minItems: 1,
  default: [{ name: 'simulator', type: 'simulator' }],
  description: 'Where SMS go: a list of named connectors, each { "name", "type", "<type>": { settings } }. All are started; routes choose among them.',
  items: {
    type: 'object',
    required: ['name', 'type'],
    properties: COMMON,
    discriminator: { propertyName: 'type' },
    oneOf: (Object.keys(CONNECTOR_SETTINGS) as Array<keyof typeof CONNECTOR_SETTINGS>).map(branch),
  },
};
