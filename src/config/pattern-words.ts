/**
 * What the schemas' patterns allow, in words: a problem ("<key>: is <value>;
 * allowed: …") is read by an operator at start and by a team lead in the
 * portal's default options, and neither should have to read a regular
 * expression, in English or in the portal's German. Keyed by the pattern as the schema writes it;
 * test/config/pattern-words.test.ts checks that every pattern of the
 * schemas has its words here.
 */
const WORDS: Readonly<Record<string, { en: string; de: string }>> = {
  '^(([01][0-9]|2[0-3]):[0-5][0-9])?$': { en: 'a time of day as HH:MM on the 24-hour clock, such as "08:00" or "20:00"', de: 'eine Uhrzeit als HH:MM im 24-Stunden-Format, etwa „08:00“ oder „20:00“' },
  '^([0-9]{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$': { en: 'a day as MM-DD for every year ("12-25") or YYYY-MM-DD for one year ("2027-03-26")', de: 'ein Tag als MM-TT für jedes Jahr („12-25“) oder JJJJ-MM-TT für ein Jahr („2027-03-26“)' },
  '^[a-z0-9][a-z0-9._-]{0,63}$': { en: 'a name of at most 64 lower-case letters, digits, ".", "_" and "-" that starts with a letter or digit, such as "acme" or "acme-billing"', de: 'ein Name aus höchstens 64 Kleinbuchstaben, Ziffern, „.“, „_“ und „-“, der mit einem Buchstaben oder einer Ziffer beginnt, etwa „acme“ oder „acme-billing“' },
  '^([^@\\s]+)?@[^@\\s]+$': { en: 'an address ("clerk@acme.test") or a whole domain written with its "@" ("@acme.test"), without spaces', de: 'eine Adresse („clerk@acme.test“) oder eine ganze Domain mit ihrem „@“ („@acme.test“), ohne Leerzeichen' },
  '^[A-Za-z0-9.-]+$': { en: 'a domain name of letters, digits, "." and "-", such as "sms.example.com"', de: 'ein Domainname aus Buchstaben, Ziffern, „.“ und „-“, etwa „sms.example.com“' },
  '^[0-9]+$': { en: 'digits only, such as "0000"', de: 'nur Ziffern, etwa „0000“' },
  '^[A-Za-z0-9_.-]+$': { en: 'a name of letters, digits, "_", "." and "-", such as "smpp-main"', de: 'ein Name aus Buchstaben, Ziffern, „_“, „.“ und „-“, etwa „smpp-main“' },
  '^\\+[0-9]{1,14}$': { en: 'an E.164 prefix: "+" and 1 to 14 digits, such as "+44" or "+4915"', de: 'eine E.164-Vorwahl: „+“ und 1 bis 14 Ziffern, etwa „+44“ oder „+4915“' },
  '^[A-Z]{2}$': { en: 'an ISO 3166 country code in capitals, such as "DE"', de: 'ein Ländercode nach ISO 3166 in Großbuchstaben, etwa „DE“' },
  '\\S': { en: 'text with at least one character that is not a space', de: 'Text mit mindestens einem Zeichen, das kein Leerzeichen ist' },
  '^\\+[1-9][0-9]{6,14}$': { en: 'an international number in E.164: "+" and 7 to 15 digits, such as "+4915112345678"', de: 'eine internationale Nummer nach E.164: „+“ und 7 bis 15 Ziffern, etwa „+4915112345678“' },
  '^0x[0-9A-Fa-f]{1,8}$': { en: 'a command_status in hexadecimal, such as "0x0400"', de: 'ein command_status hexadezimal, etwa „0x0400“' },
  '^\\d{4}-\\d{2}-\\d{2}$': { en: 'a day as YYYY-MM-DD, such as "2026-11-30"', de: 'ein Tag als JJJJ-MM-TT, etwa „2026-11-30“' },
  '^\\S+$': { en: 'text without spaces', de: 'Text ohne Leerzeichen' },
};

/** The words for a schema pattern, or undefined for one nobody described (English: the config file, the CLI, the REST API; German: the portal). */
export const patternWords = (pattern: string, language: 'en' | 'de' = 'en'): string | undefined => WORDS[pattern]?.[language];
