/**
 * Flaws of a mail's structure that mailparser reads past without a word,
 * losing or garbling the text: a multipart without a boundary (its parts,
 * the text among them, are never found, and the subject went out instead)
 * and a text part marked base64 whose body is not (base64.ts). Found with
 * mailsplit, which mailparser splits with, so the parts checked are the
 * ones mailparser reads as text or HTML.
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
        if (chunk.multipart && !chunk._boundary) flaw = noBoundary(chunk);
        else if (chunk.encoding === 'base64' && isText(chunk)) part = { node: chunk, check: new Base64Check() };
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

// mailsplit reads no parts without a boundary (nor with one that is not ASCII): the whole body is the multipart's preamble.
function noBoundary(node: Node): MailParseError {
  return new MailParseError(
    'no-boundary',
    `it is marked ${node.contentType} (several parts) but names no boundary between the parts, so its text cannot be found; the mail program or system that sent it built it wrongly`,
  );
}

// As mailparser decides: text/plain and text/html not disposed as an attachment (or anything else but inline).
function isText(node: Node): boolean {
  if (node.contentType !== 'text/plain' && node.contentType !== 'text/html') return false;
  return !node.disposition || node.disposition === 'inline';
}
