/**
 * RFC 5321 §4.2 reply syntax, for tests that must prove every answer is a
 * proper one: `code[-| ]text` lines, one code throughout, the last line with
 * a space (or the bare code), at most 512 octets a line with its CRLF, no
 * control characters in the text (UTF-8 is allowed, RFC 6531), and an
 * RFC 3463 enhanced code, where present, of the same class as the reply.
 */
export function replyProblem(lines: readonly string[]): string | undefined {
  if (!lines.length) return 'no reply';
  const code = lines[0].slice(0, 3);
  if (!/^[2-5][0-5]\d$/.test(code)) return `bad reply code in ${JSON.stringify(lines[0])}`;
  for (const [i, line] of lines.entries()) {
    const last = i === lines.length - 1;
    if (!line.startsWith(code)) return `line ${i + 1} changes the code: ${JSON.stringify(line)}`;
    const sep = line[3];
    if (last ? !(sep === undefined || sep === ' ') : sep !== '-') return `line ${i + 1} has ${JSON.stringify(sep)} after the code`;
    if (Buffer.byteLength(line) + 2 > 512) return `line ${i + 1} is ${Buffer.byteLength(line) + 2} octets long`;
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) return `control character in ${JSON.stringify(line)}`;
    const enhanced = /^\d{3}[ -]([245])\.\d{1,3}\.\d{1,3}( |$)/.exec(line);
    if (enhanced && enhanced[1] !== code[0] && code[0] !== '3') return `enhanced code of another class in ${JSON.stringify(line)}`;
  }
  return undefined;
}
