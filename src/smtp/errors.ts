/**
 * Every refusal the bridge can give, with its SMTP meaning. Handlers throw
 * `errors.X(...)`; smtp-server turns `responseCode` and `message` into the
 * reply. The message starts with the RFC 3463 enhanced code, which
 * src/smtp/enhanced-codes.ts keeps smtp-server from adding a second time.
 * The README lists every entry (test/smtp/errors.test.ts checks it).
 */
import { asciiReply } from './ascii-text.js';

export class SmtpError extends Error {
  readonly temporary: boolean;
  constructor(
    readonly responseCode: number,
    readonly enhancedCode: string,
    readonly text: string,
    readonly errorName = 'SmtpError',
  ) {
    // The message is the reply line smtp-server writes, which RFC 5321 keeps ASCII; `text` keeps what the sender wrote
    // (a sender ID "Müller") for the log, the API and the clerk's mail.
    super(`${enhancedCode} ${replyText(asciiReply(text))}`);
    this.name = 'SmtpError';
    this.temporary = responseCode >= 400 && responseCode < 500;
  }

  /** The reply line a mail gets: "550 5.7.1 <sentence>" (a preview shows it, by mail and in the API). */
  get reply(): string {
    return `${this.responseCode} ${this.message}`;
  }
}

/** AccountPaused's advice to a mail's sender; a REST request is told its own (src/api/problems.ts). */
export const PAUSED_ADVICE = 'a mail server keeps the mail and tries again, a mail program shows this error: send it again later';

type Def = { code: number; enhanced: string; text: (...a: string[]) => string; when: string };

/** " (10 MB)" for a limit of at least a megabyte in bytes, which a clerk does not count in. */
const megabytes = (bytes: string) => (Number(bytes) >= 1048576 ? ` (${Math.round((Number(bytes) / 1048576) * 10) / 10} MB)` : '');

/** The registry: name → reply code, enhanced code, the sentence a clerk reads, and when it happens (for the README). */
export const ERROR_DEFS = {
  AuthRequired: {
    code: 530, enhanced: '5.7.0', when: 'MAIL FROM on a connection that is neither authenticated nor from a trusted network',
    text: (ip: string) => `authentication required: ${ip} is not a trusted network of this SMS gateway; log in with your SMS account`,
  },
  LoginFailedInSession: {
    code: 530, enhanced: '5.7.0', when: 'MAIL FROM without a login after a failed AUTH in the same session, also from a trusted network',
    text: () => 'the login failed, so this connection sends nothing: check the user name and password set in the mail program',
  },
  LoginNoLongerValid: {
    code: 530, enhanced: '5.7.0', when: 'MAIL FROM after a login whose user or account was removed since',
    text: (user: string) => `the login "${user}" is no longer valid; log in again`,
  },
  AuthFailed: {
    code: 535, enhanced: '5.7.8', when: 'AUTH with a wrong user name or password (the reply is delayed more with every failure)',
    text: () => 'authentication failed: wrong user name or password',
  },
  AuthTooManyFailures: {
    code: 421, enhanced: '4.7.0', when: 'more failed logins in one session than smtp.auth.maxFailuresPerSession; the connection is closed',
    text: () => 'too many failed logins, closing the connection',
  },
  AuthLocked: {
    code: 421, enhanced: '4.7.0', when: 'AUTH from an IP address with more than smtp.auth.maxFailuresPerIp failed logins in smtp.auth.failureWindowMinutes',
    text: (ip: string, minutes: string) => `too many failed logins from ${ip}; try again in ${minutes} minute(s)`,
  },
  AuthNeedsTls: {
    code: 538, enhanced: '5.7.11', when: 'AUTH on a plaintext connection from outside smtp.auth.plaintextNetworks, where AUTH is not offered before STARTTLS (RFC 4954)',
    text: () => 'encryption required before logging in: use STARTTLS (or the implicit TLS port), then AUTH',
  },
  AuthUnavailable: {
    code: 454, enhanced: '4.7.0', when: 'AUTH while the user list cannot be read',
    text: () => 'temporary authentication failure, please try again later',
  },
  SenderNotAllowed: {
    code: 553, enhanced: '5.7.1', when: 'an envelope sender or From address that does not belong to the sending account',
    // At DATA the envelope sender was accepted already: without saying so, the sender looks for the fault in the one a mail server shows.
    text: (address: string, account: string, header?: string) => `<${address}> is not a sender address of the SMS account "${account}"; send from one of its addresses${header ? ` (this address is in the mail's ${header}: header, which must belong to the account as the envelope sender does)` : ''}`,
  },
  AccountWithoutAddresses: {
    code: 553, enhanced: '5.7.1', when: 'MAIL FROM of a logged-in user whose account lists no sender addresses',
    text: (account: string) => `the SMS account "${account}" lists no sender addresses, so its users cannot send yet (confirmations must only go to the account's own addresses); ask the operator to add them`,
  },
  NullSender: {
    code: 553, enhanced: '5.7.1', when: 'MAIL FROM:<> (the null sender of automatic mail) for an account that lists sender addresses, which includes every account whose users log in',
    text: (account: string) => `the null sender <> marks automatic mail and leaves nobody to confirm the SMS to; send from an address of the SMS account "${account}"`,
  },
  UnknownParameter: {
    code: 555, enhanced: '5.5.4', when: 'MAIL FROM or RCPT TO with a parameter the bridge does not offer (RFC 5321 §4.1.1.11): MAIL takes SIZE, BODY, SMTPUTF8, RET, ENVID and AUTH, RCPT takes NOTIFY and ORCPT',
    text: (command: string, param: string, known: string) => `${command} does not take the parameter ${param}; send it without (known: ${known})`,
  },
  EnvidTooLong: {
    code: 501, enhanced: '5.5.4', when: 'MAIL FROM with an ENVID longer than 100 characters (RFC 3461 §4.4)',
    text: (length: string) => `the ENVID is ${length} characters long; at most 100 are allowed`,
  },
  AuthUnreadable: {
    code: 501, enhanced: '5.5.2', when: 'AUTH whose data cannot be read (PLAIN not base64 of "\\0user\\0password", LOGIN without a user name, control characters in the name: RFC 4954 §4)',
    text: () => 'the login could not be read: the user name is missing or malformed; check the user name and password set in the mail program',
  },
  BadSenderAddress: {
    code: 553, enhanced: '5.1.7', when: 'an envelope sender that is not a plain mailbox address (quoted, with commas, spaces or control characters)',
    text: (address: string) => `<${address}> is not a plain mail address that confirmations could be sent to`,
  },
  UnknownDomain: {
    code: 550, enhanced: '5.7.1', when: 'RCPT to a domain that is not an SMS domain',
    text: (addr: string, domains: string) => `<${addr}>: we only send SMS to <number>@${domains}; relaying to other domains is not allowed`,
  },
  InvalidNumber: {
    code: 553, enhanced: '5.1.3', when: 'RCPT whose local part is not a valid phone number',
    text: (input: string, reason: string) => `"${input}" is not a valid mobile number: ${reason}`,
  },
  NumberWithSpaces: {
    code: 501, enhanced: '5.1.3', when: 'RCPT whose number has spaces outside quotes (`<0049 151 12345606@…>`), which an address cannot carry (smtp-server could not read the command)',
    text: (local: string, domain: string) =>
      `"${local}@${domain}" has spaces, which an address cannot carry: write the number without them (${local.replace(/\s+/g, '')}@${domain}) or in quotes ("${local}"@${domain})`,
  },
  OptedOut: {
    code: 550, enhanced: '5.7.1', when: 'RCPT of a number on the opt-out list for every sender (optout, `mail2sms optout`, a STOP ALL); at DATA when its owner replied START to some senders since and this SMS may come from another',
    text: (number: string, except = '') => `${number} has asked not to receive SMS from ${except ? `any sender of this gateway but ${except}` : 'this gateway'} (opt-out list); nothing is sent to it`,
  },
  OptedOutOfSender: {
    code: 550, enhanced: '5.7.1', when: 'DATA (or a send time) of an SMS from a sender its number replied STOP to (or that `mail2sms optout add --sender` names), or without a sender ID of its own; other numbers of the mail are sent',
    text: (numbers: string, sender: string, how: string) => `${numbers} asked not to receive SMS from ${sender} (opt-out list), ${how}; nothing is sent to ${numbers.includes(',') ? 'them' : 'it'}`,
  },
  CountryNotAllowed: {
    code: 550, enhanced: '5.7.1', when: 'RCPT of a number in a country the account may not send to (limits.countries)',
    text: (number: string, country: string, account: string, allowed: string) => `${number} is a number in ${country}; the SMS account "${account}" may only send to ${allowed}`,
  },
  NumberTypeNotAllowed: {
    code: 550, enhanced: '5.7.1', when: 'RCPT of a premium-rate, shared-cost, fixed-line or other number type the account may not send to (limits.numberTypes)',
    text: (number: string, type: string) => `${number} is ${type}; SMS are only sent to mobile numbers`,
  },
  AccountPaused: {
    code: 451, enhanced: '4.7.1', when: 'any mail of an account stopped by the fraud brake, until an operator releases it (`mail2sms brake release`)',
    // A mail server keeps a 4xx mail and retries; a mail program talking to the bridge directly only shows the error.
    text: (account: string, reason: string) => `sending for the SMS account "${account}" is paused (${reason}) until an operator has checked and released it; ${PAUSED_ADVICE}`,
  },
  NumberRateExceeded: {
    code: 451, enhanced: '4.7.1', when: 'RCPT of a number that already got limits.perNumberPerHour SMS from the account within the hour',
    text: (number: string, max: string) => `${number} already got ${max} SMS from this account within the last hour; try again later`,
  },
  RateExceeded: {
    code: 451, enhanced: '4.7.1', when: 'more SMS per minute than limits.messagesPerMinute; the client retries later and they go through',
    text: (account: string, max: string) => `the SMS account "${account}" may hand in ${max} SMS per minute; please try again in a moment`,
  },
  QuotaExceeded: {
    code: 552, enhanced: '5.2.2', when: 'an account over its daily or monthly quota of SMS segments (limits.segmentsPerDay, limits.segmentsPerMonth)',
    text: (account: string, period: string, quota: string, used: string) => `the SMS account "${account}" has used ${used} of its ${quota} SMS segments ${period}; this mail would go over the quota`,
  },
  TooManyRecipients: {
    code: 452, enhanced: '4.5.3', when: 'more SMS recipients in one mail than smtp.maxRecipients',
    text: (max: string) => `too many recipients: at most ${max} per mail, send the rest in another mail`,
  },
  MessageTooBig: {
    code: 552, enhanced: '5.3.4', when: 'mail larger than smtp.maxMessageSize, at DATA or already at MAIL FROM when its SIZE= says so',
    text: (max: string) => `the mail is too big: at most ${Number(max).toLocaleString('en')} bytes${megabytes(max)} are accepted`,
  },
  TooManySegments: {
    code: 552, enhanced: '5.3.4', when: 'text longer than text.maxSegments SMS segments',
    text: (n: string, max: string, detail: string) => `the text would take ${n} SMS segments, at most ${max} are allowed (${detail}); shorten it`,
  },
  NoText: {
    code: 550, enhanced: '5.6.0', when: 'nothing left to send after removing signature, quotes and attachments',
    text: () => 'no text to send: the mail has no text left after removing the signature, quoted replies and attachments',
  },
  NoBody: {
    code: 550, enhanced: '5.6.0', when: 'a mail without the blank line between its headers and its text, some of whose header lines are text: the text was read as headers and lost',
    text: () => 'the mail has no body: its text seems to be in the header part, as the blank line between the headers and the text is missing; the mail program or system that built it must put one there',
  },
  RichTextOnly: {
    code: 550, enhanced: '5.6.0', when: 'a mail whose only body is Outlook\'s winmail.dat (application/ms-tnef, Rich Text), which is not read; never the subject instead',
    text: () => 'Outlook sent the text as Rich Text (winmail.dat), which this gateway cannot read; send it as HTML or plain text (in the message: Format Text > HTML; for good: File > Options > Mail > Message format, convert Rich Text to HTML for Internet recipients)',
  },
  BadOption: {
    code: 550, enhanced: '5.6.0', when: 'a sending option (X-SMS-* header or [KEY:VALUE] subject tag) with a bad value',
    text: (detail: string) => detail,
  },
  CallbackNotAllowed: {
    code: 550, enhanced: '5.7.1', when: 'X-SMS-Status-Callback naming a URL outside the prefixes the operator allows the account (accounts[].statusCallbacks.allow), or no http(s) URL',
    text: (why: string) => `X-SMS-Status-Callback: ${why}; nothing was sent`,
  },
  SenderIdNotAllowed: {
    code: 550, enhanced: '5.7.1', when: 'a sender ID (X-SMS-Sender-ID, [SRC:…]) the account may not use (accounts[].allowedSenderIds)',
    text: (id: string, account: string, allowed: string) => `the sender ID "${id}" is not allowed for account "${account}"; allowed: ${allowed}`,
  },
  SenderIdNumericOnly: {
    code: 550, enhanced: '5.7.1', when: 'a name as sender ID for a country whose carriers only deliver numeric senders (options.numericOnlyCountries), with no numeric fallback or options.onNumericOnly reject',
    text: (id: string, to: string, country: string, remedy: string) => `the sender ID "${id}" cannot be used for ${to}: carriers in ${country} only deliver SMS from numeric senders; ${remedy}`,
  },
  NoTimeToSend: {
    code: 550, enhanced: '5.7.1', when: 'quiet hours (account, country, [BLACKOUTPERIODS]) that leave no time to send within two weeks',
    // The rule and "nothing was queued" in the account's language (notify/hold-words.ts noTimeReason), as its confirmations word a hold.
    text: (why: string) => why,
  },
  NoReplyAddress: {
    code: 550, enhanced: '5.1.1', when: 'RCPT to the confirmations\' own From address (notify.from): a reply to a confirmation that has no Reply-To',
    text: (addr: string) => `<${addr}> takes no mail: it only sends the SMS confirmations, and replies to them are not read. To cancel an SMS, reply CANCEL to the confirmation that it was accepted; with a question, write to whoever runs this service for you`,
  },
  CancelAddressUnknown: {
    code: 550, enhanced: '5.1.1', when: 'RCPT to a cancel address (cancel+…@<sms domain>) that is not one of our confirmations\' Reply-To addresses',
    text: (addr: string) => `<${addr}>: no such cancel address; reply to the confirmation of the SMS you want to cancel`,
  },
  CancelMixed: {
    code: 550, enhanced: '5.5.4', when: 'a mail to a cancel address that also names SMS recipients or the preview address',
    text: () => 'a cancel reply cannot also send or preview SMS; send the cancel and the new SMS in separate mails',
  },
  CancelWordMissing: {
    code: 550, enhanced: '5.6.0', when: 'a reply to a cancel address whose text does not begin with CANCEL or STORNO (STORNIEREN, ABBRECHEN; "Bitte" or "Please" before it)',
    text: (id: string) => `nothing was cancelled: to cancel the SMS ${id}, reply with the word CANCEL (or STORNO) as your text`,
  },
  CancelRefused: {
    code: 550, enhanced: '5.0.0', when: 'a cancel reply for an SMS that was handed to the carrier already, or has ended otherwise than cancelled (one cancelled already gets 250 saying so: a mail server may send the same reply again)',
    text: (why: string) => `nothing was cancelled: ${why}`,
  },
  AutomaticMail: {
    code: 550, enhanced: '5.7.1', when: 'automatic mail (Auto-Submitted, Precedence: bulk, out-of-office replies, our own confirmations)',
    text: (why: string) => `this is automatic mail (${why}); automatic mail is never sent as SMS, so that replies cannot loop`,
  },
  BadContent: {
    code: 550, enhanced: '5.6.0', when: 'a mail that cannot be read as MIME, or whose structure is broken so that its text would be lost (a multipart Content-Type without a boundary)',
    text: (why: string) => `the mail could not be read: ${why}`,
  },
  BadBase64: {
    code: 550, enhanced: '5.6.0', when: 'a text or HTML part marked Content-Transfer-Encoding: base64 whose body is not base64 (plain text, characters outside the alphabet, a "=" before the end, a length that is not a multiple of 4), which would go out as garbage or cut short',
    text: () => 'the text part is marked as base64 but is not valid base64; the mail program or system that sent it encoded it wrongly',
  },
  StoreUnavailable: {
    code: 451, enhanced: '4.3.0', when: 'the message could not be stored safely (disk full, I/O error)',
    text: () => 'temporary problem storing the message, nothing was queued; please try again later',
  },
  InternalError: {
    code: 451, enhanced: '4.3.0', when: 'any unexpected problem while taking a connection, AUTH, MAIL, RCPT or DATA; logged with its stack (smtp-handler-error, data-error)',
    text: () => 'temporary internal problem, nothing was queued; please try again later',
  },
  TooManyConnections: {
    code: 421, enhanced: '4.7.0', when: 'more connections from one IP address than smtp.maxConnectionsPerIp',
    text: (ip: string, max: string) => `too many connections from ${ip} (at most ${max}); please try again later`,
  },
  TooManyErrors: {
    code: 421, enhanced: '4.7.0', when: 'more refused commands in one session than smtp.maxBadCommands; the connection is closed',
    text: (n: string) => `${n} refused commands in this session, closing the connection`,
  },
  SessionTooLong: {
    code: 421, enhanced: '4.4.2', when: 'a session longer than smtp.sessionTimeoutSeconds; the connection is closed',
    text: (seconds: string) => `session time limit of ${seconds} s reached, closing the connection`,
  },
  ShuttingDown: {
    code: 421, enhanced: '4.3.2', when: 'any command once the bridge is stopping (a mail whose DATA is under way is still taken), and every session still open when its grace time ends; the connection is closed',
    text: () => 'the SMS bridge is shutting down, please try again later',
  },
} satisfies Record<string, Def>;

export type ErrorName = keyof typeof ERROR_DEFS;

type Factory<D extends Def> = (...args: Parameters<D['text']>) => SmtpError;

// Control, format (bidi overrides), separator and unassigned characters from the client never reach a reply:
// smtp-server blanks only C0/C1 controls, and a clerk's mail client would render the rest.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu;
// RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with code and CRLF; "553 5.1.3 " takes 10.
const MAX_TEXT_OCTETS = 490;

/** A reply text that is safe and fits on one reply line: echoed input cleaned, the whole cut to length. */
export function replyText(text: string): string {
  if (Buffer.byteLength(text) <= MAX_TEXT_OCTETS) return text;
  let cut = '';
  for (const ch of text) {
    if (Buffer.byteLength(cut + ch) > MAX_TEXT_OCTETS - 3) break;
    cut += ch;
  }
  return `${cut}...`;
}

const clean = (a: string) => String(a).replace(UNSAFE, '?');

/** `errors.InvalidNumber('+49123', 'too short')` → SmtpError(553, '5.1.3', ...). */
export const errors = Object.fromEntries(
  Object.entries(ERROR_DEFS).map(([name, d]) => [
    name,
    (...a: string[]) => new SmtpError(d.code, d.enhanced, replyText((d.text as (...x: string[]) => string)(...a.map(clean))), name),
  ]),
) as { [K in ErrorName]: Factory<(typeof ERROR_DEFS)[K]> };
