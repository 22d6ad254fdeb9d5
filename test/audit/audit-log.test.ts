import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { AuditLog, auditLine } from '../../src/audit/audit-log.js';
import { optoutCommand } from '../../src/cli/optout.js';
import { buildConfig } from '../../src/config/load.js';
import { waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';
import { auditLines } from '../helpers/audit.js';

const A = suite('audit log');
const PASSWORD = 'richtiges-passwort-7';
const WRONG = 'falsches-passwort-8';
const plain = (user: string, pass: string) => `AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`;

const ACCOUNTS = [{ name: 'acme', description: '', networks: [], addresses: ['@acme.test'] }];

A('trail :: logins, accepted, refused and sent messages, and a CLI change, each with who, when and from where; never a password or the text', () =>
  withBridge({ accounts: ACCOUNTS as never }, async (b) => {
    await b.users.add('erp', 'acme', PASSWORD);
    await chat(b.port, ['EHLO client.test', plain('erp', WRONG)], { localAddress: '127.0.0.31' });
    const r = await chat(b.port, ['EHLO client.test', plain('erp', PASSWORD), 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+499001234567@sms.localhost>', 'RCPT TO:<+4915112345691@sms.localhost>', 'DATA',
      ...dataLines('From: erp@acme.test\r\nSubject: x\r\n\r\nGeheimer Inhalt 4711.')], { localAddress: '127.0.0.32' });
    assert.match(r.at(-1)!.text, /queued as/);
    assert.is(await optoutCommand(['add', '+4915112345699', '--note', 'STOP'], buildConfig({ store: { dir: b.dir } }), { readStdin: async () => '', out: () => undefined, err: () => undefined }), 0);
    const lines = await waitFor('the final status in the audit log', async () => {
      const l = await auditLines(b);
      return l.some((x) => x.evt === 'sms-final') && l.some((x) => x.evt === 'optout-added') ? l : undefined;
    });
    const byEvt = (evt: string) => lines.find((l) => l.evt === evt)!;
    assert.equal([byEvt('auth-failed').user, byEvt('auth-failed').ip], ['erp', '127.0.0.31']);
    assert.equal([byEvt('auth-succeeded').user, byEvt('auth-succeeded').account, byEvt('auth-succeeded').ip], ['erp', 'acme', '127.0.0.32']);
    assert.equal([byEvt('rcpt-refused').to, byEvt('rcpt-refused').code, byEvt('rcpt-refused').user], ['+499001234567@sms.localhost', 550, 'erp']);
    const accepted = byEvt('sms-accepted');
    assert.equal([accepted.account, accepted.user, accepted.ip, accepted.to, accepted.from], ['acme', 'erp', '127.0.0.32', '+4915112345691', 'erp@acme.test']);
    assert.is(byEvt('sms-final').msgId, accepted.msgId);
    assert.equal([byEvt('optout-added').number, byEvt('optout-added').via], ['+4915112345699', 'cli']);
    assert.ok(typeof byEvt('optout-added').by === 'string');
    for (const l of lines) assert.match(String(l.at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const raw = JSON.stringify(lines);
    for (const secret of [PASSWORD, WRONG, Buffer.from(`\0erp\0${PASSWORD}`).toString('base64')]) assert.not.ok(raw.includes(secret), 'no password, in any form');
    assert.not.ok(raw.includes('Geheimer Inhalt'), 'no text unless audit.includeText');
  }));

A('includeText :: the SMS text of accepted messages is recorded when configured', () =>
  withBridge({ audit: { includeText: true } }, async (b) => {
    await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345692@sms.localhost>', 'DATA', ...dataLines('From: erp@acme.test\r\n\r\nMit Text.')]);
    const line = await waitFor('sms-accepted', async () => (await auditLines(b)).find((l) => l.evt === 'sms-accepted'));
    assert.is(line.text, 'Mit Text.');
  }));

A('disabled :: no audit files', () =>
  withBridge({ audit: { enabled: false } }, async (b) => {
    await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345693@sms.localhost>', 'DATA', ...dataLines('From: erp@acme.test\r\n\r\nOhne.')]);
    await waitFor('the SMS', () => b.sim.sent.length === 1);
    assert.equal(await auditLines(b), []);
  }));

A('line :: time and event first, the event\'s keys in order, nothing secret or undefined, the text last when given', () => {
  const at = new Date('2026-11-30T08:00:00.000Z');
  const data = { msgId: 'M.1', password: 'x', pass: 'y', passwordHash: 'z', stack: 'at ...', text: 'the SMS', user: undefined, to: '+4915112345678', n: 0 };
  assert.is(auditLine(at, 'sms-accepted', data), '{"at":"2026-11-30T08:00:00.000Z","evt":"sms-accepted","msgId":"M.1","to":"+4915112345678","n":0}\n');
  assert.is(auditLine(at.toISOString(), 'sms-accepted', { msgId: 'M.1' }, 'Hallo'), '{"at":"2026-11-30T08:00:00.000Z","evt":"sms-accepted","msgId":"M.1","text":"Hallo"}\n');
});

A('writer :: lines gathered for one write are all in the file, in order, once it is closed; each day in its own file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-'));
  try {
    let at = new Date('2026-11-30T23:59:59.990Z');
    const errors: Error[] = [];
    const audit = new AuditLog({ dir, now: () => at, onError: (e) => errors.push(e) });
    audit.record('sms-accepted', { msgId: 'M.1' });
    audit.record('debug-only', { msgId: 'M.1' });
    audit.record('sms-submitted', { msgId: 'M.1' });
    at = new Date('2026-12-01T00:00:00.010Z');
    audit.record('sms-final', { msgId: 'M.1', status: 'delivered' });
    await audit.close();
    const read = async (day: string) => (await readFile(join(dir, `${day}.jsonl`), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l).evt as string);
    assert.equal(await read('2026-11-30'), ['sms-accepted', 'sms-submitted']);
    assert.equal(await read('2026-12-01'), ['sms-final']);
    assert.equal(errors, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

A('writer :: a process that dies of an uncaught exception (review 8, A-L4) :: the lines recorded just before are in the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-'));
  try {
    const module = fileURLToPath(new URL('../../src/audit/audit-log.ts', import.meta.url));
    const script = `import { AuditLog } from ${JSON.stringify(module)};
      const audit = new AuditLog({ dir: ${JSON.stringify(dir)}, now: () => new Date('2026-11-30T12:00:00Z'), onError: () => undefined });
      audit.record('sms-accepted', { msgId: 'M.1' });
      audit.record('sms-final', { msgId: 'M.1', status: 'failed' });
      setImmediate(() => { throw new Error('crash'); });`;
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], () => resolve(child.exitCode));
    });
    assert.is(code, 1, 'died of the exception');
    const lines = (await readFile(join(dir, '2026-11-30.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l).evt as string);
    assert.equal(lines, ['sms-accepted', 'sms-final']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

A.run();
