/**
 * Fixtures of the writer tests (extraction writers, Parquet, loading): a `ByteSink` that keeps
 * what it is given in memory, and a scratch directory removed when the test file ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { ByteSink } from '../../src/extract/writers/file-sink.js';

/** A sink that keeps every chunk (copied) and records close / abort. */
export class MemorySink implements ByteSink {
  readonly chunks: Buffer[] = [];
  bytesWritten = 0;
  closed = false;
  aborted = false;
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      this.chunks.push(Buffer.from(c));
      this.bytesWritten += c.byteLength;
    }
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async abort(): Promise<void> {
    this.aborted = true;
  }
  /** Everything written, as UTF-8. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A fresh directory under the system's temporary one, removed with its files after the test file (an `after` hook at the level of the call). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
