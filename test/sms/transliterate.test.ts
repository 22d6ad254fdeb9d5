import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { isGsm7 } from '../../src/sms/gsm7.js';
import { transliterate } from '../../src/sms/transliterate.js';

const translit = suite('transliterate');

const cases: Array<[name: string, from: string, to: string]> = [
  ['single quotes and primes', '’‘‚′‛‹›', "'''''''"],
  ['double quotes, double prime and guillemets', '“”„″‟«»', '"""""""'],
  ['dashes and minus', 'a–b—c‒d−e‐f‑g―h', 'a-b-c-d-e-f-g-h'],
  ['ellipsis', 'Moment…', 'Moment...'],
  ['bullets and middle dot become dashes', '• eins\n◦ zwei\nA · B', '- eins\n- zwei\nA - B'],
  ['no-break and other Unicode spaces', 'a\u00A0b\u2002c\u2009d\u202Fe\u205Ff\u3000g\th', 'a b c d e f g h'],
  // Invisible characters are removed before transliteration, whatever the setting: test/sms/invisible.test.ts.
  ['zero-width space, BOM and soft hyphen are not its job', '\uFEFFSil\u00ADben\u200Btrennung', '\uFEFFSil\u00ADben\u200Btrennung'],
  ['Outlook autocorrect symbols', '© ® ™ → ← ⇒ ⇐', '(c) (R) (TM) -> <- => <='],
  ['letters with accents are kept', 'ç á Å ñ ł', 'ç á Å ñ ł'],
  ['Cyrillic is kept', 'Привет «мир»', 'Привет "мир"'],
  ['ZWJ emoji sequence is kept whole', '👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'],
  ['a replacement character (bytes no charset could read) becomes ?', 'Gr\uFFFD\uFFFDe', 'Gr??e'],
];

for (const [name, from, to] of cases) {
  translit(`transliterate :: ${name}`, () => {
    assert.is(transliterate(from).text, to);
  });
}

translit('transliterate :: Outlook text becomes GSM-7', () => {
  const outlook = '„Termin“ am Mo – bitte bestätigen… Danke’s';
  assert.not.ok(isGsm7(outlook));
  assert.ok(isGsm7(transliterate(outlook).text));
});

translit('transliterate :: replaced lists each character once with its count, in order', () => {
  const { replaced } = transliterate('“a” – b’s c’s…');
  assert.equal(replaced, [
    { from: '“', to: '"', count: 1 },
    { from: '”', to: '"', count: 1 },
    { from: '–', to: '-', count: 1 },
    { from: '’', to: "'", count: 2 },
    { from: '…', to: '...', count: 1 },
  ]);
});

translit('transliterate :: nothing to replace :: same text, empty list', () => {
  assert.equal(transliterate('plain text'), { text: 'plain text', replaced: [] });
});

translit.run();
