/**
 * Calls waiting for a connection to come back (`ConnectionSet.whenConnected`): each waits up to
 * its own timeout, can be aborted by its signal, and is woken when any host is adopted again or
 * failed when the set closes.
 *
 * While anyone waits, the reconnect timers are held (ref'd), so the process stays alive until
 * the waiting calls settle; when the last waiter leaves they are let go again.
 */

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** The calls waiting for a connection (see the file comment). */
export class ConnectionWaiters {
  readonly #waiters = new Set<Waiter>();
  /** Told `true` when the first call starts waiting, `false` when the last one leaves. */
  readonly #hold: (on: boolean) => void;

  constructor(hold: (on: boolean) => void) {
    this.#hold = hold;
  }

  /** True while some call waits. */
  get waiting(): boolean {
    return this.#waiters.size > 0;
  }

  /**
   * Resolve at the next {@link wakeAll}; reject with `timedOut()` after `timeoutMs` (0 or
   * Infinity: no limit), with the signal's reason when aborted, or at {@link failAll}.
   */
  wait(timeoutMs: number, signal: AbortSignal | null, timedOut: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (): void => {
        this.#waiters.delete(waiter);
        if (this.#waiters.size === 0) this.#hold(false);
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: () => (done(), resolve()),
        reject: (error) => (done(), reject(error)),
      };
      const onAbort = (): void => waiter.reject(signal!.reason);
      this.#waiters.add(waiter);
      if (this.#waiters.size === 1) this.#hold(true);
      signal?.addEventListener('abort', onAbort);
      if (timeoutMs > 0 && timeoutMs !== Infinity) timer = setTimeout(() => waiter.reject(timedOut()), timeoutMs);
    });
  }

  /** A connection is open again: every waiting call goes on. */
  wakeAll(): void {
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }

  /** Nothing will come back: every waiting call fails with `error`. */
  failAll(error: Error): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }
}
