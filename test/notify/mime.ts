/** Test-side helpers: compose with fixed inputs and cut a raw mail into its top-level parts. */
import { simpleParser, type ParsedMail } from 'mailparser';
import { fileURLToPath } from 'node:url';
import { composeConfirmation, type Confirmation, type ConfirmationInput } from '../../src/notify/compose.js';
import type { SmsMessage, SmsStatus } from '../../src/store/types.js';

export const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
export const NOW = new Date('2026-11-23T14:10:00.000Z');

export async function compose(
  sms: SmsMessage,
  status: SmsStatus = sms.status,
  extra: Partial<ConfirmationInput> = {},
): Promise<{ out: Confirmation; mail: ParsedMail }> {
  const out = await composeConfirmation({
    sms,
    status,
    from: 'mail2sms <noreply@sms.localhost>',
    reportingMta: 'sms.localhost',
    now: NOW,
    templatesDir: TEMPLATES,
    ...extra,
  });
  return { out, mail: await simpleParser(out.raw) };
}

export interface RawPart {
  headers: string;
  body: string;
}

/**
 * Top-level parts of a multipart mail, undecoded. mailparser hides
 * message/delivery-status, and the tests want the bytes as sent anyway.
 */
export function topLevelParts(raw: Buffer): RawPart[] {
  const text = raw.toString('latin1');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(text.slice(0, text.indexOf('\r\n\r\n')))?.[1];
  if (!boundary) throw new Error('not a multipart mail');
  const chunks = text.split(`\r\n--${boundary}`).slice(1);
  return chunks
    .filter((c) => !c.startsWith('--'))
    .map((c) => {
      const split = c.indexOf('\r\n\r\n');
      return { headers: c.slice(2, split), body: c.slice(split + 4) };
    });
}

export function partOfType(raw: Buffer, type: string): RawPart {
  const part = topLevelParts(raw).find((p) => new RegExp(`^content-type:\\s*${type}\\b`, 'im').test(p.headers));
  if (!part) throw new Error(`no ${type} part`);
  return part;
}

/** "Name: value" lines of a delivery-status block, unfolded, in order, with the blank-line group index. */
export function dsnFields(body: string): Array<{ group: number; name: string; value: string }> {
  const unfolded = body.replace(/\r\n[ \t]+/g, ' ');
  const groups = unfolded.split(/\r\n\r\n/);
  return groups.flatMap((g, group) =>
    g
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => ({ group, name: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1).trim() })),
  );
}
