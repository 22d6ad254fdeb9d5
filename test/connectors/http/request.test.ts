import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildRequest, extractValue, readResponse } from '../../../src/connectors/http/request.js';
import type { HttpConnectorOptions } from '../../../src/connectors/http/options.js';
import { optionProblems } from '../../../src/connectors/http/connector.js';
import type { OutboundSms } from '../../../src/connectors/types.js';

const sms: OutboundSms = { id: 'sms-1', to: '+447700900123', text: 'a&b=c ü', encoding: 'GSM7', segments: 1 };
const base: HttpConnectorOptions = {
  name: 'rest',
  url: 'http://127.0.0.1:9/v1/sms?account=7',
  method: 'POST',
  timeoutMs: 1000,
  response: { messageIdFrom: { type: 'json', path: 'messages.0.id' } },
};

const build = suite('http :: request');

build('http :: request :: query templates are appended with URLSearchParams encoding', () => {
  const r = buildRequest({ ...base, method: 'GET', query: { to: '{{to}}', text: '{{text}}' } }, sms);
  const u = new URL(r.url);
  assert.is(u.pathname, '/v1/sms');
  assert.equal([...u.searchParams], [['account', '7'], ['to', '+447700900123'], ['text', 'a&b=c ü']]);
  assert.is(r.body, undefined);
});

build('http :: request :: json body carries raw values and a default content-type', () => {
  const r = buildRequest({ ...base, headers: { Authorization: 'Bearer k' }, body: { type: 'json', fields: { to: '{{to_digits}}', text: '{{text}}' } } }, sms);
  assert.equal(JSON.parse(r.body ?? ''), { to: '447700900123', text: 'a&b=c ü' });
  assert.equal(r.headers, { Authorization: 'Bearer k', 'content-type': 'application/json' });
});

build('http :: request :: a configured Content-Type wins whatever its case', () => {
  const r = buildRequest({ ...base, headers: { 'Content-Type': 'application/vnd.x+json' }, body: { type: 'json', fields: {} } }, sms);
  assert.equal(r.headers, { 'Content-Type': 'application/vnd.x+json' });
});

build('http :: request :: form body is urlencoded', () => {
  const r = buildRequest({ ...base, body: { type: 'form', fields: { To: '{{to}}', Body: '{{text}}' } } }, sms);
  assert.is(r.body, 'To=%2B447700900123&Body=a%26b%3Dc+%C3%BC');
  assert.is(r.headers['content-type'], 'application/x-www-form-urlencoded');
});

const read = suite('http :: response');

const extractCases: Array<[name: string, from: Parameters<typeof extractValue>[0], body: string, expected: string | undefined]> = [
  ['json path into an array', { type: 'json', path: 'messages.0.id' }, '{"messages":[{"id":"m-9"}]}', 'm-9'],
  ['json number id', { type: 'json', path: 'id' }, '{"id":12345}', '12345'],
  ['json path missing', { type: 'json', path: 'id' }, '{"ok":true}', undefined],
  ['json empty string', { type: 'json', path: 'id' }, '{"id":""}', undefined],
  ['json object is no id', { type: 'json', path: 'id' }, '{"id":{"a":1}}', undefined],
  ['body not JSON', { type: 'json', path: 'id' }, 'OK 123', undefined],
  ['regex capture group', { type: 'regex', pattern: '^OK (\\w+)' }, 'OK abc123\n', 'abc123'],
  ['regex whole match', { type: 'regex', pattern: '\\d+' }, 'id=42', '42'],
  ['regex no match', { type: 'regex', pattern: '^OK (\\w+)' }, 'ERR 7', undefined],
];
for (const [name, from, body, expected] of extractCases) {
  read(`http :: response :: extract :: ${name}`, () => assert.is(extractValue(from, body), expected));
}

type Case = [name: string, status: number, body: string, expected: Record<string, unknown>];
const classify: Case[] = [
  ['200 with id', 200, '{"messages":[{"id":"m-1"}]}', { ok: true, connectorMessageId: 'm-1' }],
  ['201 counts as ok', 201, '{"messages":[{"id":"m-2"}]}', { ok: true, connectorMessageId: 'm-2' }],
  ['200 without id (review 4a, F2) :: taken: submitted with our own id', 200, '{"status":"queued","msgid":"X"}', { ok: true, connectorMessageId: 'sms-1' }],
  ['400 is permanent and rejected', 400, '{"error":"bad number"}', { ok: false, temporary: false, final: 'rejected' }],
  ['429 is temporary', 429, 'slow down', { ok: false, temporary: true, uncertain: undefined }],
  ['500 is temporary: not taken', 500, 'Internal Server Error', { ok: false, temporary: true, uncertain: undefined }],
  ['503 is temporary', 503, 'Temporal failure', { ok: false, temporary: true, uncertain: undefined }],
  ['504 from a proxy (review 4a, F5) :: uncertain, as our own timeout', 504, 'Gateway Time-out', { ok: false, temporary: true, uncertain: true }],
  ['502 from a proxy :: uncertain (the upstream may have read the request)', 502, 'Bad Gateway', { ok: false, temporary: true, uncertain: true }],
  ['401 (review 4a, F3) :: the connector\'s fault: not taken, not the SMS\'s', 401, 'Unauthorized', { ok: false, temporary: true, scope: 'connector', final: undefined }],
  ['403 :: the connector\'s fault', 403, 'Authorization failed for sendsms', { ok: false, temporary: true, scope: 'connector' }],
  ['404 on the configured URL :: the connector\'s fault', 404, 'Not Found', { ok: false, temporary: true, scope: 'connector' }],
  ['407 from a proxy :: the connector\'s fault', 407, 'Proxy Authentication Required', { ok: false, temporary: true, scope: 'connector' }],
  ['422 is the SMS\'s fault: rejected', 422, 'invalid number', { ok: false, temporary: false, final: 'rejected', scope: undefined }],
];
for (const [name, status, body, expected] of classify) {
  read(`http :: response :: ${name}`, () => {
    const r = readResponse(base, sms, status, body).result as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) assert.is(r[k], v, k);
  });
}

read('http :: response :: 2xx without a readable id :: the setting that found nothing is named, for the log and the history', () => {
  const a = readResponse(base, sms, 200, '{"status":"queued","msgid":"X"}');
  assert.is(a.noIdAt, 'response.messageIdFrom.path = "messages.0.id"');
  assert.match(a.result.ok ? a.result.note ?? '' : '', /took it \(HTTP 200\) but its answer had no message id where response\.messageIdFrom\.path = "messages\.0\.id" looks/);
  const regex = readResponse({ ...base, response: { messageIdFrom: { type: 'regex', pattern: '^OK (\\w+)' } } }, sms, 200, 'QUEUED');
  assert.is(regex.noIdAt, 'response.messageIdFrom.pattern = "^OK (\\\\w+)"');
  assert.is(readResponse(base, sms, 200, '{"messages":[{"id":"m-1"}]}').noIdAt, undefined);
});

read('http :: response :: uncertainStatus and connectorErrorStatus are the operator\'s: 500 uncertain for an aggregator that stores before it fails, none for one behind no proxy', () => {
  const o = { ...base, response: { ...base.response, uncertainStatus: [500], connectorErrorStatus: [] } };
  assert.equal(readResponse(o, sms, 500, 'oops').result, { ok: false, temporary: true, uncertain: true, reason: 'HTTP 500: oops (the aggregator may have taken it)' });
  assert.equal(readResponse(o, sms, 504, '').result, { ok: false, temporary: true, reason: 'HTTP 504' });
  assert.equal(readResponse(o, sms, 403, 'no').result, { ok: false, temporary: false, reason: 'HTTP 403: no', final: 'rejected' });
});

read('http :: response :: reason names the status and an excerpt, or errorFrom', () => {
  const long = 'x'.repeat(500);
  const r1 = readResponse(base, sms, 400, long).result;
  assert.ok(!r1.ok && r1.reason.startsWith('HTTP 400: xxx') && r1.reason.length < 220, !r1.ok ? r1.reason : '');
  const withError = { ...base, response: { ...base.response, errorFrom: { type: 'json', path: 'error.message' } as const } };
  const r2 = readResponse(withError, sms, 422, '{"error":{"message":"number barred"}}').result;
  assert.equal(r2, { ok: false, temporary: false, reason: 'HTTP 422: number barred', final: 'rejected' });
});

read('http :: response :: the default sender it went with, only when the SMS named none and a template carries {{from}}', () => {
  const withFrom = { ...base, from: '+4930901820', body: { type: 'json' as const, fields: { to: '{{to}}', sender: '{{ from }}', text: '{{text}}' } } };
  assert.equal(readResponse(withFrom, sms, 200, '{"messages":[{"id":"m-1"}]}').result, { ok: true, connectorMessageId: 'm-1', sender: '+4930901820' });
  assert.equal(readResponse(withFrom, { ...sms, sender: 'SHOP' }, 200, '{"messages":[{"id":"m-1"}]}').result, { ok: true, connectorMessageId: 'm-1' }, 'its own');
  const fixed = { ...withFrom, body: { type: 'json' as const, fields: { to: '{{to}}', text: '{{text}}' } } };
  assert.equal(readResponse(fixed, sms, 200, '{"messages":[{"id":"m-1"}]}').result, { ok: true, connectorMessageId: 'm-1' }, 'the request has no sender: the aggregator chose');
});

read('http :: response :: custom ok and temporary statuses', () => {
  const o = { ...base, response: { messageIdFrom: { type: 'ours' } as const, okStatus: [202], temporaryStatus: [409] } };
  const temporary = (status: number) => (readResponse(o, sms, status, '').result as { temporary: boolean }).temporary;
  assert.equal(readResponse(o, sms, 202, '').result, { ok: true, connectorMessageId: 'sms-1' });
  assert.is(temporary(200), false);
  assert.is(temporary(409), true);
  assert.is(temporary(503), false);
});

read('http :: options :: every problem is reported together', () => {
  const problems = optionProblems({
    ...base,
    method: 'GET',
    timeoutMs: 0,
    query: { t: '{{txt}}' },
    body: { type: 'json', fields: {} },
    response: { messageIdFrom: { type: 'regex', pattern: '(' } },
  });
  assert.is(problems.length, 4, problems.join('\n'));
  assert.ok(problems[0].includes('{{txt}}'));
});

build.run();
read.run();
