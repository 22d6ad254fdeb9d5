/**
 * Why the account form's values are refused (config/reasons.ts), in German: the same reasons the config loader, the
 * CLI and the REST API give in English, worded for a German portal page.
 */
import { patternWords } from '../../config/pattern-words.js';
import type { Allowed, KeyedReason, Reason } from '../../config/reasons.js';

const json = (v: unknown) => JSON.stringify(v);

const TYPES: Record<string, string> = { string: 'Text', number: 'Zahl', integer: 'ganze Zahl', boolean: 'Wahrheitswert', array: 'Liste', object: 'Objekt', null: 'null' };
const typeWords = (type: string) => type.split(/,| or /).map((x) => TYPES[x.trim()] ?? x.trim()).join(' oder ');

const PHONE = 'eine internationale Nummer mit 7 bis 15 Ziffern wie +4930123456 oder eine Kurzwahl mit 3 bis 8 Ziffern';

function allowedGerman(a: Allowed): string {
  switch (a.rule) {
    case 'one-of': return `einer von ${a.values.map(json).join(', ')}`;
    case 'at-least': return `mindestens ${a.limit}`;
    case 'at-most': return `höchstens ${a.limit}`;
    case 'more-than': return `mehr als ${a.limit}`;
    case 'min-length': return `mindestens ${a.limit} Zeichen`;
    case 'max-length': return `höchstens ${a.limit} Zeichen`;
    case 'min-items': return `mindestens ${a.limit} Einträge`;
    case 'max-items': return `höchstens ${a.limit} Einträge`;
    case 'regex': return 'ein regulärer Ausdruck (JavaScript-Syntax)';
    case 'format': return `ein Wert im Format ${a.format}`;
    case 'type': return `ein Wert vom Typ ${typeWords(a.type)}`;
    case 'pattern': return patternWords(a.pattern, 'de') ?? `ein Wert nach dem Muster ${a.pattern}`;
    case 'unique': return 'jeder Eintrag nur einmal';
    case 'other': return `ein Wert, den das Schema zulässt (${a.text})`;
  }
}

export function reasonGerman(r: Reason): string {
  switch (r.code) {
    case 'required': return 'fehlt, ist aber nötig';
    case 'unknown-key': return `unbekannter Schlüssel (${r.meant ? `meinten Sie „${r.meant}“? ` : ''}bekannt sind hier: ${r.known.join(', ')})`;
    case 'key-not-allowed': return `der Schlüssel ${json(r.name)} ist nicht möglich: ${allowedGerman(r.allowed)}`;
    case 'schema': return `${r.value === undefined ? '' : `ist ${json(r.value)}; `}möglich: ${allowedGerman(r.allowed)}`;
    case 'time-zone': return `ist ${json(r.value)}; möglich: eine IANA-Zeitzone wie "Europe/Berlin"`;
    case 'country': {
      const uk = typeof r.value === 'string' && r.value.toUpperCase() === 'UK' ? '; das Vereinigte Königreich ist "GB" ("UK" ist kein ISO-3166-Code)' : '';
      return `ist ${json(r.value)}; möglich: ein Land des internationalen Nummernplans mit seinem ISO-3166-Code, etwa "DE", "AT" oder "CH"${uk}`;
    }
    case 'sender-form': return `ist ${json(r.value)}; möglich: ${r.numeric ? PHONE : `bis zu 11 Buchstaben, Ziffern und Leerzeichen mit mindestens einem Buchstaben, ${PHONE}`}`;
    case 'sender-not-numeric': return `ist ${json(r.value)}; möglich: eine Nummer (international oder Kurzwahl), da sie dort einspringt, wo Namen nicht zugestellt werden`;
    case 'sender-not-allowed': return `${json(r.value)} gehört nicht zu den Absenderkennungen, die die Konfiguration diesem Konto erlaubt (${r.allowed.join(', ') || 'keine'})`;
    case 'quiet-half': return `nennt nur ${r.has === 'from' ? 'den Beginn des täglichen Fensters, nicht sein Ende' : 'das Ende des täglichen Fensters, nicht seinen Beginn'}; möglich: Beginn und Ende (ein tägliches Fenster wie 20:00 bis 08:00) oder keines`;
    case 'quiet-same': return `Beginn und Ende sind beide ${r.time}; möglich: zwei verschiedene Zeiten`;
    case 'billing-code': return `ist ${json(r.value)}; möglich: 1 bis ${r.max} druckbare Zeichen`;
    case 'billing-code-blank': return `ist ${json(r.value)}; möglich: kein Leerzeichen am Anfang oder Ende (die Kostenstelle einer E-Mail hat nie eines)`;
    case 'pattern-risk': return `ist ${json(r.value)}; ${r.risk === 'back-reference'
      ? 'ein Rückverweis (\\1, \\k<name>) kann die Suche exponentiell lange dauern lassen'
      : 'eine wiederholte Gruppe wie (…)+, (…)* oder (…){2,} kann die Suche exponentiell lange dauern lassen und das Gateway anhalten; wiederholen Sie stattdessen einzelne Zeichen oder Klassen (\\s+, [-–]+)'}`;
    case 'max-segments': return `ist ${r.value}; möglich: höchstens ${r.limit} (so viele lässt das Gateway zu)`;
    case 'forward-off': return `kann nicht eingeschaltet werden: ${r.by === 'account'
      ? 'die Konfiguration schaltet es für dieses Konto aus'
      : 'der Betreiber hat die Weiterleitung von Antworten ausgeschaltet'}; das kann nur der Betreiber ändern, in der Konfigurationsdatei`;
    case 'not-editable': return `kann im laufenden Betrieb nicht geändert werden (möglich: ${r.editable.join(', ')})`;
    // Checks of the config file's own (status callback URLs …), which have no German words yet.
    case 'text': return r.text;
  }
}

export const problemGerman = (p: KeyedReason): string => (p.key ? `${p.key}: ${reasonGerman(p.reason)}` : reasonGerman(p.reason));
