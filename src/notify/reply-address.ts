/**
 * Reply addresses that let a sender cancel an SMS by answering its
 * confirmation with CANCEL: `cancel+<sms id>.<mac>@<sms domain>`, set as the
 * confirmation's Reply-To. The mac is an HMAC of the id under a key only the
 * bridge knows, so an address cannot be made up for somebody else's SMS by
 * guessing ids (which are predictable: time-based and counted). The address
 * is compared case-insensitively, since mail systems may change the case of
 * a local part.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { replaceFile } from '../store/durable.js';

const MAC_HEX = 20; // 80 bits: far beyond guessing through an SMTP server
const CANCEL = /^cancel\+([0-9a-z]+\.[0-9]+)\.([0-9a-f]+)$/i;

export class ReplyAddresses {
  constructor(private readonly key: Buffer, private readonly domain: string) {}

  /** The Reply-To that cancels SMS `smsId`. */
  cancelAddress(smsId: string): string {
    return `cancel+${smsId.toLowerCase()}.${this.mac(smsId)}@${this.domain}`;
  }

  /**
   * The SMS id a cancel address's local part stands for; 'forged' when it
   * looks like one but its mac is wrong; undefined when it is no cancel address.
   */
  parseCancel(localPart: string): { smsId: string } | 'forged' | undefined {
    const m = CANCEL.exec(localPart);
    if (!m) return /^cancel\+/i.test(localPart) ? 'forged' : undefined;
    const smsId = m[1].toUpperCase();
    const given = Buffer.from(m[2].toLowerCase());
    const wanted = Buffer.from(this.mac(smsId));
    return given.length === wanted.length && timingSafeEqual(given, wanted) ? { smsId } : 'forged';
  }

  private mac(smsId: string): string {
    return createHmac('sha256', this.key).update(`cancel\n${smsId.toUpperCase()}`).digest('hex').slice(0, MAC_HEX);
  }
}

/**
 * The bridge's reply key, made on first start and kept in `file` (mode 0600):
 * addresses in confirmations sent before a restart must still work after it.
 */
export async function loadReplyKey(file: string, random: (n: number) => Buffer = randomBytes): Promise<Buffer> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text !== undefined) {
    const key = Buffer.from(text.trim(), 'hex');
    if (key.length < 16) throw new Error(`reply key file ${file} is damaged (expected at least 32 hex digits); move it away to make a new one (cancel addresses in earlier confirmations then stop working)`);
    return key;
  }
  const key = random(32);
  await replaceFile(file, key.toString('hex') + '\n', 0o600);
  return key;
}
