/** German: every sentence of confirmations and preview answers (the shape is in types.ts). */
import { formatTimeGerman } from '../times.js';
import { quotedChars as quoted } from './quote.js';
import type { Weekday } from '../../dispatch/quiet-hours.js';
import type { HeadlineKind, WordingTable } from './types.js';

const parts = (n: number) => `${n} SMS-Teil${n === 1 ? '' : 'e'}`;
const wurde = (k: number) => (k === 1 ? 'wurde' : 'wurden');
const wird = (k: number) => (k === 1 ? 'wird' : 'werden');
const konnte = (k: number) => (k === 1 ? 'konnte' : 'konnten');

/** Was mit k SMS einer E-Mail geschah, nach ihrer Anzahl ("2 wurden zugestellt"). */
const OUTCOME: Record<HeadlineKind, (k: number) => string> = {
  accepted: (k) => `${wurde(k)} angenommen und ${wird(k)} in Kürze gesendet`,
  scheduled: (k) => `${wurde(k)} angenommen und ${wird(k)} zur angegebenen Zeit gesendet`,
  submitting: (k) => `${wird(k)} gerade gesendet`,
  submitted: (k) => `${wurde(k)} an den Netzbetreiber übergeben; ${k === 1 ? 'der Zustellbericht steht' : 'die Zustellberichte stehen'} noch aus`,
  delivered: (k) => `${wurde(k)} zugestellt`,
  failed: (k) => `${konnte(k)} nicht zugestellt werden`,
  expired: (k) => `${konnte(k)} nicht rechtzeitig zugestellt werden und ${k === 1 ? 'ist' : 'sind'} abgelaufen`,
  rejected: (k) => `${wurde(k)} abgelehnt und nicht gesendet`,
  cancelled: (k) => `${wurde(k)} storniert und ${wird(k)} nicht gesendet`,
  duplicate: (k) => `${wurde(k)} nicht erneut gesendet: Derselbe Text ging kurz zuvor an ${k === 1 ? 'diese Nummer' : 'diese Nummern'}`,
  delayed: (k) => `${k === 1 ? 'ist' : 'sind'} lange nach dem Versandzeitpunkt noch nicht zugestellt; Sie erhalten eine weitere Nachricht, sobald ${k === 1 ? 'sie zugestellt ist oder nicht zugestellt werden konnte' : 'sie zugestellt sind oder nicht zugestellt werden konnten'}`,
};
const ENCODING = { GSM7: 'GSM 7-Bit', UCS2: 'Unicode (UCS-2)' } as const;
const TAGE: Record<Weekday, string> = { sun: 'sonntags', mon: 'montags', tue: 'dienstags', wed: 'mittwochs', thu: 'donnerstags', fri: 'freitags', sat: 'samstags' };
/** "25.12." für "12-25" (jedes Jahr), "26.03.2027" für "2027-03-26". */
const tag = (d: string) => {
  const m = /^(?:(\d{4})-)?(\d\d)-(\d\d)$/.exec(d);
  return m ? `${m[3]}.${m[2]}.${m[1] ?? ''}` : d;
};
const liste = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} und ${items.at(-1)}`);

/**
 * Who cancelled, as the bridge records it (StatusEvent.by: src/smtp/cancel-reply.ts,
 * src/api/cancel-as.ts, src/dispatch/dispatcher.ts). A form not listed here
 * is shown as recorded, in English, rather than guessed at.
 */
const WHO: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^reply from the null sender$/, () => 'per Antwort ohne Absender'],
  [/^reply from (.+)$/, (m) => `per Antwort von ${m[1]}`],
  [/^api user (.+)$/, (m) => `durch API-Benutzer ${m[1]}`],
  [/^portal user (.+)$/, (m) => `durch Portal-Benutzer ${m[1]}`],
  [/^the operator \(command line\)$/, () => 'durch den Betreiber (Kommandozeile)'],
  [/^its recipient, who opted out$/, () => 'der Empfänger möchte keine SMS mehr erhalten'],
];

function who(by: string): string {
  for (const [re, say] of WHO) {
    const m = re.exec(by);
    if (m) return say(m);
  }
  return by;
}

export const de: WordingTable = {
  language: 'de',
  time: formatTimeGerman,
  subject: {
    accepted: (to) => `SMS an ${to} angenommen`,
    submitting: (to) => `SMS an ${to} wird gesendet`,
    submitted: (to) => `SMS an ${to} an Netzbetreiber übergeben`,
    delivered: (to) => `SMS an ${to} zugestellt`,
    failed: (to) => `SMS an ${to} fehlgeschlagen`,
    expired: (to) => `SMS an ${to} abgelaufen`,
    rejected: (to) => `SMS an ${to} abgelehnt`,
    cancelled: (to) => `SMS an ${to} storniert`,
    duplicate: (to) => `SMS an ${to} nicht erneut gesendet (Dublette)`,
    delayed: (to) => `SMS an ${to} noch nicht zugestellt`,
  },
  // German quotation marks: the subject is encoded anyway once it holds an umlaut.
  subjectWith: (head, original) => `${head}: „${original}“`,
  headline: {
    accepted: (f) => `Ihre SMS an ${f.to} wurde am ${f.at} angenommen und wird in Kürze gesendet.`,
    scheduled: (f) => `Ihre SMS an ${f.to} wurde am ${f.at} angenommen und wird am ${f.sendAt} gesendet.`,
    submitting: (f) => `Ihre SMS an ${f.to} wird gerade gesendet (seit ${f.at}).`,
    submitted: (f) => `Ihre SMS an ${f.to} wurde am ${f.at} an den Netzbetreiber übergeben; der Zustellbericht steht noch aus.`,
    delivered: (f) => `Ihre SMS an ${f.to} wurde am ${f.at} zugestellt.`,
    failed: (f) => `Ihre SMS an ${f.to} konnte nicht zugestellt werden: ${f.why}.`,
    expired: (f) => `Ihre SMS an ${f.to} konnte nicht rechtzeitig zugestellt werden und ist am ${f.at} abgelaufen: ${f.why}.`,
    rejected: (f) => `Ihre SMS an ${f.to} wurde abgelehnt und nicht gesendet: ${f.why}.`,
    cancelled: (f) => `Ihre SMS an ${f.to} wurde am ${f.at} storniert${f.by ? ` (${f.by})` : ''} und wird nicht gesendet.`,
    duplicate: (f) => `Ihre SMS an ${f.to} wurde nicht gesendet: Derselbe Text ging kurz zuvor an diese Nummer (unsere Referenz ${f.duplicateOf}), und die Dublettenprüfung ist eingeschaltet.`,
    delayed: (f) => `Ihre SMS an ${f.to} sollte am ${f.at} versendet werden und ist noch nicht zugestellt: ${f.withCarrier
      ? 'Sie liegt beim Netzbetreiber, dessen Zustellbericht noch aussteht'
      : `Sie konnte bisher nicht an den Netzbetreiber übergeben werden (${f.why}); wir versuchen es weiter`}. Sie erhalten eine weitere Nachricht, sobald sie zugestellt ist oder nicht zugestellt werden konnte.`,
  },
  noReason: 'kein Grund angegeben',
  returned: {
    full: 'Ihre Nachricht ist vollständig angehängt, wie angefordert (RET=FULL).',
    gone: 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese wird nicht mehr aufbewahrt.',
    notKept: 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese konnte bei ihrem Eingang nicht aufbewahrt werden.',
    off: 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Dieser Dienst bewahrt keine Nachrichten auf, um sie vollständig zurückzusenden.',
    tooLarge: (bytes, limit) => `Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese ist mit ${bytes.toLocaleString('de-DE')} Bytes größer als die ${limit.toLocaleString('de-DE')} Bytes, bis zu denen Nachrichten vollständig zurückgesandt werden.`,
    unfit: 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese enthält ein NUL-Byte oder eine Zeile mit mehr als 998 Zeichen, die keine E-Mail unverändert übertragen kann.',
    sevenBit: 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese enthält 8-Bit-Zeichen, und der Mailserver, über den dieser Bericht geht, nimmt nur 7-Bit-E-Mails an.',
  },
  who,
  cancelledByReason: who,
  stage: {
    accepted: 'Angenommen',
    submitting: 'Wird gesendet',
    submitted: 'An Netzbetreiber übergeben',
    delivered: 'Zugestellt',
    failed: 'Fehlgeschlagen',
    expired: 'Abgelaufen',
    rejected: 'Abgelehnt',
    cancelled: 'Storniert',
  },
  held: 'Zurückgehalten',
  waiting: 'Wartet',
  quiet: {
    account: (name) => `festgelegt für das Konto ${name}`,
    country: (name) => `festgelegt für ${name}`,
    mail: 'festgelegt in Ihrer E-Mail',
    window: (from, to) => `${from}–${to} Uhr`,
    days: (days) => liste(days.map((d) => TAGE[d])),
    dates: (dates) => `am ${dates.map(tag).join(', ')}`,
    list: liste,
    hold: (f) => `Ruhezeit beim Empfänger, ${f.by}: ${f.rule} ${f.where ? `(${f.where})` : 'seiner Ortszeit'}; Versand ${f.theirs ? `um ${f.theirs} Uhr seiner Zeit = ${f.ours} Ihrer Zeit` : `am ${f.ours}`}`,
    period: (f) => `Sperrzeit, ${f.by}: ${f.from} bis ${f.to}; Versand am ${f.ours}`,
    noTime: (f) => `Ruhezeit beim Empfänger, ${f.by}: ${f.rule}${f.local ? ' seiner Ortszeit' : ''}; sie lässt in den nächsten zwei Wochen keine Zeit zum Senden`,
    noTimePeriod: (f) => `Sperrzeit, ${f.by}: ${f.from} bis ${f.to}; sie lässt in den nächsten zwei Wochen keine Zeit zum Senden`,
    notQueued: 'es wurde nichts angenommen',
  },
  retry: {
    slowDown: 'der Netzbetreiber hat uns gebeten, langsamer zu senden',
    failed: (reason) => `der Versuch ist vorerst fehlgeschlagen (${reason})`,
    next: (at) => `nächster Versuch am ${at}`,
  },
  partDelivered: (index, of) => `Teil ${index} von ${of} zugestellt`,
  encoding: ENCODING,
  length: (n, encoding, because = []) => `${parts(n)}, ${ENCODING[encoding]}${because.length ? ` wegen ${quoted(because)}` : ''}`,
  // src/smtp/cancel-reply.ts takes CANCEL, STORNO, STORNIEREN and ABBRECHEN; the two short ones are enough to say.
  cancelHint: 'Um diese SMS vor dem Versand zu stornieren, antworten Sie auf diese E-Mail mit dem Wort STORNO (oder CANCEL) als Text.',
  labels: {
    smsTo: 'SMS an',
    recipient: 'Empfänger',
    reason: 'Grund',
    sendTime: 'Sendezeit',
    sender: 'Absender',
    flash: 'Flash-SMS',
    flashYes: 'ja (sofort auf dem Display angezeigt, nicht gespeichert)',
    length: 'Länge',
    yourText: 'Ihr Text',
    history: 'Verlauf',
    yourReference: 'Ihre Referenz',
    billingCode: 'Kostenstelle',
    ourReference: 'Unsere Referenz',
    carrierReference: 'Referenz des Netzbetreibers',
    yourMail: 'Ihre E-Mail',
    footer: 'Diese Nachricht wurde automatisch erstellt; Antworten werden nicht gelesen.',
    footerCancel: 'Diese Nachricht wurde automatisch erstellt; Antworten außer STORNO oder CANCEL werden nicht gelesen.',
  },
  uncertain: {
    subject: (to) => `SMS an ${to} nicht bestätigt`,
    headline: (f) => `Ob Ihre SMS an ${f.to} den Netzbetreiber erreicht hat, ist nicht bekannt: Der Netzbetreiber hat nicht rechtzeitig bestätigt, ob er sie angenommen hat. Sie wurde nicht erneut gesendet, damit sie nicht doppelt ankommt. Bitte fragen Sie beim Empfänger nach, bevor Sie sie noch einmal senden. Sollte der Netzbetreiber noch antworten, schreiben wir Ihnen erneut.`,
    stage: 'Nicht bestätigt',
    afterRestore: (f, answerable) => `Ob Ihre SMS an ${f.to} gesendet wurde, ist nicht bekannt. Unser Dienst musste aus einer Sicherung wiederhergestellt werden, und die Sicherung entstand genau, als die SMS dem Netzbetreiber übergeben wurde: Seine Antwort hat den wiederhergestellten Dienst ${answerable ? 'bisher nicht' : 'nie'} erreicht. Sie wurde nicht erneut gesendet, damit sie nicht doppelt ankommt. Bitte fragen Sie beim Empfänger nach, bevor Sie sie noch einmal senden.${answerable ? ' Sollte der Netzbetreiber noch antworten, schreiben wir Ihnen erneut.' : ''}`,
    unreportedSubject: (to) => `SMS an ${to} gesendet, kein Zustellbericht`,
    unreported: (f) => `Ihre SMS an ${f.to} wurde gesendet, aber ein Zustellbericht kommt für sie nicht. Unser Dienst musste aus einer Sicherung wiederhergestellt werden, und die SMS war noch von dem System gesendet worden, das die Sicherung ersetzt hat; dorthin gingen die Zustellberichte des Netzbetreibers. Ob sie das Telefon erreicht hat, ist nicht bekannt; sie wurde nicht erneut gesendet.`,
    unreportedStage: 'Gesendet, kein Zustellbericht',
    sentBefore: (f, reported) => `Ihre SMS an ${f.to} wurde von dem System an den Netzbetreiber übergeben, das unser Dienst ersetzt hat, als er aus einer Sicherung wiederhergestellt werden musste; sie wird nicht erneut gesendet. ${reported ? 'Der Zustellbericht steht noch aus.' : 'Ihr Zustellbericht ging an jenes System und erreicht uns daher möglicherweise nie.'}`,
    correctionSubject: (head) => `${head} (Korrektur)`,
    taken: (at) => `Dies korrigiert unsere frühere Nachricht, nach der die SMS nicht bestätigt war: Der Netzbetreiber hat am ${at} bestätigt, dass er sie angenommen hat.`,
    refused: (at) => `Dies korrigiert unsere frühere Nachricht, nach der die SMS nicht bestätigt war: Der Netzbetreiber hat am ${at} geantwortet, dass er sie nicht vollständig angenommen hat.`,
  },
  preview: {
    subject: 'SMS-Vorschau (nichts gesendet)',
    intro: 'Vorschau Ihrer SMS. Es wurde nichts gesendet.',
    refused: (reply) => `Unverändert gesendet, würde diese E-Mail abgelehnt: ${reply}`,
    textAsSent: ({ characters, units }, encoding, segments, per) =>
      `Der Text genau so, wie er gesendet würde: ${characters} Zeichen${units === characters ? '' : `, gezählt als ${units} (${encoding === 'GSM7' ? '^ { } [ ] ~ \\ | € zählen doppelt' : 'ein Emoji zählt doppelt'})`}, ${ENCODING[encoding]}, ${parts(segments)} (bis zu ${per} je Teil):`,
    splitInto: 'Aufgeteilt in Teile:',
    forcedUnicode: (chars) => `Zeichen, die Unicode erzwungen haben (eine SMS fasst dann 70 statt 160 Zeichen): ${chars.join(', ')}`,
    kept: (chars) => `Unverändert gelassen, da der Text ohnehin in Unicode geht und Ersetzen nichts sparen würde: ${chars.join(', ')}`,
    allGsm: 'Alle Zeichen passen in das GSM-7-Bit-Alphabet.',
    attachments: (n) => `${n === 1 ? 'Der Anhang' : `Die ${n} Anhänge`} Ihrer E-Mail ${n === 1 ? 'wird' : 'werden'} nicht gesendet: Eine SMS enthält nur Text.`,
    unknownCharset: (charset) => `Der Zeichensatz "${charset}" Ihrer E-Mail ist unbekannt: Der Text wurde wie Text ohne Angabe eines Zeichensatzes gelesen, als UTF-8, wo die Bytes UTF-8 sind, sonst als windows-1252 (westeuropäisch). Bitte prüfen Sie den Text.`,
    lost: (n, shown) => `${n} Zeichen Ihrer E-Mail ${n === 1 ? 'konnte' : 'konnten'} nicht gelesen werden (die Bytes passen zu keinem in Frage kommenden Zeichensatz) und ${n === 1 ? 'wird' : 'werden'} als "${shown}" gesendet: Bitte prüfen Sie den Text.`,
    removed: (items) => `Entfernt, weil unsichtbar und ohne Text: ${items.map((x) => `${x.code} (${x.count}x)`).join(', ')}`,
    replaced: (items) => `Ersetzt, damit es günstiger bleibt: ${items.map((x) => `"${x.from}" durch "${x.to}" (${x.count}x)`).join(', ')}`,
    cutFrom: 'Aus Ihrer E-Mail entfernt:',
    nothingCut: 'Aus Ihrer E-Mail wurde nichts entfernt.',
    cut: {
      signature: 'Ihre Signatur (ab der Zeile "-- ")',
      'signature-pattern': 'eine Signatur oder Fußzeile (ab dieser Zeile)',
      'end-marker': 'alles nach der Endmarkierung',
      closing: 'die Grußformel und die Signatur darunter (ab dieser Zeile)',
      'signature-block': 'Ihre Signatur (Name, Firma, Kontakt; ab dieser Zeile)',
      disclaimer: 'ein Disclaimer oder eine Fußzeile der Firma am Ende der E-Mail (ab dieser Zeile)',
      quote: 'eine zitierte frühere E-Mail',
      html: 'die zitierte frühere E-Mail im HTML-Teil',
      forward: 'eine weitergeleitete E-Mail (ab dieser Zeile)',
      introduction: 'Ihre Einleitung über der weitergeleiteten E-Mail, deren Text stattdessen gesendet wird',
    },
    fromSubject: 'Der Text wurde aus dem Betreff genommen (der Inhalt hatte keinen).',
    fromSubjectAllCut: 'Der Text wurde aus dem Betreff genommen: Der Inhalt enthielt nur, was oben als entfernt aufgeführt ist.',
    fromForward: 'Der Text stammt aus der weitergeleiteten E-Mail, da Sie darüber keinen eigenen geschrieben haben (ohne deren Trennlinie und Kopfzeilen).',
    fromForwardIntroduced: 'Der Text stammt aus der weitergeleiteten E-Mail, da Ihr Text darüber sie nur einleitet (ohne deren Trennlinie und Kopfzeilen).',
    options: (list) => (list.length ? `Optionen in Ihrer E-Mail: ${list.join('; ')}.` : 'Keine Optionen in Ihrer E-Mail.'),
    callback: (url, level) => `Status-Callback: ${url}, Stufe ${level}.`,
    option: {
      sendAt: (t) => `Sendezeit ${t}`,
      senderId: (s) => `Absenderkennung ${s}`,
      reference: (r) => `Referenz ${r}`,
      billingCode: (code) => `Kostenstelle ${code}`,
      notify: (level) => `Bestätigungen: ${level}`,
      validity: (h) => `Gültigkeit ${h} h`,
      flash: 'Flash-SMS',
      express: 'Express (vor wartenden normalen SMS)',
      expressNotAllowed: 'Express angefordert, aber Ihr Konto darf keine Express-SMS senden: sie ginge als normale SMS',
      maxSegments: (n) => `höchstens ${n} Teile`,
      duplicateDetection: (on) => `Dublettenprüfung ${on ? 'ein' : 'aus'}`,
      blackout: (periods) => `Sperrzeiten ${periods.join(', ')}`,
      period: (start, end) => `${start} bis ${end}`,
    },
    perRecipient: 'Je Empfänger:',
    noRecipients: '  (keine Nummern in dieser E-Mail: schreiben Sie zugleich an <Nummer>@<SMS-Domain> und preview@<SMS-Domain>, um Absender und Zeitpunkt je Nummer zu sehen)',
    wouldBeRefused: (reply) => `würde abgelehnt: ${reply}`,
    sender: (id, note) => `Absender ${id}${note ? ` (${note})` : ''}`,
    defaultSender: 'der Standardabsender des Netzbetreibers',
    wouldGoAt: (t) => `würde am ${t} gesendet`,
    validUntil: (t) => `gültig bis ${t}`,
  },
  together: {
    numbers: (n) => `${n} Nummern`,
    mixedSubject: (numbers, counts) => `SMS an ${numbers}: ${counts.join(', ')}`,
    count: {
      accepted: (k) => `${k} angenommen`,
      scheduled: (k) => `${k} geplant`,
      submitting: (k) => `${k} im Versand`,
      submitted: (k) => `${k} an Netzbetreiber übergeben`,
      delivered: (k) => `${k} zugestellt`,
      failed: (k) => `${k} fehlgeschlagen`,
      expired: (k) => `${k} abgelaufen`,
      rejected: (k) => `${k} abgelehnt`,
      cancelled: (k) => `${k} storniert`,
      duplicate: (k) => `${k} nicht erneut gesendet (Dublette)`,
      delayed: (k) => `${k} noch nicht zugestellt`,
    },
    headline: (n, outcomes) => (outcomes.length === 1
      ? `Ihre SMS an ${n} Nummern ${OUTCOME[outcomes[0][0]](n)}.`
      : `Ihre SMS an ${n} Nummern: ${outcomes.map(([kind, k]) => `${k} ${OUTCOME[kind](k)}`).join(', ')}.`),
    duplicate: 'Nicht erneut gesendet (Dublette)',
    sendsAt: (at) => `wird am ${at} gesendet`,
    number: 'Nummer',
    status: 'Status',
    time: 'Zeit',
    details: 'Details',
    references: 'Unsere Referenzen',
    cancelHint: 'Um diese SMS vor dem Versand zu stornieren, antworten Sie auf diese E-Mail mit dem Wort STORNO (oder CANCEL) als Text: Das storniert jede unten genannte SMS. Um nur eine davon zu stornieren, senden Sie STORNO an ihre eigene Adresse:',
  },
  reply: {
    subject: (number, start) => `SMS-Antwort von ${number}: „${start}“`,
    intro: (number, at) => `${number} hat am ${at} auf Ihre SMS geantwortet:`,
    from: 'Von',
    received: 'Empfangen',
    sentTo: 'Gesendet an',
    answers: (at, to) => `Die Antwort bezieht sich auf Ihre SMS vom ${at} an ${to}:`,
    yourReference: 'Ihre Referenz',
    ourReference: 'Unsere Referenz',
    yourMail: 'Ihre E-Mail',
    stop: (number, sender) => `Die Antwort ist ein STOP: ${number} erhält keine SMS mehr von ${sender}.`,
    start: (number, sender) => `Die Antwort ist ein START: ${number} erhält wieder SMS von ${sender}.`,
    howToAnswer: (number, sender) => `Antworten Sie auf diese E-Mail, um per SMS zu antworten: Ihr Text über der zitierten E-Mail geht an ${number}, von ${sender}.`,
  },
};
