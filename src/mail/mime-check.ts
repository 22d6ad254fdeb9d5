/**
 * Flaws of a mail's structure that mailparser reads past without a word,
 * garbling the text: a text part marked base64 whose body is not
 * (base64.ts). Found with mailsplit, which mailparser splits with, so the
 * parts checked are the ones mailparser reads as text or HTML.
 */
import mailsplit from '@zone-eu/mailsplit';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Base64Check } from './base64.js';
import { MailParseError } from './parse-error.js';

type Node = InstanceType<typeof mailsplit.MimeNode>;

/** The first flaw of the mail, or undefined. */
export async function mimeFlaw(raw: Buffer): Promise<MailParseError | undefined> {
  let flaw: MailParseError | undefined;
  let part: { node: Node; check: Base64Check } | undefined;
  const ended = () => {
    if (part && !part.check.valid) flaw ??= badBase64();
    part = undefined;
  };
  await pipeline(Readable.from([raw]), new mailsplit.Splitter(), async (chunks: AsyncIterable<mailsplit.SplitterChunk>) => {
    for await (const chunk of chunks) {
      if (flaw) continue; // read to the end, as a pipeline must
      if (chunk.type === 'node') {
        ended();
        if (chunk.encoding === 'base64' && isText(chunk)) part = { node: chunk, check: new Base64Check() };
      } else if (chunk.type === 'body' && chunk.node === part?.node) {
        part.check.feed(chunk.value);
      }
    }
    ended();
  });
  return flaw;
}

export function badBase64(): MailParseError {
  return new MailParseError('bad-base64', 'the text part is marked as base64 but is not valid base64');
}

// As mailparser decides: text/plain and text/html not disposed as an attachment (or anything else but inline).
function isText(node: Node): boolean {
  if (node.contentType !== 'text/plain' && node.contentType !== 'text/html') return false;
  return !node.disposition || node.disposition === 'inline';
}
