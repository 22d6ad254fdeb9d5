/**
 * Automatic mail — out-of-office notices, bounces, list traffic, and our own
 * confirmations (which carry Auto-Submitted) — must never become an SMS:
 * it would cost money for text nobody wrote, and a confirmation mailed back
 * to an SMS address would loop. RFC 3834 marks such mail with
 * Auto-Submitted; older software uses Precedence or vendor headers, and some
 * clients mark nothing but their subject.
 */

const PRECEDENCE = /^\s*(bulk|junk|list|auto_reply)\s*$/i;

/** Vendor headers set by auto-responders (presence is enough). */
const RESPONDER_HEADERS = ['x-autoreply', 'x-autorespond', 'x-auto-responded'];

/** Subject openings of out-of-office replies in common clients (English and German). */
const OUT_OF_OFFICE = /^\s*(automatic reply|auto(matic)?[ -]?reply|autoreply|out of (the )?office|abwesenheitsnotiz|automatische antwort|abwesend)\b/i;

/** Why this mail is automatic (a short phrase for the SMTP reply), or undefined for a mail a person wrote. */
export function automaticMail(headers: ReadonlyMap<string, string>, subject: string | undefined): string | undefined {
  const auto = headers.get('auto-submitted');
  if (auto !== undefined && auto.trim().toLowerCase().split(/[;\s]/)[0] !== 'no') return `Auto-Submitted: ${auto.trim()}`;
  const precedence = headers.get('precedence');
  if (precedence !== undefined && PRECEDENCE.test(precedence)) return `Precedence: ${precedence.trim()}`;
  const responder = RESPONDER_HEADERS.find((h) => headers.has(h));
  if (responder) return `${responder} header`;
  if (subject && OUT_OF_OFFICE.test(subject)) return 'an out-of-office subject';
  return undefined;
}
