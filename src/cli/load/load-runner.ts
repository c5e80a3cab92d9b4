/**
 * Drives one client with a workload: warm-up, then the measured window, then a drain.
 *
 * Pacing: calls are issued while (a) the schedule says they are due (always, without a rate),
 * (b) fewer than `maxOutstanding` are in flight, and (c) the client does not ask to drain.
 * When (c) stops it, the runner waits for the client's `'drain'` event — the client's own flow
 * control, like Java's Client2 backpressure — and when (a) stops it, for a timer until the next
 * call falls due. A completion tops the pipeline up at once.
 *
 * Measurement: each call's latency runs from its intended send time (see SendSchedule) to the
 * moment its promise settles. A call counts in the report when its intended time falls inside
 * the measured window, whenever it completes.
 */
import { performance } from 'node:perf_hooks';
import { errorKind } from './error-kind.js';
import { LoadStats, type IntervalSnapshot, type LoadPhase } from './load-stats.js';
import { SendSchedule } from './rate-limiter.js';
import type { Workload, WorkloadCall, WorkloadClient, WorkloadResponse } from './workload.js';

/** The client surface the runner drives (the real Client satisfies it; tests pass a fake). */
export interface LoadClient extends WorkloadClient {
  readonly needsDrain?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
  stats?(): { bytesIn: number; bytesOut: number };
}

export interface LoadRunnerOptions {
  client: LoadClient;
  workload: Workload;
  warmupMs: number;
  durationMs: number;
  /** Calls per second for this runner; undefined = as fast as flow control allows. */
  rate?: number;
  /** Calls in flight at most (default 1000). */
  maxOutstanding?: number;
  /** Per-call client timeout. */
  timeoutMs?: number;
  /** Ticks of `onTick` (ms); 0 = none. */
  tickMs?: number;
  /** Called every `tickMs` with the runner's stats (the live display or a worker's delta sender). */
  onTick?: (stats: LoadStats, phase: LoadPhase, elapsedMs: number, measuredMs: number) => void;
  /** Stop early (Ctrl-C): stop issuing, drain, report what was measured. */
  signal?: AbortSignal;
  /** Longest wait for in-flight calls at the end (default 30 s). */
  drainTimeoutMs?: number;
  /** Stats to record into (default: a new one). */
  stats?: LoadStats;
}

/** What one runner measured. */
export interface LoadRunResult {
  stats: LoadStats;
  /** Length of the measured window including the drain, ms. */
  measuredMs: number;
  rate: number | undefined;
  bytesIn: number;
  bytesOut: number;
  /** CPU time of this process (all its threads) during the measured window, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Worst lateness of a send against its intended time, ms (rate-limited runs). */
  maxScheduleLagMs: number;
  /** Why the run stopped before its end, if it did. */
  stoppedEarly: string | undefined;
}

interface Handle {
  call(params: readonly unknown[], options?: { timeoutMs?: number }): Promise<WorkloadResponse>;
  /** The promise-free form (voltwire's procedure handles have it): one closure a call instead of a promise and two. */
  send?(params: readonly unknown[], callback: (error: unknown, response: WorkloadResponse | null) => void, options?: { timeoutMs?: number }): void;
}

/** A handle with the promise-free form, which the runner issues every call through. */
type Sender = Required<Pick<Handle, 'send'>>;

/** `send` over a handle that has only `call` (a client without procedure handles). */
function promiseFree(handle: Handle): Sender {
  return {
    send(params, callback, options) {
      let promise: Promise<WorkloadResponse>;
      try {
        promise = handle.call(params, options);
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (response) => callback(null, response),
        (error: unknown) => callback(error, null),
      );
    },
  };
}

/**
 * One call in flight: what its completion needs, and the callback given to `send`, made once per
 * record — records are reused, so issuing a call makes no closure.
 */
class InFlight {
  intended = 0;
  measured = false;
  procedure = '';
  readonly done: (error: unknown, response: WorkloadResponse | null) => void;

  constructor(runner: LoadRunner) {
    this.done = (error, response) => runner.completed(this, error, response);
  }
}

export class LoadRunner {
  readonly stats: LoadStats;
  private readonly options: LoadRunnerOptions;
  private readonly maxOutstanding: number;
  /** One options object for every call (the client checks a given options object once, not per call). */
  private readonly callOptions: { timeoutMs?: number } | undefined;
  private readonly handles = new Map<string, Sender>();
  /** Records of calls that completed, for the next calls (at most `maxOutstanding` exist). */
  private readonly freeInFlight: InFlight[] = [];
  private schedule!: SendSchedule;
  private startMs = 0;
  private measureStartMs = 0;
  private endMs = 0;
  private phase: LoadPhase = 'setup';
  private issuing = false;
  private waitingForDrain = false;
  private timer: NodeJS.Timeout | undefined;
  private maxLagMs = 0;
  private stoppedEarly: string | undefined;
  private settleIdle: (() => void) | undefined;
  /** Ends the load window early (set while `run` waits for it). */
  private endOfLoad: (() => void) | undefined;

  constructor(options: LoadRunnerOptions) {
    this.options = options;
    this.stats = options.stats ?? new LoadStats();
    this.maxOutstanding = options.maxOutstanding ?? 1000;
    this.callOptions = options.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs };
  }

  async run(): Promise<LoadRunResult> {
    const { warmupMs, durationMs, client } = this.options;
    this.startMs = performance.now();
    this.measureStartMs = this.startMs + warmupMs;
    this.endMs = this.measureStartMs + durationMs;
    this.schedule = new SendSchedule(this.options.rate, this.startMs);
    this.phase = warmupMs > 0 ? 'warmup' : 'measure';

    let bytesAtStart = client.stats?.() ?? { bytesIn: 0, bytesOut: 0 };
    let cpuAtStart = process.cpuUsage();
    const measureTimer = setTimeout(() => {
      this.phase = 'measure';
      bytesAtStart = client.stats?.() ?? bytesAtStart;
      cpuAtStart = process.cpuUsage();
    }, warmupMs);
    const tickTimer = this.startTicks();
    const abort = (): void => this.stop('interrupted');
    this.options.signal?.addEventListener('abort', abort, { once: true });
    if (this.options.signal?.aborted === true) this.stop('interrupted');

    this.issuing = this.stoppedEarly === undefined;
    this.pump();
    await this.loadWindow();
    this.endOfLoad = undefined;
    clearTimeout(measureTimer);
    if (this.phase === 'warmup') {
      // Stopped during warm-up: nothing was measured; start the (empty) window now.
      bytesAtStart = client.stats?.() ?? bytesAtStart;
      cpuAtStart = process.cpuUsage();
    }
    this.phase = 'drain';
    this.issuing = false;
    clearTimeout(this.timer);
    await this.drain();
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuAtStart);
    const bytesAtEnd = client.stats?.() ?? bytesAtStart;
    if (tickTimer !== undefined) clearInterval(tickTimer);
    this.options.signal?.removeEventListener('abort', abort);
    this.phase = 'done';
    return {
      stats: this.stats,
      measuredMs: Math.max(0, finished - this.measureStartMs),
      rate: this.options.rate,
      bytesIn: bytesAtEnd.bytesIn - bytesAtStart.bytesIn,
      bytesOut: bytesAtEnd.bytesOut - bytesAtStart.bytesOut,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      maxScheduleLagMs: this.maxLagMs,
      stoppedEarly: this.stoppedEarly,
    };
  }

  /** Stop issuing now (the run then drains and reports). */
  stop(reason: string): void {
    if (this.stoppedEarly === undefined && this.phase !== 'drain' && this.phase !== 'done') this.stoppedEarly = reason;
    this.issuing = false;
    this.endMs = Math.min(this.endMs, performance.now());
    this.endOfLoad?.();
  }

  /** Resolves at the end of the measured window, or at once when stopped. */
  private loadWindow(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, Math.max(0, this.endMs - performance.now()));
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.endOfLoad = finish;
      if (!this.issuing && this.stoppedEarly !== undefined) finish();
    });
  }

  private startTicks(): NodeJS.Timeout | undefined {
    const { tickMs, onTick } = this.options;
    if (tickMs === undefined || tickMs <= 0 || onTick === undefined) return undefined;
    return setInterval(() => {
      const now = performance.now();
      onTick(this.stats, this.phase, now - this.startMs, Math.max(0, Math.min(now, this.endMs) - this.measureStartMs));
    }, tickMs);
  }

  /** Issue every call that may go now (`now`: the caller's clock reading, when it has one). */
  private pump(now = performance.now()): void {
    if (!this.issuing) return;
    const client = this.options.client;
    if (now >= this.endMs) return;
    const due = this.schedule.dueBy(now);
    const stats = this.stats;
    while (stats.issued < due && stats.outstanding < this.maxOutstanding) {
      if (client.needsDrain === true && client.once !== undefined) {
        if (!this.waitingForDrain) {
          this.waitingForDrain = true;
          client.once('drain', () => {
            this.waitingForDrain = false;
            this.pump();
          });
        }
        return;
      }
      this.issue(stats.issued, now);
    }
    if (stats.issued >= due && this.timer === undefined) {
      const delay = this.schedule.delayUntil(stats.issued, performance.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.max(1, delay));
    }
  }

  private issue(n: number, now: number): void {
    const intended = this.schedule.intendedTime(n, now);
    const measured = intended >= this.measureStartMs;
    // Lag of the measured calls only: a slow start during warm-up is what warm-up is for.
    if (measured && now - intended > this.maxLagMs) this.maxLagMs = now - intended;
    const call = this.options.workload.next();
    this.stats.issued++;
    this.stats.outstanding++;
    const record = this.freeInFlight.pop() ?? new InFlight(this);
    record.intended = intended;
    record.measured = measured;
    record.procedure = call.procedure;
    this.handle(call).send(call.params, record.done, this.callOptions);
  }

  /** A call's callback: its record is free again once read. */
  completed(record: InFlight, error: unknown, response: WorkloadResponse | null): void {
    const { intended, measured, procedure } = record;
    this.freeInFlight.push(record);
    if (error === null) this.settled(intended, measured, undefined, this.options.workload.outcome(procedure, response!));
    else this.failed(intended, measured, error);
  }

  private handle(call: WorkloadCall): Sender {
    let handle = this.handles.get(call.procedure);
    if (handle === undefined) {
      const client = this.options.client as LoadClient & { procedure?: (name: string, types: readonly string[]) => Handle };
      const made: Handle =
        typeof client.procedure === 'function'
          ? client.procedure(call.procedure, call.types)
          : { call: (params, options) => client.call(call.procedure, params, options) };
      handle = made.send !== undefined ? (made as Sender) : promiseFree(made);
      this.handles.set(call.procedure, handle);
    }
    return handle;
  }

  private failed(intended: number, measured: boolean, error: unknown): void {
    const kind = errorKind(error);
    // The client is gone: every further call would fail the same way at once.
    if (kind === 'NO_CONNECTIONS' || kind === 'CLIENT_CLOSED') this.stop(error instanceof Error ? error.message : kind);
    this.settled(intended, measured, kind, undefined);
  }

  private settled(intended: number, measured: boolean, error: string | undefined, outcome: string | undefined): void {
    const now = performance.now();
    this.stats.outstanding--;
    this.stats.record((now - intended) * 1000, error, outcome, measured);
    if (this.stats.outstanding === 0) this.settleIdle?.();
    this.pump(now);
  }

  private drain(): Promise<void> {
    if (this.stats.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        this.stoppedEarly ??= `${this.stats.outstanding} calls still outstanding after the drain timeout`;
        this.settleIdle = undefined;
        resolve();
      }, this.options.drainTimeoutMs ?? 30_000);
      this.settleIdle = () => {
        clearTimeout(timeout);
        this.settleIdle = undefined;
        resolve();
      };
    });
  }
}

export type { IntervalSnapshot };
