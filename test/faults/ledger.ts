/**
 * The bookkeeping every fault test checks (issue 6): issued = succeeded + failed, each call
 * settled exactly once, no unhandled rejection, and no handle (socket, timer, server) left
 * behind after `close()`.
 *
 * "Exactly once" is checked twice: per promise (a settlement counter on each), and inside the
 * client through its diagnostics channels — every `voltwire:call:start` message must come back
 * on `voltwire:call:end` exactly once (the tracker publishes the same object at both ends).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { TestContext } from 'node:test';
import { CHANNEL } from '../../src/calls/diagnostics.js';

/** Unhandled rejections seen by this process since {@link installRejectionProbe}. */
export const unhandled: unknown[] = [];
let probeInstalled = false;

/** Record unhandled rejections instead of letting them pass unnoticed (call once per test file). */
export function installRejectionProbe(): void {
  if (probeInstalled) return;
  probeInstalled = true;
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
}

/** Counts per kind of active handle (`process.getActiveResourcesInfo()`). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** The handles alive now beyond `baseline` ('TTYWrap' and the like are in both). */
export function resourcesBeyond(baseline: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [kind, count] of activeResources()) {
    const before = baseline.get(kind) ?? 0;
    if (count > before) extra.push(`${kind} ×${count - before}`);
  }
  return extra;
}

/** Wait (polling) until no handle beyond `baseline` is alive; returns what is still there after `timeoutMs`. */
export async function settleResources(baseline: Map<string, number>, timeoutMs = 3000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  let extra = resourcesBeyond(baseline);
  while (extra.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    extra = resourcesBeyond(baseline);
  }
  return extra;
}

/** One ledger per test: track every call's promise, then {@link Ledger.verify}. */
export class Ledger {
  issued = 0;
  succeeded = 0;
  failed = 0;
  /** Errors by class name. */
  readonly errors = new Map<string, number>();
  readonly samples = new Map<string, Error>();
  private readonly settlements: number[] = [];
  private readonly all: Promise<void>[] = [];
  private readonly open = new Set<object>();
  private readonly ended = new Map<object, number>();
  private starts = 0;
  private readonly onStart = (message: unknown): void => {
    this.starts++;
    this.open.add(message as object);
  };
  private readonly onEnd = (message: unknown): void => {
    const key = message as object;
    this.ended.set(key, (this.ended.get(key) ?? 0) + 1);
    this.open.delete(key);
  };

  constructor() {
    diagnosticsChannel.subscribe(CHANNEL.CALL_START, this.onStart);
    diagnosticsChannel.subscribe(CHANNEL.CALL_END, this.onEnd);
  }

  /** Count `promise` as one issued call; its settlement is counted once it happens. */
  track<T>(promise: Promise<T>): void {
    const index = this.settlements.length;
    this.settlements.push(0);
    this.issued++;
    this.all.push(
      promise.then(
        () => {
          this.settlements[index]!++;
          this.succeeded++;
        },
        (error: unknown) => {
          this.settlements[index]!++;
          this.failed++;
          const name = error instanceof Error ? error.name : typeof error;
          this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
          if (error instanceof Error && !this.samples.has(name)) this.samples.set(name, error);
        },
      ),
    );
  }

  /** Wait until every tracked call settled, or fail after `timeoutMs` naming how many hang. */
  async settled(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.issued - this.succeeded - this.failed} of ${this.issued} calls still unsettled after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // New calls may be tracked while waiting: loop until the list stops growing.
      let seen = -1;
      while (seen !== this.all.length) {
        seen = this.all.length;
        await Promise.race([Promise.all(this.all), hang]);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Unsubscribe from the diagnostics channels. */
  dispose(): void {
    diagnosticsChannel.unsubscribe(CHANNEL.CALL_START, this.onStart);
    diagnosticsChannel.unsubscribe(CHANNEL.CALL_END, this.onEnd);
  }

  /** The invariant: everything settled once, nothing lost, no unhandled rejection. */
  verify(t: TestContext): void {
    t.assert.strictEqual(this.issued, this.succeeded + this.failed, `issued ${this.issued} = succeeded ${this.succeeded} + failed ${this.failed}`);
    const wrong = this.settlements.filter((n) => n !== 1).length;
    t.assert.strictEqual(wrong, 0, `${wrong} calls settled a number of times other than once`);
    t.assert.strictEqual(this.open.size, 0, `${this.open.size} calls started inside the client never ended (diagnostics)`);
    const twice = [...this.ended.values()].filter((n) => n !== 1).length;
    t.assert.strictEqual(twice, 0, `${twice} calls ended more than once inside the client (diagnostics)`);
    t.assert.ok(this.starts <= this.issued, `the client started ${this.starts} calls, more than the ${this.issued} issued`);
    t.assert.deepStrictEqual(unhandled, [], 'no unhandled rejection');
    this.dispose();
  }

  /** `{ ConnectionLostError: 3, … }` for messages. */
  summary(): string {
    return `issued ${this.issued}, succeeded ${this.succeeded}, failed ${this.failed} ${JSON.stringify(Object.fromEntries(this.errors))}`;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
