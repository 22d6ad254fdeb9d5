export type MailParseErrorCode = 'too-deep' | 'too-many-parts' | 'header-too-large' | 'no-boundary' | 'bad-base64';

/**
 * A message past a limit, or built so that its text cannot be read as its
 * sender meant it (a multipart without a boundary, a text part whose base64
 * is broken). Permanent: sending it again will not help (for the SMTP
 * answer, 550 5.6.0 or 552 5.3.4 fit).
 */
export class MailParseError extends Error {
  constructor(
    readonly code: MailParseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MailParseError';
  }
}
