/**
 * The portal in English: the reference table. German (de.ts) has to have the
 * same shape (PortalWording is this table's type), so a sentence added here and
 * not there is a type error, not an English line on a German page.
 */
import type { EDITABLE_ACCOUNT_KEYS } from '../../accounts/schema.js';
import type { SmsMessage, SmsStatus } from '../../store/types.js';
import { formatTime } from '../../notify/times.js';
import { wordingFor, type Language } from '../../notify/wording/index.js';
import { ENGLISH_CHARTS } from '../charts.js';
import { replyReason } from '../history/replies.js';
import { searchRefusalWords, type SearchRefusal } from '../search-refusals.js';
import { esc } from './html.js';
import { problemEnglish, type KeyedReason } from '../../config/reasons.js';

const notify = wordingFor('en');

export type EditableKey = (typeof EDITABLE_ACCOUNT_KEYS)[number];

export const en = {
  language: 'en' as Language,
  /** The confirmations' table of the same language: status words and the reasons of holds and retries. */
  notify,
  time: (iso: string, timeZone?: string) => formatTime(iso, timeZone),
  /** A day of the statistics ("2026-11-30"), as the language writes a date. */
  day: (day: string) => day,
  /** A day on the charts' axis, short. */
  dayShort: (day: string) => day.slice(5),
  /** A figure; English pages keep them as the API gives them (1234), German ones group thousands (1.234). */
  num: (n: number) => String(n),
  pct: (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)} %`),
  duration: (ms: number | null) => (ms === null ? '–' : ms < 1000 ? `${ms} ms` : ms < 120000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60000).toFixed(1)} min`),
  /** A status as a word; English pages show the status names the API and CSV use. */
  status: (s: string) => s,
  /** The link to the other language, in that language. */
  switchTo: { language: 'de', label: 'Deutsch', title: 'Dieses Portal auf Deutsch' },
  layout: {
    nav: { dashboard: 'Dashboard', messages: 'Messages', accounts: 'Default options' },
    who: (role: string, account: string) => (role === 'admin' ? 'all accounts' : `account ${account}`),
    logout: 'Log out',
    heldTitle: 'Sending is held after a restore.',
    heldHtml: (finishedAt: string, heldUrl: string, uncertainUrl: string) => ` This store was restored from a backup of ${esc(finishedAt)}; SMS accepted before then are not sent until an operator has checked them (the bridge the backup was taken of may have sent them already) and runs <code>mail2sms hold release</code>. Each shows it in its timeline; cancel those that went already. New mail is sent as usual.
<a href="${esc(heldUrl)}">The SMS held</a> ·
<a href="${esc(uncertainUrl)}">Uncertain since the backup</a> (being handed to the carrier when it was taken: the old bridge's log tells whether they went; <code>mail2sms hold mark &lt;id&gt;… sent|not-sent</code> or an admin's buttons on that list settle them before the release).`,
    timesIn: 'Times in',
    zoneAdmin: ' (the gateway\'s time zone, for every account; each account\'s users see their account\'s)',
    zoneUser: ' (your account\'s time zone)',
  },
  login: {
    title: 'Log in',
    intro: 'Use the user name and password you got for this SMS gateway.',
    user: 'User',
    password: 'Password',
    submit: 'Log in',
    expired: 'The login form had expired. Please log in again.',
    wrong: 'Unknown user or wrong password.',
    locked: (minutes: number) => `Too many failed logins from this address; try again in ${minutes} minute(s).`,
  },
  errors: {
    /** By HTTP status: the page's heading. */
    title: (status: number, title: string) => title,
    notFound: 'Not found',
    noMessage: (id: string) => `There is no message ${id}.`,
    noAccount: (name: string) => `There is no account ${name}.`,
    foreignForm: (from: string) => `this form was sent from ${from}`,
    formExpired: 'the form has expired or did not come from this portal; reload the page and try again',
    adminOnly: 'only an admin may settle what a restored backup left uncertain',
    verdictUnknown: (v: string) => `the verdict is "${v}"; known: sent, not-sent`,
    carrierIdNotSent: 'a carrier id names what went: it goes with the verdict sent only',
    carrierIdBad: (id: string) => `the carrier id "${id}" is not one: at most 64 characters, no spaces (as the old bridge's sms-submitted line or a receipt has it)`,
    /** A search the API's rules refused: its sentence (in English, as the API says it). */
    search: (detail: string) => detail,
    /** A search refused for a reason of its own (search-refusals.ts), worded in the page's language. */
    searchRefused: (r: SearchRefusal) => searchRefusalWords(r),
  },
  dashboard: {
    title: 'Dashboard',
    period: 'Period',
    lastDays: (d: number) => `last ${d} days`,
    account: 'Account',
    allAccounts: 'all accounts',
    show: 'Show',
    today: (day: string) => `Today (${day})`,
    todayMessages: 'SMS accepted',
    todaySegments: 'segments (billed parts)',
    delivered: 'delivered',
    todayFailed: 'failed, expired or rejected',
    todayPending: 'on their way or scheduled',
    deliveryRate: 'delivery rate',
    last: (d: number) => `Last ${d} days`,
    sms: 'SMS',
    segments: 'segments',
    median: 'time to delivery, median',
    p95: 'time to delivery, 95 %',
    perDay: 'SMS per day',
    failed: 'failed',
    notFinal: 'not final yet',
    ratePerDay: 'Delivery rate per day',
    byConnector: 'By connector',
    byCountry: 'By destination country',
    byAccount: 'By account',
    byStatus: 'By status',
    notSent: 'not sent (yet)',
    unknownCountry: 'unknown',
    noAccount: '(none)',
    connector: 'connector',
    country: 'country',
    accountColumn: 'account',
    rate: 'rate',
    status: 'status',
    nothing: 'nothing in this period',
    connectors: 'Connectors',
    type: 'type',
    state: 'state',
    inFlight: 'in flight / window',
    taken: 'SMS taken: last minute / since start',
    breaker: 'circuit breaker',
    note: 'note',
    phase: (p: string) => p,
    /** A connector's state word (ConnectorHealth.state: ready, bound, connecting, down, failing, throttled). */
    connectorState: (state: string) => state,
    /** The connector's own sentence about what is wrong (its last error), as it reports it. */
    connectorSays: (detail: string) => detail,
    openUntil: (t: string) => ` until ${t} UTC`,
    probeDue: ' cool-down over: the next SMS tests the connector',
    lastFailure: (reason: string) => ` (last failure: ${reason})`,
  },
  charts: {
    volume: ENGLISH_CHARTS.volume,
    rate: ENGLISH_CHARTS.rate,
    part: ENGLISH_CHARTS.part,
  },
  messages: {
    title: 'Messages',
    uncertainIntroHtml: 'Only SMS the backup this store was restored from caught while they were being handed to the carrier: still <em>submitting</em> until an operator marks them (<code>mail2sms hold mark</code>, or an admin here: "Went out" is not sent again, "Did not" is sent at the release) or releases the hold, or settled since.',
    reference: 'Reference',
    billingCode: 'Billing code',
    number: 'Number',
    status: 'Status',
    any: 'any',
    from: 'From',
    until: 'Until',
    sender: 'Sender',
    account: 'Account',
    all: 'all',
    search: 'Search',
    col: {
      accepted: 'accepted', to: 'to', reference: 'reference', billingCode: 'billing code', status: 'status', text: 'text', sender: 'sender', account: 'account',
      wentOut: 'went out before the backup?',
    },
    sent: 'Went out',
    notSent: 'Did not',
    older: 'Older messages',
    csv: 'Download all matches as CSV',
    excel: 'CSV for Excel (Germany, Austria, Switzerland)',
    none: 'No message matches.',
    hint: 'Search by your reference, the number, the status or the time. Without criteria the newest messages are shown.',
    /** Beside a queued SMS's status: why it is held, or when it is due. */
    wait: {
      held: 'held',
      quiet: (until: string) => `quiet hours, goes at ${until}`,
      brake: 'the account is stopped by the fraud brake',
      restore: 'after a restore, until an operator releases it',
      due: (at: string) => `due ${at}`,
    },
  },
  message: {
    title: (to: string) => `SMS to ${to}`,
    cancelled: 'The SMS was cancelled; it will not be sent.',
    tooLate: 'This SMS can no longer be cancelled: it was handed to the carrier or had already ended.',
    markedSent: 'Marked as sent by the bridge the backup was taken of: it is settled as handed to the carrier and not sent again.',
    markedNotSent: 'Marked as not sent before the backup: it is sent when the hold after the restore is released.',
    notUncertain: 'Nothing was changed: this SMS is no longer one the backup left uncertain (it was marked otherwise, the hold was released, or it is being handed to the carrier right now).',
    uncertain: 'Uncertain since the backup',
    uncertainHtml: (connector: string, id: string) => `The backup this store was restored from was taken while this SMS was being handed to the carrier${connector ? ` through ${esc(connector)}` : ''}; the answer went to the bridge the backup was taken of. Its log (<code>sms-submitted</code> and <code>sms-final</code> with id <code>${esc(id)}</code>) or the carrier's records tell whether it went out. Say what you found before the hold is released; without your word the release settles it as its connector's <code>onUncertain</code> says.`,
    carrierIdField: 'Carrier id, if you know it',
    optional: 'optional',
    wentOut: 'It went out: do not send it again',
    didNot: 'It did not go out: send it at the release',
    carrierIdHtml: 'The carrier id (the SMSC\'s id of it: the old bridge\'s <code>sms-submitted</code> line has it) links its delivery receipts: one kept since the restore decides its outcome at once, one still to come is recorded as its report.',
    receiptsHtml: 'Delivery receipts that may be this SMS\'s',
    receiptsIntro: (uncertain: boolean, accepted: boolean) => `Kept since the restore: receipts under carrier ids this bridge never gave out (they went to the bridge the backup was taken of) that fit this SMS by number, time and text, and other held SMS too, so none was settled.${uncertain ? ' If the old bridge\'s log shows one is this SMS\'s, say so: it is marked as gone and the receipt decides its outcome.' : accepted ? ' This SMS was not being handed over when the backup was taken, so a receipt does not settle it: if it went out, cancel it.' : ''}`,
    receiptCol: { carrierId: 'Carrier id', receipt: 'Receipt', for: 'For', taken: 'Taken by the SMSC', text: 'Text', alsoFits: 'Also fits' },
    thisReceipt: 'This is its receipt: it went out',
    caught: 'Held since this service was restored from a backup: it was being handed to the carrier when the backup was taken, so an operator checks whether it went out before; it is not sent twice',
    waitingFor: (status: string) => `Waiting for ${status === 'submitted' ? 'the delivery report' : 'its turn to be sent'}`,
    cancel: 'Cancel this SMS',
    /** A mail to several numbers, or a text split into several SMS: all of them at once (`count`: how many the mail became). */
    cancelMail: (count: number) => `Cancel all ${count} SMS of this mail`,
    mailCancelled: (mailId: string) => `Cancel of the SMS of mail ${mailId}:`,
    /** What became of each (cancel-mail.ts CancelOutcome); `status`: the one it ended with when it was too late. */
    mailOutcome: (outcome: string, status: string) => ({
      cancelled: 'cancelled',
      'already-cancelled': 'was cancelled already',
      'too-late': 'too late: it was handed to the carrier',
      'already-final': `not cancelled: it had ended already (${status})`,
    } as Record<string, string>)[outcome] ?? outcome,
    theSms: 'The SMS',
    yourReference: 'Your reference',
    billingCode: 'Billing code',
    ourId: 'Our id',
    carrierId: 'Carrier id',
    length: 'Length',
    lengthOf: (segments: number, encoding: SmsMessage['encoding']) => `${segments} segment${segments === 1 ? '' : 's'}, ${encoding === 'GSM7' ? 'GSM 7-bit' : 'Unicode (UCS-2)'}`,
    senderId: 'Sender ID',
    connectorDefault: 'the connector\'s default',
    sendTime: 'Send time',
    account: 'Account',
    from: 'From',
    viaApi: (user: string) => `REST API, user ${user}`,
    subject: 'Mail subject',
    confirmations: 'Confirmations',
    noConfirmations: 'none',
    confirmationSent: (at: string) => `sent ${at}`,
    confirmationOwed: 'not sent yet',
    statusCallback: (stage: string) => `${stage} (status callback)`,
    back: 'Back to the search',
  },
  /** Who an SMS is from, as the search and its page show it. */
  sender: {
    answer: (keyword: string, connector: string) => `answer to ${keyword} (${connector})`,
    api: (user: string) => `API: ${user}`,
    connectorDefault: (sender: string) => `${sender} (the connector's default)`,
  },
  timeline: {
    accepted: 'Accepted by mail2sms',
    scheduled: (at: string) => `scheduled for ${at}`,
    heldUntil: (at: string) => `Held until ${at}`,
    throttled: 'Waiting, will try again',
    retry: 'Attempt failed, will try again',
    markedNotSent: 'Marked as not sent before the backup: goes at the release',
    heldRestore: 'Held after a restore',
    heldBrake: 'Held: the account is stopped by the fraud brake',
    queuedAgain: 'Queued again',
    part: (index: number, of: number) => `Part ${index} of ${of} delivered`,
    handedOver: 'Handed to the carrier',
    via: (connector: string) => `via ${connector}`,
    carrierId: (id: string) => `carrier id ${id}`,
    delivered: 'Delivered to the phone',
    /**
     * The reason recorded with a final status: the carrier's or connector's own text (`fromCarrier`: it came through a
     * connector) or the bridge's; shown as it is, a German page names whose it is.
     */
    reported: (reason: string, _fromCarrier: boolean) => reason,
    /** Failed, expired, rejected, cancelled: the status as a heading. */
    ended: (status: SmsStatus) => status.charAt(0).toUpperCase() + status.slice(1),
    keyword: (keyword: string, from: string) => `${keyword} received from ${from}`,
    reply: (from: string) => `Reply received from ${from}`,
    /** The reply's detail; `mailed`: where its mail went, "not sent: …", or null while owed. */
    replyDetail: replyReason,
  },
  accounts: {
    title: 'Accounts',
    col: { account: 'account', description: 'description', country: 'country', timeZone: 'time zone', confirmations: 'confirmations', longest: 'longest SMS' },
  },
  account: {
    title: (name: string) => `Default options of ${name}`,
    intro: 'These apply to every SMS of the account that does not set the option itself, from the next mail on. Leave a field empty to go back to the configured value.',
    saved: 'Saved. The next mail uses these options.',
    nothingSaved: 'Nothing was saved:',
    configured: '(configured value)',
    on: 'on',
    off: 'off',
    save: 'Save',
    /** The words of a select's values (notify levels, languages), where the language has its own; else the value. */
    options: {} as Record<string, string>,
    notJson: (detail: string) => `is not valid JSON (${detail})`,
    /** A refused value (config/reasons.ts): "<key>: <why>", as the configuration's checks say it. */
    problem: (p: KeyedReason) => problemEnglish(p),
    labels: {
      description: 'Description', timeZone: 'Time zone', defaultCountry: 'Country for national numbers', notify: 'Confirmations', language: 'Language of confirmations', maxSegments: 'Longest SMS (segments)',
      senderId: 'Default sender ID', numericSender: 'Numeric sender (countries without names)', billingCode: 'Billing code', validityHours: 'Validity (hours)',
      duplicateDetection: 'Duplicate detection', duplicateWindowMinutes: 'Duplicate window (minutes)', signaturePatterns: 'Signature patterns (one per line)',
      quietHours: 'Quiet hours (JSON)', statusCallback: 'Status callback URL', statusCallbackLevel: 'Status callbacks', forwardReplies: 'Forward replies from handsets by mail',
    } as Record<EditableKey, string>,
    /**
     * Under each field, in a team lead's words; the README's (the schema's descriptions) speak in config keys, which the
     * page names apart, for operators (`configKey`).
     */
    help: {
      description: 'A description of the account, shown only.',
      timeZone: 'Time zone of this account\'s local send times and quiet hours (an IANA name such as Europe/Berlin); empty: the gateway\'s.',
      defaultCountry: 'Country (ISO 3166 code such as DE) of national numbers like 015112345678 in this account\'s mail.',
      notify: 'Which confirmations this account\'s senders get by mail: none; only on failure (failed, expired, rejected, cancelled); the final status (whatever it is); all (also accepted and handed to the carrier).',
      language: 'Language of this account\'s confirmations and preview answers; also the language of this portal for its users.',
      maxSegments: 'Longest SMS this account may send, in segments (billed parts); never more than the gateway allows.',
      senderId: 'Sender ID of this account\'s SMS when a mail names none: a name ("ACME"), an international number or a short code.',
      numericSender: 'Numeric sender (international number or short code) used instead of a name for countries that allow no names.',
      billingCode: 'Billing code (cost centre) of this account\'s SMS when the mail or request names none ([BC:…], X-SMS-Billing-Code); printable characters only. Without it, such an SMS has none.',
      validityHours: 'How long this account\'s SMS may wait to be handed to the carrier before they expire, unless the mail says otherwise.',
      duplicateDetection: 'Send the same text from the same sender to the same number only once within the duplicate window (a mail can change it with [DUPLICATEDETECTION:ON|OFF]).',
      duplicateWindowMinutes: 'The window of duplicate detection, in minutes.',
      signaturePatterns: 'More patterns (regular expressions) for signatures in this account\'s mail, e.g. ^Best regards. Patterns with repeated groups or back-references are refused.',
      quietHours: 'Quiet hours in the recipient\'s local time: SMS are held until they end. Empty: the configured ones; {}: none for this account. Example:',
      statusCallback: 'Web address that gets the status of this account\'s SMS, by mail and REST API (a request that names its own replaces it); it has to be one the configuration allows. Without it, only requests that name one get status callbacks.',
      statusCallbackLevel: 'Which statuses are sent when a request does not say: none; only on failure (failed, expired, rejected, cancelled); the final status; all (accepted, handed to the carrier, and final).',
      forwardReplies: 'Mail replies from handsets to this account\'s SMS to the sender of the SMS they answer; switch off, or on where the configuration allows it.',
    } as Record<EditableKey, string>,
    /** The key of a field in the configuration file, for operators. */
    configKey: (key: string) => `accounts[].${key}`,
  },
};

export type PortalWording = typeof en;
