import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { Base64Check, isBase64 } from '../../src/mail/base64.js';

/**
 * What counts as base64 in a body marked Content-Transfer-Encoding: base64:
 * what encoders write must pass, whatever their line length and line ends;
 * plain text under the label, and base64 that broke on the way, must not.
 */
const B = suite('base64 :: isBase64');

const lines = (s: string, width: number, eol = '\r\n') => s.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol) + eol;

// [what, body, valid]
const CASES: Array<[string, string, boolean]> = [
  ['empty', '', true],
  ['only line ends', '\r\n\r\n', true],
  ['one group', 'SGFs', true],
  ['padded with one =', 'SGFsbG8=', true],
  ['padded with two =', 'SGFsbA==', true],
  ['76-character lines, CRLF (Outlook, nodemailer)', lines(Buffer.from('Grüße aus München! '.repeat(20)).toString('base64'), 76), true],
  ['76-character lines, LF (Python, Thunderbird)', lines(Buffer.from('Привет, Ольга! '.repeat(20)).toString('base64'), 76, '\n'), true],
  ['a line break and a space inside a group, trailing blanks', 'SG\r\nFs bG8=  \r\n\t\r\n', true],
  ['a padded group ends a run another follows (encoded line by line)', 'SGFsbG8gV2VsdA==\r\nISE=\r\n', true],
  ['plain text under the label', 'Ihr Termin ist morgen um 10 Uhr in Raum 4.\r\n', false],
  ['cut off and garbled at the end', 'SWhyIFRlcm1pbiBpc3QgbW9yZ2VuIHVtIDEw===!!\r\n', false],
  ['a length that is not a multiple of 4 (missing padding, cut short)', 'SGFsbG8', false],
  ['one character past a whole group', 'SGFsbG8hS', false],
  ['= first in a group', 'SGFs=GFs', false],
  ['= second in a group', 'SGFsb===', false],
  ['a character after a single =', 'SGFsbA=x', false],
  ['one = too many', 'SGFsbA===', false],
  ['URL-safe alphabet (- and _)', 'SGVs-G8_', false],
  ['a stray character between lines', 'SGFs\r\n.\r\nbG8=', false],
  ['a NUL byte', 'SGFs\0bG8=', false],
  ['8-bit text', 'Grüße', false],
];

for (const [what, body, valid] of CASES) {
  B(`${what} :: ${valid ? 'base64' : 'not base64'}`, () => {
    assert.is(isBase64(Buffer.from(body, 'utf8')), valid);
  });
}

B('every length of Node-encoded bytes, 76-character lines :: base64; one character less :: not', () => {
  for (let n = 0; n < 200; n++) {
    const encoded = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 256)).toString('base64');
    assert.ok(isBase64(Buffer.from(lines(encoded || 'AAAA', 76))), `${n} bytes`);
    if (encoded.length) assert.not.ok(isBase64(Buffer.from(encoded.slice(0, -1))), `${n} bytes, cut by one`);
  }
});

B('fed in chunks of any size :: the same answer as fed whole', () => {
  for (const [what, body, valid] of CASES) {
    const bytes = Buffer.from(body, 'utf8');
    for (const size of [1, 2, 3, 5]) {
      const check = new Base64Check();
      for (let i = 0; i < bytes.length; i += size) check.feed(bytes.subarray(i, i + size));
      assert.is(check.valid, valid, `${what}, chunks of ${size}`);
    }
  }
});

B.run();
