/**
 * RFC 2047 encoded-word decoding for header values mailparser leaves as they
 * are (every header except Subject, Message-ID and the address headers), and
 * as a second pass for subjects that were encoded twice by a broken gateway.
 */

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

interface Pending {
  charset: string;
  chunks: Buffer[];
}

/** Decodes every encoded word; a charset Node does not know is read as UTF-8. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  const out: string[] = [];
  let pending: Pending | undefined;
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    // RFC 2047 6.2: whitespace between two encoded words is not part of the text.
    if (!pending || !/^\s*$/.test(between)) {
      out.push(flush(pending), between);
      pending = undefined;
    }
    // RFC 2231 allows a language after '*' (utf-8*de).
    const charset = m[1].split('*')[0].toLowerCase();
    if (pending && pending.charset !== charset) {
      out.push(flush(pending));
      pending = undefined;
    }
    // Bytes of adjacent words are joined first: clients split multi-byte characters between words.
    pending ??= { charset, chunks: [] };
    pending.chunks.push(m[2].toLowerCase() === 'b' ? Buffer.from(m[3], 'base64') : qBytes(m[3]));
    last = m.index + m[0].length;
  }
  out.push(flush(pending), value.slice(last));
  return out.join('');
}

function flush(pending: Pending | undefined): string {
  if (!pending) return '';
  const bytes = Buffer.concat(pending.chunks);
  try {
    return new TextDecoder(pending.charset).decode(bytes);
  } catch {
    // Unknown or refused label (utf-7 among them): the same fallback mailparser uses.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function qBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text[i] === '_' ? 0x20 : text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}
