import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, ReplySplitter } from '../helpers/smtp.js';

/**
 * Where smtp-server answers in its own words before our handlers are asked
 * (src/smtp/own-replies.ts, src/smtp/quoted-number.ts), the registry's
 * sentence comes instead. If a new smtp-server changes how it writes one of
 * these replies, or reads a recipient, a test here fails.
 */
const O = suite('smtp own replies', {} as { b: TestBridge });
O.before(async (ctx) => {
  ctx.b = await startTestBridge({});
});
O.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

O('mail from :: SIZE= over smtp.maxMessageSize :: 552 5.3.4 in the registry\'s words with the size in MB; the session goes on', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test> SIZE=11600000', 'MAIL FROM:<erp@acme.test> SIZE=1000']);
  assert.is(r[1].text, '552 5.3.4 the mail is too big: at most 10,485,760 bytes (10 MB) are accepted');
  assert.is(r[2].code, 250);
});

const QUOTED: Array<[string, string, string | RegExp]> = [
  ['a national number with spaces, as a clerk types it', '"0151 12345676"', '250 2.1.5 Accepted'],
  ['an international one in groups', '"+49 151 1234 5677"', '250 2.1.5 Accepted'],
  ['quotes without spaces', '"015112345678"', '250 2.1.5 Accepted'],
  ['a quoted number that is not one :: InvalidNumber names it without the quotes', '"0151 12"', /^553 5\.1\.3 "015112" is not a valid mobile number/],
  ['quoted words are left to smtp-server (spaces a number cannot have)', '"john smith"', '501 5.1.3 Error: Bad recipient address syntax'],
];
for (const [name, local, want] of QUOTED) {
  O(`rcpt :: quoted local part :: ${name}`, async ({ b }) => {
    const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${local}@sms.localhost>`]);
    if (typeof want === 'string') assert.is(r[2].text, want);
    else assert.match(r[2].text, want);
  });
}

/** Review 4b F8: smtp-server's "Bad recipient address syntax" for a number with spaces and no quotes. [name, between < >, reply] */
const SPACED: Array<[string, string, string]> = [
  ['a number in groups, as Python\'s smtplib sends "0049 151 12345606@…" :: how to write it instead', '0049 151 12345606@sms.localhost',
    '501 5.1.3 "0049 151 12345606@sms.localhost" has spaces, which an address cannot carry: write the number without them (004915112345606@sms.localhost) or in quotes ("0049 151 12345606"@sms.localhost)'],
  ['an international one with separators', '+1 202-555 0123@sms.localhost',
    '501 5.1.3 "+1 202-555 0123@sms.localhost" has spaces, which an address cannot carry: write the number without them (+1202-5550123@sms.localhost) or in quotes ("+1 202-555 0123"@sms.localhost)'],
  ['words with a space are no number :: smtp-server\'s own reply', 'john smith@acme.test', '501 5.1.3 Error: Bad recipient address syntax'],
  ['a number with a letter in it :: smtp-server\'s own reply', '0151 1234 x@sms.localhost', '501 5.1.3 Error: Bad recipient address syntax'],
];
for (const [name, address, want] of SPACED) {
  O(`rcpt :: unquoted spaces :: ${name}`, async ({ b }) => {
    const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${address}>`]);
    assert.is(r[2].text, want);
  });
}

O('rcpt :: unquoted spaces :: both forms the reply suggests are taken, and a later bad sender is not called a number', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<0049 151 12345606@sms.localhost>',
    'RCPT TO:<004915112345606@sms.localhost>', 'RCPT TO:<"0049 151 12345607"@sms.localhost>', 'RSET', 'MAIL FROM:<erp x@acme.test>']);
  assert.equal(r.slice(2).map((x) => x.code), [501, 250, 250, 250, 501]);
  assert.match(r[2].text, /has spaces, which an address cannot carry/);
  assert.not.match(r[6].text, /spaces/);
});

O('rcpt :: a quoted number with spaces becomes its SMS', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<"0151 12345679"@sms.localhost>', 'DATA',
    ...dataLines('From: erp@acme.test\r\nSubject: x\r\nMessage-ID: <quoted@acme.test>\r\n\r\nMit Leerzeichen.')]);
  assert.match(r.at(-1)!.text, /^250 2\.0\.0 queued as /);
  const sms = await waitFor('the SMS', () => b.sim.sent.find((s) => s.text === 'Mit Leerzeichen.'));
  assert.is(sms.to, '+4915112345679');
});

/** A raw session: `send` writes lines, `replies` collects every reply as it comes (also unasked ones). */
async function rawSession(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  const splitter = new ReplySplitter();
  const replies: string[] = [];
  let closed = false;
  socket.on('data', (d: string) => replies.push(...splitter.push(d).map((lines) => lines.join('\n'))));
  socket.on('close', () => (closed = true));
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  await waitFor('the greeting', () => replies.length === 1);
  return {
    replies,
    closed: () => closed,
    send: (...lines: string[]) => socket.write(lines.map((l) => `${l}\r\n`).join('')),
    /** Sends `line` and waits for the reply it gets. */
    async command(line: string): Promise<string> {
      const n = replies.length;
      socket.write(`${line}\r\n`);
      await waitFor(`the reply to ${line}`, () => replies.length > n);
      return replies[n];
    },
    destroy: () => socket.destroy(),
  };
}

const SHUTTING_DOWN = '421 4.3.2 the SMS bridge is shutting down, please try again later';

O('shutdown :: 421 4.3.2 from the registry to every command, a mail under way is still taken, and idle sessions hear it at the end of the grace time', async () => {
  const b = await startTestBridge({});
  const [sending, asking, idle] = [await rawSession(b.port), await rawSession(b.port), await rawSession(b.port)];
  try {
    for (const line of ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345680@sms.localhost>', 'DATA']) await sending.command(line);
    sending.send('From: erp@acme.test', 'Subject: x', 'Message-ID: <shutdown@acme.test>', '');
    assert.match(await asking.command('EHLO client.test'), /^250/);
    const stopped = b.stop();
    await waitFor('the bridge to refuse commands', async () => ((await asking.command('NOOP')).startsWith('421') ? true : undefined));
    assert.is(asking.replies.at(-1), SHUTTING_DOWN);
    sending.send('Abschaltung.', '.');
    await waitFor('the DATA reply', () => sending.replies.length === 6);
    assert.match(sending.replies[5], /^250 2\.0\.0 queued as /);
    assert.is(await sending.command('MAIL FROM:<erp@acme.test>'), SHUTTING_DOWN);
    await stopped;
    assert.is(idle.replies.at(-1), SHUTTING_DOWN);
  } finally {
    for (const s of [sending, asking, idle]) s.destroy();
    await rm(b.dir, { recursive: true, force: true });
  }
});

O.run();
