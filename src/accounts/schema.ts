/**
 * One entry of `accounts` in the configuration: who may send through the
 * bridge (trusted networks, From addresses) and the defaults its mail gets.
 * Used by src/config/schema.ts for the whole file and by the account
 * registry to validate changes made at run time (CLI, portal), so both
 * follow the same rules.
 *
 * Keys marked "inherits" have no default here: an account that leaves them
 * out gets the gateway-wide value named in the description.
 */
import { accountCallbackProperties } from '../notify/callbacks/schema.js';
import { CALLBACK_LEVELS } from '../notify/callbacks/levels.js';
import { LANGUAGES } from '../notify/wording/types.js';
import { accountLimitsSchema } from '../policy/schema.js';

/** Keys an operator may change at run time (portal, CLI) without editing the file: the account's default options. */
export const EDITABLE_ACCOUNT_KEYS = [
  'description', 'timeZone', 'defaultCountry', 'notify', 'language', 'maxSegments',
  'senderId', 'numericSender', 'billingCode', 'validityHours', 'duplicateDetection', 'duplicateWindowMinutes', 'signaturePatterns', 'quietHours',
  'statusCallback', 'statusCallbackLevel', 'forwardReplies',
] as const;

// '' stands for "no daily window", so that the gateway-wide default can be written out.
const hhmm = { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9])?$' };

/** Quiet hours, in the recipient's local time; used for an account and, in src/config/schema.ts, per country. */
export function quietHoursSchema(description: string, withDefault: boolean) {
  const d = <T>(value: T) => ({ default: value });
  return {
    type: 'object', additionalProperties: false, description, ...(withDefault ? { default: {} } : {}),
    properties: {
      from: { ...hhmm, ...d(''), description: 'Start of the daily quiet window, "HH:MM" (with to; 20:00 and 08:00 span the night).' },
      to: { ...hhmm, ...d(''), description: 'End of the daily quiet window, "HH:MM"; SMS held in the window go out then.' },
      days: {
        type: 'array', uniqueItems: true, maxItems: 6, items: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, ...d([]),
        description: 'Whole days without SMS, e.g. ["sun"].',
      },
      dates: {
        type: 'array', uniqueItems: true, maxItems: 366, items: { type: 'string', pattern: '^([0-9]{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' }, ...d([]),
        description: 'Public holidays and other whole local days without SMS: "12-25" every year, "2027-03-26" (Good Friday) that year only.',
      },
      timeZones: {
        type: 'array', items: { type: 'string', minLength: 1 }, ...d([]),
        description: 'IANA zones to read the window in; empty: every zone of the destination country (quiet while it is quiet in any of them).',
      },
    },
  } as const;
}

export const accountSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
      description: 'Name of the account (lower case letters, digits, . _ -), shown in logs, statuses and the portal.',
    },
    description: { type: 'string', default: '', maxLength: 200, description: 'Who this account is, for people (e.g. "ACME accounting").' },
    networks: {
      type: 'array', default: [], items: { type: 'string', minLength: 1 },
      description: 'Trusted networks (IP addresses or CIDR ranges such as "10.1.2.0/24" or "::1/128") whose mail belongs to this account without authentication: ERP and legacy systems with nothing but an SMTP relay. A network may belong to one account only.',
    },
    addresses: {
      type: 'array', default: [], items: { type: 'string', pattern: '^([^@\\s]+)?@[^@\\s]+$' },
      description: 'Sender addresses of this account: "clerk@acme.test" or a whole domain "@acme.test". Mail from any other envelope or From address is refused with 553 5.7.1, and confirmations only ever go to these addresses. Empty: any address (sensible only for a trusted-network account on a closed network, like the default loopback one).',
    },
    timeZone: { type: 'string', minLength: 1, description: 'IANA time zone for local send times and quiet hours of this account; inherits options.timeZone.' },
    // Checked against the number plan by optionProblems (src/accounts/validate.ts), which names the allowed values; a pattern would only say "^[A-Z]{2}$".
    defaultCountry: { type: 'string', description: 'ISO 3166 country for national numbers (015112345678) sent by this account; inherits smtp.defaultCountry.' },
    notify: {
      type: 'string', enum: [...CALLBACK_LEVELS],
      description: 'Which confirmations this account\'s senders get (see notify.level, the same words); inherits notify.level.',
    },
    language: { type: 'string', enum: LANGUAGES, description: 'Language of the confirmations and preview answers this account\'s senders get (see notify.language), and of the portal for its users; inherits notify.language.' },
    maxSegments: { type: 'integer', minimum: 1, maximum: 255, description: 'Longest SMS this account may send, in segments; never more than text.maxSegments, which it inherits.' },
    senderId: { type: 'string', description: 'Sender ID of this account\'s SMS when a mail names none: a name ("ACME"), an international number or a short code; always allowed for the account; inherits options.senderId.' },
    numericSender: { type: 'string', description: 'Numeric sender (international number or short code) used instead of a name for countries in options.numericOnlyCountries; always allowed for the account; inherits options.numericSender.' },
    allowedSenderIds: {
      type: 'array', items: { type: 'string', minLength: 1 },
      description: 'Sender IDs this account\'s mail may ask for (X-SMS-Sender-ID, [SRC:…]) besides senderId and numericSender; "*" allows any. Anything else is refused with 550 5.7.1. Set in the configuration only: the portal cannot widen it; inherits options.allowedSenderIds.',
    },
    // Its length and characters are checked by optionProblems (src/accounts/validate.ts), in the words [BC:…] gets; the schema's would say "at most 70 characters".
    billingCode: { type: 'string', description: 'Billing code (cost centre) of this account\'s SMS when the mail or request gives none ([BC:…], X-SMS-Billing-Code, the REST API\'s billingCode): kept on the SMS and shown as a given one, in the preview, the confirmations, the CSV export and status callbacks; printable characters only. Retarus-style cost centres per department: one account per department. Set in the configuration, or at run time in the portal\'s default options ("Billing code") and with PATCH /api/v1/accounts/{name} (null or an emptied field goes back to the configured one), checked as [BC:…] is. It inherits nothing: without it, an SMS whose mail or request names no code has none.' },
    validityHours: { type: 'number', exclusiveMinimum: 0, maximum: 72, description: 'How long the account\'s SMS may wait to be handed to the carrier before they expire, unless the mail says otherwise; inherits options.validityHours.' },
    duplicateDetection: { type: 'boolean', description: 'Send the same text from the same sender to the same number only once within duplicateWindowMinutes (a mail can switch it with [DUPLICATEDETECTION:ON|OFF]); inherits options.duplicateDetection.' },
    duplicateWindowMinutes: { type: 'integer', minimum: 1, maximum: 10080, description: 'Window of duplicate detection by content; inherits options.duplicateWindowMinutes.' },
    signaturePatterns: {
      type: 'array', items: { type: 'string', format: 'regex' }, default: [],
      description: 'More signature patterns (like text.signaturePatterns, which still apply) for this account\'s mail, e.g. ["^Mit freundlichen Grüßen"]. A team lead can set them in the portal, so a pattern that could make matching take exponential time — a repeated group ((…)+, (…)*, (…){2,}) or a back-reference — is refused (it would stop the gateway for every account); repeated characters or classes (\\s+, [-–]+) are fine.',
    },
    allowExpress: {
      type: 'boolean', default: true,
      description: 'Whether this account\'s SMS may go express ([QOS:EXPRESS], X-SMS-Priority, a mail of high importance, the REST API\'s priority), ahead of every normal SMS waiting. false: such SMS go as normal ones, and the 250 and the API\'s answer say so (the mail is never refused for it: Outlook marks mails important without asking). true by default, as before; set false for bulk accounts of a shared gateway, so that they cannot put a whole run ahead of others. Set in the configuration only: the portal and PATCH /api/v1/accounts cannot change it.',
    },
    forwardReplies: { type: 'boolean', description: 'Mail handsets\' replies to this account\'s SMS to the sender of the SMS they answer (see inbound.forward); inherits inbound.forward.enabled. The portal and the REST API can switch it off, and on only where the configuration has it on.' },
    quietHours: quietHoursSchema('Quiet hours of this account in the recipient\'s local time: SMS are held until they end. {} switches them off; inherits options.quietHours.', false),
    limits: accountLimitsSchema,
    ...accountCallbackProperties,
  },
} as const;

/** The default: mail from this machine belongs to the account "default", so the first run works with no set-up. */
export const DEFAULT_ACCOUNTS = [{ name: 'default', description: 'Mail from this machine (loopback)', networks: ['127.0.0.0/8', '::1/128'], addresses: [] }];
