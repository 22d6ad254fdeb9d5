import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { draftOf, draftProblem } from '../../src/mail/draft.js';

const D = suite('mail draft');

D('a text of invisible characters only (REST API, nothing extracted) :: no text to send, not an empty SMS', () => {
  const draft = draftOf({}, '', { text: '\u200b\u202e\ufeff', from: 'body', cuts: [] }, { transliterate: false, maxSegments: 6 });
  assert.is(draft.sms.segments, 0);
  assert.is(draftProblem(draft)?.errorName, 'NoText');
});

D.run();
