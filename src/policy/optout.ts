import type { SettingsStore } from '../accounts/settings.js';
import { parseRecipientNumber } from '../sms/number.js';
import type { CountryCode } from '../sms/types.js';
import { errors } from '../smtp/errors.js';
import type { SmsMessage } from '../store/types.js';

/** Who put a number on the list: the configuration file, an operator (CLI), or its owner by replying STOP. */
export type OptOutSource = 'config' | 'operator' | 'sms';

/** A run-time entry (settings file) is its owner's when its STOP made it, else an operator's. */
const runTimeSource = (via: 'sms' | undefined): OptOutSource => (via === 'sms' ? 'sms' : 'operator');

/**
 * Numbers that never receive an SMS, whoever sends: those in the config
 * file plus those added at run time (`mail2sms optout add`, or the number's
 * owner replying STOP; kept in the settings file, picked up by a running
 * bridge within a second).
 */
export class OptOutList {
  private readonly configured: ReadonlySet<string>;

  constructor(configured: readonly string[], private readonly settings?: SettingsStore) {
    this.configured = new Set(configured);
  }

  has(e164: string): boolean {
    return this.configured.has(e164) || Object.hasOwn(this.settings?.data.optout ?? {}, e164);
  }

  /** Every number on the list, with where it comes from (`source`). */
  list(): Array<{ number: string; source: OptOutSource; addedAt?: string; note?: string }> {
    const fromSettings = Object.entries(this.settings?.data.optout ?? {}).map(([number, { via, ...e }]) => ({ number, source: runTimeSource(via), ...e }));
    const fromConfig = [...this.configured].map((number) => ({ number, source: 'config' as const }));
    return [...fromConfig, ...fromSettings].sort((a, b) => a.number.localeCompare(b.number));
  }

  /** `via: 'sms'`: the number's owner asked by replying STOP (policy/inbound.ts), and may undo it by replying START. */
  async add(e164: string, addedAt: Date, note?: string, via?: 'sms'): Promise<void> {
    await this.requireSettings().update((d) => {
      d.optout[e164] = { addedAt: addedAt.toISOString(), ...(note ? { note } : {}), ...(via ? { via } : {}) };
    });
  }

  /** How the number came onto the list: 'config', 'operator' (CLI), 'sms' (its owner's STOP), or undefined when it is not on it. */
  origin(e164: string): OptOutSource | undefined {
    if (this.configured.has(e164)) return 'config';
    const e = this.settings?.data.optout[e164];
    return e ? runTimeSource(e.via) : undefined;
  }

  /** When the number's run-time entry was made (ISO 8601); undefined for numbers from the config file and those not on the list. */
  addedAt(e164: string): string | undefined {
    return this.settings?.data.optout[e164]?.addedAt;
  }

  /**
   * Why an SMS must not go out now, or undefined: asked again when it falls
   * due, since its number may have opted out after it was accepted (a send
   * time, a retry). The answer to a STOP or START is the one exception: it
   * confirms to the number what its owner just asked.
   */
  refusal(sms: Pick<SmsMessage, 'to' | 'answerTo'>): string | undefined {
    return !sms.answerTo && this.has(sms.to) ? errors.OptedOut(sms.to).text : undefined;
  }

  /** False when the number was not on the run-time list (numbers from the config file are removed there). */
  async remove(e164: string): Promise<boolean> {
    let had = false;
    await this.requireSettings().update((d) => {
      had = Object.hasOwn(d.optout, e164);
      delete d.optout[e164];
    });
    return had;
  }

  private requireSettings(): SettingsStore {
    if (!this.settings) throw new Error('the opt-out list has no settings file');
    return this.settings;
  }
}

/** Any way a clerk writes a number (spaces too, unlike in a mail address) → E.164, or the reason it is not one. */
export function normalizeNumber(input: string, defaultCountry: string): { e164: string } | { error: string } {
  const n = parseRecipientNumber(input.replace(/\s+/g, ''), defaultCountry as CountryCode);
  return n.ok ? { e164: n.e164 } : { error: `"${input}" is not a valid phone number: ${n.reason}` };
}
