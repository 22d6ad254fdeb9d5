/**
 * Corporate disclaimers at the end of a mail: Exchange transport rules and
 * signature tools append a confidentiality notice ("Diese E-Mail enthält
 * vertrauliche …", "This e-mail may contain confidential …"), a "Please
 * consider the environment" line and the company's register details, often
 * below Outlook's line of underscores. Sent as SMS they cost two or three
 * parts, and as text below the closing they kept the signature from being
 * cut (closing.ts). Only a trailing block is cut: from its first line to the
 * end of the mail there must be nothing but disclaimer paragraphs, separator
 * lines and short footer lines; one line of message text below it keeps
 * everything.
 */
import { isSignatureLine } from './signature-block.js';

// How the usual German and English disclaimers begin (trimmed line, any case).
const OPENINGS: readonly RegExp[] = [
  /^(?:diese|die) (?:e-?mail|nachricht|mitteilung)\b.{0,60}?\b(?:vertraulich|ausschlie(?:ß|ss)lich f(?:ü|ue)r d(?:en|ie))/iu,
  /^der inhalt dieser (?:e-?mail|nachricht|mitteilung)\b.{0,40}?\bvertraulich/iu,
  /^(?:wenn|falls|sollten) sie (?:nicht der|diese (?:e-?mail|nachricht) (?:irrt(?:ü|ue)mlich|versehentlich|f(?:ä|ae)lschlicherweise))/iu,
  /^(?:bitte )?denken sie an die umwelt/iu,
  /^this (?:e-?mail|message|communication|transmission)\b.{0,60}?\b(?:confidential|privileged|intended (?:only|solely|exclusively) for)/iu,
  /^the (?:information|contents?) (?:contained )?(?:in|of) this (?:e-?mail|message|communication)\b/iu,
  /^if you (?:are not the intended|have received this (?:e-?mail|message|communication) in error)/iu,
  /^please (?:consider|think (?:of|about)) the environment/iu,
  /^(?:disclaimer|legal disclaimer|haftungsausschluss|vertraulichkeitshinweis|confidentiality notice)\b/iu,
];
// What a disclaimer says besides "confidential": the one words of a built-in opening are no proof ("Disclaimer: prices may change").
const CUE = /empf(?:ä|ae)nger|adressat|irrt(?:ü|ue)m|versehentlich|recipient|addressee|in error|absender|sender|l(?:ö|oe)schen|vernichten|delete|destroy|weitergabe|disclos|umwelt|environment|ausdruck|printing/iu;
// A paragraph after the opening one that goes on with the notice (the English version below the German, the register details).
const CONTINUATION = new RegExp(`${CUE.source}|vertraulich|confidential|privileg|kopier|copying|distribut|unbefugt|unerlaubt|unauthori[sz]ed|haftung|liab|viren|virus|rechtlich|legal|gesch(?:ä|ae)ftsf(?:ü|ue)hr|amtsgericht|registergericht|\\bhr[ab]\\b|ust-?id|\\bvat\\b|sitz der gesellschaft|registered`, 'iu');
// Exchange's and Outlook's separator line above a disclaimer or footer.
const SEPARATOR = /^_{10,}$/;

const compiled = new WeakMap<readonly string[], RegExp[]>();

/**
 * Index of the line from which `lines` end in a disclaimer or company
 * footer, or -1. `own`: the operator's openings (text.disclaimerPatterns,
 * regex sources, any case), trusted without a second cue.
 */
export function disclaimerAt(lines: readonly string[], own: readonly string[]): number {
  let mine = compiled.get(own);
  if (!mine) compiled.set(own, (mine = own.map((p) => new RegExp(p, 'iu'))));
  const openings = { own: mine };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!SEPARATOR.test(line) && opening(line, openings) === undefined) continue;
    const failed = failsAt(lines, i, openings);
    if (failed < 0) return i;
    // A later start does no better up to where this one failed (it knows fewer openings): one pass, whatever the mail.
    i = failed;
  }
  return -1;
}

type Openings = { own: readonly RegExp[] };

function opening(line: string, o: Openings): 'own' | 'built-in' | undefined {
  if (o.own.some((re) => re.test(line))) return 'own';
  return OPENINGS.some((re) => re.test(line)) ? 'built-in' : undefined;
}

/**
 * -1 when everything from `start` on is disclaimer, separator or footer
 * (and a built-in opening has its cue); else the line that is not
 * (lines.length: no cue).
 */
function failsAt(lines: readonly string[], start: number, o: Openings): number {
  let inNotice = false;
  let seen: 'own' | 'built-in' | undefined;
  let cue = false;
  for (let j = start; j < lines.length; j++) {
    const line = lines[j].trim();
    if (line === '') {
      inNotice = false;
      continue;
    }
    const kind = opening(line, o);
    if (kind) seen = seen === 'own' ? seen : kind;
    if (kind || (inNotice || (seen !== undefined && CONTINUATION.test(line)))) {
      inNotice = true;
      cue ||= CUE.test(line);
      continue;
    }
    if (!SEPARATOR.test(line) && !isSignatureLine(line)) return j;
  }
  return seen !== 'built-in' || cue ? -1 : lines.length;
}
