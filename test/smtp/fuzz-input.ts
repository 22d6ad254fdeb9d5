/**
 * Seeded generators of hostile SMTP input for the fuzz test: mutated MIME
 * messages (from the .eml fixtures and synthetic shapes) and random command
 * sequences. A seed names a run, so a failure can be replayed exactly.
 */
export type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

const INVALID_UTF8 = [Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xf4, 0x90, 0x80, 0x80])];

const HOSTILE_HEADERS = [
  'X-SMS-Reference: =?UTF-8?Q?INV-1=0D=0ABcc:_victim@evil.test?=',
  'X-SMS-Reference: INV-1\tX-Evil: 1',
  'X-SMS-Sender-ID: ACME\r\n Bcc: x@evil.test',
  'X-SMS-Sender-ID: =?UTF-8?B?QUNNRQ0KQmNjOiB4QGV2aWwudGVzdA==?=',
  'X-SMS-Send-At: 99.99.9999 99:99',
  'X-SMS-Validity: -1h',
  'X-SMS-Max-Segments: 99999999999999999999',
  'Subject: [AT:morgen 25:61] [REF:\u202eevil] [DN:maybe]',
  'Subject: =?UTF-8?B?' + 'A'.repeat(5000) + '?=',
  'Subject: =?x-unknown?Q?=FF=FE?=',
  'Content-Type: multipart/mixed; boundary=""',
  'Content-Type: multipart/alternative',
  'Content-Type: text/plain; charset=unknown-8bit',
  'Content-Type: text/html; charset=utf-7',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  'From: <>',
  'From: "a\u0000b" <clerk@acme.test>',
  'From: =?UTF-8?Q?=00?= <x@y>',
  'Auto-Submitted: no',
  'Message-ID: <' + 'x'.repeat(2000) + '@test>',
  'X-Long: ' + 'a'.repeat(100_000),
  'X-Folded: a\r\n' + ' b\r\n'.repeat(5000),
  'Received: ' + 'from x '.repeat(3000),
];

/** A multipart message nested `depth` levels deep (hostile input: the parser has a depth cap). */
export function nestedMessage(depth: number): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nTief unten.';
  for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
  return Buffer.from(`From: clerk@acme.test\r\nSubject: tief\r\nMIME-Version: 1.0\r\n${body}\r\n`);
}

type Mutator = (r: Rand, m: Buffer) => Buffer;

const MUTATORS: Mutator[] = [
  (r, m) => { const b = Buffer.from(m); for (let i = 0, n = 1 + int(r, 20); i < n && b.length; i++) b[int(r, b.length)] = int(r, 256); return b; },
  (r, m) => splice(m, int(r, m.length + 1), Buffer.alloc(1 + int(r, 8))),
  (r, m) => splice(m, int(r, m.length + 1), pick(r, INVALID_UTF8)),
  (r, m) => { const lines = m.toString('latin1').split('\r\n'); const i = int(r, lines.length); lines.splice(i, 0, ...Array(1 + int(r, 500)).fill(lines[i] ?? '')); return Buffer.from(lines.join('\r\n'), 'latin1'); },
  (r, m) => m.subarray(0, int(r, m.length + 1)),
  (r, m) => { const lines = m.toString('latin1').split('\r\n'); lines.splice(int(r, lines.length), 1 + int(r, 5)); return Buffer.from(lines.join('\r\n'), 'latin1'); },
  (r, m) => Buffer.concat([Buffer.from(pick(r, HOSTILE_HEADERS) + '\r\n', 'utf8'), m]),
  (r, m) => Buffer.from(m.toString('latin1').replace(/\r\n/g, pick(r, ['\n', '\r', '\r\r\n', '\n\r'])), 'latin1'),
  (r, m) => Buffer.from(m.toString('latin1').replace(/boundary="?([^";\r\n]+)"?/i, `boundary="${pick(r, ['', '--', 'x'.repeat(300), '"', 'b1'])}"`), 'latin1'),
  (r, m) => splice(m, int(r, m.length + 1), Buffer.from('\r\n' + 'z'.repeat(1000 + int(r, 60_000)))),
  (r) => nestedMessage(1 + int(r, 150)),
  (r, m) => splice(m, int(r, m.length + 1), Buffer.from(`=?UTF-8?${pick(r, ['B', 'Q', 'X'])}?${'=FF'.repeat(int(r, 300))}?=`)),
];

function splice(m: Buffer, at: number, insert: Buffer): Buffer {
  return Buffer.concat([m.subarray(0, at), insert, m.subarray(at)]);
}

export function mutateMessage(r: Rand, corpus: readonly Buffer[]): Buffer {
  let m = pick(r, corpus);
  for (let i = 0, n = 1 + int(r, 3); i < n; i++) m = pick(r, MUTATORS)(r, m);
  return m;
}

const NUMBERS = ['+4915112345678', '004915112345679', '015112345670', '+499001234567', '+33612345678', 'abc', '', '+', '+4915112345678;ext=1', '١٢٣٤٥٦٧٨٩', '+49151123456789012345', '"+4915112345678"'];
const ADDRESSES = ['clerk@acme.test', '', '"q,q"@acme.test', 'a b@acme.test', '@route:a@acme.test', 'x@[127.0.0.1]', 'ü@acme.test', 'x'.repeat(300) + '@acme.test'];
const PARAMS = ['', ' SIZE=100', ' SIZE=abc', ' SIZE=99999999999999999999', ' BODY=8BITMIME', ' BODY=BINARYMIME', ' SMTPUTF8', ' RET=FULL ENVID=x', ' RET=BOGUS', ' NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@y', ' NOTIFY=NEVER,SUCCESS', ' X=Y', ' AUTH=<>', ' SIZE=1 SIZE=2'];

/** One command line (without CRLF); DATA's body and AUTH's continuations are the session's business. */
export function randomCommand(r: Rand): string | Buffer {
  switch (int(r, 22)) {
    case 0: return pick(r, ['EHLO client.test', 'HELO client.test', 'EHLO', 'EHLO a b', 'ehlo [127.0.0.1]', 'EHLO ' + 'h'.repeat(300), 'LHLO x']);
    case 1: case 2: return `MAIL FROM:<${pick(r, ADDRESSES)}>${pick(r, PARAMS)}`;
    case 3: return pick(r, ['MAIL FROM:', 'MAIL FROM: <>', 'MAIL FROM:clerk@acme.test', 'MAIL TO:<x@y>', 'MAIL']);
    case 4: case 5: case 6: return `RCPT TO:<${pick(r, NUMBERS)}@${pick(r, ['sms.localhost', 'SMS.LOCALHOST', 'other.test', ''])}>${pick(r, PARAMS)}`;
    case 7: return pick(r, ['RCPT TO:', 'RCPT TO:<>', 'RCPT FROM:<x@y>', 'RCPT TO:<a@b', 'RCPT TO:<postmaster>']);
    case 8: case 9: return 'DATA';
    case 10: return pick(r, ['RSET', 'NOOP', 'NOOP hallo', 'HELP', 'VRFY clerk', 'EXPN staff', 'TURN', 'ETRN x', 'WIZ', 'SHELL', 'KILL', 'XCLIENT ADDR=1.2.3.4', 'XFORWARD NAME=x']);
    case 11: return pick(r, ['AUTH PLAIN', 'AUTH PLAIN !!!notbase64', `AUTH PLAIN ${Buffer.from('\0a\0b').toString('base64')}`, 'AUTH LOGIN', 'AUTH LOGIN eA==', 'AUTH CRAM-MD5', 'AUTH XOAUTH2 x', 'AUTH GSSAPI', 'AUTH']);
    case 12: return 'BDAT 10 LAST';
    case 13: return Buffer.from(Array.from({ length: 1 + int(r, 200) }, () => 32 + int(r, 95)));
    case 14: return Buffer.from(Array.from({ length: 1 + int(r, 100) }, () => pick(r, [0, 1, 7, 9, 27, 127, 128, 200, 255, 65])));
    case 15: return 'X'.repeat(1000 + int(r, 20_000));
    case 16: return '';
    case 17: return Buffer.concat([Buffer.from('RCPT TO:<'), pick(r, INVALID_UTF8), Buffer.from('@sms.localhost>')]);
    case 18: return `MAIL FROM:<clerk@acme.test>\u0000${pick(r, PARAMS)}`;
    case 19: return pick(r, ['QUIT', 'quit']);
    case 20: return 'GET / HTTP/1.1';
    default: return pick(r, ['rcpt to:<+4915112345678@sms.localhost>', 'mail from:<clerk@acme.test>', 'data']);
  }
}
