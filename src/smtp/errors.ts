/**
 * Every refusal the bridge can give, with its SMTP meaning. Handlers throw
 * `errors.X(...)`; smtp-server turns `responseCode` and `message` into the
 * reply. The message starts with the RFC 3463 enhanced code, which
 * src/smtp/enhanced-codes.ts keeps smtp-server from adding a second time.
 * The README lists every entry (test/smtp/errors.test.ts checks it).
 */
export class SmtpError extends Error {
  readonly temporary: boolean;
  constructor(
    readonly responseCode: number,
    readonly enhancedCode: string,
    readonly text: string,
    readonly errorName = 'SmtpError',
  ) {
    super(`${enhancedCode} ${text}`);
    this.name = 'SmtpError';
    this.temporary = responseCode >= 400 && responseCode < 500;
  }
}

type Def = { code: number; enhanced: string; text: (...a: string[]) => string; when: string };

/** The registry: name → reply code, enhanced code, the sentence a clerk reads, and when it happens (for the README). */
export const ERROR_DEFS = {
  AuthRequired: {
    code: 530, enhanced: '5.7.0', when: 'MAIL FROM on a connection that is neither authenticated nor from a trusted network',
    text: (ip: string) => `authentication required: ${ip} is not a trusted network of this SMS gateway; log in with your SMS account`,
  },
  SenderNotAllowed: {
    code: 553, enhanced: '5.7.1', when: 'an envelope sender or From address that does not belong to the sending account',
    text: (address: string, account: string) => `<${address}> is not a sender address of the SMS account "${account}"; send from one of its addresses`,
  },
  UnknownDomain: {
    code: 550, enhanced: '5.7.1', when: 'RCPT to a domain that is not an SMS domain',
    text: (addr: string, domains: string) => `<${addr}>: we only send SMS to <number>@${domains}; relaying to other domains is not allowed`,
  },
  InvalidNumber: {
    code: 553, enhanced: '5.1.3', when: 'RCPT whose local part is not a valid phone number',
    text: (input: string, reason: string) => `"${input}" is not a valid mobile number: ${reason}`,
  },
  TooManyRecipients: {
    code: 452, enhanced: '4.5.3', when: 'more SMS recipients in one mail than smtp.maxRecipients',
    text: (max: string) => `too many recipients: at most ${max} per mail, send the rest in another mail`,
  },
  MessageTooBig: {
    code: 552, enhanced: '5.3.4', when: 'mail larger than smtp.maxMessageSize',
    text: (max: string) => `the mail is too big: at most ${max} bytes are accepted`,
  },
  TooManySegments: {
    code: 552, enhanced: '5.3.4', when: 'text longer than text.maxSegments SMS segments',
    text: (n: string, max: string, detail: string) => `the text would take ${n} SMS segments, at most ${max} are allowed (${detail}); shorten it`,
  },
  NoText: {
    code: 550, enhanced: '5.6.0', when: 'nothing left to send after removing signature, quotes and attachments',
    text: () => 'no text to send: the mail has no text left after removing the signature, quoted replies and attachments',
  },
  BadOption: {
    code: 550, enhanced: '5.6.0', when: 'a sending option (X-SMS-* header or [KEY:VALUE] subject tag) with a bad value',
    text: (detail: string) => detail,
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
    text: (why: string) => `${why}; nothing was queued`,
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
    code: 550, enhanced: '5.6.0', when: 'a reply to a cancel address whose text does not begin with CANCEL',
    text: (id: string) => `nothing was cancelled: to cancel the SMS ${id}, reply with the word CANCEL as your text`,
  },
  CancelRefused: {
    code: 550, enhanced: '5.0.0', when: 'a cancel reply for an SMS that was handed to the carrier already, or has ended',
    text: (why: string) => `nothing was cancelled: ${why}`,
  },
  AutomaticMail: {
    code: 550, enhanced: '5.7.1', when: 'automatic mail (Auto-Submitted, Precedence: bulk, out-of-office replies, our own confirmations)',
    text: (why: string) => `this is automatic mail (${why}); automatic mail is never sent as SMS, so that replies cannot loop`,
  },
  BadContent: {
    code: 550, enhanced: '5.6.0', when: 'a mail that cannot be read as MIME',
    text: (why: string) => `the mail could not be read: ${why}`,
  },
  StoreUnavailable: {
    code: 451, enhanced: '4.3.0', when: 'the message could not be stored safely (disk full, I/O error)',
    text: () => 'temporary problem storing the message, nothing was queued; please try again later',
  },
  InternalError: {
    code: 451, enhanced: '4.3.0', when: 'any unexpected problem while handling DATA',
    text: () => 'temporary internal problem, nothing was queued; please try again later',
  },
  ShuttingDown: {
    code: 421, enhanced: '4.3.2', when: 'the bridge is stopping',
    text: () => 'the SMS bridge is shutting down, please try again later',
  },
} satisfies Record<string, Def>;

export type ErrorName = keyof typeof ERROR_DEFS;

type Factory<D extends Def> = (...args: Parameters<D['text']>) => SmtpError;

/** `errors.InvalidNumber('+49123', 'too short')` → SmtpError(553, '5.1.3', ...). */
export const errors = Object.fromEntries(
  Object.entries(ERROR_DEFS).map(([name, d]) => [
    name,
    (...a: string[]) => new SmtpError(d.code, d.enhanced, (d.text as (...x: string[]) => string)(...a), name),
  ]),
) as { [K in ErrorName]: Factory<(typeof ERROR_DEFS)[K]> };
