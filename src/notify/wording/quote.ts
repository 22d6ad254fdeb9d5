/** Characters named in a sentence, each in quotes: `"ř" "Ł"` (both languages write them so, like the SMTP replies). */
export const quotedChars = (chars: readonly string[]): string => chars.map((c) => `"${c}"`).join(' ');
