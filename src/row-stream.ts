/**
 * `client.stream(sql, params)`: the rows of a query as a Node `Readable` in object mode, for
 * `for await (const row of …)` and `.pipe(…)`, as node-postgres users know from pg-query-stream.
 *
 * It is the extraction machinery (src/extract, strategy `query`) seen one row at a time:
 * `concurrency: 1` and one queued batch, so at most one request is in flight, one decoded page
 * waits, and the stream's own buffer holds `highWaterMark` rows. A consumer that stops reading
 * stops the requests: `push()` returning false ends the pulling until Node asks for more.
 *
 * Without `batchRows` the SQL runs as one call (the server caps a result at 50 MB). With
 * `batchRows` it is paged as `<sql> LIMIT ? OFFSET ?` — the SQL needs a total `ORDER BY` —
 * and memory stays at about one page, however many rows there are.
 *
 * The `signal` (or `destroy()`, or leaving a `for await` loop early) aborts the request in
 * flight and ends the stream: destroyed with the signal's reason, nothing left running.
 */
import { Readable } from 'node:stream';
import type { ExtractBatch } from './extract/batch.js';
import { extract, type Extraction } from './extract/extract.js';
import type { ExtractClient } from './extract/options.js';
import { InvalidArgumentError } from './errors.js';
import { KIND, checkKeys, type OptionKind } from './option-schema.js';
import type { RowObject } from './decode/decode-response.js';

/** Options of {@link Client.stream}. */
export interface StreamOptions {
  /** Ends the stream: the request in flight is aborted and the stream is destroyed with the signal's reason. */
  signal?: AbortSignal;
  /** Client-side timeout of each request (ms). Default: the client's `callTimeoutMs`. */
  timeoutMs?: number;
  /**
   * Page the SQL: `<sql> LIMIT ? OFFSET ?` with this many rows a page (the SQL must have a total
   * `ORDER BY` and no `LIMIT`). Default: none — one call returns every row.
   */
  batchRows?: number;
  /** Rows the stream buffers before it stops pulling (Node's `highWaterMark`). Default 1000. */
  highWaterMark?: number;
}

const STREAM_OPTION_KINDS: Readonly<Record<string, OptionKind>> = {
  signal: KIND.signal,
  timeoutMs: KIND.ms,
  batchRows: KIND.number,
  highWaterMark: KIND.number,
};

/** Default rows buffered by a row stream. */
export const DEFAULT_STREAM_ROWS = 1000;

/** A query's rows as an object-mode `Readable` (see the file comment). */
export class RowStream<Row = RowObject> extends Readable {
  private readonly extraction: Extraction;
  private readonly signal: AbortSignal | null;
  private readonly onAbort: () => void;
  private rows: Iterator<RowObject> | null = null;
  private fetching = false;

  /** @internal Use `client.stream()`. */
  constructor(client: ExtractClient, sql: string, params: readonly unknown[], options: StreamOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`stream options must be an object, got ${String(options)}`);
    checkKeys('stream option', options as Record<string, unknown>, STREAM_OPTION_KINDS);
    const highWaterMark = options.highWaterMark ?? DEFAULT_STREAM_ROWS;
    if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 1) throw new InvalidArgumentError(`stream option highWaterMark must be an integer >= 1, got ${highWaterMark}`);
    super({ objectMode: true, highWaterMark });
    // The extraction checks sql, params, batchRows and timeoutMs now (a ParameterError here, nothing sent).
    this.extraction = extract(client, {
      sql,
      params,
      by: 'query',
      concurrency: 1,
      maxQueuedBatches: 1,
      estimate: false,
      ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.signal = options.signal ?? null;
    this.onAbort = () => this.destroy(abortReason(this.signal!));
    if (this.signal !== null) {
      if (this.signal.aborted) this.destroy(abortReason(this.signal)); // before any read: nothing is sent
      else this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Node asks for rows: push until the buffer is full, fetching the next page when one runs out. */
  override _read(): void {
    this.drain();
  }

  private drain(): void {
    try {
      while (!this.destroyed) {
        if (this.rows === null) {
          this.fetch();
          return;
        }
        const next = this.rows.next();
        if (next.done === true) this.rows = null;
        else if (!this.push(next.value)) return;
      }
    } catch (error) {
      // A row that cannot be shown (e.g. bigint: 'number' and an unsafe value) ends the stream.
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Ask the extraction for its next page (once at a time); its rows are pushed when it comes. */
  private fetch(): void {
    if (this.fetching) return;
    this.fetching = true;
    this.extraction.next().then(
      (page) => {
        this.fetching = false;
        if (this.destroyed) return;
        if (page.done === true) {
          this.push(null);
          return;
        }
        this.rows = rowsOf(page.value);
        this.drain();
      },
      (error: unknown) => {
        this.fetching = false;
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** Stop the extraction (aborting its request in flight) before the stream closes. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.rows = null;
    this.extraction.return().then(
      () => callback(error),
      () => callback(error),
    );
  }

  /** `for await (const row of stream)`: rows typed `Row`. */
  override [Symbol.asyncIterator](): NodeJS.AsyncIterator<Row> {
    return super[Symbol.asyncIterator]() as NodeJS.AsyncIterator<Row>;
  }
}

function rowsOf(batch: ExtractBatch): Iterator<RowObject> {
  return batch.table.rowObjects();
}

/** What an aborted stream is destroyed with: the signal's reason when it is an Error. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(String(reason ?? 'This operation was aborted'), 'AbortError');
}
