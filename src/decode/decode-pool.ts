/**
 * `DecodePool`: the piscina worker pool that decodes large responses off the main thread, so
 * that a 100 MB result does not stall the event loop. Whether a frame comes here is the one
 * decode policy's decision ({@link ResponseDecoder}, decode-response.ts): only a frame of at
 * least `offThreadBytes` with tables, while the pool has room, does; nothing of this file runs
 * for the others.
 *
 * - A frame is sent to a worker **in shared memory**: the frame decoder assembles such frames in
 *   a SharedArrayBuffer (`ownBufferAtBytes` = `offThreadBytes`, this pool's threshold); any
 *   other frame is copied into one, once. The worker writes the columns into its private memory
 *   and posts them back, which copies them (shared column memory was never counted by the
 *   worker's garbage collector and piled up: see `decode-task.ts`). Nothing is transferred, so
 *   no ArrayBuffer is ever detached in either thread: a detached buffer makes V8 slow every
 *   later typed-array access of that thread by 13–34 % (bench/RESULTS.md). The caller may keep
 *   using the frame.
 * - The pool is bounded: at most `threads + maxQueue` frames are off-thread at once. Reaching
 *   that bound sets `needsDrain` (and emits `'needsDrain'`): a connection should stop reading
 *   its socket until `'drain'`, like a writable stream. A frame that arrives anyway while
 *   saturated is decoded inline by the policy — never refused, never queued without bound.
 * - The pool (piscina, `threads` workers: available cores − 1, at least 1) starts on the first
 *   off-thread decode, and `close()` ends it. An error thrown in a worker comes back as
 *   `{ code, message }` and is rebuilt with `errorFromCode`; a failure of the pool itself
 *   (a worker died) is a `DecodePoolError`.
 *
 * `decode()` / `decodeFrame()` run the policy over this pool for a caller holding a pool of its
 * own; a client's connections call the policy directly ({@link createResponseDecoder}).
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ClientClosedError, DecodePoolError, VoltError, errorFromCode } from '../errors.js';
import type { ResponseHeader } from '../protocol/response.js';
import {
  ProcedureResponse,
  ResponseDecoder,
  type DecodedResponse,
  type DecodeOptions,
  type DecodePoolStats,
  type OffThreadDecoder,
} from './decode-response.js';
import type { DecodeTask, DecodeTaskResult } from './decode-task.js';
import { VoltTable } from './volt-table.js';

/** Frames of at least this many bytes are decoded off-thread by default: the sweep in bench/decode.bench.ts (from 256 KiB a round trip adds less latency than it saves main-thread time), and the FrameDecoder's default `ownBufferAtBytes`. */
export const DEFAULT_OFF_THREAD_BYTES = 256 * 1024;
/** Frames waiting for a worker, beyond one per worker, before `needsDrain`. */
export const DEFAULT_MAX_QUEUE = 4;

/** The client's `decode` option. */
export interface DecodePoolOptions {
  /** Worker threads: a count, `'auto'` (available cores − 1, at least 1; the default) or `0` for no pool. */
  workers?: number | 'auto';
  /** Frames of at least this many bytes go to the pool (default {@link DEFAULT_OFF_THREAD_BYTES}). */
  offThreadBytes?: number;
  /** Frames that may wait for a busy pool (default {@link DEFAULT_MAX_QUEUE}). */
  maxQueue?: number;
  /** Row value shape of the tables decoded here (each `decode()` may override it). */
  timestamps?: DecodeOptions['timestamps'];
  /**
   * Decode columns with decoders generated per table shape when they apply (default true);
   * false: always the general decoder. See docs/results.md.
   */
  codegen?: boolean;
  /** BIGINT row values of the tables decoded here (`'bigint'`, `'string'`, `'number'`). */
  bigint?: DecodeOptions['bigint'];
  /** The worker entry, when bundling moved it (default: `dist/workers/decode-table.js` of this package). */
  workerFile?: string | URL;
}

export type { DecodePoolStats } from './decode-response.js';

const WORKER_URL = new URL('../../workers/decode-table.js', import.meta.url);

/** The worker pool that decodes large responses off the main thread; emits `'drain'` when it has room again. */
export class DecodePool extends EventEmitter implements OffThreadDecoder {
  readonly threads: number;
  readonly offThreadBytes: number;
  readonly maxQueue: number;
  /** Where frames were decoded: the policy's counters, this pool's included. */
  readonly stats: DecodePoolStats;
  /** The policy over this pool (no pool behind it with `workers: 0`). */
  readonly decoder: ResponseDecoder;
  readonly #workerFile: string;
  #piscina: Piscina<DecodeTask, DecodeTaskResult> | null = null;
  #inFlight = 0;
  #saturated = false;
  #closed = false;

  constructor(options: DecodePoolOptions = {}) {
    super();
    const workers = options.workers ?? 'auto';
    this.threads = workers === 'auto' ? Math.max(1, availableParallelism() - 1) : checkCount('workers', workers);
    this.offThreadBytes = checkCount('offThreadBytes', options.offThreadBytes ?? DEFAULT_OFF_THREAD_BYTES);
    this.maxQueue = checkCount('maxQueue', options.maxQueue ?? DEFAULT_MAX_QUEUE);
    const tableOptions = { timestamps: options.timestamps ?? 'date', codegen: options.codegen ?? true, bigint: options.bigint ?? 'bigint' } as const;
    this.#workerFile = String(options.workerFile ?? WORKER_URL);
    this.decoder = new ResponseDecoder(tableOptions, this.threads === 0 ? null : this);
    this.stats = this.decoder.stats;
  }

  /** True while `threads + maxQueue` frames are off-thread: stop reading until `'drain'`. */
  get needsDrain(): boolean {
    return this.#saturated;
  }

  /** Frames currently being decoded off-thread or waiting for a worker. */
  get pending(): number {
    return this.#inFlight;
  }

  /** True once `close()` was called: the policy decodes every frame inline, `decode()` rejects. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True once a worker pool has been started (lazily, by the first large frame). */
  get started(): boolean {
    return this.#piscina !== null;
  }

  /**
   * Frames of at least this many bytes (prefix included) go to the pool: the size from which
   * a frame decoder should assemble frames in their own shared memory. `Infinity` without workers.
   */
  get ownBufferAtBytes(): number {
    return this.decoder.ownBufferAtBytes;
  }

  /**
   * Decode one whole response frame (length prefix included), always as a promise. `options`
   * override the pool's.
   */
  async decode(frame: Uint8Array, options?: DecodeOptions): Promise<DecodedResponse> {
    if (this.#closed) throw new ClientClosedError('the decode pool is closed');
    return this.decoder.decode(frame, options);
  }

  /**
   * Decode one whole response frame where the policy says ({@link ResponseDecoder.decode}):
   * inline frames are returned as they are decoded (no promise), off-thread ones as a promise.
   * Throws a `ProtocolError` for a bad header or, inline, for bad tables.
   */
  decodeFrame(frame: Uint8Array, options?: DecodeOptions): DecodedResponse | Promise<DecodedResponse> {
    return this.decoder.decode(frame, options);
  }

  /** Stop the workers after the frames in flight are decoded; later `decode()` calls reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const piscina = this.#piscina;
    this.#piscina = null;
    if (piscina !== null) await piscina.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Decode the frame's tables to columns in a worker, whatever its size (the policy decided it
   * should come here); `header` is the frame's, already read. Rejects with the worker's error
   * rebuilt from its code, or a `DecodePoolError` when the pool itself failed.
   */
  async decodeOffThread(frame: Uint8Array, header: ResponseHeader, options: DecodeOptions): Promise<DecodedResponse> {
    const piscina = this.#pool();
    const task: DecodeTask = { frame: this.#shared(frame), tableCount: header.tableCount, tablesOffset: header.tablesOffset, codegen: options.codegen ?? true };
    this.#inFlight++;
    this.stats.offThread++;
    if (this.#inFlight >= this.threads + this.maxQueue && !this.#saturated) {
      this.#saturated = true;
      this.emit('needsDrain');
    }
    let result: DecodeTaskResult;
    try {
      result = await piscina.run(task);
    } catch (cause) {
      throw new DecodePoolError(`decode worker failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
        cause,
      });
    } finally {
      this.#inFlight--;
      if (this.#saturated && this.#inFlight < this.threads + this.maxQueue) {
        this.#saturated = false;
        this.emit('drain');
      }
    }
    if (!result.ok) throw errorFromCode(result.code, result.message);
    return new ProcedureResponse(
      header,
      result.tables.map((table) => VoltTable.fromColumns(table, options)),
    );
  }

  #pool(): Piscina<DecodeTask, DecodeTaskResult> {
    this.#piscina ??= new Piscina<DecodeTask, DecodeTaskResult>({
      filename: this.#workerFile,
      minThreads: this.threads,
      maxThreads: this.threads,
      maxQueue: this.maxQueue + this.threads,
      // Idle workers stay (a round trip needs a warm worker to be worth it) but never keep the process alive.
      idleTimeout: Infinity,
    });
    return this.#piscina;
  }

  /** The frame in shared memory: as it is when it already is (the frame decoder's big frames), else a copy. */
  #shared(frame: Uint8Array): Uint8Array {
    if (frame.buffer instanceof SharedArrayBuffer) return frame;
    this.stats.copiedFrames++;
    const copy = new Uint8Array(new SharedArrayBuffer(frame.byteLength));
    copy.set(frame);
    return copy;
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new VoltError(`decode option ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The client's response decoder: the policy, over a pool of `options.workers` threads (none,
 * and no thread ever started, with `workers: 0`). Its `decode` is what a connection calls per
 * frame; the pool is reached only for the frames that go off-thread.
 */
export function createResponseDecoder(options: DecodePoolOptions = {}): ResponseDecoder {
  return new DecodePool(options).decoder;
}
