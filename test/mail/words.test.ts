import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import libmime from 'libmime';

// libmime's RFC 2047 decoder, as parse.ts relies on it: adjacent words joined, split multi-byte characters, unknown charsets.

const Words = suite('words :: decodeWords');

const cases: Array<[string, string, string]> = [
  ['no encoded word :: unchanged', 'Termin morgen', 'Termin morgen'],
  ['B encoding, UTF-8 :: decoded', '=?UTF-8?B?SMOkbGxv?=', 'Hällo'],
  ['Q encoding, ISO-8859-1, underscores :: decoded, "_" is a space', '=?iso-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=', 'Grüße aus Köln'],
  ['adjacent words :: whitespace between them dropped', '=?utf-8?q?Gr=C3=BC?= =?utf-8?q?=C3=9Fe?=', 'Grüße'],
  ['multi-byte character split between words :: joined before decoding', '=?utf-8?B?ww==?= =?utf-8?B?pA==?=', 'ä'],
  ['word between plain text :: surrounding spaces kept', 'Re: =?utf-8?q?B=C3=A4cker?= ok', 'Re: Bäcker ok'],
  ['different charsets side by side :: each decoded', '=?iso-8859-1?q?=FC?= =?koi8-r?B?8NLJ18XU?=', 'üПривет'],
  ['RFC 2231 language :: ignored', '=?utf-8*de?q?Hallo?=', 'Hallo'],
  ['unknown charset :: read as UTF-8', '=?x-unknown?q?abc?=', 'abc'],
  ['UTF-7 :: refused, read as UTF-8', '=?utf-7?q?+AOQ-?=', '+AOQ-'],
  ['emoji outside the BMP :: decoded', '=?UTF-8?Q?=F0=9F=91=8D?=', '👍'],
  ['"=" without hex digits in Q :: kept as it is', '=?utf-8?q?a=zz?=', 'a=zz'],
];

for (const [name, input, output] of cases) {
  Words(name, () => assert.is(libmime.decodeWords(input), output));
}

Words.run();
