import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { wallTimeIn } from '../../src/mail/dates.js';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';
import { outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';

/**
 * What a clerk reads of a quiet-hours hold and of a retry's wait, over the
 * whole bridge: mail in by SMTP, the confirmation read back from the outbox.
 * Both are kept as data and worded when the confirmation is made, in its
 * language and time zone: no IANA zone name, no "next attempt in 6 s".
 * Accounts: kanzlei reads German (Europe/Berlin, 127.0.0.2), nyc English in
 * New York time (127.0.0.3).
 */
const KANZLEI = '127.0.0.2';
const NYC = '127.0.0.3';
const ACCOUNTS = [
  { name: 'kanzlei', networks: [KANZLEI], addresses: ['@kanzlei.test'], notify: 'all', language: 'de' },
  { name: 'nyc', networks: [NYC], addresses: ['@nyc.test'], notify: 'all', timeZone: 'America/New_York' },
];

const GERMAN_TIME = '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d (MEZ|MESZ)';
const NEW_YORK_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC-0[45]:00';

const lit = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const two = (n: number) => String(n).padStart(2, '0');
/** "HH:MM" in Paris, `minutes` from now: quiet hours around the moment the test runs. */
function paris(minutes: number): string {
  const w = wallTimeIn(new Date(Date.now() + minutes * 60_000), 'Europe/Paris');
  return `${two(w.hour)}:${two(w.minute)}`;
}

async function confirmationText(b: TestBridge, id: string, stage: string): Promise<string> {
  const file = await waitFor(`${stage} confirmation of ${id}`, async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.${stage}@`)));
  return (await simpleParser(file[1])).text ?? '';
}

const H = suite('notify :: holds and retries in words a clerk knows');

H('quiet hours :: the hold is stored as data and worded in the confirmation\'s language and zone: the rule\'s country by name, the end in the recipient\'s clock and the reader\'s, no IANA zone', async () => {
  const [from, to] = [paris(-60), paris(60)];
  const b = await startTestBridge({ accounts: ACCOUNTS as never, limits: { countries: ['*'] }, options: { countryQuietHours: { FR: { from, to } } } as never });
  try {
    const de = await sendSms(b.port, '+33612345678', { from: 'clerk@kanzlei.test', localAddress: KANZLEI, text: 'Bonsoir' });
    const en = await sendSms(b.port, '+33612345679', { from: 'clerk@nyc.test', localAddress: NYC, text: 'Bonsoir' });
    const hold = b.store.get(de)!.history.at(-1)!;
    assert.equal([hold.quiet?.source, hold.quiet?.from, hold.quiet?.to, hold.quiet?.zone, hold.reason], ['country FR', from, to, 'Europe/Paris', undefined], JSON.stringify(hold));

    const german = await confirmationText(b, de, 'accepted');
    // Paris and Berlin keep the same clock: one time, the reader's.
    const deHold = `${lit(`Zurückgehalten (Ruhezeit beim Empfänger, festgelegt für Frankreich: ${from}–${to} Uhr seiner Ortszeit; Versand am `)}${GERMAN_TIME}\\)`;
    assert.match(german, new RegExp(`^  ${GERMAN_TIME}  ${deHold}$`, 'm'), german);
    assert.match(german, new RegExp(`^Grund: +Ruhezeit beim Empfänger, festgelegt für Frankreich`, 'm'));

    const english = await confirmationText(b, en, 'accepted');
    const enHold = `${lit(`Held (quiet hours at the recipient, set for France: ${from}–${to} their local time; goes out at ${to} their time = `)}${NEW_YORK_TIME} your time\\)`;
    assert.match(english, new RegExp(`^  ${NEW_YORK_TIME}  ${enHold}$`, 'm'), english);
    for (const text of [german, english]) assert.not.match(text, /Europe\/|held for quiet hours/, 'no zone name, no stored English sentence');

    // A preview answers in the same words what a send would do.
    await sendSms(b.port, '+33612345670', { from: 'clerk@kanzlei.test', localAddress: KANZLEI, text: 'Bonsoir', headers: { 'X-SMS-Preview': 'yes' } }).catch(() => undefined);
    const preview = await waitFor('the preview', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith('preview.')));
    const previewText = (await simpleParser(preview[1])).text ?? '';
    assert.match(previewText, new RegExp(`^  \\+33612345670: .+; ${lit(`Ruhezeit beim Empfänger, festgelegt für Frankreich: ${from}–${to} Uhr seiner Ortszeit; Versand am `)}${GERMAN_TIME}$`, 'm'), previewText);
    assert.not.match(previewText, 'Europe/');
    // The reader's time is the account's, as in its confirmations: New York for nyc (review 8, B-L3).
    await sendSms(b.port, '+33612345671', { from: 'clerk@nyc.test', localAddress: NYC, text: 'Bonsoir', headers: { 'X-SMS-Preview': 'yes' } }).catch(() => undefined);
    const nyPreview = await waitFor('the preview for nyc', async () => [...(await outboxFiles(b)).values()].find((t) => t.includes('+33612345671')));
    assert.match((await simpleParser(nyPreview)).text ?? '', new RegExp(`^  \\+33612345671: .+; ${lit(`quiet hours at the recipient, set for France: ${from}–${to} their local time; goes out at ${to} their time = `)}${NEW_YORK_TIME} your time$`, 'm'));

    // The portal's timeline and the REST API's say it the same way (English; the API's times in UTC).
    await b.users.add('clerk', 'nyc', 'clerk-password-1');
    const cookie = cookieOf(await portalLogin(b, 'clerk', 'clerk-password-1'), 'm2s_session');
    const html = await (await fetch(`${apiBase(b)}/messages/${en}`, { headers: { cookie, accept: 'text/html' } })).text();
    // In the account's zone (New York), with the recipient's clock beside it.
    assert.match(html, `quiet hours at the recipient, set for France: ${from}–${to} their local time; goes out at `);
    assert.not.match(html, 'Europe/Paris');
    const api = await call(b, 'GET', `/api/v1/messages/${en}`, { auth: await bearer(b, 'clerk', 'clerk-password-1') });
    assert.match(api.body.timeline[1].reason, new RegExp(`^quiet hours at the recipient, set for France: ${from}–${to} their local time; goes out at ${to} their time = \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:00 UTC your time$`));
  } finally {
    await stopTestBridge(b);
  }
});

H('retry :: the SMSC throttles (ESME_RTHROTTLED) until the bridge gives the SMS back to the queue :: the history says "Waiting: the carrier asked us to slow down" with the next attempt\'s time, in German and English', async () => {
  const login = { systemId: 'bridge', password: 'smpp-pw' };
  const smsc = new SmscSimulator({ ...login, behaviour: { throttleNext: 1_000_000 } });
  const { port } = await smsc.start();
  let b: TestBridge | undefined;
  try {
    b = await startTestBridge({
      accounts: ACCOUNTS as never,
      dispatch: { retry: { baseSeconds: 1, maxSeconds: 1, jitter: 0 } } as never,
      connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...login, reconnectSeconds: [0.1], throttlePauseMs: 50, retryInPlaceSeconds: 1 } }] as never,
    });
    const bridge = b;
    const de = await sendSms(bridge.port, '+4915112345601', { from: 'clerk@kanzlei.test', localAddress: KANZLEI, text: 'Ihr Termin' });
    const en = await sendSms(bridge.port, '+4915112345602', { from: 'clerk@nyc.test', localAddress: NYC, text: 'Your appointment' });
    for (const id of [de, en]) await waitFor(`a retry of ${id}`, () => bridge.store.get(id)?.history.find((e) => e.retryAt));
    const retry = bridge.store.get(de)!.history.find((e) => e.retryAt)!;
    assert.equal([retry.status, retry.throttled], ['accepted', true], JSON.stringify(retry));
    assert.match(retry.reason ?? '', 'ESME_RTHROTTLED', 'the connector\'s own reason kept for operators');
    // Programs get the wait as data beside its words (the REST timeline).
    await bridge.users.add('clerk', 'kanzlei', 'clerk-password-1');
    const api = await call(bridge, 'GET', `/api/v1/messages/${de}`, { auth: await bearer(bridge, 'clerk', 'clerk-password-1') });
    const waiting = api.body.timeline.find((e: { retryAt?: string }) => e.retryAt);
    assert.equal([waiting?.retryAt, waiting?.throttled], [retry.retryAt, true], JSON.stringify(api.body.timeline));
    // Its words keep the connector's own reason there, for the operator (review 8, B-L2); the clerk's mail below does not.
    assert.match(waiting?.reason ?? '', /^the carrier asked us to slow down \(.*ESME_RTHROTTLED.*\); next attempt at /);
    smsc.behaviour.throttleNext = 0;

    const german = await confirmationText(bridge, de, 'delivered');
    assert.match(german, new RegExp(`^  ${GERMAN_TIME}  Wartet \\(der Netzbetreiber hat uns gebeten, langsamer zu senden; nächster Versuch am ${GERMAN_TIME}\\)$`, 'm'), german);
    const english = await confirmationText(bridge, en, 'delivered');
    assert.match(english, new RegExp(`^  ${NEW_YORK_TIME}  Waiting \\(the carrier asked us to slow down; next attempt at ${NEW_YORK_TIME}\\)$`, 'm'), english);
    for (const text of [german, english]) assert.not.match(text, /Accepted \(|Angenommen \(|next attempt in|ESME_/, 'not "accepted" with a protocol reason');
  } finally {
    await stopTestBridge(b);
    await smsc.stop();
  }
});

H.run();
