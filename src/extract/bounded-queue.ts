/**
 * `BoundedQueue`: the hand-off between the extraction's request workers (producers) and the
 * consumer pulling the async iterator.
 *
 * At most `capacity` items wait in the queue. A producer's `push()` resolves once its item is
 * in the queue; while the queue is full the producer waits, and a waiting producer does not
 * issue its next request — so a slow consumer slows the requests instead of letting decoded
 * batches pile up. `fail()` wakes everyone with the error (a request failed, or the extraction
 * was cancelled); `close()` ends the stream once the queued items are pulled.
 */
import { VoltError } from '../errors.js';

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Puller<T> {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (error: unknown) => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class BoundedQueue<T> {
  readonly capacity: number;
  private readonly items: T[] = [];
  private readonly producers: Waiter<T>[] = [];
  private readonly consumers: Puller<T>[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new VoltError(`queue capacity must be an integer >= 1, got ${String(capacity)}`);
    this.capacity = capacity;
  }

  /** Items waiting to be pulled (not counting producers blocked in `push`). */
  get size(): number {
    return this.items.length;
  }

  /** Producers waiting for room. */
  get blocked(): number {
    return this.producers.length;
  }

  /** True once `close()` or `fail()` was called. */
  get ended(): boolean {
    return this.closed || this.failure !== null;
  }

  /** Resolves when `item` is accepted (handed to a waiting consumer or queued); rejects once the queue failed or closed. */
  push(item: T): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure.error);
    if (this.closed) return Promise.reject(new VoltError('push after the queue was closed'));
    const consumer = this.consumers.shift();
    if (consumer !== undefined) {
      consumer.resolve({ done: false, value: item });
      return Promise.resolve();
    }
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.producers.push({ item, resolve, reject }));
  }

  /** The next item; `done` after `close()` once empty; rejects after `fail()`. */
  pull(): Promise<IteratorResult<T, undefined>> {
    if (this.failure !== null) return Promise.reject(this.failure.error);
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      // Room for one more: admit the longest-waiting producer.
      const producer = this.producers.shift();
      if (producer !== undefined) {
        this.items.push(producer.item);
        producer.resolve();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.consumers.push({ resolve, reject }));
  }

  /** No more items: consumers get what is queued, then `done`. Producers still waiting are refused. */
  close(): void {
    if (this.ended) return;
    this.closed = true;
    for (const consumer of this.consumers.splice(0)) consumer.resolve(DONE);
    for (const producer of this.producers.splice(0)) producer.reject(new VoltError('push after the queue was closed'));
  }

  /** Drop every queued item and reject every waiter (and every later call) with `error`. */
  fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = { error };
    this.items.length = 0;
    for (const consumer of this.consumers.splice(0)) consumer.reject(error);
    for (const producer of this.producers.splice(0)) producer.reject(error);
  }
}
