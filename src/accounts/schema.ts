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

/** Keys an operator may change at run time (portal, CLI) without editing the file: the account's default options. */
export const EDITABLE_ACCOUNT_KEYS = ['description', 'timeZone', 'defaultCountry', 'notify', 'maxSegments'] as const;

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
    defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166 country for national numbers (015112345678) sent by this account; inherits smtp.defaultCountry.' },
    notify: {
      type: 'string', enum: ['none', 'failure', 'final', 'all'],
      description: 'Which confirmations this account\'s senders get (see notify.level); inherits notify.level.',
    },
    maxSegments: { type: 'integer', minimum: 1, maximum: 255, description: 'Longest SMS this account may send, in segments; never more than text.maxSegments, which it inherits.' },
  },
} as const;

/** The default: mail from this machine belongs to the account "default", so the first run works with no set-up. */
export const DEFAULT_ACCOUNTS = [{ name: 'default', description: 'Mail from this machine (loopback)', networks: ['127.0.0.0/8', '::1/128'], addresses: [] }];
