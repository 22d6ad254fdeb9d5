import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { removeInvisible } from '../../src/sms/invisible.js';
import { analyzeText } from '../../src/sms/segments.js';
import type { SmsEncoding } from '../../src/store/types.js';

const I = suite('invisible characters');

// [what, text, text as it goes out, encoding] — with transliteration off, so that nothing else changes the text.
const cases: Array<[string, string, string, SmsEncoding]> = [
  ['right-to-left override in a Latin text', 'Rechnung \u202Efdp.exe\u202C bezahlen', 'Rechnung fdp.exe bezahlen', 'GSM7'],
  ['zero-width space', 'Zahlung\u200Beingang', 'Zahlungeingang', 'GSM7'],
  ['left-to-right and right-to-left marks', '\u200EHallo\u200F Welt', 'Hallo Welt', 'GSM7'],
  ['word joiner', 'Termin\u2060am Montag', 'Terminam Montag', 'GSM7'],
  ['soft hyphen', 'Silben\u00ADtrennung', 'Silbentrennung', 'GSM7'],
  ['byte order mark at the start and inside', '\uFEFFHallo\uFEFF', 'Hallo', 'GSM7'],
  ['bidi isolates and embeddings', '\u2066Name\u2069 \u202ANr\u202C', 'Name Nr', 'GSM7'],
  ['ZWJ and ZWNJ in a Latin text (Outlook ligature control) :: removed', 'Auf\u200Clage \u200Dneu', 'Auflage neu', 'GSM7'],
  ['ZWJ emoji sequence :: kept whole', 'Familie 👨\u200D👩\u200D👧', 'Familie 👨\u200D👩\u200D👧', 'UCS2'],
  ['ZWNJ in a Persian word :: kept', 'می\u200Cخواهم', 'می\u200Cخواهم', 'UCS2'],
  ['RLM in Hebrew with digits :: kept, it orders the runs', 'שלום 10\u200F€', 'שלום 10\u200F€', 'UCS2'],
  ['but a zero-width space in Hebrew :: removed', 'שלום\u200B', 'שלום', 'UCS2'],
  ['emoji with a variation selector :: kept', 'Danke ❤\uFE0F', 'Danke ❤\uFE0F', 'UCS2'],
  ['Cyrillic with a zero-width space :: removed, still Unicode', 'При\u200Bвет', 'Привет', 'UCS2'],
];

for (const [what, text, out, encoding] of cases) {
  I(`${what} :: "${out}" in ${encoding}`, () => {
    const sms = analyzeText(text, { transliterate: false });
    assert.is(sms.text, out);
    assert.is(sms.encoding, encoding);
  });
}

I('one invisible character in 160 GSM characters :: one GSM-7 part, not three Unicode parts', () => {
  const text = 'a'.repeat(80) + '\u200B' + 'a'.repeat(80);
  const sms = analyzeText(text, { transliterate: true });
  assert.equal([sms.encoding, sms.units, sms.segments, sms.nonGsm], ['GSM7', 160, 1, []]);
});

I('removed characters :: listed with to "" and their count, before the transliterated ones', () => {
  const sms = analyzeText('\u202E„Hallo“\u200B\u200B', { transliterate: true });
  assert.is(sms.text, '"Hallo"');
  assert.equal(sms.replaced, [
    { from: '\u202E', to: '', count: 1 },
    { from: '\u200B', to: '', count: 2 },
    { from: '„', to: '"', count: 1 },
    { from: '“', to: '"', count: 1 },
  ]);
});

I('only invisible characters :: empty text, no segment', () => {
  const sms = analyzeText('\u200B\uFEFF\u202E', { transliterate: true });
  assert.equal([sms.text, sms.segments], ['', 0]);
});

I('a text without any :: the same string, nothing listed', () => {
  const text = 'Ganz normaler Text 😀';
  const r = removeInvisible(text);
  assert.is(r.text, text);
  assert.equal(r.removed, []);
});

I.run();
