/**
 * A submit_sm_resp that comes after responseTimeoutMs. By then the submit
 * was reported uncertain (connector.ts failure(): `lost`), and the
 * dispatcher acted on it (failed the SMS, or sent it again). The answer
 * settles the doubt: what it says is turned into a LateAnswer for the
 * dispatcher, and logged with our SMS id and the SMSC's id, so an operator
 * can reconcile it even when nobody else can use it.
 *
 * The parts of a long SMS are sent one after the other, and the first that
 * is lost ends the attempt: only that part can be answered late. It
 * completes the SMS when it is the last part; otherwise the parts after it
 * were never sent.
 */
import type { LogFn } from '../../log.js';
import type { LateAnswer } from '../types.js';
import { describeStatus, ruleFor, type StatusOverrides } from './errors.js';
import type { LateAnswer as LateResponse } from './session.js';

export interface LostPart {
  connector: string;
  /** Our SMS id. */
  msgId: string;
  /** 0-based index of the part whose answer was late, of `total`. */
  index: number;
  total: number;
  /** The SMSC's ids of the parts before it (all taken). */
  taken: string[];
  /** The connector's default sender it went with, when the SMS named none (SubmitResult's `sender`). */
  sender?: string;
}

/** The LateAnswer a late response makes, and its parts' ids when the whole SMS was taken (to follow its receipts). Logs it. */
export function readLateAnswer(
  lost: LostPart, r: LateResponse, o: { at: Date; overrides: StatusOverrides | undefined; log: LogFn; placeholder: () => string },
): { answer: LateAnswer; partIds?: string[] } {
  const { index, total, taken } = lost;
  const where = total > 1 ? `part ${index + 1} of ${total}: ` : '';
  const fields = { connector: lost.connector, msgId: lost.msgId, part: index + 1, parts: total };
  const base = { id: lost.msgId, at: o.at };
  const earlier = taken.length === 0 ? '' : `; parts 1–${taken.length} were taken before (ids ${taken.join(' ')})`;
  if (ruleFor(r.status, o.overrides).kind !== 'ok') {
    const reason = describeStatus(r.status);
    o.log('smpp-late-refused', { ...fields, status: r.status, reason });
    return { answer: { ...base, outcome: 'refused', detail: `${where}the SMSC answered late and did not take it: ${reason}${earlier}` } };
  }
  const id = r.messageId || o.placeholder();
  o.log('smpp-late-accepted', { ...fields, connectorMessageId: id });
  if (index < total - 1) {
    const rest = index + 2 === total ? `part ${total} was` : `parts ${index + 2}–${total} were`;
    return {
      answer: {
        ...base, outcome: 'incomplete',
        detail: `${where}the SMSC took it late (id ${id})${earlier}, but ${rest} never sent: the recipient may see an incomplete message`,
      },
    };
  }
  const partIds = [...taken, id];
  const answer: LateAnswer = { ...base, outcome: 'accepted', connectorMessageId: partIds.join(' '), detail: `${where}the SMSC took it late (id ${id})` };
  return { answer: lost.sender ? { ...answer, sender: lost.sender } : answer, partIds };
}
