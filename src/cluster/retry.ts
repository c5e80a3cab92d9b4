/**
 * Opt-in retry of calls lost with their connection (`ConnectionLostError`), for procedures the
 * application knows are safe to run twice: read-only ones (from the catalog's `readOnly`) or ones
 * it names as idempotent — never by default. A lost call may have run on the server
 * (`sent: true`); retrying a non-idempotent procedure could apply it twice, which is why the
 * library never guesses.
 *
 * The retry is a new call, routed afresh: the lost connection has already left the routing
 * table, so it goes to another host (or waits for a reconnect, like any call).
 *
 * - client option `retryOnConnectionLoss: true` → retry read-only procedures (2 attempts);
 * - `retryOnConnectionLoss: { readOnly, procedures: ['GetBalance'], attempts: 3 }`;
 * - per call `{ retryOnConnectionLoss: true }` (this call is idempotent) or `false` (never).
 */
import { performance } from 'node:perf_hooks';
import { ERROR_CODE, InvalidArgumentError, VoltError } from '../errors.js';

/** Which calls are retried after a connection loss. */
export interface RetryOptions {
  /** Retry procedures the catalog marks read-only. Default true. */
  readOnly?: boolean;
  /** Procedures the application declares idempotent. Default none. */
  procedures?: readonly string[];
  /** Most attempts in all, the first included (≥ 2). Default 2. */
  attempts?: number;
}

/** The client option: `true` = read-only procedures, 2 attempts. */
export type RetryOnConnectionLoss = boolean | RetryOptions;

/** Default attempts (first + one retry). */
export const DEFAULT_RETRY_ATTEMPTS = 2;

/** Validate and fill in; null = retry only calls that ask for it. */
export function resolveRetryOptions(option: RetryOnConnectionLoss | undefined): Required<RetryOptions> | null {
  if (option === undefined || option === false) return null;
  if (option === true) return { readOnly: true, procedures: [], attempts: DEFAULT_RETRY_ATTEMPTS };
  if (typeof option !== 'object' || option === null) throw new InvalidArgumentError(`retryOnConnectionLoss must be a boolean or { readOnly, procedures, attempts }, got ${String(option)}`);
  const attempts = option.attempts ?? DEFAULT_RETRY_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 2 || attempts > 100) throw new InvalidArgumentError(`retryOnConnectionLoss.attempts must be an integer 2..100, got ${String(attempts)}`);
  const procedures = option.procedures ?? [];
  if (!Array.isArray(procedures) || procedures.some((p) => typeof p !== 'string')) throw new InvalidArgumentError('retryOnConnectionLoss.procedures must be an array of procedure names');
  if (option.readOnly !== undefined && typeof option.readOnly !== 'boolean') throw new InvalidArgumentError('retryOnConnectionLoss.readOnly must be a boolean');
  return { readOnly: option.readOnly ?? true, procedures: [...procedures], attempts };
}

/** True for the one failure a retry may fix: the connection was lost. */
export function isConnectionLoss(error: unknown): boolean {
  return VoltError.is(error) && error.code === ERROR_CODE.CONNECTION_LOST;
}

/** Decides and runs retries (see the file comment). */
export class RetryPolicy {
  /** Retries made. */
  retries = 0;
  private readonly named: ReadonlySet<string>;

  constructor(
    private readonly options: Required<RetryOptions> | null,
    /** The catalog's `readOnly` for a procedure (false when unknown). */
    private readonly isReadOnly: (procedure: string) => boolean,
  ) {
    this.named = new Set(options?.procedures ?? []);
  }

  /** Attempts allowed for a call of `procedure` with per-call setting `perCall`; 1 = no retry. */
  attemptsFor(procedure: string, perCall: boolean | undefined): number {
    if (perCall === false) return 1;
    const attempts = this.options?.attempts ?? DEFAULT_RETRY_ATTEMPTS;
    if (perCall === true) return attempts;
    const o = this.options;
    if (o === null) return 1;
    if (this.named.has(procedure) || (o.readOnly && this.isReadOnly(procedure))) return attempts;
    return 1;
  }

  /**
   * Run `attempt` and, while it fails with a connection loss and attempts remain, run it again —
   * but not at or after `deadlineMs` (a `performance.now()` time: the call's own timeout bounds
   * all its attempts together). `onRetry` hears about each retry (attempt that failed, its error).
   */
  async run<R>(attempts: number, attempt: () => Promise<R>, onRetry?: (failedAttempt: number, error: Error) => void, deadlineMs = Infinity): Promise<R> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (n >= attempts || !isConnectionLoss(error) || performance.now() >= deadlineMs) throw error;
        this.retries++;
        onRetry?.(n, error as Error);
      }
    }
  }
}
