import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recipientsProblem } from '../../src/api/problems.js';
import { errors } from '../../src/smtp/errors.js';

/** The problem of refused numbers: its status and title from the refusals, each number listed. */
const P = suite('api problems');

const optedOut = (to: string) => ({ to, error: errors.OptedOut(to) });
const capped = (to: string) => ({ to, error: errors.NumberRateExceeded(to, '1') });
const rate = (to: string) => ({ to, error: errors.RateExceeded('acme', '3') });
const tooMany = (to: string) => ({ to, error: errors.TooManyRecipients('100') });

const cases: Array<[string, ReturnType<typeof optedOut>[], number, string]> = [
  ['one number: its refusal', [optedOut('+4915100000001')], 422, 'OptedOut'],
  ['one temporary: 503', [capped('+4915100000001')], 503, 'NumberRateExceeded'],
  ['several of one name: that name', [optedOut('+4915100000001'), optedOut('+4915100000002')], 422, 'OptedOut'],
  ['permanent and temporary: 422 RecipientsRefused', [optedOut('+4915100000001'), capped('+4915100000002')], 422, 'RecipientsRefused'],
  ['only temporary, of two names: 503 TryAgainLater', [capped('+4915100000001'), rate('+4915100000002')], 503, 'TryAgainLater'],
  ['452 too many recipients, temporary for a mail but final for a request: 422', [tooMany('+4915100000001')], 422, 'TooManyRecipients'],
];

for (const [name, refused, status, title] of cases) {
  P(`recipients :: ${name} :: ${status} ${title}`, () => {
    const p = recipientsProblem(refused);
    assert.equal([p.status, p.title], [status, title]);
    assert.equal((p.extra.recipients as Array<{ to: string; name: string; temporary: boolean }>).map((r) => [r.to, r.name, r.temporary]),
      // temporary: whether the same request may pass later; a 452 for too many recipients never does.
      refused.map((r) => [r.to, r.error.errorName, r.error.temporary && r.error.errorName !== 'TooManyRecipients']));
    assert.is(p.detail, refused.map((r) => r.error.text).join('; '));
  });
}

P.run();
