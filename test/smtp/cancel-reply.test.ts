import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ReplyAddresses } from '../../src/notify/reply-address.js';
import { outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, refusal, sendSms } from '../helpers/smtp.js';

/**
 * Cancelling by replying CANCEL to the acceptance confirmation, the way a
 * clerk does it: read the confirmation from the outbox, reply to its
 * Reply-To with a real client, quoting the confirmation below.
 */
const ACME = '127.0.0.2';
const BETA = '127.0.0.3';
const OPEN = '127.0.0.4';

const S = suite('smtp cancel by reply', {} as { b: TestBridge });
S.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [
      { name: 'acme', networks: [ACME], addresses: ['@acme.test'], notify: 'final' },
      { name: 'beta', networks: [BETA], addresses: ['@beta.test'], notify: 'final' },
      { name: 'open', networks: [OPEN], addresses: [] },
    ] as never,
  });
});
S.after(async ({ b }) => stopTestBridge(b));

const client = (b: TestBridge, localAddress = ACME) => nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true, localAddress });

async function scheduled(b: TestBridge, to: string): Promise<{ id: string; confirmation: ParsedMail }> {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const id = await sendSms(b.port, to, { localAddress: ACME, subject: 'Termin', text: 'Ihr Termin ist morgen.', headers: { 'X-SMS-Send-At': at } });
  const file = await waitFor('acceptance confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.accepted@`)));
  return { id, confirmation: await simpleParser(file[1]) };
}

/** The clerk's reply: their word on top, the confirmation quoted below (as Outlook and Thunderbird do). */
function reply(b: TestBridge, confirmation: ParsedMail, word: string, opts: { from?: string; localAddress?: string; headers?: Record<string, string>; to?: string } = {}) {
  const quoted = (confirmation.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
  return client(b, opts.localAddress).sendMail({
    from: opts.from ?? 'clerk@acme.test', to: opts.to ?? confirmation.replyTo!.value[0].address,
    subject: `Re: ${confirmation.subject}`, inReplyTo: confirmation.messageId, references: [confirmation.messageId!],
    text: `${word}\n\nOn Mon, 23 Nov 2026, mail2sms wrote:\n${quoted}\n`, headers: opts.headers,
  });
}

S('confirmation :: a waiting SMS is confirmed with a signed cancel Reply-To and says how to cancel', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345690');
  assert.match(confirmation.replyTo!.value[0].address!, new RegExp(`^cancel\\+${id.toLowerCase().replace('.', '\\.')}\\.[0-9a-f]{20}@sms\\.localhost$`));
  assert.match(confirmation.text ?? '', /To cancel this SMS before it goes out, reply to this mail with the word CANCEL as your text\./);
});

S('reply CANCEL :: 250, the SMS is cancelled and never sent, and the cancel is confirmed by mail', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345691');
  const info = await reply(b, confirmation, 'CANCEL');
  assert.is(info.response, `250 2.0.0 SMS ${id} to +4915112345691 cancelled, it will not be sent`);
  assert.is(b.store.get(id)!.status, 'cancelled');
  const file = await waitFor('cancel confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.cancelled@`)));
  const conf = await simpleParser(file[1]);
  assert.match(conf.subject ?? '', /^SMS to \+4915112345691 cancelled/);
  assert.match(conf.text ?? '', /was cancelled at .* \(reply from clerk@acme\.test\) and will not be sent\./);
  assert.is(conf.replyTo, undefined, 'nothing left to cancel');
  assert.not.ok(b.sim.sent.some((s) => s.id === id));
  // The same reply again (a mail server that did not see the 250 sends it again): no bounce that reads as a failure.
  const twice = await reply(b, confirmation, 'cancel');
  assert.match(twice.response, new RegExp(`^250 2\\.0\\.0 SMS ${id.replace(/\./g, '\\.')} to \\+4915112345691 was cancelled already at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC(?:[+-]\\d{2}:\\d{2})? \\(reply from clerk@acme\\.test\\), it will not be sent$`));
  assert.is(b.store.get(id)!.history.filter((e) => e.status === 'cancelled').length, 1, 'nothing stored again, so nothing confirmed again');
});

S('reply :: German "Storno" works; a reply that does not say CANCEL cancels nothing (550 5.6.0)', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345692');
  assert.is(await refusal(reply(b, confirmation, 'Danke, passt so!')), `550 5.6.0 nothing was cancelled: to cancel the SMS ${id}, reply with the word CANCEL (or STORNO) as your text`);
  assert.is(b.store.get(id)!.status, 'accepted');
  assert.match((await reply(b, confirmation, 'Storno bitte')).response, /^250 2\.0\.0 SMS .* cancelled/);
});

S('reply :: "Bitte stornieren" and "Please cancel" cancel; "Nicht stornieren" does not', async ({ b }) => {
  for (const [to, text] of [['+4915112345693', 'Bitte stornieren.'], ['+4915112345694', 'Please, cancel it']]) {
    const { id, confirmation } = await scheduled(b, to);
    assert.match((await reply(b, confirmation, text)).response, /^250 2\.0\.0 SMS .* cancelled/, text);
    assert.is(b.store.get(id)!.status, 'cancelled', text);
  }
  const { id, confirmation } = await scheduled(b, '+4915112345695');
  assert.match(await refusal(reply(b, confirmation, 'Nicht stornieren, danke')), /^550 5\.6\.0 nothing was cancelled/);
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('forged :: a cancel address with a wrong or missing mac, or for a guessed id, is refused at RCPT (550 5.1.1); nothing changes', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345693');
  const real = confirmation.replyTo!.value[0].address!;
  const wrongMac = real.replace(/\.([0-9a-f])([0-9a-f]{19})@/, (_m, c: string, rest: string) => `.${c === '0' ? '1' : '0'}${rest}@`);
  const guessed = real.replace(/\+([0-9a-z]+)\.1\./, '+$1.2.');
  for (const addr of [wrongMac, guessed, `cancel+${id.toLowerCase()}@sms.localhost`]) {
    const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', `RCPT TO:<${addr}>`], { localAddress: ACME });
    assert.is(r[2].text, `550 5.1.1 <${addr}>: no such cancel address; reply to the confirmation of the SMS you want to cancel`);
  }
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('another account :: a valid cancel address used by another company cancels nothing and reveals nothing', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345694');
  const r = await refusal(reply(b, confirmation, 'CANCEL', { from: 'erp@beta.test', localAddress: BETA }));
  assert.is(r, `550 5.0.0 nothing was cancelled: there is no SMS ${id} waiting to be sent (unknown, or finished long ago)`);
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('automatic :: an out-of-office reply to the confirmation never cancels (550 5.7.1)', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345695');
  const r = await refusal(reply(b, confirmation, 'CANCEL', { headers: { 'Auto-Submitted': 'auto-replied' } }));
  assert.match(r, /^550 5\.7\.1 this is automatic mail/);
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('automatic :: a mail from the null sender <> to a cancel address never cancels: 553 at MAIL FROM, or 550 5.7.1 where the account takes any sender', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345699');
  const reply = (localAddress: string) => chat(b.port, ['EHLO client.test', 'MAIL FROM:<>', `RCPT TO:<${confirmation.replyTo!.value[0].address}>`, 'DATA',
    ...dataLines('From: clerk@acme.test\r\nSubject: Re: SMS\r\n\r\nCANCEL')], { localAddress });
  assert.match((await reply(ACME))[1].text, /^553 5\.7\.1 the null sender <> marks automatic mail/);
  assert.match((await reply(OPEN)).at(-1)!.text, /^550 5\.7\.1 this is automatic mail \(the null sender <>\)/);
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('mixed :: a cancel address together with an SMS recipient is refused as a whole (550 5.5.4)', async ({ b }) => {
  const { id, confirmation } = await scheduled(b, '+4915112345696');
  const both = `${confirmation.replyTo!.value[0].address}, +4915112345697@sms.localhost`;
  assert.is(await refusal(reply(b, confirmation, 'CANCEL', { to: both })), '550 5.5.4 a cancel reply cannot also send or preview SMS; send the cancel and the new SMS in separate mails');
  assert.is(b.store.get(id)!.status, 'accepted');
});

S('too late :: an SMS already delivered cannot be cancelled; the reply says what became of it', async ({ b }) => {
  const id = await sendSms(b.port, '+4915112345698', { localAddress: ACME, text: 'Sofort' });
  await waitFor('delivered', () => b.store.get(id)?.status === 'delivered' || undefined);
  // The address its confirmation would have carried, made with the bridge's own key.
  const key = Buffer.from((await readFile(join(b.dir, 'reply-key'), 'utf8')).trim(), 'hex');
  const address = new ReplyAddresses(key, 'sms.localhost').cancelAddress(id);
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', `RCPT TO:<${address}>`, 'DATA',
    ...dataLines('From: clerk@acme.test\r\nSubject: Re: SMS\r\n\r\nCANCEL')], { localAddress: ACME });
  assert.match(r.at(-1)!.text, new RegExp(`^550 5\\.0\\.0 nothing was cancelled: the SMS ${id.replace('.', '\\.')} to \\+4915112345698 was already delivered at \\S.* and cannot be cancelled$`));
});

S.run();
