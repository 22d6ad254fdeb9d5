import { acceptedAtOfId } from '../../store/ids.js';
import type { Principal } from '../auth.js';
import type { ApiContext } from '../context.js';
import { toQuery } from '../params.js';
import { searchMessages } from './search.js';

/** SMS ids named at most in a 404; a mail to a hundred numbers is listed by the search, not here. */
const NAMED = 5;

/**
 * Why GET /messages/{id} found nothing, for the integrator who passed the
 * wrong id. The route takes the id of one SMS, `<mailId>.<n>` (a submit's
 * messages[].id); a mail id (`250 queued as <mailId>`, a submit's mailId)
 * is said to be one, with its SMS the caller may see. Another account's
 * mail is not named: its existence is not the caller's to know.
 */
export async function noSmsDetail(ctx: ApiContext, principal: Principal, id: string): Promise<string> {
  const sms = /^(.+)\.\d+$/.exec(id);
  if (sms) return `no SMS "${id}"; GET /api/v1/messages?id=${sms[1]} lists the SMS of mail ${sms[1]}`;
  const takes = 'this route takes the id of one SMS, <mailId>.<n> as a submit\'s messages[].id names it';
  // Only an id we make is looked for as a mail's: its time finds the archive's days, where anything else would read all of it.
  if (!acceptedAtOfId(id)) return `no SMS "${id}": ${takes}, such as MHX3K2A19F0C2B7D1E.1`;
  const q = toQuery({ id }, principal, { timeZone: ctx.timeZone, country: ctx.deps.config.smtp.defaultCountry });
  const { items } = await searchMessages(ctx.history, q, { limit: NAMED + 1 }, ctx.lagDays);
  if (!items.length) return `no SMS "${id}": ${takes} (${id}.1 is the first SMS of the mail "250 queued as ${id}")`;
  const ids = items.map((m) => m.id).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).slice(0, NAMED);
  const more = items.length > NAMED ? `, … (GET /api/v1/messages?id=${id} lists all)` : '';
  return `"${id}" is a mail id ("250 queued as ${id}", a submit's mailId); ${takes}: its SMS are ${ids.join(', ')}${more}`;
}
