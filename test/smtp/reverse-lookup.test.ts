import dns from 'node:dns';
import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge } from '../helpers/bridge.js';
import { chat, dataLines, queuedAs } from '../helpers/smtp.js';

/**
 * smtp.reverseLookup: smtp-server asks DNS for the client's name (PTR) before
 * its greeting, through node:dns's reverse. The test answers that question
 * itself (no resolver is asked) and counts it, so it sees whether the bridge
 * asked and what it kept of the answer.
 */
const R = suite('smtp reverse lookup');

const mail = ['EHLO erp.acme.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345678@sms.localhost>', 'DATA', ...dataLines('Subject: x\r\n\r\nHallo')];

async function storedHostname(reverseLookup: boolean | undefined): Promise<{ asked: string[]; hostname: unknown }> {
  const real = dns.reverse;
  const asked: string[] = [];
  dns.reverse = ((ip: string, cb: (e: Error | null, names: string[]) => void) => {
    asked.push(ip);
    cb(null, ['erp-host.acme.test']);
  }) as typeof dns.reverse;
  const b = await startTestBridge(reverseLookup === undefined ? {} : { smtp: { reverseLookup } });
  try {
    const r = await chat(b.port, mail);
    const id = queuedAs(r.at(-1)!.text);
    return { asked, hostname: b.store.get(`${id}.1`)!.mail.clientHostname };
  } finally {
    dns.reverse = real;
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

R('on (the default) :: the client\'s name is asked for and kept with the mail', async () => {
  assert.equal(await storedHostname(undefined), { asked: ['127.0.0.1'], hostname: 'erp-host.acme.test' });
});

R('off :: no DNS question, the address in brackets instead', async () => {
  assert.equal(await storedHostname(false), { asked: [], hostname: '[127.0.0.1]' });
});

R.run();
