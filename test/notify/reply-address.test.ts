import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { loadReplyKey, ReplyAddresses } from '../../src/notify/reply-address.js';

const R = suite('notify reply-address');
const KEY = Buffer.alloc(32, 7);
const replies = new ReplyAddresses(KEY, 'sms.localhost');

R('cancel address :: round trip, whatever case the mail systems give the local part', () => {
  const addr = replies.cancelAddress('MKX3ABCDEF0123.2');
  assert.match(addr, /^cancel\+mkx3abcdef0123\.2\.[0-9a-f]{20}@sms\.localhost$/);
  const local = addr.slice(0, addr.indexOf('@'));
  assert.equal(replies.parseCancel(local), { smsId: 'MKX3ABCDEF0123.2' });
  assert.equal(replies.parseCancel(local.toUpperCase()), { smsId: 'MKX3ABCDEF0123.2' });
});

const FORGED: Array<[string, string]> = [
  ['another id with this mac', replies.cancelAddress('A.1').replace('+a.1.', '+a.2.')],
  ['a mac one digit off', replies.cancelAddress('A.1').replace(/\.([0-9a-f])([0-9a-f]{19})@/, (_m, c: string, r: string) => `.${c === 'f' ? 'e' : 'f'}${r}@`)],
  ['a shortened mac', replies.cancelAddress('A.1').replace(/[0-9a-f]@/, '@')],
  ['no mac', 'cancel+a.1@sms.localhost'],
  ['a mac made with another key', new ReplyAddresses(Buffer.alloc(32, 8), 'sms.localhost').cancelAddress('A.1')],
];
for (const [name, addr] of FORGED) {
  R(`forged :: ${name} :: refused`, () => assert.is(replies.parseCancel(addr.slice(0, addr.indexOf('@'))), 'forged'));
}

R('not a cancel address :: undefined (a number, preview)', () => {
  assert.is(replies.parseCancel('+4915112345678'), undefined);
  assert.is(replies.parseCancel('preview'), undefined);
});

R('key file :: made once with mode 0600, the same key after a restart; a damaged one stops the start with its name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-key-'));
  try {
    const file = join(dir, 'reply-key');
    const first = await loadReplyKey(file);
    assert.is(first.length, 32);
    assert.is((await stat(file)).mode & 0o777, 0o600);
    assert.ok((await loadReplyKey(file)).equals(first));
    await writeFile(file, 'abc\n');
    try {
      await loadReplyKey(file);
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /reply key file .*reply-key is damaged/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

R.run();
