/**
 * HTML body to plain text for an SMS. html-to-text does the conversion; this
 * module adds what mail needs: Outlook paragraphs as single lines, links that
 * survive as URLs, table rows as lines (html-table.ts), and a cut at the
 * container where a client put the message being replied to.
 */
import { compile, type FormatCallback } from 'html-to-text';
import { smsTable } from './html-table.js';
import { cutAt, type Cut } from './types.js';

// Private-use character: marks where a reply container began in the converted text.
const REPLY_MARK = '\uE000';

// Containers that hold the quoted message and nothing the sender wrote, so
// everything from them on is cut. Blockquotes are not listed: they come out
// as '> ' lines, which the text stage drops without losing a bottom-posted reply.
const REPLY_CONTAINERS = [
  'div[style^="border:none;border-top:solid" i]', // Outlook desktop, above Von:/Gesendet:
  'div#divRplyFwdMsg', // Outlook on the web, new Outlook
  'div#appendonsend', // Outlook on the web, where the quoted part is appended
  'div#mail-editor-reference-message-container', // Outlook for Mac
  'div.yahoo_quoted',
];

// html-to-text's nesting limit; deeper markup is not converted rather than overflowing the stack.
const MAX_HTML_DEPTH = 500;

const replyMark: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  builder.addLiteral(REPLY_MARK);
  builder.closeBlock({ trailingLineBreaks: 1 });
  walk(elem.children, builder);
};

const convert = compile({
  wordwrap: false,
  limits: { maxDepth: MAX_HTML_DEPTH },
  formatters: { replyMark, smsTable },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'hr', format: 'skip' },
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true } },
    // The address or number is the link text already.
    { selector: 'a[href^="mailto:" i]', format: 'inline' },
    { selector: 'a[href^="tel:" i]', format: 'inline' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'table', format: 'smsTable' },
    // Outlook writes every line as its own zero-margin paragraph.
    { selector: 'p[class^="Mso" i]', format: 'paragraph', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ...REPLY_CONTAINERS.map((selector) => ({ selector, format: 'replyMark' })),
  ],
});

export interface HtmlText {
  text: string;
  cut?: Cut;
  /** What followed the reply container's start (a forwarded mail's header block and text), when it was cut. */
  rest?: string;
}

/** Converts an HTML body and cuts it at the first reply container. */
export function htmlToText(html: string): HtmlText {
  const lines = convert(html).split('\n').map(tidyHtmlLine);
  const mark = lines.indexOf(REPLY_MARK);
  if (mark < 0) return { text: lines.join('\n') };
  const next = lines.slice(mark + 1).find((line) => line !== '' && line !== REPLY_MARK);
  const rest = lines.slice(mark + 1).filter((line) => line !== REPLY_MARK).join('\n');
  return { text: lines.slice(0, mark).join('\n'), cut: cutAt('html', next ?? 'reply separator'), rest };
}

// Runs of &nbsp; are layout (Outlook pads list bullets with them), not content;
// a single one is kept for the SMS encoder.
function tidyHtmlLine(line: string): string {
  return line.replace(/[ \u00a0]{2,}/g, ' ').trim();
}
