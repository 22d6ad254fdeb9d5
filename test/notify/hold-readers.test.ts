import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call, portalPage, portalSession } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs, refusal } from '../helpers/smtp.js';
import { wallTimeIn } from '../../src/mail/dates.js';
import { eventReason } from '../../src/notify/hold-words.js';
import { formatTime, formatTimeGerman } from '../../src/notify/times.js';
import { wordingFor } from '../../src/notify/wording/index.js';
import { Receiver } from './callbacks/receiver.js';

/**
 * A quiet-hours hold as each of its readers gets it, over real sockets: the
 * clerk's bounce (SMTP NoTimeToSend) and the REST preview worded as the
 * account's confirmations word it (its language, its zone); programs (REST
 * timeline, status callbacks) get the hold as data beside the text; the
 * portal shows an account's pages in the account's time zone.
 */
const SECRET = 'erp-callback-secret-0123456789';
const ZONE = 'America/New_York';
// Nights read in three zones eight hours apart: quiet around the clock.
const ALWAYS = { from: '20:00', to: '08:00', timeZones: ['Europe/Rome', 'Asia/Tokyo', 'America/Los_Angeles'] };

const two = (n: number) => String(n).padStart(2, '0');
/** "HH:MM" in Paris, `minutes` from now: quiet hours around the moment the test runs. */
function parisClock(minutes: number): string {
  const w = wallTimeIn(new Date(Date.now() + minutes * 60_000), 'Europe/Paris');
  return `${two(w.hour)}:${two(w.minute)}`;
}

const H = suite<{ b: TestBridge; erp: Receiver; lead: string; window: { from: string; to: string } }>('notify :: a hold as each reader gets it');

H.before(async (ctx) => {
  ctx.erp = await new Receiver().start();
  ctx.window = { from: parisClock(-60), to: parisClock(60) };
  ctx.b = await startTestBridge({
    limits: { countries: ['*'] },
    accounts: [{
      name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], language: 'de', timeZone: ZONE,
      statusCallbacks: { allow: [`${ctx.erp.url}/hooks/`], secret: SECRET },
    }] as never,
    options: { timeZone: 'Europe/Berlin', countryQuietHours: { FR: ctx.window, IT: ALWAYS } } as never,
    statusCallbacks: { retrySeconds: [1] },
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  await ctx.b.users.add('root', 'acme', 'admin-password-1', 'admin');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
H.after(async ({ b, erp }) => {
  await stopTestBridge(b);
  await erp.stop();
});

const send = (b: TestBridge, to: string, subject = 'Erinnerung') =>
  mailer(b.port).sendMail({ from: 'erp@acme.test', to: `${to}@sms.localhost`, subject, text: 'Bitte zahlen Sie bis Freitag.' });

H('smtp :: quiet hours that leave no time :: 550 5.7.1 in the account\'s language, as its confirmation words the rule, in ASCII', async ({ b }) => {
  const reply = await refusal(send(b, '+393331234567'));
  // The rule names its zones (Rome, Tokyo, Los Angeles): not called the recipient's local time (review 8, B-L4).
  assert.is(reply, '550 5.7.1 Ruhezeit beim Empfaenger, festgelegt fuer Italien: 20:00-08:00 Uhr; '
    + 'sie laesst in den naechsten zwei Wochen keine Zeit zum Senden; es wurde nichts angenommen');
  assert.is(b.store.counts().accepted ?? 0, 0, 'nothing queued');
});

H('smtp :: a blackout period of the mail\'s own that leaves no time :: its start and end in the account\'s zone', async ({ b }) => {
  const [start, end] = [new Date(Date.now() - 3_600_000), new Date(Date.now() + 20 * 86_400_000)].map((d) => `${d.toISOString().slice(0, 19)}Z`);
  const reply = await refusal(send(b, '+4915112345678', `[BLACKOUTPERIODS:${start}/${end}] Erinnerung`));
  const de = (iso: string) => formatTime(iso, ZONE).replace(/^(\d{4})-(\d\d)-(\d\d)/, '$3.$2.$1');
  assert.is(reply, `550 5.7.1 Sperrzeit, festgelegt in Ihrer E-Mail: ${de(start)} bis ${de(end)}; sie laesst in den naechsten zwei Wochen keine Zeit zum Senden; es wurde nichts angenommen`);
  assert.match(reply, /^[\x20-\x7e]+$/);
});

H('rest preview :: a hold as the account\'s confirmation says it (German, its zone), ?language=en in English, and the rule as data', async ({ b, lead, window }) => {
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+33612345678', text: 'Bonsoir' } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  const [x] = r.body.recipients;
  assert.equal(x.quiet, { source: 'country FR', from: window.from, to: window.to, zone: 'Europe/Paris' });
  const ours = formatTime(x.notBefore, ZONE).replace(/^(\d{4})-(\d\d)-(\d\d)/, '$3.$2.$1');
  assert.is(x.hold, `Ruhezeit beim Empfänger, festgelegt für Frankreich: ${window.from}–${window.to} Uhr seiner Ortszeit; Versand um ${window.to} Uhr seiner Zeit = ${ours} Ihrer Zeit`);
  const en = await call(b, 'POST', '/api/v1/messages/preview?language=en', { auth: lead, body: { to: '+33612345678', text: 'Bonsoir' } });
  assert.is(en.body.recipients[0].hold, `quiet hours at the recipient, set for France: ${window.from}–${window.to} their local time; goes out at ${window.to} their time = ${formatTime(x.notBefore, ZONE)} your time`);
  assert.equal(en.body.recipients[0].quiet, x.quiet);
  assert.is((await call(b, 'POST', '/api/v1/messages/preview?language=fr', { auth: lead, body: { to: '+33612345678', text: 'Bonsoir' } })).status, 400);
});

H('rest timeline and status callback :: the hold as data (quiet, until) beside the worded reason; the accepted push of a held SMS carries it', async ({ b, erp, lead, window }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+33612345679', text: 'Bonsoir', statusCallback: `${erp.url}/hooks/sms`, statusCallbackLevel: 'all' } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  const id = r.body.messages[0].id;
  const quiet = { source: 'country FR', from: window.from, to: window.to, zone: 'Europe/Paris' };
  const m = await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead });
  const held = m.body.timeline.find((e: { until?: string }) => e.until);
  assert.ok(held, JSON.stringify(m.body.timeline));
  assert.equal([held.status, held.quiet, held.until], ['accepted', quiet, b.store.get(id)!.notBefore]);
  assert.match(held.reason, /^quiet hours at the recipient, set for France: /, 'the text as before');
  assert.not.ok('quiet' in m.body.timeline[0], 'the acceptance itself holds nothing');
  const push = await waitFor('the accepted push', () => erp.got.find((g) => g.body.smsId === id && g.body.status === 'accepted'));
  assert.equal([push.body.quiet, push.body.until], [quiet, held.until]);
});

H('portal :: an account\'s user sees times in the account\'s zone (and its language, German here), an admin in the gateway\'s, and each page says which', async ({ b }) => {
  const id = `${queuedAs((await send(b, '+4915112345679')).response)}.1`;
  const accepted = b.store.get(id)!.history[0].at;
  const lead = await portalSession(b, 'lead', 'lead-password-1');
  const mine = await portalPage(b, `/messages/${id}`, lead.cookie);
  assert.is(mine.status, 200);
  assert.ok(mine.html.includes(formatTimeGerman(accepted, ZONE)), 'the acceptance in New York time');
  assert.match(mine.html, /Zeiten in America\/New_York \(Zeitzone Ihres Kontos\)/);
  const root = await portalSession(b, 'root', 'admin-password-1');
  const admin = await portalPage(b, `/messages/${id}`, root.cookie);
  assert.ok(admin.html.includes(formatTime(accepted, 'Europe/Berlin')));
  assert.match(admin.html, /Times in Europe\/Berlin \(the gateway&#39;s time zone/);
  const list = await portalPage(b, '/messages', lead.cookie);
  assert.ok(list.html.includes(formatTimeGerman(accepted, ZONE)), 'the list too');
});

H('history :: an SMS failed because a retry met rules that leave no time :: worded from its data in the reader\'s language', () => {
  const quiet = { source: 'country FR', from: '20:00', to: '08:00', days: ['sun' as const], zone: 'Europe/Paris' };
  const failed = { status: 'failed' as const, at: '2026-11-24T19:30:00.000Z', reason: 'stored English words', quiet };
  assert.is(eventReason(failed, wordingFor('de'), 'Europe/Berlin'), 'Ruhezeit beim Empfänger, festgelegt für Frankreich: 20:00–08:00 Uhr und sonntags seiner Ortszeit; sie lässt in den nächsten zwei Wochen keine Zeit zum Senden');
  assert.is(eventReason(failed), 'quiet hours at the recipient, set for France: 20:00–08:00 and Sundays their local time, leave no time to send within two weeks');
});

H.run();
