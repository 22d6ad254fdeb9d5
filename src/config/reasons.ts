/**
 * Why a value of the configuration or of an account's run-time change is
 * refused, as data: a reason code with its parameters, under the key it is
 * about. The config file's checks, the CLI and the REST API say it in
 * English (here: the sentences they always said, "<key>: is …; allowed: …");
 * the portal words the same reason in the page's language
 * (api/portal-wording), so a German page does not show the loader's English.
 */
import type { PatternRisk } from '../mail/pattern-risk.js';
import { NUMERIC_SENDER_FORMS, SENDER_ID_FORMS } from '../sms/sender-id.js';

/** What a value must be, as a schema keyword says it. */
export type Allowed =
  | { rule: 'one-of'; values: readonly unknown[] }
  | { rule: 'at-least' | 'at-most' | 'more-than' | 'min-length' | 'max-length' | 'min-items' | 'max-items'; limit: number }
  | { rule: 'regex' }
  | { rule: 'format'; format: string }
  | { rule: 'type'; type: string }
  /** `text`: ajv's English ("must match pattern …"), as the loader always said it. */
  | { rule: 'pattern'; pattern: string; text: string }
  | { rule: 'unique'; text: string }
  /** A keyword without words of its own here (the account form cannot meet it): ajv's sentence. */
  | { rule: 'other'; text: string };

export type Reason =
  | { code: 'required' }
  /** `meant`: the known key a misspelt one seems to mean. */
  | { code: 'unknown-key'; known: readonly string[]; meant?: string }
  | { code: 'key-not-allowed'; name: string; allowed: Allowed }
  /** A value the schema refuses; `value` absent when it is not at hand. */
  | { code: 'schema'; value?: unknown; allowed: Allowed }
  | { code: 'time-zone'; value: unknown }
  | { code: 'country'; value: unknown }
  | { code: 'sender-form'; value: string; numeric: boolean }
  | { code: 'sender-not-numeric'; value: string }
  | { code: 'sender-not-allowed'; value: string; allowed: readonly string[] }
  | { code: 'quiet-half'; has: 'from' | 'to' }
  | { code: 'quiet-same'; time: string }
  | { code: 'billing-code'; value: string; max: number }
  | { code: 'billing-code-blank'; value: string }
  | { code: 'pattern-risk'; value: string; risk: PatternRisk }
  | { code: 'max-segments'; value: number; limit: number }
  | { code: 'forward-off'; by: 'account' | 'operator' }
  | { code: 'not-editable'; editable: readonly string[] }
  /** Checks of the config file's own (networks, names, status callback URLs …): English only. */
  | { code: 'text'; text: string };

/** A reason under its key ("timeZone", "accounts[0].quietHours.timeZones[1]"); key '' for one about the whole change. */
export interface KeyedReason {
  key: string;
  reason: Reason;
}

const json = (v: unknown) => JSON.stringify(v);

export function allowedEnglish(a: Allowed): string {
  switch (a.rule) {
    case 'one-of': return `one of ${a.values.map(json).join(', ')}`;
    case 'at-least': return `at least ${a.limit}`;
    case 'at-most': return `at most ${a.limit}`;
    case 'more-than': return `more than ${a.limit}`;
    case 'min-length': return `at least ${a.limit} character(s)`;
    case 'max-length': return `at most ${a.limit} characters`;
    case 'min-items': return `at least ${a.limit} item(s)`;
    case 'max-items': return `at most ${a.limit} item(s)`;
    case 'regex': return 'a regular expression (JavaScript syntax)';
    case 'format': return `a value of format ${a.format}`;
    case 'type': return `a value of type ${a.type}`;
    case 'pattern': case 'unique': case 'other': return a.text;
  }
}

/** The reason in the loader's words, after "<key>: ". */
export function reasonEnglish(r: Reason): string {
  switch (r.code) {
    case 'required': return 'is required';
    case 'unknown-key': return `unknown key (${r.meant ? `did you mean "${r.meant}"? ` : ''}known keys here: ${r.known.join(', ')})`;
    case 'key-not-allowed': return `key ${json(r.name)} is not allowed: ${allowedEnglish(r.allowed)}`;
    case 'schema': return `${r.value === undefined ? '' : `is ${json(r.value)}; `}allowed: ${allowedEnglish(r.allowed)}`;
    case 'time-zone': return `is ${json(r.value)}; allowed: an IANA time zone such as "Europe/Berlin"`;
    case 'country': {
      const uk = typeof r.value === 'string' && r.value.toUpperCase() === 'UK' ? '; the United Kingdom is "GB" ("UK" is not an ISO 3166 code)' : '';
      return `is ${json(r.value)}; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"${uk}`;
    }
    case 'sender-form': return `is ${json(r.value)}; allowed: ${r.numeric ? NUMERIC_SENDER_FORMS : SENDER_ID_FORMS}`;
    case 'sender-not-numeric': return `is ${json(r.value)}; allowed: a number (international or short code), since it stands in where names are not delivered`;
    case 'sender-not-allowed': return `${json(r.value)} is not among the sender IDs the configuration allows this account (${r.allowed.join(', ') || 'none'})`;
    case 'quiet-half': return `has ${r.has} without ${r.has === 'from' ? 'to' : 'from'}; allowed: both (a daily window like 20:00 to 08:00) or neither`;
    case 'quiet-same': return `from and to are both ${r.time}; allowed: two different times`;
    case 'billing-code': return `is ${json(r.value)}; allowed: 1 to ${r.max} printable characters`;
    case 'billing-code-blank': return `is ${json(r.value)}; allowed: no blank at the start or the end (a mail's billing code never has one)`;
    case 'pattern-risk': return `is ${json(r.value)}; ${r.risk === 'back-reference'
      ? 'a back-reference (\\1, \\k<name>) can make matching take exponential time'
      : 'a repeated group such as (…)+, (…)* or (…){2,} can make matching take exponential time and stop the gateway; repeat single characters or classes instead (\\s+, [-–]+)'}`;
    case 'max-segments': return `is ${r.value}; allowed: at most text.maxSegments (${r.limit})`;
    case 'forward-off': return `cannot be switched on: ${r.by === 'account'
      ? 'the configuration turns it off for this account (accounts[].forwardReplies is false)'
      : 'the operator has turned forwarding of replies off (inbound.forward.enabled is false)'}; only the operator can change that, in the configuration file`;
    case 'not-editable': return `cannot be changed at run time (allowed: ${r.editable.join(', ')})`;
    case 'text': return r.text;
  }
}

/** "<key>: <reason>", as the config loader, the CLI and the REST API list problems. */
export const problemEnglish = (p: KeyedReason): string => (p.key ? `${p.key}: ${reasonEnglish(p.reason)}` : reasonEnglish(p.reason));

/** The same reasons under `prefix` ("accounts[0].", "options."). */
export const under = (prefix: string, ps: readonly KeyedReason[]): KeyedReason[] => ps.map((p) => ({ ...p, key: `${prefix}${p.key}` }));
