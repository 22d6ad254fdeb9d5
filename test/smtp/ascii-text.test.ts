import * as assert from 'uvu/assert';
import { asciiReply } from '../../src/smtp/ascii-text.js';
import { suite } from '../helpers/suite.js';

const T = suite('smtp ascii reply text');

/** [what, text, the reply text]: RFC 5321 reply lines are printable ASCII, and still say what the sender wrote. */
const CASES: Array<[string, string, string]> = [
  ['ASCII :: unchanged', 'the sender ID "ACME" is not allowed', 'the sender ID "ACME" is not allowed'],
  ['German :: spelled as without umlauts', 'Empfänger Müller Söhne, Straße', 'Empfaenger Mueller Soehne, Strasse'],
  ['our punctuation :: dashes, ellipsis, quotes', '20:00–08:00 „x“ [AT:…]', '20:00-08:00 "x" [AT:...]'],
  ['other accented Latin letters :: without the accent', 'café, niño', 'cafe, nino'],
  ['another script :: each letter named, apart from letters, not from quotes', '"Привет" aПb', '"U+041F U+0440 U+0438 U+0432 U+0435 U+0442" a U+041F b'],
  ['й :: named, not read as и', 'й', 'U+0439'],
  ['astral :: one name for the emoji, not two halves', '"Ж" "😀"', '"U+0416" "U+1F600"'],
  ['euro sign :: named', '€ [ ] count twice', 'U+20AC [ ] count twice'],
];
for (const [what, text, expected] of CASES) {
  T(what, () => {
    const out = asciiReply(text);
    assert.is(out, expected);
    assert.ok(/^[\x20-\x7e]*$/.test(out), out);
  });
}

T.run();
