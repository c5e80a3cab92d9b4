/**
 * How a call ends: settled exactly once, whatever comes first — the response, the call timeout,
 * the caller's `AbortSignal`, a refused parameter, or the loss of the connection. (How it starts
 * — admitted, a record taken, armed — is start-call.ts, over the same state.)
 *
 * One tracker per client owns the call records (the pool), the timeout sweep, the statistics and
 * the queue accounting, and publishes the call diagnostics. A response matched to its call is
 * decoded through the client's decoder (inline, or off-thread for a large frame) and settles the
 * call here: resolved on SUCCESS, else rejected with `ProcedureError`. Settling removes the abort
 * listener, detaches the call from its connection (handle table, in-flight count), returns the
 * record to the pool, releases the queue place (at the `resume` level, `'drain'`) and wakes idle
 * waiters.
 *
 * Timeouts are a periodic sweep, not a timer per call (as in VoltDB's own Java client): arming a
 * call writes its deadline on the record, and every `resolutionMs` one unref'd timer expires the
 * live calls past it — a timeout fires between `timeoutMs` and `timeoutMs + resolutionMs` late
 * (plus event-loop delay). Settling has nothing to disarm. The timer exists only while a call is
 * live: the first call to start arms it (`armCall`, start-call.ts), the last to end cancels it, so
 * a busy client does no timer work per call and one at rest has no timer. A sweep reads every
 * record the tracker holds (bench/RESULTS.md, "calls by phase": 10,000 in flight).
 */
import { performance } from 'node:perf_hooks';
import { AbortedError, CallTimeoutError, InvalidArgumentError, ProcedureError, ProtocolError, VoltError } from '../errors.js';
import { STATUS, statusName } from '../protocol/constants.js';
import { callEndChannel } from './diagnostics.js';
import { CALL_STATE, NO_PARAMS, runCallback, type CallAborter, type CallCallback, type FlowControl, type PendingCall } from './pending-call.js';
import { StatsCollector, type ProcedureCounters } from './stats.js';

/** Default period of the timeout sweep (ms): a call timeout fires up to this late. */
export const DEFAULT_TIMER_RESOLUTION_MS = 100;

/** Failure kinds recorded in statistics for client-side failures (see `ProcedureStats.errors`). */
export const FAILURE_KIND = {
  TIMEOUT: 'CONNECTION_TIMEOUT',
  CONNECTION_LOST: 'CONNECTION_LOST',
  ABORTED: 'ABORTED',
  PARAMETER: 'PARAMETER',
  BACKPRESSURE: 'BACKPRESSURE',
  PROTOCOL: 'PROTOCOL',
  CLOSED: 'CLOSED',
  NO_CONNECTION: 'NO_CONNECTION',
} as const;

/** The response fields settling a call looks at (the decode layer's `DecodedResponse` has them all). */
export interface ResponseStatus {
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
  exception: unknown;
}

/**
 * What settling a call needs of a decoder: a response frame turned into a response. The decode
 * layer's `ResponseDecoder` is the one the client and connections use (it alone decides what is
 * decoded inline and what off-thread); tests pass stand-ins.
 */
export interface CallResponseDecoder {
  /** Frames of at least this many bytes (prefix included) go off-thread: the frame decoder assembles them in their own shared memory. */
  readonly ownBufferAtBytes: number;
  /** The response at once (decoded inline) or a promise of it (off-thread); throws or rejects `ProtocolError` on malformed bytes. */
  decode(frame: Buffer): ResponseStatus | Promise<ResponseStatus>;
}

/**
 * A call succeeded after `latencyUs`: counted in its procedure's counters (the client's totals
 * are their sums, made when the statistics are read: stats.ts). Recorded here, by the tracker
 * that settles the call, rather than through the statistics object: a settlement bumps two
 * numbers and a histogram, no hop.
 */
export function recordSuccess(counters: ProcedureCounters, latencyUs: number): void {
  counters.calls++;
  counters.succeeded++;
  counters.histogram.recordValue(latencyUs < 1 ? 1 : Math.round(latencyUs));
}

/** A fire-and-forget call was written (no latency: nobody waits for its reply). */
export function recordUnawaited(counters: ProcedureCounters): void {
  counters.calls++;
  counters.unawaited++;
}

/** A call failed with `kind`; `latencyUs` ≥ 0 when the server answered (a procedure error). */
export function recordFailure(counters: ProcedureCounters, kind: string, latencyUs: number): void {
  counters.calls++;
  counters.failed++;
  counters.errors.set(kind, (counters.errors.get(kind) ?? 0) + 1);
  if (latencyUs >= 0) counters.histogram.recordValue(latencyUs < 1 ? 1 : Math.round(latencyUs));
}

/** How many free records a tracker keeps by default (more are dropped when their calls end). */
export const DEFAULT_MAX_FREE_CALLS = 16384;

/**
 * Give back a place in the client queue (a call settled, or one waiting for a connection gave
 * up): at the `resume` level after a backpressure, `'drain'`. (Places are taken by `admitCall`,
 * start-call.ts.)
 */
export function releasePlace(flow: FlowControl): void {
  flow.pending--;
  if (flow.needsDrain && flow.pending <= flow.levels.resume) {
    flow.needsDrain = false;
    flow.events.onDrain(flow.pending);
  }
}

/** Drop every reference of a record whose call ended, so it keeps nothing alive. */
function clearCall(call: PendingCall): void {
  call.procedure = '';
  call.params = NO_PARAMS;
  call.types = undefined;
  call.queryTimeoutMs = undefined;
  call.priority = undefined;
  call.partition = undefined;
  call.awaitResponse = true;
  call.internal = false;
  call.resolve = null;
  call.reject = null;
  call.callback = null;
  call.handle = 0;
  call.owner = null;
  call.counters = null;
  call.signal = null;
  call.diagnostic = null;
  call.deadline = Infinity;
  call.generation++;
}

/** Options of {@link CallTracker}. */
export interface CallTrackerOptions {
  stats?: StatsCollector;
  /** Queue accounting; every call started on this tracker must have been admitted by it. */
  flow?: FlowControl | null;
  /** Period of the timeout sweep (ms, at least 1): a timeout fires up to this late. Default 100. */
  timerResolutionMs?: number;
  /** Clock for deadlines and latencies (ms); default `performance.now`. Tests pass a fake. */
  now?: () => number;
  /** Free records kept for reuse; beyond this many, a record whose call ended is dropped. Default 16384. */
  maxFreeCalls?: number;
}

/** Settles every call of one client exactly once; owns the call pool, timeout sweep, statistics and queue accounting. */
export class CallTracker implements CallAborter {
  /** Every record made and still held, free or in use (at its `recordIndex`): what the sweep scans. */
  readonly records: PendingCall[] = [];
  /** The free records (`takeCall` pops one, or makes one when there is none). */
  readonly freeCalls: PendingCall[] = [];
  /** Free records kept; beyond this, a record whose call ended is dropped (from `records` too). */
  readonly maxFreeCalls: number;
  readonly stats: StatsCollector;
  readonly flow: FlowControl | null;
  /** Calls started and not settled. */
  live = 0;
  /** The call being handed to its connection by `startCall`: if it settles there and then, its callback waits. */
  submitting: PendingCall | null = null;
  /** The clock of deadlines and latencies (ms). */
  readonly now: () => number;
  /** Period of the timeout sweep (ms). */
  readonly resolutionMs: number;
  /** The sweep's unref'd timer while a call is live, else null (`armCall` starts it, the last settle cancels it). */
  sweepTimer: NodeJS.Timeout | null = null;
  /** The timer's callback, made once: a sweep, then the timer re-armed while calls are live. */
  readonly sweepTick: () => void;
  private idleWaiters: (() => void)[] = [];

  constructor(options: CallTrackerOptions = {}) {
    this.maxFreeCalls = options.maxFreeCalls ?? DEFAULT_MAX_FREE_CALLS;
    // Bound, not wrapped: starting and settling a call read the clock with no hop through here.
    this.now = options.now ?? performance.now.bind(performance);
    this.resolutionMs = options.timerResolutionMs ?? DEFAULT_TIMER_RESOLUTION_MS;
    if (!(this.resolutionMs >= 1)) throw new InvalidArgumentError(`timerResolutionMs must be >= 1 ms, got ${this.resolutionMs}`);
    this.sweepTick = () => {
      this.sweep();
      // Null when the sweep ended the last live call (a new timer if a callback started another).
      this.sweepTimer?.refresh();
    };
    this.stats = options.stats ?? new StatsCollector();
    this.flow = options.flow ?? null;
  }

  /** Reject a call that was refused before it started (nothing sent), and count it. */
  refuse(counters: ProcedureCounters, error: unknown, kind: string): Promise<never> {
    recordFailure(counters, kind, -1);
    return Promise.reject(error);
  }

  /**
   * Decode `frame`, the response to `call`, and settle the call. Inline decoding throws its
   * `ProtocolError` to the caller (the connection closes). Off-thread, the outcome arrives
   * later: if the call settled meanwhile (timeout, abort, loss) the response is dropped; a
   * `ProtocolError` fails the call and is passed to `onProtocolError` (the connection closes).
   */
  settleFrom(decoder: CallResponseDecoder, call: PendingCall, frame: Buffer, onProtocolError: (error: Error) => void): void {
    const decoded = decoder.decode(frame);
    if (!(decoded instanceof Promise)) {
      this.deliver(call, decoded);
      return;
    }
    const generation = call.generation;
    const current = (): boolean => call.generation === generation && call.state === CALL_STATE.WRITTEN;
    decoded.then(
      (response) => {
        if (current()) this.deliver(call, response);
      },
      (error: unknown) => {
        const failure = VoltError.is(error) ? error : new ProtocolError(`decoding a ${frame.length}-byte response failed: ${String(error)}`, { cause: error });
        if (current()) this.fail(call, failure, failure instanceof ProtocolError ? FAILURE_KIND.PROTOCOL : 'DECODE');
        if (failure instanceof ProtocolError) onProtocolError(failure);
      },
    );
  }

  /** Resolve `call` with a decoded response on SUCCESS, else reject it with `ProcedureError`. */
  deliver(call: PendingCall, response: ResponseStatus): void {
    if (response.status === STATUS.SUCCESS) {
      this.succeed(call, response);
      return;
    }
    const name = statusName(response.status);
    let message = `${call.procedure} failed with ${name} (${response.status})`;
    if (response.statusString !== null && response.statusString !== '') message += `: ${response.statusString}`;
    if (response.appStatusString !== null && response.appStatusString !== '') message += ` [app status ${response.appStatus}: ${response.appStatusString}]`;
    const error = new ProcedureError(message, {
      procedure: call.procedure,
      status: response.status,
      statusString: response.statusString,
      appStatus: response.appStatus,
      appStatusString: response.appStatusString,
      exception: response.exception,
      response,
    });
    this.fail(call, error, name, true);
  }

  /** The call's response arrived with SUCCESS. */
  succeed(call: PendingCall, response: unknown): void {
    if (call.state === CALL_STATE.SETTLED || call.state === CALL_STATE.FREE) return;
    const latencyUs = (this.now() - call.startTime) * 1000;
    if (call.counters !== null) recordSuccess(call.counters, latencyUs);
    const resolve = call.resolve;
    const callback = call.callback;
    if (call.diagnostic !== null) this.publishEnd(call, response, undefined);
    this.finish(call);
    if (callback === null) resolve!(response);
    else this.callBack(call, callback, null, response);
    this.released();
  }

  /**
   * A fire-and-forget call (`awaitResponse` false) was handed to the socket: resolve it with
   * null and count it as sent. Its connection keeps the handle so the reply is ignored.
   */
  written(call: PendingCall): void {
    if (call.state === CALL_STATE.SETTLED || call.state === CALL_STATE.FREE) return;
    if (call.counters !== null) recordUnawaited(call.counters);
    const resolve = call.resolve;
    const callback = call.callback;
    if (call.diagnostic !== null) this.publishEnd(call, null, undefined);
    this.finish(call);
    if (callback === null) resolve!(null);
    else this.callBack(call, callback, null, null);
    this.released();
  }

  /**
   * The call failed with `error`. `kind` is the statistics bucket; `answered` says the server
   * responded (a procedure error), so its latency is recorded.
   */
  fail(call: PendingCall, error: unknown, kind: string, answered = false): void {
    if (call.state === CALL_STATE.SETTLED || call.state === CALL_STATE.FREE) return;
    const latencyUs = answered ? (this.now() - call.startTime) * 1000 : -1;
    if (call.counters !== null) recordFailure(call.counters, kind, latencyUs);
    const reject = call.reject;
    const callback = call.callback;
    if (call.diagnostic !== null) this.publishEnd(call, undefined, error);
    this.finish(call);
    if (callback === null) reject!(error);
    else this.callBack(call, callback, error, null);
    this.released();
  }

  /** `AbortSignal` fired: reject with its reason. Before the write the call is never sent. */
  abort(call: PendingCall): void {
    const signal = call.signal;
    this.fail(call, signal?.reason ?? new AbortedError(`call of ${call.procedure} aborted`), 'ABORTED');
  }

  /** The sweep found the call past its deadline. */
  expire(call: PendingCall): void {
    if (call.state === CALL_STATE.SETTLED || call.state === CALL_STATE.FREE) return;
    const waited = Math.round(this.now() - call.startTime);
    const sent = call.sent;
    const error = new CallTimeoutError(
      `${call.procedure}: no response within ${call.timeoutMs} ms (waited ${waited} ms; ` +
        (sent ? 'the request was sent, the server may still execute it)' : 'the request was never sent)'),
      { timeoutMs: call.timeoutMs, sent },
    );
    this.fail(call, error, FAILURE_KIND.TIMEOUT);
  }

  /** A write queue let go of `call` (flushed or skipped): pool it if it already settled. */
  dequeued(call: PendingCall): void {
    call.inQueue = false;
    if (call.state === CALL_STATE.SETTLED) this.pool(call);
  }

  /** Resolves once every started call has settled. */
  whenIdle(): Promise<void> {
    if (this.live === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Expire every live call (queued or written) whose deadline has passed. Runs from the sweep
   * timer; public for deterministic tests. Returns how many calls it expired.
   */
  sweep(): number {
    const now = this.now();
    const records = this.records;
    let expired = 0;
    // Backwards: a record dropped while a call expires (its callback may settle or start
    // others) is replaced by the last one, which was already visited — none is skipped.
    for (let i = records.length - 1; i >= 0; i--) {
      const call = records[i];
      if (call !== undefined && call.deadline <= now && (call.state === CALL_STATE.QUEUED || call.state === CALL_STATE.WRITTEN)) {
        this.expire(call);
        expired++;
      }
    }
    return expired;
  }

  /** Cancel the sweep's timer at shutdown (every call should have settled: one still live no longer times out). */
  close(): void {
    this.stopSweep();
  }

  /** A callback never runs inside the `send` that started its call (a target may refuse it at once). */
  private callBack(call: PendingCall, callback: CallCallback, error: unknown, response: unknown): void {
    if (call === this.submitting) process.nextTick(runCallback, callback, error, response);
    else runCallback(callback, error, response);
  }

  private finish(call: PendingCall): void {
    call.state = CALL_STATE.SETTLED;
    if (call.signal !== null) call.signal.removeEventListener('abort', call);
    if (call.owner !== null) call.owner.detach(call);
    // The last live call: no sweep while none is live (cancelled before the caller hears, so a
    // call the caller starts from its callback arms a fresh timer).
    if (--this.live === 0) this.stopSweep();
    if (!call.inQueue) this.pool(call);
    else clearCall(call); // pooled when its write queue lets go of it (`dequeued`)
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) {
      clearTimeout(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  /** Give a record whose call ended back to the free list, or drop it beyond `maxFreeCalls`. */
  private pool(call: PendingCall): void {
    clearCall(call);
    call.state = CALL_STATE.FREE;
    if (this.freeCalls.length < this.maxFreeCalls) {
      this.freeCalls.push(call);
      return;
    }
    // Dropped from `records` too (the last record takes its place), so nothing keeps it.
    const records = this.records;
    const last = records.pop()!;
    if (last !== call) {
      records[call.recordIndex] = last;
      last.recordIndex = call.recordIndex;
    }
    call.recordIndex = -1;
  }

  /** After the caller's promise settled: the queue place (may emit 'drain') and idle waiters. */
  private released(): void {
    if (this.flow !== null) releasePlace(this.flow);
    if (this.live === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private publishEnd(call: PendingCall, response: unknown, error: unknown): void {
    const message = call.diagnostic!;
    message.durationMs = this.now() - call.startTime;
    message.sent = call.sent;
    if (call.handle !== 0) message.handle = BigInt(call.handle);
    if (error === undefined) message.response = response;
    else message.error = error instanceof Error ? error : new VoltError(String(error), { cause: error });
    if (callEndChannel.hasSubscribers) callEndChannel.publish(message);
  }
}
