import { previewReport, type PreviewRecipient, type PreviewReport } from '../mail/preview.js';
import { quietReason } from '../notify/hold-words.js';
import { wordingFor, type Language } from '../notify/wording/index.js';
import type { Principal } from './auth.js';
import { refusalOf, requestReply, type Refusal } from './problems.js';
import { prepare, type SubmitBody, type SubmitDeps } from './submit-request.js';

/**
 * What POST /api/v1/messages/preview answers: the mail preview's facts, less
 * what only a mail has (what was cut from it). A refusal is there twice:
 * `refusal`/`problem` as the reply line a mail would get (as before, in a
 * request's words where a mail's speak of a mail: problems.ts requestText), and
 * `error`/`problemError` as its Refusal, the shape a submit's problem lists.
 */
export type ApiPreview = Omit<PreviewReport, 'cuts' | 'source' | 'recipients' | 'problem' | 'expressRefused'> & {
  /** `hold`: why it would wait, worded as the account's confirmations word it (`quiet` the same as data, until `notBefore`). */
  recipients: Array<Omit<PreviewRecipient, 'refusal'> & { hold?: string; refusal?: string; error?: Refusal }>;
  problem?: string;
  problemError?: Refusal;
  /** As a submit's answer: a send time that had just passed (sent at once), express asked for and not the account's (its SMS would go as normal ones). */
  notes?: string[];
};

/**
 * How a submit of `body` would be sent — text as it goes out, encoding,
 * segments and their parts, characters that forced Unicode or were
 * replaced, per number the sender ID and time, and what a send would be
 * refused for — storing and sending nothing (preview@ and X-SMS-Preview by
 * mail). A request a submit would refuse as a whole (another account, a bad
 * number or option, a status callback URL outside the account's allow
 * list) is refused alike; a text a submit would refuse (empty, too many
 * segments) is the answer's `problem`, a number's refusal its recipient's
 * `refusal`; `callback` is where the statuses would be pushed, and which.
 */
export function previewSms(deps: SubmitDeps, who: Principal, body: SubmitBody, language?: Language): ApiPreview {
  const { account, recipients, now, draft, policy, notes: prepared, late } = prepare(deps, who, body);
  if (late) throw late;
  const { cuts: _cuts, source: _source, recipients: rows, problem, expressRefused, ...report } = previewReport(draft, recipients, policy, { now, timeZone: account.timeZone, udhOf: deps.udhOf }, deps.optedOut);
  // What RCPT TO would refuse (opt-out, destination, limits), as the mail preview's RCPT would.
  recipients.forEach((r, i) => {
    const e = deps.policy.recipient(account, r, i);
    const row = rows.find((x) => x.to === r.e164);
    if (e && row && !row.refusal) row.refusal = e;
  });
  return {
    ...report,
    recipients: rows.map(({ refusal, ...row }) => {
      if (refusal) return { ...row, refusal: requestReply(refusal), error: refusalOf(refusal, row.to) };
      // In the language asked for, else the account's, times in its confirmations' zone: what its mailed preview and confirmation say.
      const w = wordingFor(language ?? policy.reader?.language);
      const hold = row.quiet && row.notBefore ? quietReason(row.quiet, row.notBefore, w, policy.reader?.timeZone ?? account.timeZone) : undefined;
      return hold ? { ...row, hold } : row;
    }),
    ...(problem ? { problem: requestReply(problem), problemError: refusalOf(problem) } : {}),
    ...(prepared.length || expressRefused ? { notes: [...prepared, ...(expressRefused ? [expressRefused] : [])] } : {}),
  };
}

