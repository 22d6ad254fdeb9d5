/**
 * Das Portal auf Deutsch. Statuswörter und die Gründe in der Historie kommen
 * aus der Formulierung der Bestätigungen (notify/wording/de.ts), damit Portal
 * und Bestätigung dasselbe sagen; Zeiten wie dort (23.11.2026 15:05:09 MEZ).
 */
import type { SmsStatus } from '../../store/types.js';
import { formatTimeGerman } from '../../notify/times.js';
import { wordingFor } from '../../notify/wording/index.js';
import type { PortalWording } from './en.js';
import { esc } from './html.js';
import { problemGerman } from './reasons-de.js';
import type { SearchRefusal } from '../search-refusals.js';

const notify = wordingFor('de');
const figures = new Intl.NumberFormat('de-DE');
const decimal = new Intl.NumberFormat('de-DE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** "30.11.2026" for "2026-11-30". */
const datum = (day: string) => (/^\d{4}-\d\d-\d\d$/.test(day) ? `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}` : day);

const TITLES: Record<number, string> = {
  400: 'Ungültige Anfrage', 401: 'Nicht angemeldet', 403: 'Nicht erlaubt', 404: 'Nicht gefunden', 409: 'Nicht möglich', 413: 'Zu groß',
  422: 'Nicht gespeichert', 429: 'Zu viele Versuche', 500: 'Interner Fehler', 503: 'Vorübergehend nicht verfügbar',
};

const STATES: Record<string, string> = { ready: 'bereit', bound: 'verbunden', connecting: 'verbindet', down: 'getrennt', failing: 'gestört', throttled: 'gebremst' };

const PHASES: Record<string, string> = { closed: 'geschlossen', open: 'offen', 'half-open': 'halb offen', 'probe-due': 'Test fällig' };

const FIELDS: Record<string, string> = { from: 'Von', until: 'Bis' };

/** Why a search is refused (search-refusals.ts), as the REST API says it in English. */
function searchRefusal(r: SearchRefusal): string {
  switch (r.code) {
    case 'not-a-date': return `„${FIELDS[r.field] ?? r.field}“ ist mit „${r.text}“ kein Datum (JJJJ-MM-TT) und keine Zeit mit Zeitzone (2026-11-23T09:00:00+01:00)`;
    case 'not-a-day': return `„${FIELDS[r.field] ?? r.field}“ ist mit „${r.text}“ kein Tag des Kalenders (JJJJ-MM-TT)`;
    case 'no-digits': return `die Nummer „${r.text}“ enthält keine Ziffern; suchen Sie nach einer Nummer oder einigen ihrer Ziffern (+49 151 1234, 1234)`;
    case 'unknown-status': return `unbekannter Status ${r.unknown.map((s) => `„${s}“`).join(', ')}`;
    case 'unknown-backup': return `„${r.text}“ ist keine bekannte Auswahl der Sicherung`;
    case 'range-reversed': return `„Von“ (${r.from}) liegt nicht vor „Bis“ (${r.until}): dazwischen kann keine SMS liegen; tauschen Sie die beiden`;
    case 'other-account': return `Sie sehen nur die SMS Ihres Kontos „${r.own}“`;
  }
}

export const de: PortalWording = {
  language: 'de',
  notify,
  time: (iso, timeZone) => formatTimeGerman(iso, timeZone),
  day: datum,
  dayShort: (day) => `${day.slice(8, 10)}.${day.slice(5, 7)}.`,
  num: (n) => figures.format(n),
  pct: (r) => (r === null ? '–' : `${decimal.format(r * 100)} %`),
  duration: (ms) => (ms === null ? '–' : ms < 1000 ? `${figures.format(ms)} ms` : ms < 120000 ? `${decimal.format(ms / 1000)} s` : `${decimal.format(ms / 60000)} min`),
  status: (s) => (Object.hasOwn(notify.stage, s) ? notify.stage[s as SmsStatus] : s),
  switchTo: { language: 'en', label: 'English', title: 'This portal in English' },
  layout: {
    nav: { dashboard: 'Übersicht', messages: 'Nachrichten', accounts: 'Standardoptionen' },
    who: (role, account) => (role === 'admin' ? 'alle Konten' : `Konto ${account}`),
    logout: 'Abmelden',
    heldTitle: 'Der Versand ist nach einer Wiederherstellung angehalten.',
    heldHtml: (finishedAt, heldUrl, uncertainUrl) => ` Dieser Speicher wurde aus einer Sicherung vom ${esc(finishedAt)} wiederhergestellt; vorher angenommene SMS werden erst gesendet, wenn ein Betreiber sie geprüft hat (die Instanz, von der die Sicherung stammt, hat sie vielleicht schon gesendet) und <code>mail2sms hold release</code> ausführt. Jede zeigt das in ihrer Historie; stornieren Sie die, die schon gesendet wurden. Neue E-Mails werden wie gewohnt gesendet.
<a href="${esc(heldUrl)}">Die angehaltenen SMS</a> ·
<a href="${esc(uncertainUrl)}">Seit der Sicherung ungewiss</a> (wurden gerade an den Netzbetreiber übergeben, als sie erstellt wurde: das Protokoll der alten Instanz zeigt, ob sie gesendet wurden; <code>mail2sms hold mark &lt;id&gt;… sent|not-sent</code> oder die Schaltflächen eines Administrators in dieser Liste klären das vor der Freigabe).`,
    timesIn: 'Zeiten in',
    zoneAdmin: ' (Zeitzone des Gateways, für alle Konten; die Benutzer eines Kontos sehen die ihres Kontos)',
    zoneUser: ' (Zeitzone Ihres Kontos)',
  },
  login: {
    title: 'Anmelden',
    intro: 'Melden Sie sich mit dem Benutzernamen und dem Passwort an, die Sie für dieses SMS-Gateway erhalten haben.',
    user: 'Benutzer',
    password: 'Passwort',
    submit: 'Anmelden',
    expired: 'Das Anmeldeformular war abgelaufen. Bitte melden Sie sich erneut an.',
    wrong: 'Unbekannter Benutzer oder falsches Passwort.',
    locked: (minutes) => `Zu viele fehlgeschlagene Anmeldungen von dieser Adresse; bitte versuchen Sie es in ${minutes} Minute(n) erneut.`,
  },
  errors: {
    title: (status, title) => TITLES[status] ?? title,
    notFound: 'Nicht gefunden',
    noMessage: (id) => `Es gibt keine Nachricht ${id}.`,
    noAccount: (name) => `Es gibt kein Konto ${name}.`,
    foreignForm: (from) => `Dieses Formular wurde von ${from} gesendet.`,
    formExpired: 'Das Formular ist abgelaufen oder kam nicht aus diesem Portal; bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    adminOnly: 'Nur ein Administrator kann klären, was eine wiederhergestellte Sicherung offengelassen hat.',
    verdictUnknown: (v) => `Die Angabe „${v}“ ist unbekannt; möglich sind sent und not-sent.`,
    carrierIdNotSent: 'Eine Netzbetreiber-ID benennt, was gesendet wurde: Sie gehört nur zu „Wurde gesendet“.',
    carrierIdBad: (id) => `„${id}“ ist keine Netzbetreiber-ID: höchstens 64 Zeichen, ohne Leerzeichen (wie in der Zeile sms-submitted der alten Instanz oder in einem Zustellbericht).`,
    search: (detail) => `Die Suche ist so nicht möglich (${detail}).`,
    searchRefused: (r) => `Die Suche ist so nicht möglich: ${searchRefusal(r)}.`,
  },
  dashboard: {
    title: 'Übersicht',
    period: 'Zeitraum',
    lastDays: (d) => `letzte ${d} Tage`,
    account: 'Konto',
    allAccounts: 'alle Konten',
    show: 'Anzeigen',
    today: (day) => `Heute (${datum(day)})`,
    todayMessages: 'SMS angenommen',
    todaySegments: 'Teile (abgerechnet)',
    delivered: 'zugestellt',
    todayFailed: 'fehlgeschlagen, abgelaufen oder abgelehnt',
    todayPending: 'unterwegs oder geplant',
    deliveryRate: 'Zustellquote',
    last: (d) => `Letzte ${d} Tage`,
    sms: 'SMS',
    segments: 'Teile',
    median: 'Zeit bis zur Zustellung, Median',
    p95: 'Zeit bis zur Zustellung, 95 %',
    perDay: 'SMS pro Tag',
    failed: 'fehlgeschlagen',
    notFinal: 'noch nicht abgeschlossen',
    ratePerDay: 'Zustellquote pro Tag',
    byConnector: 'Nach Connector',
    byCountry: 'Nach Zielland',
    byAccount: 'Nach Konto',
    byStatus: 'Nach Status',
    notSent: '(noch) nicht gesendet',
    unknownCountry: 'unbekannt',
    noAccount: '(keins)',
    connector: 'Connector',
    country: 'Land',
    accountColumn: 'Konto',
    rate: 'Quote',
    status: 'Status',
    nothing: 'nichts in diesem Zeitraum',
    connectors: 'Connectoren',
    type: 'Typ',
    state: 'Zustand',
    inFlight: 'unterwegs / Fenster',
    taken: 'SMS übernommen: letzte Minute / seit dem Start',
    breaker: 'Schutzschalter',
    note: 'Hinweis',
    phase: (p) => PHASES[p] ?? p,
    connectorState: (state) => STATES[state] ?? state,
    connectorSays: (detail) => `Meldung des Connectors: ${detail}`,
    openUntil: (t) => ` bis ${t} UTC`,
    probeDue: ' Pause vorbei: die nächste SMS testet den Connector',
    lastFailure: (reason) => ` (letzter Fehler: ${reason})`,
  },
  charts: {
    volume: 'SMS pro Tag: zugestellt, fehlgeschlagen, noch nicht abgeschlossen',
    rate: 'Zustellquote pro Tag',
    part: { delivered: 'zugestellt', failed: 'fehlgeschlagen', pending: 'noch nicht abgeschlossen' },
  },
  messages: {
    title: 'Nachrichten',
    uncertainIntroHtml: 'Nur SMS, die die Sicherung, aus der dieser Speicher wiederhergestellt wurde, bei der Übergabe an den Netzbetreiber erfasst hat: Sie bleiben <em>Wird gesendet</em>, bis ein Betreiber sie kennzeichnet (<code>mail2sms hold mark</code>, oder ein Administrator hier: „Gesendet“ wird nicht erneut gesendet, „Nicht gesendet“ wird bei der Freigabe gesendet) oder die Sperre freigibt, oder sie sind inzwischen abgeschlossen.',
    reference: 'Referenz',
    billingCode: 'Kostenstelle',
    number: 'Nummer',
    status: 'Status',
    any: 'alle',
    from: 'Von',
    until: 'Bis',
    sender: 'Absender',
    account: 'Konto',
    all: 'alle',
    search: 'Suchen',
    col: {
      accepted: 'angenommen', to: 'an', reference: 'Referenz', billingCode: 'Kostenstelle', status: 'Status', text: 'Text', sender: 'Absender', account: 'Konto',
      wentOut: 'vor der Sicherung gesendet?',
    },
    sent: 'Gesendet',
    notSent: 'Nicht gesendet',
    older: 'Ältere Nachrichten',
    csv: 'Alle Treffer als CSV herunterladen',
    excel: 'CSV für Excel (Deutschland, Österreich, Schweiz)',
    none: 'Keine Nachricht passt.',
    hint: 'Suchen Sie nach Ihrer Referenz, der Nummer, dem Status oder der Zeit. Ohne Angaben werden die neuesten Nachrichten gezeigt.',
    wait: {
      held: 'Angehalten',
      quiet: (until) => `Ruhezeiten, geht ${until}`,
      brake: 'das Konto ist durch die Betrugsbremse gestoppt',
      restore: 'nach einer Wiederherstellung, bis ein Betreiber sie freigibt',
      due: (at) => `fällig ${at}`,
    },
  },
  message: {
    title: (to) => `SMS an ${to}`,
    cancelled: 'Die SMS wurde storniert; sie wird nicht gesendet.',
    tooLate: 'Diese SMS kann nicht mehr storniert werden: Sie wurde an den Netzbetreiber übergeben oder war schon abgeschlossen.',
    markedSent: 'Als von der Instanz gesendet gekennzeichnet, von der die Sicherung stammt: Sie gilt als an den Netzbetreiber übergeben und wird nicht erneut gesendet.',
    markedNotSent: 'Als vor der Sicherung nicht gesendet gekennzeichnet: Sie wird gesendet, wenn die Sperre nach der Wiederherstellung freigegeben wird.',
    notUncertain: 'Nichts wurde geändert: Diese SMS ist keine mehr, die die Sicherung offengelassen hat (sie wurde anders gekennzeichnet, die Sperre wurde freigegeben, oder sie wird gerade an den Netzbetreiber übergeben).',
    uncertain: 'Seit der Sicherung ungewiss',
    uncertainHtml: (connector, id) => `Die Sicherung, aus der dieser Speicher wiederhergestellt wurde, entstand, während diese SMS an den Netzbetreiber übergeben wurde${connector ? ` (über ${esc(connector)})` : ''}; die Antwort ging an die Instanz, von der die Sicherung stammt. Deren Protokoll (<code>sms-submitted</code> und <code>sms-final</code> mit der ID <code>${esc(id)}</code>) oder die Unterlagen des Netzbetreibers zeigen, ob sie gesendet wurde. Sagen Sie es, bevor die Sperre freigegeben wird; ohne Ihre Angabe entscheidet bei der Freigabe die Einstellung <code>onUncertain</code> ihres Connectors.`,
    carrierIdField: 'Netzbetreiber-ID, falls bekannt',
    optional: 'optional',
    wentOut: 'Sie wurde gesendet: nicht erneut senden',
    didNot: 'Sie wurde nicht gesendet: bei der Freigabe senden',
    carrierIdHtml: 'Die Netzbetreiber-ID (die ID des SMSC für sie: die Zeile <code>sms-submitted</code> der alten Instanz enthält sie) verbindet sie mit ihren Zustellberichten: Einer, der seit der Wiederherstellung aufbewahrt wird, entscheidet sofort über ihr Ergebnis, ein späterer wird als ihr Bericht erfasst.',
    receiptsHtml: 'Zustellberichte, die zu dieser SMS gehören könnten',
    receiptsIntro: (uncertain, accepted) => `Seit der Wiederherstellung aufbewahrt: Berichte zu Netzbetreiber-IDs, die diese Instanz nie vergeben hat (sie gingen an die Instanz, von der die Sicherung stammt), die nach Nummer, Zeit und Text zu dieser SMS passen und auch zu anderen angehaltenen SMS, daher wurde keine damit abgeschlossen.${uncertain ? ' Wenn das Protokoll der alten Instanz zeigt, dass einer zu dieser SMS gehört, sagen Sie es: Sie wird als gesendet gekennzeichnet, und der Bericht entscheidet über ihr Ergebnis.' : accepted ? ' Diese SMS wurde nicht gerade übergeben, als die Sicherung entstand, daher schließt ein Bericht sie nicht ab: Wenn sie gesendet wurde, stornieren Sie sie.' : ''}`,
    receiptCol: { carrierId: 'Netzbetreiber-ID', receipt: 'Bericht', for: 'Für', taken: 'Vom SMSC übernommen', text: 'Text', alsoFits: 'Passt auch zu' },
    thisReceipt: 'Das ist ihr Bericht: sie wurde gesendet',
    caught: 'Angehalten, seit dieser Dienst aus einer Sicherung wiederhergestellt wurde: Sie wurde gerade an den Netzbetreiber übergeben, als die Sicherung entstand, daher prüft ein Betreiber zuerst, ob sie gesendet wurde; sie wird nicht zweimal gesendet',
    waitingFor: (status) => (status === 'submitted' ? 'Wartet auf den Zustellbericht' : 'Wartet, bis sie an der Reihe ist'),
    cancel: 'Diese SMS stornieren',
    cancelMail: (count) => `Alle ${count} SMS dieser E-Mail stornieren`,
    mailCancelled: (mailId) => `Stornierung der SMS der E-Mail ${mailId}:`,
    mailOutcome: (outcome, status) => ({
      cancelled: 'storniert',
      'already-cancelled': 'war schon storniert',
      'too-late': 'zu spät: sie wurde an den Netzbetreiber übergeben',
      'already-final': `nicht storniert: sie war schon abgeschlossen (${Object.hasOwn(notify.stage, status) ? notify.stage[status as SmsStatus] : status})`,
    } as Record<string, string>)[outcome] ?? outcome,
    theSms: 'Die SMS',
    yourReference: notify.labels.yourReference,
    billingCode: notify.labels.billingCode,
    ourId: 'Unsere ID',
    carrierId: 'Netzbetreiber-ID',
    length: notify.labels.length,
    lengthOf: (segments, encoding) => notify.length(segments, encoding),
    senderId: 'Absenderkennung',
    connectorDefault: 'die Voreinstellung des Connectors',
    sendTime: notify.labels.sendTime,
    account: 'Konto',
    from: 'Von',
    viaApi: (user) => `REST-API, Benutzer ${user}`,
    subject: 'Betreff der E-Mail',
    confirmations: 'Bestätigungen',
    noConfirmations: 'keine',
    confirmationSent: (at) => `gesendet ${at}`,
    confirmationOwed: 'noch nicht gesendet',
    statusCallback: (stage) => `${stage} (Status-Callback)`,
    back: 'Zurück zur Suche',
  },
  sender: {
    answer: (keyword, connector) => `Antwort auf ${keyword} (${connector})`,
    api: (user) => `API: ${user}`,
    connectorDefault: (sender) => `${sender} (Voreinstellung des Connectors)`,
  },
  timeline: {
    accepted: 'Von mail2sms angenommen',
    scheduled: (at) => `geplant für ${at}`,
    heldUntil: (at) => `Zurückgehalten bis ${at}`,
    throttled: 'Wartet, neuer Versuch folgt',
    retry: 'Versuch fehlgeschlagen, neuer Versuch folgt',
    markedNotSent: 'Als vor der Sicherung nicht gesendet gekennzeichnet: geht bei der Freigabe',
    heldRestore: 'Nach einer Wiederherstellung angehalten',
    heldBrake: 'Angehalten: das Konto ist durch die Betrugsbremse gestoppt',
    queuedAgain: 'Erneut eingereiht',
    part: (index, of) => notify.partDelivered(index, of),
    handedOver: notify.stage.submitted,
    via: (connector) => `über ${connector}`,
    carrierId: (id) => `Netzbetreiber-ID ${id}`,
    delivered: 'Auf dem Telefon zugestellt',
    reported: (reason, fromCarrier) => `${fromCarrier ? 'Meldung des Netzbetreibers' : 'Grund'}: ${reason}`,
    ended: (status) => notify.stage[status],
    keyword: (keyword, from) => `${keyword} erhalten von ${from}`,
    reply: (from) => `Antwort erhalten von ${from}`,
    replyDetail: (r, to) => {
      const what = r.keyword ? `${r.keyword} von ${r.from}` : `Antwort von ${r.from} (${r.chars} Zeichen)`;
      if (r.mailed === null) return `${what}, wird an ${to} gemailt`;
      return r.mailed.startsWith('not sent') ? `${what}, nicht gemailt (${r.mailed.replace(/^not sent:?\s*/, '')})` : `${what}, an ${to} gemailt`;
    },
  },
  accounts: {
    title: 'Konten',
    col: { account: 'Konto', description: 'Beschreibung', country: 'Land', timeZone: 'Zeitzone', confirmations: 'Bestätigungen', longest: 'längste SMS' },
  },
  account: {
    title: (name) => `Standardoptionen von ${name}`,
    intro: 'Sie gelten ab der nächsten E-Mail für jede SMS des Kontos, die die Option nicht selbst setzt. Lassen Sie ein Feld leer, um zum konfigurierten Wert zurückzukehren.',
    saved: 'Gespeichert. Die nächste E-Mail verwendet diese Optionen.',
    nothingSaved: 'Es wurde nichts gespeichert:',
    configured: '(konfigurierter Wert)',
    on: 'an',
    off: 'aus',
    save: 'Speichern',
    options: { none: 'keine', failure: 'nur bei Fehlern', final: 'Endstatus', delivery: 'Zustellung (wie Endstatus)', all: 'alle', en: 'Englisch', de: 'Deutsch' },
    notJson: (detail) => `ist kein gültiges JSON (${detail})`,
    problem: problemGerman,
    labels: {
      description: 'Beschreibung', timeZone: 'Zeitzone', defaultCountry: 'Land für nationale Nummern', notify: 'Bestätigungen', language: 'Sprache der Bestätigungen', maxSegments: 'Längste SMS (Teile)',
      senderId: 'Standard-Absenderkennung', numericSender: 'Numerischer Absender (Länder ohne Namen)', billingCode: 'Kostenstelle', validityHours: 'Gültigkeit (Stunden)',
      duplicateDetection: 'Duplikaterkennung', duplicateWindowMinutes: 'Zeitfenster der Duplikaterkennung (Minuten)', signaturePatterns: 'Signaturmuster (eines je Zeile)',
      quietHours: 'Ruhezeiten (JSON)', statusCallback: 'URL für Status-Callbacks', statusCallbackLevel: 'Status-Callbacks', forwardReplies: 'Antworten von Handys per E-Mail weiterleiten',
    },
    help: {
      description: 'Eine Beschreibung des Kontos, nur zur Anzeige.',
      timeZone: 'Zeitzone der lokalen Sendezeiten und Ruhezeiten dieses Kontos (ein IANA-Name wie Europe/Berlin); leer: die des Gateways.',
      defaultCountry: 'Land (ISO 3166, z. B. DE) für nationale Nummern wie 015112345678 in E-Mails dieses Kontos.',
      notify: 'Welche Bestätigungen die Absender dieses Kontos erhalten: keine; nur bei Fehlern (fehlgeschlagen, abgelaufen, abgelehnt, storniert); Endstatus (jeder abschließende Status); alle (auch angenommen und an den Netzbetreiber übergeben).',
      language: 'Sprache der Bestätigungen und Vorschau-Antworten dieses Kontos; auch die Sprache dieses Portals für seine Benutzer.',
      maxSegments: 'Längste SMS, die dieses Konto senden darf, in Teilen; nie mehr als die Grenze des Gateways.',
      senderId: 'Absenderkennung der SMS dieses Kontos, wenn eine E-Mail keine nennt: ein Name („ACME“), eine internationale Nummer oder eine Kurzwahl.',
      numericSender: 'Numerischer Absender (internationale Nummer oder Kurzwahl) statt eines Namens für Länder, die keine Namen erlauben.',
      billingCode: 'Kostenstelle der SMS dieses Kontos, wenn E-Mail oder Anfrage keine nennt ([BC:…], X-SMS-Billing-Code); nur druckbare Zeichen. Ohne sie hat eine solche SMS keine.',
      validityHours: 'Wie lange die SMS des Kontos auf die Übergabe an den Netzbetreiber warten dürfen, bevor sie ablaufen, wenn die E-Mail nichts anderes sagt.',
      duplicateDetection: 'Denselben Text vom selben Absender an dieselbe Nummer innerhalb des Zeitfensters nur einmal senden (eine E-Mail kann das mit [DUPLICATEDETECTION:ON|OFF] ändern).',
      duplicateWindowMinutes: 'Zeitfenster der Duplikaterkennung nach Inhalt.',
      signaturePatterns: 'Weitere Muster (reguläre Ausdrücke) für Signaturen in E-Mails dieses Kontos, z. B. ^Mit freundlichen Grüßen. Muster mit wiederholten Gruppen oder Rückbezügen werden abgelehnt.',
      quietHours: 'Ruhezeiten in der Ortszeit des Empfängers: SMS werden bis zu ihrem Ende zurückgehalten. Leer: die konfigurierten; {}: keine für dieses Konto. Beispiel:',
      statusCallback: 'Webadresse, die den Status der SMS dieses Kontos erhält, per E-Mail und REST-API (eine Anfrage mit eigener Adresse ersetzt sie); die Konfiguration muss sie erlauben. Ohne sie erhalten nur Anfragen mit eigener Adresse Status-Callbacks.',
      statusCallbackLevel: 'Welche Status gesendet werden, wenn eine Anfrage nichts sagt: keine; nur bei Fehlern (fehlgeschlagen, abgelaufen, abgelehnt, storniert); Endstatus (jeder abschließende Status); alle (angenommen, an den Netzbetreiber übergeben und Endstatus).',
      forwardReplies: 'Antworten von Handys auf SMS dieses Kontos an den Absender der SMS mailen; ausschalten, oder einschalten, wo die Konfiguration es erlaubt.',
    },
    configKey: (key) => `accounts[].${key}`,
  },
};
