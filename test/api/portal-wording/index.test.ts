import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { browserLanguage, portalLanguage, portalWordingFor } from '../../../src/api/portal-wording/index.js';

/** Which language a portal page is in, and how the German table writes figures and times. */
const L = suite('api/portal-wording :: the language of a page');

L('browser :: the most preferred of ours; German in any region; nothing of ours or no header: English', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'en'], ['', 'en'], ['de', 'de'], ['de-AT,de;q=0.9,en;q=0.8', 'de'], ['DE-ch', 'de'],
    ['en-US,de;q=0.5', 'en'], ['fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7', 'de'], ['fr,it', 'en'], ['en;q=0.2, de;q=0.9', 'de'], ['de;q=0, en', 'en'], ['*', 'en'],
  ];
  for (const [header, want] of cases) assert.is(browserLanguage(header), want, String(header));
});

L('rules :: the chosen one first; a user their account\'s, an admin the gateway\'s, nobody logged in the browser\'s', () => {
  const browser = 'de-DE,de;q=0.9';
  assert.is(portalLanguage({ chosen: 'en', user: { role: 'user', accountLanguage: 'de' }, gateway: 'de', acceptLanguage: browser }), 'en');
  assert.is(portalLanguage({ chosen: 'de', gateway: 'en' }), 'de');
  assert.is(portalLanguage({ chosen: 'fr', gateway: 'en', acceptLanguage: browser }), 'de', 'an unknown choice counts as none');
  assert.is(portalLanguage({ user: { role: 'user', accountLanguage: 'de' }, gateway: 'en' }), 'de');
  assert.is(portalLanguage({ user: { role: 'user', accountLanguage: 'en' }, gateway: 'de', acceptLanguage: browser }), 'en', 'not the browser\'s');
  assert.is(portalLanguage({ user: { role: 'admin', accountLanguage: 'en' }, gateway: 'de' }), 'de', 'an admin: the gateway\'s, not their account\'s');
  assert.is(portalLanguage({ user: { role: 'user' }, gateway: 'de' }), 'de', 'an account gone: the gateway\'s');
  assert.is(portalLanguage({ gateway: 'de', acceptLanguage: 'en-GB' }), 'en');
  assert.is(portalLanguage({ gateway: 'de' }), 'en');
});

L('german :: figures grouped, decimals with a comma, dates and times as the confirmations write them; English as before', () => {
  const de = portalWordingFor('de');
  const en = portalWordingFor('en');
  assert.equal([de.num(1234), de.num(12), de.pct(0.975), de.pct(null), de.duration(1500), de.duration(250)], ['1.234', '12', '97,5 %', '–', '1,5 s', '250 ms']);
  assert.equal([en.num(1234), en.pct(0.975), en.duration(1500)], ['1234', '97.5 %', '1.5 s']);
  assert.equal([de.day('2026-11-30'), de.dayShort('2026-11-30'), en.day('2026-11-30'), en.dayShort('2026-11-30')], ['30.11.2026', '30.11.', '2026-11-30', '11-30']);
  assert.is(de.time('2026-11-30T22:47:05Z', 'Europe/Berlin'), '30.11.2026 23:47:05 MEZ');
  assert.is(en.time('2026-11-30T22:47:05Z', 'Europe/Berlin'), '2026-11-30 23:47:05 UTC+01:00');
  assert.equal([de.status('delivered'), de.status('submitted'), en.status('delivered')], ['Zugestellt', 'An Netzbetreiber übergeben', 'delivered']);
});

L.run();
