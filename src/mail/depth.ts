/**
 * How deep the multipart parts of a raw message are nested, found from the
 * Content-Type boundaries before the message is handed to mailparser, which
 * has a limit on the number of parts but none on their nesting.
 *
 * It follows the structure the way a MIME splitter does, only far less
 * carefully: it is a guard, and a message it reads wrongly is still parsed
 * (and limited) by mailparser. On the way it notes a multipart that names no
 * boundary, for parse.ts to have mailsplit look closer (mime-check.ts).
 */

const MULTIPART = /^content-type\s*:\s*multipart\//i;
const BOUNDARY = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i;

interface Scan {
  open: string[]; // boundaries of the multiparts we are inside, innermost last
  inHeader: boolean;
  contentType: string; // unfolded Content-Type of the part whose header is being read
  inContentType: boolean; // the header line being read (and its continuation lines) is the Content-Type
  max: number;
  withoutBoundary: boolean;
}

/** Deepest nesting of multipart parts; stops reading once it is past `limit`. */
export function multipartDepth(raw: Buffer, limit: number): number {
  return scanMultiparts(raw, limit).depth;
}

/** The nesting depth as multipartDepth, and whether a multipart Content-Type without a boundary was seen on the way. */
export function scanMultiparts(raw: Buffer, limit: number): { depth: number; withoutBoundary: boolean } {
  const text = raw.toString('latin1');
  const scan: Scan = { open: [], inHeader: true, contentType: '', inContentType: false, max: 0, withoutBoundary: false };
  let start = 0;
  while (start <= text.length && scan.max <= limit) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    const line = text.slice(start, text[stop - 1] === '\r' ? stop - 1 : stop);
    if (scan.inHeader) readHeaderLine(scan, line);
    else readBodyLine(scan, line);
    start = stop + 1;
  }
  return { depth: scan.max, withoutBoundary: scan.withoutBoundary };
}

function readHeaderLine(scan: Scan, line: string): void {
  if (line === '') {
    scan.inHeader = false;
    const multipart = MULTIPART.test(scan.contentType);
    const boundary = multipart ? BOUNDARY.exec(scan.contentType) : null;
    if (multipart && !boundary) scan.withoutBoundary = true;
    if (boundary) {
      scan.open.push(boundary[1] ?? boundary[2]);
      scan.max = Math.max(scan.max, scan.open.length);
    }
    scan.contentType = '';
    scan.inContentType = false;
  } else if (line.startsWith(' ') || line.startsWith('\t')) {
    if (scan.inContentType) scan.contentType += line;
  } else {
    // The headers after the Content-Type (MIME-Version, X-Mailer) leave it as it is; the first one counts, as for mailsplit.
    scan.inContentType = scan.contentType === '' && /^content-type\s*:/i.test(line);
    if (scan.inContentType) scan.contentType = line;
  }
}

// A delimiter of an outer multipart also ends every part nested inside it.
function readBodyLine(scan: Scan, line: string): void {
  if (!line.startsWith('--')) return;
  const trimmed = line.trimEnd();
  for (let i = scan.open.length - 1; i >= 0; i--) {
    const delimiter = '--' + scan.open[i];
    if (trimmed === delimiter || trimmed === delimiter + '--') {
      const closing = trimmed !== delimiter;
      scan.open.length = closing ? i : i + 1;
      scan.inHeader = !closing;
      return;
    }
  }
}
