import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { FastifyRequest } from 'fastify';
import { pageWording } from '../../src/api/page-wording.js';

/** The wording of a portal page is decided once per request, however often the route and the page's frame ask. */
const W = suite('api/page-wording');

W('once per request :: the route and the frame asking twice look the account up once; another request decides anew', () => {
  const asked: string[] = [];
  const words = pageWording({ accounts: { get: (name) => (asked.push(name), { language: 'de' }) }, config: { notify: { language: 'en' } } }, 'm2s_lang');
  const req = (cookies: Record<string, string> = {}) => ({ cookies, headers: {}, principal: { name: 'chef', account: 'kunde', role: 'user' } }) as unknown as FastifyRequest;
  const one = req();
  assert.is(words(one).language, 'de');
  assert.is(words(one).language, 'de');
  assert.equal(asked, ['kunde'], 'one lookup for one request');
  assert.is(words(req({ m2s_lang: 'en' })).language, 'en', 'a second request: its own cookie');
  assert.equal(asked, ['kunde', 'kunde'], 'decided apart');
});

W.run();
