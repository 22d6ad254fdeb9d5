/**
 * The one JSON Schema of the configuration. It is the source of truth for
 * validation, for the defaults (ajv `useDefaults`) and for the README's
 * configuration reference (test/config/readme.test.ts checks they agree).
 * Every key has a `default` and a `description`, so no file is needed to start.
 */

import { accountSchema, DEFAULT_ACCOUNTS, quietHoursSchema } from '../accounts/schema.js';
import { DEFAULT_CLOSINGS } from '../mail/closing.js';
import { DEFAULT_SIGNATURE_PATTERNS } from '../mail/signature-patterns.js';
import { LANGUAGES } from '../notify/wording/types.js';
import { statusCallbacksSchema } from '../notify/callbacks/schema.js';
import { CALLBACK_LEVELS } from '../notify/callbacks/levels.js';
import { limitsSchema } from '../policy/schema.js';
import { auditSchema, optoutSchema, smtpAuthSchema, smtpGuardProperties, smtpTlsSchema } from '../smtp/schema.js';
import { connectorsSchema } from './connectors-schema.js';
import { defaultRouteSchema, routesSchema } from './routes-schema.js';
import { bool, int, num, obj, str } from './schema-kit.js';

export const configSchema = {
  $id: 'mail2sms-config',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Ignored; lets editors find the schema.' },
    smtp: obj('SMTP ingress: where clerks and systems send their mail.', {
      host: str('127.0.0.1', 'Address to listen on. Use 0.0.0.0 to accept mail from other machines.'),
      port: int(2525, 'Port to listen on (0 picks a free port).', 0, 65535),
      hostname: str('mail2sms.localhost', 'Name the server gives in its greeting and in confirmations (Reporting-MTA).'),
      domains: {
        type: 'array', items: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$' }, minItems: 1,
        default: ['sms.localhost'],
        description: 'SMS domains: mail to `<number>@<domain>` becomes an SMS. Compared case-insensitively.',
      },
      // Checked against the number plan at start (load.ts, with the accounts' own), not by a pattern.
      defaultCountry: str('DE', 'ISO 3166 country for national numbers with a leading 0 (015112345678).'),
      maxRecipients: int(100, 'Most SMS recipients in one mail; more get 452 4.5.3.', 1, 100000),
      maxMessageSize: int(10 * 1024 * 1024, 'Largest mail accepted, in bytes (advertised as SIZE); larger gets 552 5.3.4.', 1024, 1024 * 1024 * 1024),
      socketTimeoutSeconds: int(60, 'Idle time after which a client connection is closed.', 1, 3600),
      reverseLookup: bool(true, 'Look up each client\'s host name (DNS PTR) for the Received header and the stored mail. Turn it off where reverse DNS is slow or missing: smtp-server waits for the answer, up to 1.5 s, before its greeting.'),
      ...smtpGuardProperties,
      tls: smtpTlsSchema,
      auth: smtpAuthSchema,
    }),
    accounts: {
      type: 'array', items: accountSchema, minItems: 1, default: DEFAULT_ACCOUNTS,
      description: 'Who may send, and the defaults their mail gets. Unauthenticated mail is taken only from an account\'s trusted networks; from anywhere else it gets 530 5.7.0. The default trusts this machine (loopback) only, as the account "default".',
    },
    limits: limitsSchema,
    optout: optoutSchema,
    inbound: obj('SMS from handsets that connectors receive (SMPP deliver_sm that is not a receipt, Kannel\'s sms-service, an http connector\'s webhook.mo): replies to the SMS sent.', {
      keywords: bool(true, 'Act on keyword replies: STOP (also STOPP, UNSUBSCRIBE, CANCEL, END, QUIT, ABMELDEN, ARRET) puts the sender\'s number on the opt-out list for the number or short code it was sent to, STOP ALL (STOPALL) for every sender; START (UNSTOP) takes off what its STOPs put there for that sender, START ALL all of it. Other replies are only logged.'),
      answer: obj('An SMS back to the handset whose STOP or START changed the opt-out list, confirming it, as US carriers (CTIA) and many aggregators require. It comes from the number or short code the reply was sent to, is stored and sent like any SMS, and is the only SMS that passes the opt-out list; one per change of the list, however often the reply is delivered.', {
        enabled: bool(false, 'Send the answers (with inbound.keywords on). Off by default: each costs an SMS, and many aggregators and carriers answer STOP themselves, which would make two.'),
        stopText: str('You will receive no more messages from this number. Reply START to receive them again.', 'The answer to a STOP (transliterated like any SMS; keep it to one segment: 160 GSM-7 characters).', { minLength: 1 }),
        startText: str('You will receive messages from this number again. Reply STOP to end them.', 'The answer to a START that took the number off the list.', { minLength: 1 }),
        account: str('', 'Account the answers are stored under: it pays for them (they count towards its quota, though neither a full quota nor its rate limits hold one back; its fraud brake does), its history and statistics show them, and routes can pick them by match.accounts. Empty: the first of accounts.'),
        sender: str('', 'Sender of an answer when the reply did not say what it was sent to (or not as a usable sender ID); empty: the connector\'s default.'),
      }),
      forward: obj('Replies from handsets mailed to the clerk who sent the SMS they answer, threaded to the clerk\'s mail, with Reply-To the handset\'s SMS address (see Replies from handsets).', {
        enabled: bool(true, 'Forward replies (also a STOP or START that took effect), for accounts that do not set accounts[].forwardReplies. Only an account\'s own addresses get them, as with confirmations.'),
        windowHours: int(72, 'How long after an SMS was handed to the carrier a reply from its number to its numeric sender is taken as an answer to it (the most recent such SMS wins). 72 h spans a weekend: a reminder sent on Friday and answered on Monday still reaches its clerk.', 1, 720),
      }),
    }),
    text: obj('How the SMS text is taken from the mail.', {
      source: str('body', 'body: the mail body (the subject only when the body is empty); subject: only the subject; subject+body: both.',
        { enum: ['body', 'subject', 'subject+body'] }),
      endMarker: str('##', 'A line consisting of this marker ends the SMS text; everything below is ignored. Empty disables it.'),
      signaturePatterns: {
        type: 'array', items: { type: 'string', format: 'regex' }, default: [...DEFAULT_SIGNATURE_PATTERNS],
        description: 'Regular expressions (case-insensitive) for the first line of a signature that has no "-- " delimiter; that line and everything after it are cut. The defaults catch mobile mail footers ("Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook for iOS", "Holen Sie sich Outlook für Android").',
      },
      senderSignaturePatterns: {
        type: 'object', default: {},
        propertyNames: { pattern: '^([^@\\s]+)?@[^@\\s]+$' },
        additionalProperties: { type: 'array', items: { type: 'string', format: 'regex' } },
        description: 'More signature patterns for one sender ("clerk@acme.test") or a whole domain ("@acme.test"), matched against the From header and the envelope sender, e.g. {"@acme.test": ["^Mit freundlichen Grüßen"]}.',
      },
      closings: {
        type: 'array', items: { type: 'string', minLength: 1, pattern: '\\S' }, default: [...DEFAULT_CLOSINGS],
        description: 'Closing formulas ("Mit freundlichen Grüßen", "Best regards"). A line that is one of them (any case; ß and ss, ü and ue alike; a name may follow: "Gruß, Max", "Viele Grüße aus Köln"; thanks or a wish may go before it: "Vielen Dank und freundliche Grüße", "Schönes Wochenende und viele Grüße") and has below it only a signature block — at most 10 short lines of names (also after "i. A.", "ppa.", "gez."), roles, companies, addresses, phone numbers, links, or a longer line of such items separated by "·" or "|"; no sentences, no P.S. — is cut with that block. Nothing is cut when message text follows it, or when only a salutation ("Hallo Max,") would be left. "Danke" and "Thanks" are not in the defaults: alone they are often the message. [] turns this off.',
      },
      disclaimerPatterns: {
        type: 'array', items: { type: 'string', format: 'regex' }, default: [],
        description: 'Regular expressions (case-insensitive) for the first line of the company\'s own disclaimer, on top of the built-in German and English openings ("Diese E-Mail enthält vertrauliche …", "This e-mail may contain confidential …", "Bitte denken Sie an die Umwelt …"), e.g. ["^ACME GmbH – Rechtliche Hinweise"]. A disclaimer is cut, from that line or the line of underscores above it, only at the end of the mail: below it there may be nothing but more disclaimer text and short footer lines (register details, address). Then the closing rule applies to what is left.',
      },
      transliterate: bool(true, 'Replace typographic characters (smart quotes, dashes, ellipsis, non-breaking space) with GSM-7 equivalents so one autocorrected quote does not double the price; only when that makes the whole text GSM-7 (in a text that goes as Unicode anyway, because of Cyrillic, an emoji or a "ř", they stay as written). Invisible characters without text (zero-width space, soft hyphen, byte order mark, direction marks and overrides outside right-to-left text) are removed either way.'),
      maxSegments: int(6, 'Longest SMS accepted, in segments; longer texts get 552 5.3.4.', 1, 255),
    }),
    options: obj('Sending options that senders give per mail (X-SMS-* headers or [KEY:VALUE] subject tags), and the defaults accounts inherit.', {
      timeZone: str('Europe/Berlin', 'IANA time zone in which local send times such as [AT:01.12.2026 09:00] are read.'),
      maxAheadDays: int(30, 'How far ahead a send time may lie.', 1, 365),
      senderId: str('', 'Default sender ID of accounts that set none; empty: the connector\'s (the aggregator\'s) default.'),
      numericSender: str('', 'Default numeric fallback sender of accounts that set none (see numericOnlyCountries); empty: none.'),
      allowedSenderIds: {
        type: 'array', items: { type: 'string', minLength: 1 }, default: [],
        description: 'Sender IDs a mail may ask for, for accounts that list none ("*": any). Empty: only an account\'s own senderId and numericSender.',
      },
      numericOnlyCountries: {
        // Checked against the number plan (config/check.ts), which names the allowed values; a pattern would only say "^[A-Z]{2}$".
        type: 'array', items: { type: 'string' }, default: ['US', 'CA', 'PR', 'CN'],
        description: 'Countries whose carriers do not deliver alphanumeric sender IDs; SMS there get the account\'s numericSender instead (see onNumericOnly).',
      },
      onNumericOnly: str('fallback', 'What happens to a name as sender ID for a number in numericOnlyCountries: fallback: the account\'s numericSender replaces it (refused when the account has none); reject: the mail is refused with 550 5.7.1.', { enum: ['fallback', 'reject'] }),
      validityHours: { type: 'number', minimum: 0, maximum: 72, default: 0, description: 'Default validity of accounts that set none, in hours; 0: the carrier\'s own.' },
      duplicateDetection: bool(false, 'Default of accounts that set none: the same text from the same sender to the same number is sent only once within duplicateWindowMinutes.'),
      duplicateWindowMinutes: int(10, 'Default window of duplicate detection by content.', 1, 10080),
      quietHours: quietHoursSchema('Default quiet hours of accounts that set none, in the recipient\'s local time; off by default.', true),
      countryQuietHours: {
        // Its keys are checked against the number plan too (config/check.ts).
        type: 'object', default: {}, additionalProperties: quietHoursSchema('Quiet hours of one country.', false),
        description: 'Quiet hours per destination country, for every account, in that country\'s local time, e.g. {"FR": {"from": "20:00", "to": "08:00", "days": ["sun"]}}. Off by default.',
      },
    }),
    store: obj('Durable storage of messages.', {
      dir: str('data', 'Folder of the journal, the state snapshot and the archive (relative to the working directory).'),
      journalSegmentBytes: int(64 * 1024 * 1024, 'Size at which the journal is rolled over into a new segment and the state is compacted.', 4096, 2 ** 31 - 1),
      duplicateWindowHours: int(72, 'How long a mail\'s duplicate key (Message-ID, recipient, text and options as written) and a REST request\'s Idempotency-Key are remembered, so that a mail server or program retrying after a lost reply does not send the SMS twice.', 1, 24 * 365),
    }),
    dispatch: obj('Sending queued SMS to the connectors.', {
      concurrency: int(50, 'SMS handed to connectors at the same time.', 1, 10000),
      retry: obj('Waits after an attempt in which every candidate connector failed temporarily: min(maxSeconds, baseSeconds × factor^(attempt−1)), then scaled by a random factor in [1 − jitter, 1 + jitter] so retries of many SMS do not arrive together.', {
        baseSeconds: num(5, 'Wait after the first failed attempt.', 0.1, 86400),
        factor: num(2, 'Growth of the wait from one attempt to the next.', 1, 100),
        maxSeconds: num(1800, 'Longest wait (before jitter).', 1, 86400),
        jitter: num(0.2, 'Random spread of each wait, as a fraction of it (0 = none).', 0, 1),
      }),
      maxAgeHours: int(24, 'After this long without being handed over, counted from the first attempt, an SMS fails with the last reason.', 1, 24 * 30),
      receiptTimeoutHours: int(48, 'A submitted SMS without a delivery report after this long is marked expired (one the bridge a restored backup was taken of sent: as sent, no delivery report).', 1, 24 * 30),
    }),
    connectors: connectorsSchema,
    routes: routesSchema,
    defaultRoute: defaultRouteSchema,
    notify: obj('Confirmations emailed back to the sender.', {
      level: str('final', 'none; failure: only failures; final (or delivery, the same): the final status (delivered or failed); all: accepted, handed to the carrier, and final. The same words as an account\'s notify, X-SMS-Notify, [NOTIFY:…] and the status callbacks\' levels take. A client asking DSN (NOTIFY=) overrides this.',
        { enum: [...CALLBACK_LEVELS] }),
      from: str('mail2sms <noreply@sms.localhost>', 'From address of confirmations.'),
      timeZone: str('Europe/Berlin', 'IANA time zone of the timestamps in confirmations and forwarded replies; an account with a timeZone of its own gets them in that zone, as its send times are read.'),
      language: str('en', 'Language of confirmations and preview answers: en English, de German ("SMS an +49… zugestellt", times as 23.11.2026 15:05:09 MEZ, cancel with STORNO). Also the portal\'s language for admins and for users of accounts without their own. An account may set its own (accounts[].language, also in the portal). Reasons in an SMS\'s history stay English (see Confirmations and their language).',
        { enum: [...LANGUAGES] }),
      transport: str('file', 'file: write .eml files to outboxDir; smtp: send through the relay below.', { enum: ['file', 'smtp'] }),
      outboxDir: str('outbox', 'Folder for confirmation .eml files (relative to store.dir).'),
      relay: obj('SMTP relay for confirmations (transport smtp).', {
        host: str('127.0.0.1', 'Relay host.'),
        port: int(25, 'Relay port.', 1, 65535),
        secure: bool(false, 'Implicit TLS (port 465 style).'),
        user: str('', 'User name; empty for no authentication.'),
        pass: str('', 'Password; write "${ENV_NAME}" to read it from the environment.'),
        tlsCaFile: str('', 'PEM file with extra certificate authorities to trust for the relay\'s TLS (STARTTLS, which is used whenever the relay offers it, or implicit TLS): a private CA, or a relay on this machine with a self-signed certificate, such as the one Debian\'s Postfix is installed with, which the system\'s authorities do not vouch for, so that every confirmation would fail. Empty: the system\'s.'),
      }),
      retrySeconds: {
        type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, default: [10, 60, 300, 1800],
        description: 'Waits between attempts to send a confirmation; the last value repeats. A confirmation is never dropped.',
      },
      delayAfterMinutes: int(30, 'A client that asked for delay reports (RFC 3461 NOTIFY=DELAY) gets one, once per SMS, when the SMS has no final status this long after it was due: its send time, or the end of a quiet-hours hold (a scheduled SMS is not delayed). 30: SMS are delivered within seconds and delivery reports mostly within minutes, so half an hour without one means the handset is off or the route is stuck, while a time-critical alert can still be followed up; MTAs warn after hours, as mail takes that long. 0: none.', 0, 7 * 24 * 60),
      returnFullDays: int(7, 'How long a mail whose client asked for the full message in its delivery reports (RFC 3461 RET=FULL) is kept, as received, in the store\'s originals/ folder, counted from when the last of its SMS falls due (a mail scheduled ahead is kept until then and this long after), so that its reports return it; a report after that returns its headers and says so. Only such mails are kept. 7: an SMS\'s final report comes at most dispatch.receiptTimeoutHours (48) after it went, with room for retries and delay reports. 0: none kept, reports return the headers and say that this service keeps none.', 0, 365),
      returnFullMaxBytes: int(100_000, 'Largest mail, in bytes as received, kept for RET=FULL (see returnFullDays) and returned whole in its delivery reports. A larger one is not kept at all (no disk spent), and its reports return its headers and say why, with its size and this limit. 100000: a mail whose text becomes an SMS is a few kilobytes, an HTML one with a logo some tens, so these come back whole; a mail that carries attachments (which never go with the SMS) would otherwise go back whole with every report of each of its SMS (accepted, delayed, delivered or failed), 10 MB a report for a 10 MB mail. Postfix returns at most 50,000 bytes of a bounced mail (bounce_size_limit) and cuts off the rest; a mail in a report cannot be cut (it would arrive broken), so this returns somewhat more, but whole, or else the headers.', 1024, 1024 * 1024 * 1024),
      correctionWaitSeconds: int(30, 'An SMS failed as not confirmed that the carrier then took after all (a late answer) is corrected to "handed to carrier"; that correction\'s mail waits up to this long for the carrier\'s delivery report, and when the report comes first, one mail gives the outcome and says it corrects the "not confirmed" one (not "handed to carrier" and "failed" moments apart). 30: reports of unknown and reachable numbers mostly come within seconds, and the clerk, already told to check before sending again, loses little. 0: mailed at once. Mail only: status callbacks push the correction and the outcome each when it is stored (an ERP that resends failures must learn at once that the SMS went).', 0, 600),
      gatherSeconds: int(10, 'A mail to several numbers gets one confirmation per stage listing each number, not one per number: a confirmation owed for one of its SMS waits up to this long for the others\' of the same stage, and ends waiting as soon as none is still on its way; those that come later go in a mail of their own. A mail to one number never waits. 0: only what is owed at the same moment goes together.', 0, 300),
    }),
    statusCallbacks: statusCallbacksSchema,
    audit: auditSchema,
    api: obj('The portal (web pages for team leads and operators) and the REST API, with Prometheus metrics at /metrics. Users log in with the accounts\' users (mail2sms users add).', {
      enabled: bool(true, 'Serve the portal, the REST API and /metrics.'),
      host: str('127.0.0.1', 'Address to listen on. Other machines should reach it only through a TLS proxy (set secureCookies then).'),
      port: int(8025, 'Port to listen on (0 picks a free port).', 0, 65535),
      sessionHours: int(8, 'A login (portal cookie or API token) ends after this long without use.', 1, 24 * 30),
      secureCookies: bool(false, 'Mark the portal\'s cookies Secure, for a portal reached over HTTPS through a proxy.'),
      trustProxy: {
        type: 'array', items: { type: 'string', minLength: 1 }, default: [],
        description: 'Addresses or networks ("127.0.0.1", "10.0.0.0/8") of reverse proxies in front of the portal whose X-Forwarded-For names the client: the login throttle, the logs and the audit log then see the client\'s address instead of the proxy\'s. Empty: the header is ignored (anyone could write it). A proxy on this machine belongs here even if it sends no X-Forwarded-For: a loopback peer named here is never a local client for /metrics (metrics.unauthenticated).',
      },
      metrics: obj('Who may read /metrics (every account\'s volume, every connector\'s state): an admin user (Basic or a bearer token of POST /api/v1/login), the local operator (the token of mail2sms status), Prometheus with metrics.token, and without credentials whoever metrics.unauthenticated lets in. Others get 401 with a WWW-Authenticate challenge, users of an account 403.', {
        token: str('', 'Bearer token for Prometheus (scrape_config authorization: {credentials_file: …}, or bearer_token_file): at least 16 characters, "${ENV_NAME}" reads it from the environment; never logged. Empty: none.'),
        unauthenticated: str('loopback', 'Who may read /metrics without credentials: "loopback", a client on this machine that connects directly (not a proxy of api.trustProxy, no X-Forwarded-For, Forwarded or X-Real-IP header); "anywhere" (only where a firewall keeps others away); "nowhere".', { enum: ['loopback', 'anywhere', 'nowhere'] }),
      }),
    }),
    log: obj('Logging (JSON lines on standard output).', {
      level: str('info', 'Lowest level logged.', { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }),
      connectorStatusMinutes: int(5, 'Every connector\'s state (up, link, window in use, SMS taken in the last minute, breaker) is logged as connector-status this often, and whenever it changes; 0 logs changes only.', 0, 1440),
      eventLoopStallMs: int(500, 'An event loop that runs nothing for this long or longer (a long garbage collection, a synchronous read, a machine that gives the process no CPU) is logged as event-loop-stalled, with the CPU and garbage collection time of the stall, and counted in mail2sms_event_loop_stalls_total; 0 does not watch.', 0, 60000),
    }),
  },
} as const;
