import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { fromSmtpError, recipientsProblem, requestText } from '../../src/api/problems.js';
import { errors } from '../../src/smtp/errors.js';

/** The problem of refused numbers: its status and title from the refusals, each number listed. */
const P = suite('api problems');

const optedOut = (to: string) => ({ to, error: errors.OptedOut(to) });
const capped = (to: string) => ({ to, error: errors.NumberRateExceeded(to, '1') });
const rate = (to: string) => ({ to, error: errors.RateExceeded('acme', '3') });
const tooMany = (to: string) => ({ to, error: errors.TooManyRecipients('100') });
const paused = (to: string) => ({ to, error: errors.AccountPaused('acme', 'too many new numbers') });

// [name, refused numbers, status, title, Retry-After]
const cases: Array<[string, ReturnType<typeof optedOut>[], number, string, string?]> = [
  ['one number: its refusal', [optedOut('+4915100000001')], 422, 'OptedOut'],
  ['one at its per-number cap: 429, Retry-After the hour the cap counts', [capped('+4915100000001')], 429, 'NumberRateExceeded', '3600'],
  ['several of one name: that name', [optedOut('+4915100000001'), optedOut('+4915100000002')], 422, 'OptedOut'],
  ['permanent and temporary: 422 RecipientsRefused', [optedOut('+4915100000001'), capped('+4915100000002')], 422, 'RecipientsRefused'],
  ['only rate limits, of two names: 429 TryAgainLater, the longer wait', [capped('+4915100000001'), rate('+4915100000002')], 429, 'TryAgainLater', '3600'],
  ['the account\'s rate alone: 429, Retry-After a minute', [rate('+4915100000001'), rate('+4915100000002')], 429, 'RateExceeded', '60'],
  ['paused by the fraud brake (an operator ends it, not time): 503, Retry-After a minute as the pace of retries', [paused('+4915100000001')], 503, 'AccountPaused', '60'],
  ['a rate limit beside a pause: 503 TryAgainLater, Retry-After a minute', [rate('+4915100000001'), paused('+4915100000002')], 503, 'TryAgainLater', '60'],
  ['452 too many recipients, temporary for a mail but final for a request: 422', [tooMany('+4915100000001')], 422, 'TooManyRecipients'],
];

for (const [name, refused, status, title, retryAfter] of cases) {
  P(`recipients :: ${name} :: ${status} ${title}`, () => {
    const p = recipientsProblem(refused);
    assert.equal([p.status, p.title, p.headers['retry-after']], [status, title, retryAfter]);
    assert.equal((p.extra.recipients as Array<{ to: string; name: string; temporary: boolean }>).map((r) => [r.to, r.name, r.temporary]),
      // temporary: whether the same request may pass later; a 452 for too many recipients never does.
      refused.map((r) => [r.to, r.error.errorName, r.error.temporary && r.error.errorName !== 'TooManyRecipients']));
    assert.is(p.detail, refused.map((r) => requestText(r.error)).join('; '));
  });
}

P('paused :: a request is told it was not taken (nobody keeps it), a mail that a mail server keeps it', () => {
  const e = errors.AccountPaused('acme', 'too many new numbers');
  assert.match(e.text, /paused \(too many new numbers\) until an operator has checked and released it; a mail server keeps the mail and tries again, a mail program shows this error: send it again later$/);
  assert.is(requestText(e), 'sending for the SMS account "acme" is paused (too many new numbers) until an operator has checked and released it; the request was not taken: send it again once an operator has released the account');
});

P('bridge :: the store unavailable is the bridge\'s own trouble: 503, not a rate limit; Retry-After a minute', () => {
  const p = fromSmtpError(errors.StoreUnavailable());
  assert.equal([p.status, p.headers['retry-after']], [503, '60']);
});

P.run();
