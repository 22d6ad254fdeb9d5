import * as assert from 'uvu/assert';
import { apiSuite, call, portalForm, portalPage, portalSession } from '../helpers/api.js';
import { assertGerman } from '../helpers/german.js';
import { mailCancelOffer } from '../../src/api/cancel-mail.js';
import type { ApiContext } from '../../src/api/context.js';

/** The portal's "cancel all SMS of this mail" on an SMS's page (cancel-mail.ts, as the REST call and the CLI), over real HTTP. */
const C = apiSuite('portal cancel by mail');

const later = () => new Date(Date.now() + 3 * 3600_000).toISOString();

C('a mail to three numbers :: offered on each SMS\'s page; refused without the form\'s token; cancels every one still waiting and says each one\'s outcome', async ({ b, lead }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345691', '+4915112345692', '+4915112345693'], text: 'Drei Empfänger.', sendAt: later() } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const ids = (sent.body.messages as Array<{ id: string }>).map((m) => m.id);
  const single = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345694', text: 'Allein.', sendAt: later() } });
  const alone = single.body.messages[0].id as string;
  const s = await portalSession(b, 'lead', 'lead-password-1');

  const page = (await portalPage(b, `/messages/${ids[1]}`, s.cookie)).html;
  assert.match(page, new RegExp(`<form method="post" action="/messages/${ids[1].replace('.', '\\.')}/cancel-mail">\\s*<input type="hidden" name="_csrf" value="${s.csrf}">\\s*<button type="submit">Cancel all 3 SMS of this mail</button>`));
  assert.not.match((await portalPage(b, `/messages/${alone}`, s.cookie)).html, /cancel-mail/, 'a mail of one SMS: its own cancel is enough');

  const forged = await portalForm(b, `/messages/${ids[1]}/cancel-mail`, {}, s.cookie);
  assert.is(forged.status, 403);
  assert.equal(ids.map((id) => b.store.get(id)?.status), ['accepted', 'accepted', 'accepted'], 'nothing cancelled without the token');

  assert.is((await portalForm(b, `/messages/${ids[0]}/cancel`, { _csrf: s.csrf }, s.cookie)).status, 303);
  const res = await portalForm(b, `/messages/${ids[1]}/cancel-mail`, { _csrf: s.csrf }, s.cookie);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.equal(ids.map((id) => b.store.get(id)?.status), ['cancelled', 'cancelled', 'cancelled']);
  assert.is(b.store.get(alone)?.status, 'accepted', 'another mail\'s SMS untouched');
  assert.match(html, `<p>Cancel of the SMS of mail ${sent.body.mailId}:</p>`);
  const outcome = (id: string) => new RegExp(`<li data-id="${id.replace('.', '\\.')}" data-outcome="([^"]+)">[^]*?\\): ([^<]+)</li>`).exec(html)?.slice(1);
  assert.equal(outcome(ids[0]), ['already-cancelled', 'was cancelled already']);
  assert.equal(outcome(ids[1]), ['cancelled', 'cancelled']);
  assert.equal(outcome(ids[2]), ['cancelled', 'cancelled']);
  assert.match(html, /<h1>SMS to \+4915112345692 <span class="status s-cancelled">cancelled<\/span><\/h1>/);
  assert.not.match(html, /cancel-mail"/, 'nothing left to cancel: no button');
  const line = b.store.get(ids[2])!.history.at(-1)!;
  assert.is(line.by, 'portal user lead', 'recorded as the portal\'s cancel');
});

C('german :: the button and each outcome in the page\'s language', async ({ b, lead }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345695', '+4915112345696'], text: 'Zwei.', sendAt: later() } });
  const ids = (sent.body.messages as Array<{ id: string }>).map((m) => m.id);
  const s = await portalSession(b, 'lead', 'lead-password-1');
  const cookie = `${s.cookie}; m2s_lang=de`;
  const page = (await portalPage(b, `/messages/${ids[0]}`, cookie)).html;
  assertGerman(page, 'SMS of a mail of two');
  assert.match(page, /<button type="submit">Alle 2 SMS dieser E-Mail stornieren<\/button>/);
  const html = await (await portalForm(b, `/messages/${ids[0]}/cancel-mail`, { _csrf: s.csrf }, cookie)).text();
  assertGerman(html, 'cancelled by mail');
  assert.match(html, `<p>Stornierung der SMS der E-Mail ${sent.body.mailId}:</p>`);
  assert.match(html, new RegExp(`data-outcome="cancelled">[^]*?\\): storniert</li>`));
});

C('a page view :: the offer comes from the SMS\'s own count of its mail\'s SMS and a lookup of each by id, no search of the history', async ({ b, lead }) => {
  const two = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345681', '+4915112345682'], text: 'Zwei.', sendAt: later() } });
  const ids = (two.body.messages as Array<{ id: string }>).map((m) => m.id);
  const alone = (await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345683', text: 'Allein.', sendAt: later() } })).body.messages[0].id as string;
  assert.is(b.store.get(ids[0])?.ofMail, 2);
  const s = await portalSession(b, 'lead', 'lead-password-1');
  const store = b.store as unknown as { liveMessages: () => unknown };
  const liveMessages = store.liveMessages;
  let searches = 0;
  store.liveMessages = function (this: unknown) {
    searches++;
    return liveMessages.call(this);
  };
  try {
    assert.match((await portalPage(b, `/messages/${ids[1]}`, s.cookie)).html, /Cancel all 2 SMS of this mail/);
    assert.not.match((await portalPage(b, `/messages/${alone}`, s.cookie)).html, /cancel-mail/);
    assert.is((await portalForm(b, `/messages/${ids[1]}/cancel`, { _csrf: s.csrf }, s.cookie)).status, 303);
    assert.match((await portalPage(b, `/messages/${ids[1]}`, s.cookie)).html, /Cancel all 2 SMS of this mail/, 'its sibling still waits');
    assert.is(searches, 0, 'no page view read the whole history');
  } finally {
    store.liveMessages = liveMessages;
  }
  assert.is((await portalForm(b, `/messages/${ids[0]}/cancel`, { _csrf: s.csrf }, s.cookie)).status, 303);
  assert.not.match((await portalPage(b, `/messages/${ids[1]}`, s.cookie)).html, /cancel-mail"/, 'none waits: no offer');
});

C('stored before ofMail :: an SMS that does not say how many its mail made is searched for as before; .1 without a .2 is a mail of one', async ({ b, lead }) => {
  const two = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345684', '+4915112345685'], text: 'Zwei.', sendAt: later() } });
  const ids = (two.body.messages as Array<{ id: string }>).map((m) => m.id);
  const store = b.store;
  const ctx = { history: { liveMessages: () => store.liveMessages(), archiveDir: store.archiveDir, get: (id: string) => store.get(id) }, lagDays: 14 } as unknown as ApiContext;
  const lead1 = { name: 'lead', account: 'acme', role: 'user' as const };
  const old = (id: string) => ({ ...store.get(id)!, ofMail: undefined });
  assert.equal(await mailCancelOffer(ctx, lead1, old(ids[0])), { mailId: two.body.mailId, count: 2 });
  assert.equal(await mailCancelOffer(ctx, lead1, old(ids[1])), { mailId: two.body.mailId, count: 2 });
  const alone = (await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345686', text: 'Allein.', sendAt: later() } })).body.messages[0].id as string;
  assert.is(await mailCancelOffer(ctx, lead1, old(alone)), undefined);
  assert.is(await mailCancelOffer(ctx, { name: 'stranger', account: 'other', role: 'user' as const }, store.get(ids[0])!), undefined, 'another account\'s: nothing offered');
});

C.run();
