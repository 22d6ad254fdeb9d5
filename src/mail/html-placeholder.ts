/**
 * The text/plain part that newsletter tools and some ERP mailers put beside
 * the HTML they really send: one sentence telling the reader to use an HTML
 * mail client. It is no text anybody wrote, so the HTML part is read instead
 * (extract.ts). A small fixed list of such sentences, in English and German,
 * and only in a short part made of nothing else: a message that mentions HTML
 * among other words stays the text.
 */

const MAX_LENGTH = 300;

// Over the normalised text (lower case, e-mail/email as `email`, hyphens as blanks, one blank between words).
const CLIENT = '(?:email|mail) ?(?:client|program|programm|reader|viewer)';
const PLACEHOLDERS: readonly RegExp[] = [
  /^this is an? html (?:email|message|newsletter)$/,
  /^this (?:email|message) (?:is|was) (?:written |sent |formatted )?(?:in|as) html(?: format)?$/,
  new RegExp(`^please (?:use|switch to) an html (?:capable|compatible|enabled) ${CLIENT}(?: to (?:view|read) (?:it|this (?:email|message)))?$`),
  new RegExp(`^(?:your|this) ${CLIENT} (?:does not|doesn't|cannot|can't) (?:support|display|show) html(?: (?:emails|messages|mail))?$`),
  new RegExp(`^to (?:view|read) this (?:email|message),? (?:please )?use an html (?:capable|compatible|enabled) ${CLIENT}$`),
  /^diese (?:email|nachricht) (?:enthält|ist im|ist in|wurde im|wurde in|wurde als) html(?: format| inhalte| elemente)?(?: (?:geschrieben|versendet|verschickt|erstellt))?$/,
  new RegExp(`^ihr ${CLIENT} (?:unterstützt|kann) keine?n? html(?: (?:emails|nachrichten|format|darstellen|anzeigen))?$`),
  new RegExp(`^bitte (?:verwenden|nutzen) sie ein(?:en)? html (?:fähiges|fähigen) ${CLIENT}$`),
];

const normalised = (text: string): string =>
  text.toLowerCase().replace(/\be[- ]?mail/g, 'email').replace(/-/g, ' ').replace(/\s+/g, ' ').trim();

/** True when `text` is nothing but one or more of the placeholder sentences. */
export function isHtmlPlaceholder(text: string): boolean {
  if (text.length > MAX_LENGTH) return false;
  const sentences = normalised(text).split(/[.!:]+(?:\s|$)|\.{3}|…/).map((s) => s.trim()).filter(Boolean);
  return sentences.length > 0 && sentences.every((s) => PLACEHOLDERS.some((p) => p.test(s)));
}
