/**
 * What a failed `@Load…Table` call means for its rows:
 *
 * | kind        | when                                                              | the loader          |
 * | ----------- | ----------------------------------------------------------------- | ------------------- |
 * | `refused`   | the server answered a failure: the transaction rolled back whole  | retries row by row  |
 * | `not-sent`  | nothing reached a server (backpressure, no connection, not sent, server unavailable, mis-partitioned) | sends it again, a few times |
 * | `unknown`   | sent, then the answer was lost (connection lost, call timeout after sending, RESPONSE_UNKNOWN) | reports the rows as unknown — sends again only with `upsert` (idempotent) |
 * | `fatal`     | the client closed, or the load's signal aborted                   | stops the load      |
 */
import { BackpressureError, CallTimeoutError, ClientClosedError, ConnectionLostError, NoConnectionsError, ProcedureError } from '../errors.js';
import { STATUS } from '../protocol/constants.js';

export type FailureKind = 'refused' | 'not-sent' | 'unknown' | 'fatal';

/** Statuses that say the transaction never ran. */
const NOT_RUN: ReadonlySet<number> = new Set([STATUS.SERVER_UNAVAILABLE, STATUS.TXN_MISPARTITIONED, STATUS.TXN_MISROUTED, STATUS.CLIENT_ERROR_TXN_NOT_SENT, STATUS.TXN_RESTART]);
/** Statuses that say the outcome is not known. */
const NOT_KNOWN: ReadonlySet<number> = new Set([STATUS.RESPONSE_UNKNOWN, STATUS.CONNECTION_LOST, STATUS.CONNECTION_TIMEOUT, STATUS.CLIENT_REQUEST_TIMEOUT]);

/** Classify a call's rejection; `signal` is the load's own (its abort is fatal, whatever the error). */
export function failureKind(error: unknown, signal: AbortSignal | null): FailureKind {
  if (signal !== null && signal.aborted) return 'fatal';
  if (error instanceof ProcedureError) {
    if (NOT_RUN.has(error.status)) return 'not-sent';
    if (NOT_KNOWN.has(error.status)) return 'unknown';
    return 'refused';
  }
  if (error instanceof ConnectionLostError || error instanceof CallTimeoutError) return error.sent ? 'unknown' : 'not-sent';
  if (error instanceof BackpressureError || error instanceof NoConnectionsError) return 'not-sent';
  if (error instanceof ClientClosedError) return 'fatal';
  return 'refused';
}
