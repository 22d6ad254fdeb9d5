/**
 * SMPP command_status values (SMPP 3.4 §5.1.3) and what each means for an
 * SMS: a table of rules, like ZoneMTA's bounce table, rather than code paths.
 *
 * - throttled: the SMSC refused the PDU because we send too fast. The PDU
 *   was not taken, so resending it is safe; the whole connector slows down.
 * - temporary: refused for now (queue full, system error); nothing was
 *   taken, the dispatcher may try again later.
 * - permanent: this SMS will never be taken as it is. `final` says which of
 *   our statuses it ends in: 'rejected' ("rejected and not sent") when the
 *   SMSC refuses by policy or for the sender; 'failed' when the number or
 *   the message itself cannot be sent (which includes our own mistakes in
 *   the PDU: retrying the same PDU would fail the same way).
 * Anything not in the table is permanent 'failed', named by its code.
 */

export type StatusKind = 'ok' | 'throttled' | 'temporary' | 'permanent';

export interface StatusRule {
  name: string;
  text: string;
  kind: StatusKind;
  final?: 'failed' | 'rejected';
}

const ok = (name: string, text: string): StatusRule => ({ name, text, kind: 'ok' });
const temp = (name: string, text: string): StatusRule => ({ name, text, kind: 'temporary' });
const failed = (name: string, text: string): StatusRule => ({ name, text, kind: 'permanent', final: 'failed' });
const rejected = (name: string, text: string): StatusRule => ({ name, text, kind: 'permanent', final: 'rejected' });

export const STATUS_RULES: ReadonlyMap<number, StatusRule> = new Map([
  [0x00, ok('ESME_ROK', 'no error')],
  [0x01, failed('ESME_RINVMSGLEN', 'message length is invalid')],
  [0x02, failed('ESME_RINVCMDLEN', 'command length is invalid')],
  [0x03, failed('ESME_RINVCMDID', 'invalid command id')],
  // The SMSC does not consider us bound although we do: the link is confused, nothing was taken.
  [0x04, temp('ESME_RINVBNDSTS', 'incorrect bind status for this command')],
  [0x05, temp('ESME_RALYBND', 'already bound')],
  [0x06, failed('ESME_RINVPRTFLG', 'invalid priority flag')],
  [0x07, failed('ESME_RINVREGDLVFLG', 'invalid registered delivery flag')],
  [0x08, temp('ESME_RSYSERR', 'system error at the SMSC')],
  [0x0a, rejected('ESME_RINVSRCADR', 'invalid source address (sender ID not allowed)')],
  [0x0b, failed('ESME_RINVDSTADR', 'invalid destination address')],
  [0x0c, failed('ESME_RINVMSGID', 'invalid message id')],
  [0x0d, failed('ESME_RBINDFAIL', 'bind failed')],
  [0x0e, failed('ESME_RINVPASWD', 'invalid password')],
  [0x0f, failed('ESME_RINVSYSID', 'invalid system id')],
  [0x11, failed('ESME_RCANCELFAIL', 'cancel failed')],
  [0x13, failed('ESME_RREPLACEFAIL', 'replace failed')],
  [0x14, temp('ESME_RMSGQFUL', 'message queue full')],
  [0x15, failed('ESME_RINVSERTYP', 'invalid service type')],
  [0x33, failed('ESME_RINVNUMDESTS', 'invalid number of destinations')],
  [0x34, failed('ESME_RINVDLNAME', 'invalid distribution list name')],
  [0x40, failed('ESME_RINVDESTFLAG', 'invalid destination flag')],
  [0x42, failed('ESME_RINVSUBREP', 'invalid submit with replace request')],
  [0x43, failed('ESME_RINVESMCLASS', 'invalid esm_class')],
  [0x44, failed('ESME_RCNTSUBDL', 'cannot submit to distribution list')],
  [0x45, failed('ESME_RSUBMITFAIL', 'submit failed')],
  [0x48, rejected('ESME_RINVSRCTON', 'invalid source address TON')],
  [0x49, rejected('ESME_RINVSRCNPI', 'invalid source address NPI')],
  [0x50, failed('ESME_RINVDSTTON', 'invalid destination address TON')],
  [0x51, failed('ESME_RINVDSTNPI', 'invalid destination address NPI')],
  [0x53, failed('ESME_RINVSYSTYP', 'invalid system type')],
  [0x54, failed('ESME_RINVREPFLAG', 'invalid replace_if_present flag')],
  [0x55, failed('ESME_RINVNUMMSGS', 'invalid number of messages')],
  [0x58, { name: 'ESME_RTHROTTLED', text: 'throttling error (sending too fast)', kind: 'throttled' }],
  [0x61, failed('ESME_RINVSCHED', 'invalid scheduled delivery time')],
  [0x62, failed('ESME_RINVEXPIRY', 'invalid validity period')],
  [0x63, failed('ESME_RINVDFTMSGID', 'predefined message not found')],
  [0x64, temp('ESME_RX_T_APPN', 'temporary application error at the receiver')],
  [0x65, rejected('ESME_RX_P_APPN', 'permanent application error at the receiver')],
  [0x66, rejected('ESME_RX_R_APPN', 'rejected by the receiver application')],
  [0x67, failed('ESME_RQUERYFAIL', 'query failed')],
  [0xc0, failed('ESME_RINVOPTPARSTREAM', 'error in the optional parameters')],
  [0xc1, failed('ESME_ROPTPARNOTALLWD', 'optional parameter not allowed')],
  [0xc2, failed('ESME_RINVPARLEN', 'invalid parameter length')],
  [0xc3, failed('ESME_RMISSINGOPTPARAM', 'expected optional parameter missing')],
  [0xc4, failed('ESME_RINVOPTPARAMVAL', 'invalid optional parameter value')],
  [0xfe, failed('ESME_RDELIVERYFAILURE', 'delivery failure')],
  [0xff, failed('ESME_RUNKNOWNERR', 'unknown error')],
]);

export type StatusOverride = 'throttled' | 'temporary' | 'failed' | 'rejected';

/** Per-connector exceptions to the table, e.g. a vendor code (0x400–0x4FF) an SMSC uses for "queue full". */
export type StatusOverrides = ReadonlyMap<number, StatusOverride>;

export function hexStatus(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(code > 0xff ? 4 : 2, '0')}`;
}

/** `ESME_RINVDSTADR (0x0B) invalid destination address`; unknown codes by number (vendor range named as such). */
export function describeStatus(code: number): string {
  const rule = STATUS_RULES.get(code);
  if (rule) return `${rule.name} (${hexStatus(code)}) ${rule.text}`;
  const vendor = code >= 0x400 && code <= 0x4ff ? ' (SMSC vendor-specific error)' : '';
  return `command_status ${hexStatus(code)}${vendor}`;
}

export function ruleFor(code: number, overrides?: StatusOverrides): StatusRule {
  const base = STATUS_RULES.get(code);
  const override = overrides?.get(code);
  const name = base?.name ?? hexStatus(code);
  const text = base?.text ?? 'unknown error';
  if (override === 'throttled' || override === 'temporary') return { name, text, kind: override };
  if (override) return { name, text, kind: 'permanent', final: override };
  return base ?? { name, text, kind: 'permanent', final: 'failed' };
}

/** `{"0x0400": "temporary"}` from the config → map; problems for bad keys. */
export function parseOverrides(raw: Record<string, StatusOverride>): { overrides: Map<number, StatusOverride>; problems: string[] } {
  const overrides = new Map<number, StatusOverride>();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const code = /^0x[0-9a-f]{1,8}$/i.test(key) ? Number.parseInt(key.slice(2), 16) : Number.NaN;
    if (Number.isNaN(code) || code === 0) problems.push(`${key}: not a command_status (write it in hex, e.g. "0x0400")`);
    else overrides.set(code, value);
  }
  return { overrides, problems };
}
