/** The sentence that names a bad or unknown option in a refusal (550 5.6.0, 422 BadOption). */
import type { OptionError } from './options.js';

const ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };
const MAX_SHOWN = 80;

/**
 * `option <option> has the value "<value>", which is not valid: use <accepted>`.
 * The value is shown with control characters escaped and cut to 80 characters:
 * the sentence goes into a one-line SMTP reply, where a raw CR LF would forge a reply line.
 */
export function describeOptionError(e: OptionError): string {
  if (e.wrongShape) {
    return `the subject text ${shown(e.option)} looks like an option tag in the wrong shape (did you mean ${shown(e.wrongShape.meant)}?); tags are written [NAME:value] in square brackets, and left as it is, it would change nothing and could end up in the SMS text`;
  }
  if (e.unknown) {
    const { meant } = e.unknown;
    // A tag is refused only when it is close to one of ours: naming that one is the help; the whole list would not fit the reply line.
    if (e.option.startsWith('[')) return `the subject tag ${e.option.slice(0, -1)}:…] is no option of this gateway (did you mean ${meant}?); left in, it would change nothing and could end up in the SMS text`;
    return `the header ${e.option} is no option of this gateway${meant ? ` (did you mean ${meant}?)` : ''}; the options are ${e.accepted}`;
  }
  return `option ${e.option} has the value "${shown(e.value)}", which is not valid: use ${e.accepted}`;
}

/** Text from the mail as a reply may quote it: control characters escaped, cut to 80 characters. */
function shown(text: string): string {
  const chars = [...text];
  const cut = chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN).join('')}…` : text;
  return cut.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, (c) =>
    ESCAPES[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
