/**
 * `FileSink`: where a writer's bytes go — a file opened once, written with `writev` and awaited
 * chunk list by chunk list, so the extraction never runs ahead of the disk (the awaited write is
 * the backpressure). `abort()` closes the file and, unless `keepPartial`, removes it.
 */
import { once } from 'node:events';
import { open, unlink, type FileHandle } from 'node:fs/promises';

/** Something bytes can be written to; `FileSink` is the one used by `extractTo`. */
export interface ByteSink {
  write(chunks: readonly Uint8Array[]): Promise<void>;
  readonly bytesWritten: number;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export class FileSink implements ByteSink {
  bytesWritten = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly keepPartial: boolean,
  ) {}

  /** Create (or truncate) `path`. */
  static async open(path: string, options: { keepPartial?: boolean } = {}): Promise<FileSink> {
    return new FileSink(path, await open(path, 'w'), options.keepPartial ?? false);
  }

  /** Write every chunk, in order; resolves when the OS has them all. */
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    let pending = chunks.filter((c) => c.byteLength > 0);
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending as Uint8Array[]);
      this.bytesWritten += bytesWritten;
      pending = skipBytes(pending, bytesWritten);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  /** Close, and remove the incomplete file unless `keepPartial`. */
  async abort(): Promise<void> {
    const wasOpen = !this.closed;
    await this.close();
    if (wasOpen && !this.keepPartial) await unlink(this.path).catch(() => undefined);
  }
}

/**
 * `StreamSink`: bytes to a writable stream that is not ours to close (standard output, for
 * `--out -`). Each chunk waits for `'drain'` when the stream's buffer is full, which is the
 * backpressure; closing leaves the stream open, and there is no file to remove on abort.
 */
export class StreamSink implements ByteSink {
  bytesWritten = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      this.bytesWritten += chunk.byteLength;
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }
}

/** The chunks left after the first `count` bytes were written (a short `writev`). */
export function skipBytes(chunks: readonly Uint8Array[], count: number): Uint8Array[] {
  let left = count;
  let i = 0;
  while (i < chunks.length && left >= chunks[i]!.byteLength) left -= chunks[i++]!.byteLength;
  const rest = chunks.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}
