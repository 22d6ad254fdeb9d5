import { simpleParser, type ParsedMail } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, sendSms, type SmsMail } from '../helpers/smtp.js';

/**
 * Confirmations in the sender's language, over the whole bridge: real SMTP
 * in, the simulator, the confirmation thread, the .eml in the outbox read
 * back with mailparser. The German account sends from 127.0.0.2, the one
 * left at the default from 127.0.0.3.
 */
const KANZLEI = '127.0.0.2';
const ACME = '127.0.0.3';
const NYC = '127.0.0.4';

const S = suite('notify language end to end', {} as { b: TestBridge });
S.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [
      { name: 'kanzlei', networks: [KANZLEI], addresses: ['@kanzlei.test'], notify: 'all', language: 'de' },
      { name: 'acme', networks: [ACME], addresses: ['@acme.test'], notify: 'all' },
      { name: 'nyc', networks: [NYC], addresses: ['@nyc.test'], notify: 'all', timeZone: 'America/New_York' },
    ] as never,
  });
});
S.after(async ({ b }) => stopTestBridge(b));

const send = (b: TestBridge, from: string, localAddress: string, to: string, extra: SmsMail = {}) =>
  sendSms(b.port, to, { from, localAddress, subject: 'AW: Zahlungserinnerung', text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', ...extra });

async function confirmation(b: TestBridge, id: string, stage: string): Promise<ParsedMail> {
  const file = await waitFor(`${stage} confirmation of ${id}`, async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.${stage}@`)));
  return simpleParser(file[1]);
}

const GERMAN_TIME = '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d (MEZ|MESZ)';

S('language de :: a scheduled SMS is confirmed in German with the STORNO hint; replying "Storno" cancels it and the cancel is confirmed in German', async ({ b }) => {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const id = await send(b, 'clerk@kanzlei.test', KANZLEI, '+4915112345670', { messageId: '<de-1@kanzlei.test>', headers: { 'X-SMS-Send-At': at } });
  const accepted = await confirmation(b, id, 'accepted');
  assert.is(accepted.subject, 'SMS an +4915112345670 angenommen: „Zahlungserinnerung“');
  assert.is(accepted.inReplyTo, '<de-1@kanzlei.test>', 'threading as before');
  const text = accepted.text ?? '';
  assert.match(text, new RegExp(`^Ihre SMS an \\+4915112345670 wurde am ${GERMAN_TIME} angenommen und wird am ${GERMAN_TIME} gesendet\\.\\n`));
  assert.match(text, 'Um diese SMS vor dem Versand zu stornieren, antworten Sie auf diese E-Mail mit dem Wort STORNO (oder CANCEL) als Text.');
  assert.match(text, '\nVerlauf:\n');
  assert.match(accepted.html || '', '<th align="left">Empfänger</th>');

  const quoted = text.split('\n').map((l) => `> ${l}`).join('\n');
  const info = await mailer(b.port, KANZLEI).sendMail({
    from: 'clerk@kanzlei.test', to: accepted.replyTo!.value[0].address, subject: `AW: ${accepted.subject}`, inReplyTo: accepted.messageId,
    text: `Storno\n\nAm 23.11.2026 schrieb mail2sms:\n${quoted}\n`,
  });
  assert.match(info.response, /^250 2\.0\.0 SMS .* cancelled/);
  const cancelled = await confirmation(b, id, 'cancelled');
  assert.is(cancelled.subject, 'SMS an +4915112345670 storniert: „Zahlungserinnerung“');
  assert.match(cancelled.text ?? '', new RegExp(`^Ihre SMS an \\+4915112345670 wurde am ${GERMAN_TIME} storniert \\(per Antwort von clerk@kanzlei\\.test\\) und wird nicht gesendet\\.`));
  assert.match(cancelled.text ?? '', 'Diese Nachricht wurde automatisch erstellt; Antworten werden nicht gelesen.');
});

S('default language :: an account that sets none gets English, subject with the sender\'s subject in quotes', async ({ b }) => {
  const id = await send(b, 'clerk@acme.test', ACME, '+4915112345671', { messageId: '<en-1@acme.test>' });
  const delivered = await confirmation(b, id, 'delivered');
  assert.is(delivered.subject, 'SMS delivered to +4915112345671: "Zahlungserinnerung"');
  assert.is(delivered.inReplyTo, '<en-1@acme.test>');
  assert.match(delivered.text ?? '', /^Your SMS to \+4915112345671 was delivered at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0[12]:00\.\n/);
  assert.match(delivered.text ?? '', 'This message was generated automatically; replies are not read.');
});

S('run-time change :: a team lead switches the account to German through the REST API; the next confirmation is German', async ({ b }) => {
  await b.users.add('lead-acme', 'acme', 'lead-password-1');
  const auth = await bearer(b, 'lead-acme', 'lead-password-1');
  const r = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { language: 'de' } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.is(r.body.language, 'de');
  try {
    const id = await send(b, 'clerk@acme.test', ACME, '+4915112345672');
    const delivered = await confirmation(b, id, 'delivered');
    assert.is(delivered.subject, 'SMS an +4915112345672 zugestellt: „Zahlungserinnerung“');
    assert.match(delivered.text ?? '', new RegExp(`^Ihre SMS an \\+4915112345672 wurde am ${GERMAN_TIME} zugestellt\\.`));
    const refused = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { language: 'fr' } });
    assert.is(refused.status, 422);
  } finally {
    await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { language: null } });
  }
});

S('language de :: the answer to a preview is German too', async ({ b }) => {
  await mailer(b.port, KANZLEI).sendMail({ from: 'clerk@kanzlei.test', to: ['preview@sms.localhost', '+4915112345673@sms.localhost'], subject: 'Erinnerung', text: 'Ihr Termin ist morgen.', messageId: '<pv-de@kanzlei.test>' });
  const file = await waitFor('preview answer', async () => {
    for (const [name, raw] of await outboxFiles(b)) {
      if (!name.startsWith('preview.')) continue;
      const mail = await simpleParser(raw);
      if (mail.inReplyTo === '<pv-de@kanzlei.test>') return mail;
    }
    return undefined;
  });
  assert.is(file.subject, 'SMS-Vorschau (nichts gesendet): „Erinnerung“');
  const text = file.text ?? '';
  assert.match(text, /^Vorschau Ihrer SMS\. Es wurde nichts gesendet\./);
  assert.match(text, 'Der Text genau so, wie er gesendet würde: 22 Zeichen');
  assert.match(text, new RegExp(`\\+4915112345673: der Standardabsender des Netzbetreibers; würde am ${GERMAN_TIME} gesendet`));
});

S('an account with a time zone of its own :: its confirmations\' times are in that zone, as its send times are read; others keep notify.timeZone', async ({ b }) => {
  const nyc = await confirmation(b, await send(b, 'clerk@nyc.test', NYC, '+4915112345677'), 'accepted');
  assert.match(nyc.text ?? '', /was accepted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC-0[45]:00 and/);
  const acme = await confirmation(b, await send(b, 'clerk@acme.test', ACME, '+4915112345676'), 'accepted');
  assert.match(acme.text ?? '', /was accepted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0[12]:00 and/, 'Europe/Berlin, the default notify.timeZone');
});

S.run();
