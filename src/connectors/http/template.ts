/**
 * A deliberately tiny placeholder syntax for request templates: `{{name}}`
 * and nothing else, so configs stay readable and no template engine can run
 * code from a config file. Values are inserted raw; escaping is the job of
 * whoever serialises them (URLSearchParams for query and form, JSON.stringify
 * for JSON), never of string concatenation.
 */
import type { OutboundSms } from '../types.js';

export const PLACEHOLDERS = ['to', 'to_digits', 'text', 'from', 'id', 'coding', 'encoding', 'mclass', 'priority', 'validity_minutes', 'expires_at', 'dlr_url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PATTERN = /\{\{\s*([a-z_]+)\s*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

/** Unknown placeholder names in a template; checked once at start so a typo fails the config, not every SMS. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1]).filter((n) => !isPlaceholder(n));
}

/** Whether `template` has the placeholder `name` (as render() reads it). */
export function usesPlaceholder(template: string, name: Placeholder): boolean {
  return [...template.matchAll(PATTERN)].some((m) => m[1] === name);
}

export function render(template: string, values: TemplateValues): string {
  return template.replace(PATTERN, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}

/** Rendered fields in their configured order; a field that renders to '' is left out so optional values need no conditionals. */
export function renderFields(fields: Record<string, string> | undefined, values: TemplateValues): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, template] of Object.entries(fields ?? {})) {
    const value = render(template, values);
    if (value !== '') out.push([key, value]);
  }
  return out;
}

/**
 * Values for one SMS; `dlr_url` is filled in separately because it is
 * itself built from these values. Optional ones are '' when the SMS has
 * none, so a field made of them alone is left out: `mclass` is 0 for a flash
 * SMS (message class 0), `priority` 1 for an express SMS (Kannel's
 * sendsms priority, 0-3), `validity_minutes` what is left of its validity at
 * `now`, rounded down (at least 1: it is not due yet), `expires_at` its end
 * in ISO 8601.
 */
export function smsValues(sms: OutboundSms, defaultFrom = '', now = new Date()): TemplateValues {
  const left = sms.expiresAt ? Date.parse(sms.expiresAt) - now.getTime() : NaN;
  return {
    to: sms.to,
    to_digits: sms.to.replace(/^\+/, ''),
    text: sms.text,
    from: sms.sender ?? defaultFrom,
    id: sms.id,
    // Kannel's coding: 0 = 7-bit (GSM), 2 = UCS-2; the text itself always travels as UTF-8
    coding: sms.encoding === 'UCS2' ? '2' : '0',
    encoding: sms.encoding,
    mclass: sms.flash ? '0' : '',
    priority: sms.priority === 'express' ? '1' : '',
    validity_minutes: Number.isNaN(left) ? '' : String(Math.max(1, Math.floor(left / 60_000))),
    expires_at: sms.expiresAt ?? '',
    dlr_url: '',
  };
}
