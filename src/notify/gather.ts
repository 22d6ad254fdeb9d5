/**
 * Which owed confirmations go out together, in one mail. The SMS of one mail
 * (SmsMessage.ofMail) pass each stage within moments of each other, and a
 * clerk who mailed three numbers expects one report per stage, as a mail
 * server sends one delivery report for the recipients of one message (RFC
 * 3464 §2: a per-recipient block each), not three. Pure, over what the store
 * holds: the worker asks on every wake-up, and the wait is counted from when
 * each confirmation became owed (its stored notBefore), so a stop in the
 * middle of it loses nothing and a restart goes on where it was.
 */
import { dueAt, isUnreported, type ConfirmationStage, type ConfirmationState, type SmsMessage } from '../store/types.js';
import { delayFrom } from './delay.js';
import { correctionOf, eventFor } from './format.js';
import { confirmationsFor, isDsn } from './policy.js';

/** The stages a clerk reads as one: delivered and failed are both the outcome, and one report gives both. */
export type Phase = 'accepted' | 'submitted' | 'final' | 'delayed';

/** A confirmation owed, with its SMS, as the store's confirmationsDue yields it. */
export type Owed = [SmsMessage, ConfirmationState];

export function phaseOf(stage: ConfirmationStage): Phase {
  if (stage === 'accepted' || stage === 'delayed') return stage;
  return stage === 'submitting' || stage === 'submitted' ? 'submitted' : 'final';
}

/**
 * Whether this confirmation is gathered with its mail's others. Not for an SMS
 * alone in its mail, and not for the confirmations that explain themselves at
 * length: a failure the carrier never confirmed (StatusEvent.uncertain), a
 * correction of one, a stage confirmed a second time. Each of those answers an
 * earlier mail and keeps its own.
 */
export function gathers(m: SmsMessage, c: ConfirmationState): boolean {
  if (!m.ofMail) return false;
  if (m.confirmations.some((x) => x !== c && x.stage === c.stage && !x.channel)) return false;
  const event = eventFor(m, c.stage);
  return !event?.uncertain && !isUnreported(event) && !correctionOf(m, event);
}

/** Which mail a gathered confirmation goes in: its mail's, for its phase, as a delivery report (DSN) or a plain one. */
export function gatherKey(m: SmsMessage, c: ConfirmationState): string {
  return `${m.mailId}/${phaseOf(c.stage)}/${isDsn(m) ? 'dsn' : 'plain'}`;
}

/**
 * The confirmations that go out with `first` now, in the order of their SMS
 * (`first` among them), or until when (epoch ms) it waits for siblings. It
 * waits only while a sibling may still come to the same phase, and at most
 * `gatherMs` from when the earliest of them became owed; then it goes with
 * whichever are owed, and a later one goes in a mail of its own. A retry
 * (attempts > 0) never waits again.
 */
export function gather(first: Owed, siblings: readonly SmsMessage[], o: { now: number; gatherMs: number }): { owed: Owed[] } | { until: number } {
  const phase = phaseOf(first[1].stage);
  const dsn = isDsn(first[0]);
  const members: Owed[] = [first];
  const pending: SmsMessage[] = [];
  for (const s of siblings) {
    // A report and a plain mail cannot be one mail (their form and envelope sender differ).
    if (isDsn(s) !== dsn) continue;
    const c = s.confirmations.find((x) => !x.sentAt && !x.channel && phaseOf(x.stage) === phase && gathers(s, x));
    if (c) members.push([s, c]);
    else pending.push(s);
  }
  members.sort((a, b) => numberOf(a[0]) - numberOf(b[0]));
  if (members.some(([, c]) => c.attempts > 0)) return { owed: members };
  // From the earliest: one that joined later does not make the others wait longer.
  const until = Math.min(...members.map(([, c]) => Date.parse(c.notBefore))) + o.gatherMs;
  if (o.now >= until) return { owed: members };
  const waitFor = phase === 'delayed' ? (s: SmsMessage) => delayedBy(s, first[0]) : (s: SmsMessage) => mayStillOwe(s, phase, until);
  return pending.some(waitFor) ? { until } : { owed: members };
}

/**
 * Whether `s` may come to owe a confirmation of `phase` before `deadline`: it
 * has not passed the phase yet, is on its way (or due by then), and its
 * sender's level or its RCPT's NOTIFY asks for that phase. An SMS that waits
 * for a later send time, or whose NOTIFY does not ask, is not waited for.
 */
function mayStillOwe(s: SmsMessage, phase: Phase, deadline: number): boolean {
  const wanted = phase === 'final' ? confirmationsFor(s, 'delivered') || confirmationsFor(s, 'failed') : phase === 'submitted' && confirmationsFor(s, 'submitted');
  if (!wanted) return false;
  if (s.status === 'submitting') return true;
  if (s.status === 'submitted') return phase === 'final';
  return s.status === 'accepted' && Date.parse(s.notBefore) <= deadline;
}

/**
 * Whether `s` will owe its delay report as soon as `first` did: it asked, owes
 * none yet and was due no later (the SMS of one mail are due together, unless
 * quiet hours hold one of them longer).
 */
function delayedBy(s: SmsMessage, first: SmsMessage): boolean {
  const from = delayFrom(s);
  return from !== undefined && from <= dueAt(first);
}

/** The SMS's number within its mail (`<mailId>.<n>`). */
export function numberOf(m: SmsMessage): number {
  return Number(m.id.slice(m.id.lastIndexOf('.') + 1));
}
