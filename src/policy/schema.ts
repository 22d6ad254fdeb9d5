/**
 * What an account may send: rate, quotas, destinations and the fraud brake.
 * The gateway-wide `limits` section sets every key (with defaults); an
 * account's own `limits` object overrides single keys and inherits the rest.
 * One builder for both, so the two can never disagree on names or ranges.
 */

export const NUMBER_TYPES = [
  'MOBILE', 'FIXED_LINE_OR_MOBILE', 'FIXED_LINE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST',
  'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL', 'UNKNOWN',
] as const;

type Maker = (key: string, def: unknown, node: Record<string, unknown>) => Record<string, unknown>;

function limitsProperties(make: Maker): Record<string, unknown> {
  const int = (key: string, def: number, description: string, max: number) => make(key, def, { type: 'integer', minimum: 0, maximum: max, description });
  return {
    messagesPerMinute: int('messagesPerMinute', 120, 'SMS (one per recipient) an account may hand in per minute, as a bucket that refills continuously; more get 451 4.7.1 and go through when the client retries. 0: no limit.', 1_000_000),
    segmentsPerDay: int('segmentsPerDay', 5000, 'SMS segments an account may send per calendar day (in the account\'s time zone, by the hour), counted when accepted; an SMS cancelled before it was ever handed to a connector gives them back. More get 552 5.2.2. 0: no limit.', 100_000_000),
    segmentsPerMonth: int('segmentsPerMonth', 50000, 'SMS segments an account may send per calendar month; more get 552 5.2.2. 0: no limit.', 1_000_000_000),
    perNumberPerHour: int('perNumberPerHour', 10, 'SMS one account may send to the same number within an hour; more get 451 4.7.1. 0: no limit.', 100_000),
    countries: make('countries', [], {
      // Checked against the number plan (config/check.ts), which names the allowed values.
      type: 'array', items: { type: 'string' },
      description: 'Destination countries (ISO 3166 codes) an account may send to; "*" allows every country. Empty: only the account\'s own country (its defaultCountry). Others get 550 5.7.1 at RCPT.',
    }),
    numberTypes: make('numberTypes', ['MOBILE', 'FIXED_LINE_OR_MOBILE'], {
      type: 'array', items: { type: 'string', enum: NUMBER_TYPES },
      description: `Number types (libphonenumber's) that may receive SMS; others (premium-rate, shared-cost, fixed-line...) get 550 5.7.1 at RCPT. FIXED_LINE_OR_MOBILE must stay for countries such as the US where the plan cannot tell. UNKNOWN: numbers whose type the metadata cannot tell. One or more of: ${NUMBER_TYPES.join(', ')}.`,
    }),
    brake: make('brake', {}, {
      type: 'object', additionalProperties: false,
      description: 'The fraud brake: stops an account (451 4.7.1 for all its mail, an alert in the log) when its traffic looks like SMS pumping, until an operator releases it with `mail2sms brake release <account>`.',
      properties: {
        windowMinutes: int('brake.windowMinutes', 60, 'Length of the window the brake looks at.', 24 * 60),
        newNumbersPerWindow: int('brake.newNumbersPerWindow', 300, 'Numbers the account never sent to before, accepted within the window, that engage the brake. 0: off.', 1_000_000),
        failureRatio: make('brake.failureRatio', 0.5, { type: 'number', minimum: 0, maximum: 1, description: 'Share of failed, rejected or expired SMS among the final outcomes within the window that engages the brake. 0: off.' }),
        minOutcomes: int('brake.minOutcomes', 20, 'Final outcomes needed in the window before the failure ratio counts.', 1_000_000),
      },
    }),
  };
}

const withDefault: Maker = (_key, def, node) => ({ ...node, default: def });
// Inside an account nothing has a default: a key left out inherits the gateway-wide value.
const inherits: Maker = (key, _def, node) => ({ ...node, description: `${String(node.description)} Left out: inherits limits.${key}.` });

/** The gateway-wide `limits` section. */
export const limitsSchema = {
  type: 'object', default: {}, additionalProperties: false,
  description: 'What each account may send (an account\'s own `limits` override single keys): rate, quotas in SMS segments, destination countries and number types, a cap per number, and the fraud brake.',
  properties: limitsProperties(withDefault),
};

/** `accounts[].limits`: the same keys without defaults. */
export const accountLimitsSchema = {
  type: 'object', additionalProperties: false,
  description: 'This account\'s own limits; every key left out inherits the gateway-wide `limits`.',
  properties: limitsProperties(inherits),
};

export interface BrakeLimits {
  windowMinutes: number;
  newNumbersPerWindow: number;
  failureRatio: number;
  minOutcomes: number;
}

export type NumberTypeName = (typeof NUMBER_TYPES)[number];

/** The `limits` section as configured (all keys present). */
export interface LimitsConfig {
  messagesPerMinute: number;
  segmentsPerDay: number;
  segmentsPerMonth: number;
  perNumberPerHour: number;
  countries: string[];
  numberTypes: NumberTypeName[];
  brake: BrakeLimits;
}

/** An account's own `limits` (any key may be missing). */
export type AccountLimitsConfig = Partial<Omit<LimitsConfig, 'brake'>> & { brake?: Partial<BrakeLimits> };
