/**
 * Why a text is not JSON, said where an operator's editor finds it: line and
 * column, the line itself and a caret under the place. V8's message names a
 * character position ("… in JSON at position 1312") or none at all
 * ("Unexpected token '}', "…" is not valid JSON"), so the place is found
 * here: the shortest beginning of the text that fails for a reason other
 * than having ended ends at it. Pure; a few parses of the text at most
 * (a binary search), only when it has failed once.
 */
export function jsonSyntaxProblem(text: string, message: string): string {
  const p = jsonSyntaxPlace(text, message);
  return `not valid JSON at line ${p.line}, column ${p.column}: ${p.what}\n${p.excerpt}`;
}

export interface JsonSyntaxPlace {
  /** 1-based, as editors count. */
  line: number;
  column: number;
  /** V8's reason without its position and without its echo of the text. */
  what: string;
  /** The line, indented, with a caret under the place. */
  excerpt: string;
}

/** Where JSON.parse's `message` about `text` went wrong, by line and column (for config files and request bodies alike). */
export function jsonSyntaxPlace(text: string, message: string): JsonSyntaxPlace {
  const what = message
    .replace(/ (in JSON )?at position \d+( \(line \d+ column \d+\))?/, '')
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '');
  const at = failedAt(text);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
  const line = text.slice(0, lineStart).split('\n').length;
  const column = at - lineStart + 1;
  return { line, column, what, excerpt: excerpt(text.slice(lineStart, lineEnd).replace(/\r$/, ''), column) };
}

/** Whether JSON.parse of `prefix` fails only because the text ended (or does not fail). */
function endsEarly(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const m = (e as Error).message;
    const position = / at position (\d+)/.exec(m);
    return /Unexpected end of JSON input/.test(m) || (position !== null && Number(position[1]) >= prefix.length);
  }
}

/** The index of the character JSON.parse stopped at; when the text only ended too early, the place after its last character. */
function failedAt(text: string): number {
  if (endsEarly(text)) return text.trimEnd().length;
  // The empty beginning only ends early, the whole text fails: between them the first beginning that fails.
  let fine = 0;
  let fails = text.length;
  while (fails - fine > 1) {
    const mid = (fine + fails) >> 1;
    if (endsEarly(text.slice(0, mid))) fine = mid;
    else fails = mid;
  }
  return fails - 1;
}

const WIDTH = 100;

/** The line, indented, with a caret under `column` (its tabs kept, so the caret lines up); a long line (minified JSON) around the place only. */
function excerpt(line: string, column: number): string {
  const from = line.length > WIDTH ? Math.max(0, Math.min(column - 1 - WIDTH / 2, line.length - WIDTH)) : 0;
  const shown = line.slice(from, from + WIDTH);
  const before = from > 0 ? '…' : '';
  const after = from + WIDTH < line.length ? '…' : '';
  const pad = (before + line.slice(from, column - 1)).replace(/[^\t]/g, ' ');
  return `    ${before}${shown}${after}\n    ${pad}^`;
}
