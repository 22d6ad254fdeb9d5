/**
 * What the schemas' patterns allow, in words: a problem ("<key>: is <value>;
 * allowed: …") is read by an operator at start and by a team lead in the
 * portal's default options, and neither should have to read a regular
 * expression. Keyed by the pattern as the schema writes it;
 * test/config/pattern-words.test.ts checks that every pattern of the
 * schemas has its words here.
 */
const WORDS: Readonly<Record<string, string>> = {
  '^(([01][0-9]|2[0-3]):[0-5][0-9])?$': 'a time of day as HH:MM on the 24-hour clock, such as "08:00" or "20:00"',
  '^([0-9]{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$': 'a day as MM-DD for every year ("12-25") or YYYY-MM-DD for one year ("2027-03-26")',
  '^[a-z0-9][a-z0-9._-]{0,63}$': 'a name of at most 64 lower-case letters, digits, ".", "_" and "-" that starts with a letter or digit, such as "acme" or "acme-billing"',
  '^([^@\\s]+)?@[^@\\s]+$': 'an address ("clerk@acme.test") or a whole domain written with its "@" ("@acme.test"), without spaces',
  '^[A-Za-z0-9.-]+$': 'a domain name of letters, digits, "." and "-", such as "sms.example.com"',
  '^[0-9]+$': 'digits only, such as "0000"',
  '^[A-Za-z0-9_.-]+$': 'a name of letters, digits, "_", "." and "-", such as "smpp-main"',
  '^\\+[0-9]{1,14}$': 'an E.164 prefix: "+" and 1 to 14 digits, such as "+44" or "+4915"',
  '^[A-Z]{2}$': 'an ISO 3166 country code in capitals, such as "DE"',
  '\\S': 'text with at least one character that is not a space',
  '^\\+[1-9][0-9]{6,14}$': 'an international number in E.164: "+" and 7 to 15 digits, such as "+4915112345678"',
  '^0x[0-9A-Fa-f]{1,8}$': 'a command_status in hexadecimal, such as "0x0400"',
  '^\\d{4}-\\d{2}-\\d{2}$': 'a day as YYYY-MM-DD, such as "2026-11-30"',
  '^\\S+$': 'text without spaces',
};

/** The words for a schema pattern, or undefined for one nobody described. */
export const patternWords = (pattern: string): string | undefined => WORDS[pattern];
