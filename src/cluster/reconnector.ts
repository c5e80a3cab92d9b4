/**
 * Reconnect timing: exponential backoff with jitter, 1 s, 2 s, 4 s … capped at
 * `maxReconnectDelayMs` (default 90 s, as the SiriDB connector's `max_wait_retry`).
 *
 * Jitter takes up to 20 % *off* each delay (never adds), so the delays stay under the cap and
 * many clients that lost the same node do not come back in lock-step.
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** First delay. Default 1000 ms. */
  initialDelayMs: number;
  /** Largest delay. Default 90 000 ms. */
  maxDelayMs: number;
  /** Fraction of each delay that may be taken off at random (0 = none). Default 0.2. */
  jitter: number;
  /** Random source in [0, 1) (tests pin it). */
  random?: () => number;
}

/** Default first delay, cap and jitter. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 90_000, jitter: 0.2 });

/** The delay before reconnect attempt `attempt` (1-based): `min(max, initial · 2^(attempt−1))` less up to `jitter` of it. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  const random = options.random ?? Math.random;
  return Math.round(base * (1 - options.jitter * random()));
}

/**
 * One host's reconnect loop: `schedule()` waits the next backoff delay then calls `attempt()`;
 * a failed attempt schedules the next one, a successful one resets the count.
 *
 * The timer does not keep the process alive by itself (like a closed socket, a client with
 * nothing to do lets a script end) — except while {@link hold} is on: the cluster layer holds
 * it while calls wait for a connection, so those calls are not abandoned by an exiting process.
 */
export class Reconnector {
  /** Attempts since the last success. */
  attempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private holding = false;

  constructor(
    private readonly options: BackoffOptions,
    /** Try once; resolves true when connected. */
    private readonly attempt: () => Promise<boolean>,
    /** Told before each wait. */
    private readonly onSchedule: (attempt: number, delayMs: number) => void,
  ) {}

  /** True while a retry is waiting or running. */
  get active(): boolean {
    return this.timer !== null || this.running;
  }

  private running = false;

  /** Keep the process alive while a retry is pending (on) or not (off). */
  hold(on: boolean): void {
    this.holding = on;
    if (this.timer !== null) {
      if (on) this.timer.ref();
      else this.timer.unref();
    }
  }

  /** Schedule the next attempt (no-op when one is already pending or the loop was cancelled). */
  schedule(): void {
    if (this.stopped || this.timer !== null || this.running) return;
    this.attempts++;
    const delay = backoffDelay(this.attempts, this.options);
    this.onSchedule(this.attempts, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = true;
      void this.attempt().then(
        (ok) => this.settled(ok),
        () => this.settled(false),
      );
    }, delay);
    if (!this.holding) this.timer.unref();
  }

  /** A connection came up by other means: reset the count and drop a pending timer. */
  succeeded(): void {
    this.attempts = 0;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Stop for good. */
  cancel(): void {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private settled(ok: boolean): void {
    this.running = false;
    if (ok) this.attempts = 0;
    else this.schedule();
  }
}
