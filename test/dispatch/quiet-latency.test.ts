import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { localMinute } from '../../src/mail/dates.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/** HH:MM in Paris, as quiet hours are written. */
const parisAt = (ms: number) => localMinute(new Date(ms), 'Europe/Paris').slice(11);

/** sms-final's latencyMs for an SMS quiet hours held: from when it was due, not from its acceptance (review 4C). */
const L = suite('latency of a held SMS');

L('a mail held by the recipient\'s quiet hours: latencyMs counts from the hold\'s end, heldMs says how long it was held', async () => {
  const clock = { offset: 0 };
  const start = Date.now();
  const b = await startTestBridge({
    limits: { countries: ['*'] },
    options: { countryQuietHours: { FR: { from: parisAt(start - 10 * 60_000), to: parisAt(start + 30 * 60_000) } } },
  } as never, undefined, { now: () => new Date(Date.now() + clock.offset) });
  try {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+33612345678@sms.localhost', subject: 'x', text: 'Bonjour' });
    const id = `${queuedAs(info.response)}.1`;
    const held = await waitFor('the hold', () => (b.store.get(id)?.history.some((e) => e.until) ? b.store.get(id) : undefined));
    const until = held.history.find((e) => e.until)!.until!;
    const receivedAt = held.mail.receivedAt;
    clock.offset = Date.parse(until) - Date.now();
    const final = await waitFor('sms-final', () => b.events.find((e) => e.evt === 'sms-final' && e.msgId === id));
    assert.is(final.status, 'delivered');
    const finalAt = b.store.get(id)!.history.at(-1)!.at;
    assert.is(final.latencyMs, Date.parse(finalAt) - Date.parse(until), 'from the end of the hold to delivery');
    assert.is(final.heldMs, Date.parse(until) - Date.parse(receivedAt), 'the hold itself, apart');
    assert.ok((final.heldMs as number) > (final.latencyMs as number), JSON.stringify(final));
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

L.run();
