// A module of its own: the configuration's schema takes them as its default, and every `mail2sms` command loads the
// schema, which must not pull in the text extraction with its HTML parser (~0.07 s of CPU) for them.

// Whole-line sign-offs that mobile apps append; anchored so that they never match prose.
export const DEFAULT_SIGNATURE_PATTERNS: readonly string[] = [
  '^sent from my( [\\w-]+){1,4}\\.?$',
  '^(von meinem( [\\w-]+){1,4} gesendet|gesendet von meinem( [\\w-]+){1,4})\\.?$',
  // Outlook for iOS and Android, English and German, with or without the link after it ("Get Outlook for iOS<https://aka.ms/o0ukef>").
  '^(get|sent from|holen sie sich|gesendet von) outlook (for|für|fuer) (ios|android)\\b',
];
