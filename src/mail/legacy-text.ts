/**
 * charset.ts for the mails mailparser parses: it reads a text part without a
 * charset, labelled UTF-8 or in a charset it does not know, as UTF-8 and
 * offers no hook to do otherwise.
 * So when its text or HTML came out with U+FFFD, parse.ts has the mail
 * rewritten here with mailsplit (which mailparser splits with): every inline
 * text part read as UTF-8 whose bytes are not UTF-8 gets them decoded by
 * charset.ts and is labelled utf-8. A mail whose text reads cleanly never
 * comes here, so the usual mail pays nothing for it.
 */
import mailsplit from '@zone-eu/mailsplit';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decodeUtf8OrLegacy, readsAsUtf8, unknownCharset } from './charset.js';

type Node = { contentType?: string | false; disposition?: string | false; charset: string | false; setCharset(charset: string): void };

/**
 * The mail with its undeclared, mislabelled or unknown-charset legacy text
 * parts made UTF-8, or undefined when it has none; `unknownCharset`: the first
 * unknown charset among the parts rewritten, as declared.
 */
export async function relabelLegacyText(raw: Buffer): Promise<{ mail: Buffer; unknownCharset?: string } | undefined> {
  const rewriter = new mailsplit.Rewriter((chunk) => isTextReadAsUtf8(chunk as unknown as Node));
  let changed = false;
  let unknown: string | undefined;
  rewriter.on('node', ({ node, decoder, encoder }) => {
    read(decoder).then((body) => {
      if (!isUtf8(body)) {
        unknown ??= unknownCharset((node as unknown as Node).charset || undefined);
        (node as unknown as Node).setCharset('utf-8');
        body = Buffer.from(decodeUtf8OrLegacy(body), 'utf8');
        changed = true;
      }
      encoder.end(body);
    }, (err: Error) => encoder.destroy(err));
  });
  const out: Buffer[] = [];
  await pipeline(Readable.from([raw]), new mailsplit.Splitter(), rewriter, new mailsplit.Joiner(), async (joined: AsyncIterable<Buffer>) => {
    for await (const chunk of joined) out.push(chunk);
  });
  if (!changed) return undefined;
  return unknown ? { mail: Buffer.concat(out), unknownCharset: unknown } : { mail: Buffer.concat(out) };
}

// The parts mailparser turns into text or html (not attachments), in a charset it reads as UTF-8.
function isTextReadAsUtf8(node: Node): boolean {
  if (node.contentType !== 'text/plain' && node.contentType !== 'text/html') return false;
  return (!node.disposition || node.disposition === 'inline') && readsAsUtf8(node.charset || undefined);
}

async function read(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
