import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DEFAULT_EXTRACT_OPTIONS, extractText, MAX_PATTERN_LINE } from '../../src/mail/extract.js';
import { patternRisk, type PatternRisk } from '../../src/mail/pattern-risk.js';

const R = suite('mail :: signature patterns an account may set');

const refused: Array<[string, PatternRisk]> = [
  ['^(a+)+$', 'repeated-group'],
  ['(x+x+)+y', 'repeated-group'],
  ['^(a|a)*$', 'repeated-group'],
  ['^(\\w+\\s?){2,}$', 'repeated-group'],
  ['(?:ab)+', 'repeated-group'],
  ['(ab){3}', 'repeated-group'],
  ['^(x)\\1', 'back-reference'],
  ['^(?<w>x)\\k<w>', 'back-reference'],
];
for (const [p, why] of refused) R(`refused :: ${p}`, () => assert.is(patternRisk(p), why));

const taken = [
  '^Mit freundlichen Grüßen',
  '^Mit freundlichen Gr(ü|ue)ßen',
  '^i\\. ?A\\.\\s+\\w+',
  '^[-–_]{3,}$',
  '^(Tel|Fax)\\.?:',
  '^(Tel)?:',
  '^(ab){1}x',
  '[(]+x',
  '\\(+x',
  '^Sent from my \\S+$',
];
for (const p of taken) R(`taken :: ${p}`, () => assert.is(patternRisk(p), undefined));

R('every pattern sees only lines of a signature\'s length :: a longer line is never tried (which bounds any pattern\'s cost)', () => {
  const opts = { ...DEFAULT_EXTRACT_OPTIONS, signaturePatterns: ['^Gezeichnet'] };
  const short = extractText({ text: 'Die Ware ist da.\nGezeichnet Max' }, opts);
  assert.is(short.text, 'Die Ware ist da.');
  const long = `Gezeichnet ${'x'.repeat(MAX_PATTERN_LINE)}`;
  assert.is(extractText({ text: `Die Ware ist da.\n${long}` }, opts).text, `Die Ware ist da.\n${long}`);
});

R.run();
