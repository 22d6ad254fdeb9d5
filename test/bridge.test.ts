import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { confirmationMails, markerSent, outboxFiles, startTestBridge, stopTestBridge, waitFor, withBridge, type TestBridge } from './helpers/bridge.js';
import { mailer, queuedAs } from './helpers/smtp.js';

/** The whole path over real sockets: nodemailer → SMTP → store → dispatcher → simulator → confirmation .eml. */
const E2E = suite<{ b: TestBridge }>('bridge end to end');

E2E.before(async (ctx) => {
  ctx.b = await startTestBridge();
});
E2E.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));

async function confirmationFor(b: TestBridge, id: string, stage: string) {
  const files = await waitFor(`confirmation ${stage} of ${id}`, async () => {
    const f = await outboxFiles(b);
    return [...f.entries()].find(([n]) => n.startsWith(`${id}.${stage}@`));
  });
  return simpleParser(files[1]);
}

E2E('mail a number :: the SMS goes out with the text and a threaded confirmation of delivery comes back', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: 'Zahlungserinnerung',
    text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.\n\n-- \nMax Muster\nACME GmbH',
    messageId: '<e2e-1@acme.test>', references: '<thread-0@acme.test>',
  });
  const id = queuedAs(info.response);
  assert.match(info.response, /^250 2\.0\.0 queued as/);
  const sms = await waitFor('SMS at the connector', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  assert.equal({ to: sms.to, text: sms.text, encoding: sms.encoding, segments: sms.segments },
    { to: '+4915112345678', text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', encoding: 'GSM7', segments: 1 });

  const conf = await confirmationFor(b, `${id}.1`, 'delivered');
  assert.is(conf.to && 'text' in conf.to ? conf.to.text : '', 'clerk@acme.test');
  assert.is(conf.inReplyTo, '<e2e-1@acme.test>');
  assert.equal(conf.references, ['<thread-0@acme.test>', '<e2e-1@acme.test>']);
  assert.ok(conf.text?.includes('+4915112345678'), conf.text);
  assert.ok(conf.text?.includes('Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.'), conf.text);
  assert.is(b.store.get(`${id}.1`)?.status ?? 'archived-or-delivered', b.store.get(`${id}.1`) ? 'delivered' : 'archived-or-delivered');
  const history = b.store.get(`${id}.1`)?.history.map((h) => h.status);
  if (history) assert.equal(history, ['accepted', 'submitting', 'submitted', 'delivered']);
});

E2E('several SMS recipients :: one SMS each, the same number twice only once', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', subject: 'x', text: 'Lieferung kommt morgen.',
    envelope: { from: 'clerk@acme.test', to: ['+4915112345601@sms.localhost', '004915112345602@sms.localhost', '015112345601@sms.localhost'] },
  });
  assert.match(info.response, /queued as [0-9A-Z]+ \(2 SMS\)/);
  const id = queuedAs(info.response);
  await waitFor('both SMS', () => b.sim.sent.filter((s) => s.id.startsWith(id + '.')).length === 2);
  assert.equal(b.sim.sent.filter((s) => s.id.startsWith(id + '.')).map((s) => s.to).sort(), ['+4915112345601', '+4915112345602']);
});

E2E('same Message-ID and recipient again (a retry after a lost reply) :: accepted, sent only once', async ({ b }) => {
  const send = () => mailer(b.port).sendMail({
    from: 'erp@acme.test', to: '+4915112345699@sms.localhost', subject: 'x', text: 'Kontoauszug liegt bereit.', messageId: '<retry-1@erp.acme.test>',
  });
  const first = await send();
  const second = await send();
  const id = queuedAs(first.response);
  assert.match(second.response, new RegExp(`^250 2\\.0\\.0 already queued as ${id}`));
  await waitFor('first SMS', () => b.sim.sent.some((s) => s.id === `${id}.1`));
  await markerSent(b);
  assert.is(b.sim.sent.filter((s) => s.to === '+4915112345699').length, 1);
});

E2E('a failed SMS (test number ending 0000) :: confirmation says failed, with the reason', async ({ b }) => {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112340000@sms.localhost', subject: 'x', text: 'Test.' });
  const id = queuedAs(info.response);
  const conf = await confirmationFor(b, `${id}.1`, 'failed');
  assert.match(conf.subject ?? '', /fail/i);
  assert.ok(conf.text?.includes('not reachable'), conf.text);
});

E2E('client asks DSN NOTIFY=SUCCESS :: the confirmation is an RFC 3464 multipart/report', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345611@sms.localhost', subject: 'x', text: 'Mit Zustellbericht.',
    dsn: { id: 'ENV-4711', return: 'headers', notify: ['success', 'failure'], recipient: 'clerk@acme.test' },
  });
  const id = queuedAs(info.response);
  const files = await waitFor('DSN file', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.delivered@`)));
  const raw = files[1];
  assert.match(raw, /Content-Type: multipart\/report;\s*report-type=delivery-status/i);
  assert.match(raw, /Original-Envelope-Id: ENV-4711/);
  assert.match(raw, /Action: delivered/);
  assert.match(raw, /Status: 2\.0\.0/);
  assert.match(raw, /Final-Recipient: rfc822;\s*\+4915112345611@sms\.localhost/);
});

E2E('null sender <> :: the SMS goes out but no confirmation is sent back', async ({ b }) => {
  const info = await mailer(b.port).sendMail({ envelope: { from: '', to: '+4915112345612@sms.localhost' }, from: 'system@acme.test', subject: 'x', text: 'Ohne Absender.' });
  const id = queuedAs(info.response);
  await waitFor('SMS', () => b.sim.sent.some((s) => s.id === `${id}.1`));
  await waitFor('final status', () => !b.store.get(`${id}.1`) || b.store.get(`${id}.1`)!.status === 'delivered');
  // The barrier: a later SMS's confirmation is written; the notifier takes what is owed in order, so one owed before it would be there.
  const later = queuedAs((await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345613@sms.localhost', subject: 'x', text: 'Mit Absender.' })).response);
  await confirmationMails(b, `${later}.1`, 1);
  assert.not.ok([...(await outboxFiles(b)).keys()].some((n) => n.startsWith(`${id}.`)));
});

/** Review 4b F8: the confirmation's length named no cause for "Unicode (UCS-2)"; the one behind it is text.transliterate's. */
E2E('a Unicode SMS :: the confirmation names the character that made it Unicode (ç, which GSM-7 has only as Ç)', async ({ b }) => {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Bonjour François, la façade est finie.' });
  const id = queuedAs(info.response);
  assert.match((await confirmationFor(b, `${id}.1`, 'delivered')).text ?? '', /^Length: +1 SMS part, Unicode \(UCS-2\) because of "ç"$/m);
});

E2E.run();

const U = suite('bridge unicode cause');

U('text.transliterate off :: typographic quotes made the SMS Unicode, and the confirmation names them', () =>
  withBridge({ text: { transliterate: false } }, async (b) => {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Ihre „Mahnung“ ist da.' });
    const id = queuedAs(info.response);
    assert.match((await confirmationFor(b, `${id}.1`, 'delivered')).text ?? '', /^Length: +1 SMS part, Unicode \(UCS-2\) because of "„" "“"$/m);
  }));

U.run();
