import type { SMTPServerSession } from 'smtp-server';
import type { LogFn } from '../log.js';
import { errors } from './errors.js';

type Callback = (err?: Error | null, ...rest: unknown[]) => void;
// smtp-server's handlers differ in their first arguments; the session always comes just before the callback.
type Handler = (...args: never[]) => void | Promise<void>;
type AnyHandler = (...args: unknown[]) => void | Promise<void>;

/**
 * Wraps an smtp-server handler (onConnect, onAuth, onMailFrom, onRcptTo) so
 * that anything unplanned in it is logged with its stack and answered from
 * the registry (InternalError: a temporary 451 4.3.0, so the client keeps the
 * mail and tries again), as DATA does. Left to smtp-server, a thrown
 * exception got its own "Error: internal server error" with nothing in our
 * log (its logger is off), and a rejected promise was not caught at all:
 * Node ends the process on an unhandled rejection.
 *
 * The callback answers once: after an exception it is answered here unless
 * the handler had answered already, and a late answer of the handler's is
 * dropped, since the client has its reply.
 */
export function answerUnplanned<H extends Handler>(command: string, log: LogFn, handler: H): H {
  return ((...args: unknown[]) => {
    const callback = args.at(-1) as Callback;
    const session = args.at(-2) as SMTPServerSession;
    let answered = false;
    const answer: Callback = (...reply) => {
      if (answered) return;
      answered = true;
      callback(...reply);
    };
    const fail = (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      log('smtp-handler-error', { command, cid: session.id, ip: session.remoteAddress, error: err.message, stack: err.stack });
      answer(errors.InternalError());
    };
    try {
      const pending = (handler as unknown as AnyHandler)(...args.slice(0, -1), answer);
      if (pending) pending.catch(fail);
    } catch (e) {
      fail(e);
    }
  }) as unknown as H;
}
