import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { isAllowed, prefixProblem, refusal, shown, urlProblem } from '../../../src/notify/callbacks/allow.js';

const A = suite('status callbacks :: allow list');

const ALLOW = ['https://erp.acme.test/sms/', 'http://127.0.0.1:8080/hooks'];

const CASES: Array<[string, string, boolean]> = [
  ['under the prefix', 'https://erp.acme.test/sms/status', true],
  ['the prefix itself', 'https://erp.acme.test/sms/', true],
  ['with a query', 'https://erp.acme.test/sms/status?token=1', true],
  ['default port written out', 'https://erp.acme.test:443/sms/x', true],
  ['host in other case', 'https://ERP.acme.test/sms/x', true],
  ['prefix without trailing slash: the path itself', 'http://127.0.0.1:8080/hooks', true],
  ['prefix without trailing slash: below it', 'http://127.0.0.1:8080/hooks/x', true],
  ['prefix without trailing slash: a longer name is not below it', 'http://127.0.0.1:8080/hooksmith', false],
  ['another path', 'https://erp.acme.test/admin', false],
  ['dot segments climbing out', 'https://erp.acme.test/sms/../admin', false],
  ['an encoded slash: a receiver decoding before it routes would climb out', 'https://erp.acme.test/sms/..%2fadmin', false],
  ['an encoded slash in capitals', 'https://erp.acme.test/sms/..%2Fadmin', false],
  ['an encoded backslash', 'https://erp.acme.test/sms/..%5cadmin', false],
  ['double encoding', 'https://erp.acme.test/sms/%252e%252e/admin', false],
  ['other escapes in the path stay fine', 'https://erp.acme.test/sms/st%C3%A4tus', true],
  ['a host that starts like it', 'https://erp.acme.test.evil.example/sms/x', false],
  ['a user part that looks like the host', 'https://erp.acme.test@evil.example/sms/x', false],
  ['http instead of https', 'http://erp.acme.test/sms/x', false],
  ['another port', 'https://erp.acme.test:8443/sms/x', false],
  ['another scheme', 'ftp://erp.acme.test/sms/x', false],
  ['credentials', 'https://u:p@erp.acme.test/sms/x', false],
  ['not a URL', 'erp.acme.test/sms/x', false],
];

for (const [name, url, ok] of CASES) {
  A(`${name} :: ${url} ${ok ? 'allowed' : 'refused'}`, () => assert.is(isAllowed(url, ALLOW), ok));
}

A('an empty list allows nothing, and says so', () => {
  assert.not.ok(isAllowed('https://erp.acme.test/sms/x', []));
  assert.match(refusal('https://erp.acme.test/sms/x', [])!, /allows this account no status callbacks/);
});

A('refusals say what is wrong and what is allowed', () => {
  assert.is(refusal('https://erp.acme.test/admin', ALLOW), `status callback "https://erp.acme.test/admin" is not allowed; allowed: URLs under ${ALLOW.join(', ')}`);
  assert.is(refusal('gopher://x/', ALLOW), 'status callback "gopher://x/" uses gopher; allowed: http or https');
  assert.is(refusal('https://erp.acme.test/sms/x', ALLOW), undefined);
  assert.match(urlProblem('https://x.test/' + 'a'.repeat(2000))!, /longer than 2000/);
});

A('prefixes: no query or fragment, no credentials', () => {
  assert.is(prefixProblem('https://erp.acme.test/sms/'), undefined);
  assert.match(prefixProblem('https://erp.acme.test/sms/?a=1')!, /query or fragment/);
  assert.match(prefixProblem('https://erp.acme.test/sms/#x')!, /query or fragment/);
  assert.match(prefixProblem('https://u@erp.acme.test/')!, /user name or password/);
});

A('a URL in logs and refusals has no query (a receiver\'s token)', () => {
  assert.is(shown('https://erp.acme.test/sms/x?token=secret'), 'https://erp.acme.test/sms/x?…');
  assert.is(shown('https://erp.acme.test/sms/x'), 'https://erp.acme.test/sms/x');
});

A.run();
