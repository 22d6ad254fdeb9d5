import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { multipartDepth, scanMultiparts } from '../../src/mail/depth.js';

const Depth = suite('depth :: multipartDepth');

const raw = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'));

Depth('single part :: 0', () => {
  assert.is(multipartDepth(raw('Subject: x\nContent-Type: text/plain\n\nhello\n'), 10), 0);
});

Depth('alternative inside mixed :: 2', () => {
  const mail = raw(
    'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: multipart/alternative;\n boundary=a\n\n' +
      '--a\nContent-Type: text/plain\n\nx\n--a--\n--m\nContent-Type: application/pdf\n\nAAAA\n--m--\n',
  );
  assert.is(multipartDepth(mail, 10), 2);
});

Depth('siblings one after another :: not added up', () => {
  const child = (b: string): string => `--m\nContent-Type: multipart/alternative; boundary=${b}\n\n--${b}\n\nx\n--${b}--\n`;
  const mail = raw(`Content-Type: multipart/mixed; boundary=m\n\n${child('a')}${child('b')}${child('c')}--m--\n`);
  assert.is(multipartDepth(mail, 10), 2);
});

Depth('inner part never closed :: the outer delimiter closes it', () => {
  const child = (b: string): string => `--m\nContent-Type: multipart/related; boundary=${b}\n\n--${b}\n\nx\n`;
  const mail = raw(`Content-Type: multipart/mixed; boundary=m\n\n${child('a')}${child('b')}${child('c')}--m--\n`);
  assert.is(multipartDepth(mail, 10), 2);
});

Depth('deep nesting, LF line ends :: counted, stops past the limit', () => {
  let text = '';
  for (let i = 0; i < 50; i++) text += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
  const mail = Buffer.from(text + 'Content-Type: text/plain\n\nx\n');
  assert.is(multipartDepth(mail, 100), 50);
  assert.is(multipartDepth(mail, 10), 11);
});

Depth('other headers after each Content-Type (MIME-Version, X-Mailer), a second Content-Type :: counted all the same', () => {
  let text = '';
  for (let i = 0; i < 20; i++) text += `Content-Type: multipart/mixed;\n boundary="b${i}"\nMIME-Version: 1.0\nContent-Type: text/plain\nX-Mailer: x\n\n--b${i}\n`;
  assert.is(multipartDepth(raw(text + 'Content-Type: text/plain\n\nx\n'), 100), 20);
});

Depth('closed boundary seen again in its epilogue :: not a new part', () => {
  const mail = raw(
    'Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: multipart/alternative; boundary=a\n\n--a\n\nx\n--a--\n' +
      '--a\nContent-Type: multipart/related; boundary=r\n\n--r\n\ny\n--m--\n',
  );
  assert.is(multipartDepth(mail, 10), 2);
});

Depth('multipart header in a body :: not a part, not counted', () => {
  const mail = raw('Content-Type: text/plain\n\nContent-Type: multipart/mixed; boundary=x\n\n--x\n');
  assert.is(multipartDepth(mail, 10), 0);
});

Depth.run();

const Without = suite('depth :: scanMultiparts notes a multipart without a boundary');

Without('none at the top, none nested, every one with a boundary, a single part :: noted only for the first two', () => {
  const cases: Array<[string, boolean]> = [
    ['Content-Type: multipart/mixed\n\nx\n', true],
    ['Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: multipart/related\n\nx\n--m--\n', true],
    ['Content-Type: multipart/mixed;\n boundary="m"\n\n--m\nContent-Type: multipart/related; boundary=r\n\n--r\n\nx\n--r--\n--m--\n', false],
    ['Content-Type: text/plain\n\nmultipart/mixed\n', false],
  ];
  for (const [mail, flagged] of cases) assert.is(scanMultiparts(raw(mail), 10).withoutBoundary, flagged, mail);
});

Without.run();
