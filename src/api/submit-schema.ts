/** The body of POST /messages and of its preview, as the schema (and so the OpenAPI document) describes it, with the checks run before the schema. */
import { CALLBACK_LEVEL_WORDS } from '../notify/callbacks/levels.js';
import { Problem } from './problems.js';

/**
 * A sending option that the options parser reads (options.ts), not the schema: every bad value is then named at once,
 * in the sentence a mail's header would get (BadOption), instead of the schema's first complaint.
 */
const parsedOption = (json: 'boolean' | 'integer', description: string) => ({ anyOf: [{ type: json }, { type: 'string' }], description });

/** The body of a submit, and of its preview. */
export const submitBody = {
  type: 'object', additionalProperties: false, required: ['to', 'text'],
  properties: {
    to: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }], description: 'Number(s): +4915112345678, 004915112345678 or national (the account\'s country); spaces, - . / ( ) as written (+49 151 1234 5678, (0151) 12345678)' },
    text: { type: 'string', maxLength: 10000, description: 'The SMS text (an empty one, or one of only spaces and invisible characters: 422 NoText); typographic characters are replaced like in mail (text.transliterate)' },
    sendAt: { type: 'string', description: 'X-SMS-Send-At: RFC 3339 (2026-12-01T09:00:00+01:00) or RFC 5322; without offset in the account\'s time zone. More than 15 minutes before the request: 422 BadOption; less: sent at once, and notes say so' },
    senderId: { type: 'string', description: 'X-SMS-Sender-ID' },
    notify: { type: 'string', description: `X-SMS-Notify: which confirmations confirmTo gets: ${CALLBACK_LEVEL_WORDS} (final and delivery are the same)` },
    validity: { type: 'string', description: 'X-SMS-Validity: 48h, 30m, 2d; 0 for none of its own (the account\'s default)' },
    reference: { type: 'string', description: 'X-SMS-Reference: your reference, for tracking and in confirmations' },
    billingCode: { type: 'string', description: 'X-SMS-Billing-Code: the cost centre the SMS is billed to (1 to 70 printable characters), in the message, the CSV export and status callbacks' },
    flash: parsedOption('boolean', 'X-SMS-Flash: true or false (or yes, no, on, off as in the header)'),
    maxSegments: parsedOption('integer', 'X-SMS-Max-Segments: 1 to 255, never more than the account allows'),
    blackout: { type: 'string', description: 'X-SMS-Blackout: quiet hours for this SMS, 20:00/08:00' },
    duplicateDetection: parsedOption('boolean', 'X-SMS-Duplicate-Detection: the same text to the same number only once within the account\'s window'),
    priority: { type: 'string', description: 'X-SMS-Priority: express (ahead of every normal SMS waiting to be sent) or normal; an account without allowExpress sends it as normal, and the answer\'s notes say so' },
    confirmTo: { type: 'string', description: 'Address (of the account) that gets the confirmations; none without it' },
    account: { type: 'string', description: 'Admins only: send for this account' },
    statusCallback: { type: 'string', minLength: 1, maxLength: 2000, description: 'X-SMS-Status-Callback: URL each status of the SMS is pushed to (signed JSON, see Status callbacks); must lie under the account\'s allowed prefixes (422 CallbackNotAllowed); the account\'s default when absent' },
    statusCallbackLevel: { type: 'string', description: `X-SMS-Status-Callback-Level: which statuses are pushed: ${CALLBACK_LEVEL_WORDS} (failure: final ones but delivered; final or delivery: final ones; all: accepted, submitted and final); the account's default (all) when absent` },
  },
};

/** The submit body's fields the schema types as text (`to` too: text or a list of texts). */
const TEXT_FIELDS = Object.entries(submitBody.properties).filter(([k, p]) => k === 'to' || ('type' in p && p.type === 'string')).map(([k]) => k);

/**
 * A JSON number or true/false where text belongs is refused before the
 * schema runs: fastify's validator would turn it into text, and a number
 * written as a JSON number has lost its leading 0 (015112345678 became
 * 15112345678, another number) before anybody could tell.
 */
export async function textStaysText(req: { body: unknown }): Promise<void> {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const errors: string[] = [];
  for (const k of TEXT_FIELDS) {
    const v = (body as Record<string, unknown>)[k];
    const items: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [`${k}[${i}]`, x]) : [[k, v]];
    for (const [where, x] of items) if (typeof x === 'number' || typeof x === 'boolean') errors.push(`${where}: must be text in quotes ("${x}"), not a JSON ${typeof x}`);
  }
  if (errors.length) throw new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
}

