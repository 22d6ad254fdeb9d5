import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { spawnBridge, type BridgeProcess } from '../helpers/process.js';
import { testRelay, type TestRelay } from '../helpers/relay.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { testCertificate } from '../helpers/tls.js';
import { partOfType } from './mime.js';

/**
 * A delivery report that returns the sender's mail with its 8-bit bytes
 * (RET=FULL), handed to a real SMTP relay on 127.0.0.1 that records the
 * MAIL FROM parameters and the bytes it took: BODY=8BITMIME to a relay that
 * offers 8BITMIME, the mail whole whatever its charset; to one that does
 * not, a 7-bit report with the mail's headers, and the human part says why.
 */
const R = suite('notify :: 8-bit delivery reports through a relay');

/** A mail with 8-bit text as the client wrote it, sent as these bytes with RET=FULL and NOTIFY=SUCCESS. */
function mail(to: string, charset: string, body: Buffer): Buffer {
  const head = `From: erp@acme.test\r\nTo: ${to}@sms.localhost\r\nSubject: Mahnung\r\nMessage-ID: <m-${to.slice(-4)}@acme.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\r\n', 'latin1')]);
}

async function withRelay(offers8bit: boolean, fn: (b: TestBridge, mx: TestRelay) => Promise<void>): Promise<void> {
  const mx = await testRelay({ offers8bit });
  let b: TestBridge | undefined;
  try {
    b = await startTestBridge({ notify: { transport: 'smtp', relay: { host: '127.0.0.1', port: mx.port } } });
    await fn(b, mx);
  } finally {
    await stopTestBridge(b);
    await mx.close();
  }
}

async function sendRaw(b: Pick<TestBridge, 'port'>, to: string, raw: Buffer): Promise<string> {
  const info = await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: [`${to}@sms.localhost`] }, raw, dsn: { notify: ['success'], ret: 'full' } });
  return queuedAs(info.response);
}

const reportOf = (mx: TestRelay, id: string) => waitFor(`the report of ${id}`, () => mx.received.find((r) => r.data.includes(`<${id}.1.delivered@`)));

R('relay offers 8BITMIME, the mail in windows-1252 (not UTF-8) :: MAIL FROM with BODY=8BITMIME, the mail returned whole, byte for byte', () => withRelay(true, async (b, mx) => {
  const raw = mail('+4915112345601', 'windows-1252', Buffer.from('Bitte überweisen Sie 12,50 \x80 bis Freitag.', 'latin1'));
  const id = await sendRaw(b, '+4915112345601', raw);
  const report = await reportOf(mx, id);
  assert.equal(report.args, { BODY: '8BITMIME' });
  assert.ok(report.data.includes(raw), 'the bytes as sent, the euro sign 0x80 and the ü 0xfc among them');
  assert.match(partOfType(report.data, 'message/rfc822').headers, /content-transfer-encoding: 8bit/i);
  assert.match((await simpleParser(report.data)).text!, 'Your message is attached in full, as you asked (RET=FULL).');
}));

R('relay without 8BITMIME, the mail in UTF-8 :: no BODY parameter, a 7-bit report with the headers, and the report says why', () => withRelay(false, async (b, mx) => {
  const raw = mail('+4915112345602', 'utf-8', Buffer.from('Bitte überweisen Sie 12,50 € bis Freitag.', 'utf8'));
  const id = await sendRaw(b, '+4915112345602', raw);
  const report = await reportOf(mx, id);
  assert.equal(report.args, {});
  assert.not.ok(report.data.some((byte) => byte > 0x7f), 'nothing 8-bit');
  assert.match(partOfType(report.data, 'text/rfc822-headers').body, 'Message-ID: <m-5602@acme.test>');
  assert.not.match(report.data.toString('latin1'), 'message/rfc822');
  assert.match((await simpleParser(report.data)).text!, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): it holds 8-bit characters, and the mail server this report goes through takes 7-bit mail only.');
}));

R('relay without 8BITMIME, a report without 8-bit bytes :: sent as before, over the pool, no BODY parameter', () => withRelay(false, async (b, mx) => {
  const raw = mail('+4915112345603', 'us-ascii', Buffer.from('Bitte zahlen Sie bis Freitag.', 'latin1'));
  const id = await sendRaw(b, '+4915112345603', raw);
  const report = await reportOf(mx, id);
  assert.equal(report.args, {});
  assert.ok(report.data.includes(raw), 'returned whole');
}));

/**
 * A relay as a provider runs it (port 587): STARTTLS, and mail only after AUTH, which it takes only over TLS. The
 * bridge runs as its own process, so that the relay's certificate can be trusted as a real one is, by the system's
 * CAs (NODE_EXTRA_CA_CERTS), not by notify.relay.tlsCaFile (the case below); the password comes from the environment.
 */
R('relay demanding STARTTLS and AUTH :: the 8-bit report on its own connection, like a 7-bit one over the pool, comes over TLS, logged in as notify.relay.user', async () => {
  const { cert, key, certFile, keyFile } = await testCertificate();
  const mx = await testRelay({ tls: { key, cert }, auth: { user: 'mail2sms', pass: 'relay-secret-1' } });
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-relay-auth-'));
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({
    smtp: { port: 0, tls: { cert: certFile, key: keyFile } }, api: { port: 0 }, store: { dir: join(dir, 'data') },
    notify: { transport: 'smtp', relay: { host: '127.0.0.1', port: mx.port, user: 'mail2sms', pass: '${RELAY_PASSWORD}' } },
  }));
  let p: BridgeProcess | undefined;
  try {
    p = await spawnBridge(config, undefined, [], { NODE_EXTRA_CA_CERTS: certFile, RELAY_PASSWORD: 'relay-secret-1' });
    const eightBit = mail('+4915112345604', 'utf-8', Buffer.from('Bitte überweisen Sie 12,50 € bis Freitag.', 'utf8'));
    const sevenBit = mail('+4915112345605', 'us-ascii', Buffer.from('Bitte zahlen Sie bis Freitag.', 'latin1'));
    const ids = [await sendRaw(p, '+4915112345604', eightBit), await sendRaw(p, '+4915112345605', sevenBit)];
    const [eight, seven] = await Promise.all(ids.map((id) => reportOf(mx, id)));
    assert.equal(eight.args, { BODY: '8BITMIME' }, 'the 8-bit path');
    assert.ok(eight.data.includes(eightBit), 'returned whole');
    assert.equal(seven.args, {}, 'the pool');
    for (const r of [eight, seven]) {
      assert.ok(r.secure, 'over STARTTLS');
      assert.is(r.user, 'mail2sms');
    }
  } finally {
    p?.child.kill('SIGTERM');
    await p?.exited;
    await mx.close();
    await rm(dir, { recursive: true, force: true });
  }
});

R('relay on STARTTLS with a self-signed certificate (a local Postfix\'s snakeoil) :: with notify.relay.tlsCaFile naming it, the 8-bit report and a 7-bit one come over TLS; without, none is sent and the certificate error is logged', async () => {
  const { cert, key, certFile } = await testCertificate();
  const mx = await testRelay({ tls: { key, cert } });
  const relay = { host: '127.0.0.1', port: mx.port };
  let b: TestBridge | undefined;
  try {
    b = await startTestBridge({ notify: { transport: 'smtp', relay: { ...relay, tlsCaFile: certFile } } } as never);
    const eightBit = mail('+4915112345606', 'utf-8', Buffer.from('Bitte überweisen Sie 12,50 € bis Freitag.', 'utf8'));
    const sevenBit = mail('+4915112345607', 'us-ascii', Buffer.from('Bitte zahlen Sie bis Freitag.', 'latin1'));
    const ids = [await sendRaw(b, '+4915112345606', eightBit), await sendRaw(b, '+4915112345607', sevenBit)];
    const [eight, seven] = await Promise.all(ids.map((id) => reportOf(mx, id)));
    assert.equal([eight.args, seven.args], [{ BODY: '8BITMIME' }, {}], 'both paths');
    assert.ok(eight.secure && seven.secure, 'over STARTTLS');
    await stopTestBridge(b);

    b = await startTestBridge({ notify: { transport: 'smtp', relay } });
    const id = await sendRaw(b, '+4915112345608', sevenBit);
    const retry = await waitFor('a failed send, to be retried', () => b!.events.find((e) => e.evt === 'confirmation-retry'));
    assert.match(String(retry.error), /self[- ]signed certificate/i);
    assert.not.ok(mx.received.some((r) => r.data.includes(`<${id}.1.`)), 'nothing sent without the certificate trusted');
  } finally {
    await stopTestBridge(b);
    await mx.close();
  }
});

R.run();
