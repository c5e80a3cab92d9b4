/**
 * What `voltwire load` writes beside the load: the rejected-rows file (CSV through
 * csv-stringify: `row`, `line`, `reason`, then the row's values as text) and the live progress
 * line on stderr (rewritten in place on a terminal, a line every few seconds elsewhere).
 */
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { createWriteStream, type WriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { BulkLoadProgress } from '../bulk-load/options.js';
import type { TableColumn } from '../protocol/value-writer.js';
import type { Output } from './context.js';

function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'object' && typeof (value as { toWKT?: unknown }).toWKT === 'function') return (value as { toWKT(): string }).toWKT();
  return String(value);
}

/** The rejected rows, one CSV record each, in the order they were rejected. */
export class RejectFile {
  private readonly out: WriteStream;
  private failure: Error | null = null;
  count = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly TableColumn[],
  ) {
    this.out = createWriteStream(path);
    this.out.on('error', (error) => (this.failure ??= error));
    this.out.write(stringify([['row', 'line', 'reason', ...columns.map((c) => c.name)]]));
  }

  /** One rejected row: its 0-based index in the source, its line (if any), why, and its values. */
  add(index: number, line: number | null, reason: string, values: readonly unknown[]): void {
    this.count++;
    const cells = values.map(cellText);
    // A row of the wrong shape keeps its own values; pad so every record has the same fields.
    while (cells.length < this.columns.length) cells.push(null);
    this.out.write(stringify([[String(index), line === null ? '' : String(line), reason.replace(/\s*\n\s*/g, ' '), ...cells]], { cast: { string: (s) => s } }));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (this.failure !== null) throw this.failure;
  }
}

const integer = new Intl.NumberFormat('en-US');

/** One progress line: rows, rates, failures, calls in flight. */
export function progressText(p: BulkLoadProgress): string {
  const seconds = Math.max(p.seconds, 1e-9);
  return (
    `${integer.format(p.inserted)} rows loaded of ${integer.format(p.rows)} read | ${integer.format(Math.round(p.inserted / seconds))} rows/s, ` +
    `${(p.bytes / seconds / 1e6).toFixed(1)} MB/s | ${integer.format(p.failed)} rejected${p.unknown > 0 ? `, ${integer.format(p.unknown)} unknown` : ''} | ` +
    `${p.inFlight} in flight | ${seconds.toFixed(1)} s`
  );
}

/** Live progress on stderr: in place on a terminal (at most every 200 ms), else a line every 5 s. */
export class LoadProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly out: Output,
    private readonly enabled: boolean,
  ) {}

  update(p: BulkLoadProgress): void {
    if (!this.enabled || p.done) return;
    const now = performance.now();
    const tty = this.out.isTTY === true;
    if (now - this.last < (tty ? 200 : 5000)) return;
    this.last = now;
    if (tty) {
      this.out.write(`\r${progressText(p)}\u001b[K`);
      this.shown = true;
    } else this.out.write(`${progressText(p)}\n`);
  }

  /** End the in-place line. */
  stop(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
  }
}
