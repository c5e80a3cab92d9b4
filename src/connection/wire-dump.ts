/**
 * Wire dump: every frame a client sends and receives, with direction and time, for debugging
 * (the `dumpFile` option; the seed Python client's `dump_file`). `readWireDump` parses a dump and
 * `formatWireDump` (wire-dump-format.ts) prints it readably.
 *
 * File format, version 1 (all integers big-endian):
 *
 * ```
 * file header   8 bytes ASCII "VWDUMP01"
 * records, back to back, each:
 *   u8   kind        0x3E '>' frame sent     (client → server)
 *                    0x3C '<' frame received (server → client)
 *                    0x2B '+' connection opened  (payload: UTF-8 "host:port")
 *                    0x2D '-' connection closed  (payload: UTF-8 reason, empty when closed on purpose)
 *   u8   flags       bit 0 (0x01): a login password digest in the payload was masked (zeroed)
 *   u16  connection  index of the connection within the client, in opening order (0-based)
 *   f64  time        milliseconds since the Unix epoch, with sub-millisecond fraction
 *   u32  length      payload bytes that follow
 *   u8[length]       payload: for '>' and '<' the whole frame, including its i32 length prefix
 * ```
 *
 * The login request's digest (the last 20 or 32 bytes of the frame, PROTOCOL.md 2.1) is zeroed
 * before it reaches the file, so a dump never contains the password hash.
 */
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { createWriteStream, type WriteStream } from 'node:fs';
import { InvalidArgumentError, ProtocolError } from '../errors.js';

/** The 8-byte file header of a wire dump, version 1. */
export const WIRE_DUMP_MAGIC = 'VWDUMP01';
const RECORD_HEADER_BYTES = 16;

/** Record kinds (the first byte of a record). */
export const WIRE_DUMP_KIND = {
  SENT: 0x3e,
  RECEIVED: 0x3c,
  OPEN: 0x2b,
  CLOSE: 0x2d,
} as const;

/** What a record holds: a frame sent or received, or a connection opened or closed. */
export type WireDumpKind = 'sent' | 'received' | 'open' | 'close';

const KIND_BYTE: Record<WireDumpKind, number> = {
  sent: WIRE_DUMP_KIND.SENT,
  received: WIRE_DUMP_KIND.RECEIVED,
  open: WIRE_DUMP_KIND.OPEN,
  close: WIRE_DUMP_KIND.CLOSE,
};

const KIND_NAME = new Map<number, WireDumpKind>(
  (Object.entries(KIND_BYTE) as [WireDumpKind, number][]).map(([name, byte]) => [byte, name]),
);

/** Flag bit: the payload's login digest was masked. */
export const WIRE_DUMP_MASKED = 0x01;

/** One record of a dump. */
export interface WireDumpRecord {
  kind: WireDumpKind;
  /** Connection index within the client. */
  connection: number;
  /** Milliseconds since the Unix epoch (fractional). */
  time: number;
  /** The login digest in `payload` was zeroed. */
  masked: boolean;
  /** The frame (with its length prefix) or the event text bytes. */
  payload: Uint8Array;
}

/** A parsed dump. */
export interface WireDump {
  records: WireDumpRecord[];
  /** Bytes at the end that do not form a whole record (a dump cut short by a crash); 0 normally. */
  trailingBytes: number;
}

function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Zero the digest of a login request frame in place (PROTOCOL.md 2.1/2.2): version 1 puts the
 * scheme at byte 5 and a 20- (SHA-1) or 32-byte (SHA-256) digest at the end; version 0 ends
 * with a 20-byte SHA-1 digest. Returns whether anything was masked.
 */
export function maskLoginDigest(frame: Uint8Array): boolean {
  if (frame.length < 5) return false;
  const version = frame[4];
  let digest = 20;
  if (version === 1) {
    if (frame.length < 6) return false;
    const scheme = frame[5];
    digest = scheme === 1 ? 32 : scheme === 0 ? 20 : 0;
  } else if (version !== 0) {
    return false;
  }
  if (digest === 0 || frame.length < digest + 6) return false;
  frame.fill(0, frame.length - digest);
  return true;
}

/** Appends records to a dump file. One per client; connections write with their index. */
export class WireDumpWriter {
  private readonly stream: WriteStream;
  private connections = 0;
  private closed = false;
  /** Set when the file could not be written; the dump stops, the client carries on. */
  error: Error | null = null;

  /**
   * Settles once the file is open: rejects with `InvalidArgumentError` when it cannot be created
   * (a missing folder, no permission), so a client can refuse to start instead of recording
   * nothing.
   */
  readonly opened: Promise<void>;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.opened = new Promise<void>((resolve, reject) => {
      this.stream.once('ready', () => resolve());
      this.stream.once('error', (error) => reject(new InvalidArgumentError(`dumpFile: cannot write ${JSON.stringify(path)}: ${error.message}`, { cause: error })));
    });
    // The rejection is the opener's to report; a writer nobody waits for must not crash the process.
    this.opened.catch(() => undefined);
    this.stream.on('error', (error) => {
      this.error = error;
      this.closed = true;
    });
    this.stream.write(Buffer.from(WIRE_DUMP_MAGIC, 'latin1'));
  }

  /** A new connection index. */
  nextConnection(): number {
    return this.connections++;
  }

  /** Record a frame or event. The bytes are copied: the caller may reuse its buffer at once. */
  record(kind: WireDumpKind, connection: number, payload: Uint8Array, flags = 0): void {
    if (this.closed) return;
    const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
    record[0] = KIND_BYTE[kind];
    record[1] = flags;
    record.writeUInt16BE(connection & 0xffff, 2);
    record.writeDoubleBE(wallClockMs(), 4);
    record.writeUInt32BE(payload.length, 12);
    record.set(payload, RECORD_HEADER_BYTES);
    this.stream.write(record);
  }

  /** Record a login request with its digest masked. */
  recordLogin(connection: number, frame: Uint8Array): void {
    const copy = Buffer.from(frame);
    const masked = maskLoginDigest(copy);
    this.record('sent', connection, copy, masked ? WIRE_DUMP_MASKED : 0);
  }

  /** Record a connection event ('open' with "host:port", 'close' with the reason). */
  event(kind: 'open' | 'close', connection: number, text: string): void {
    this.record(kind, connection, Buffer.from(text, 'utf8'));
  }

  /** Flush and close the file. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}

/** Parse a dump file's bytes; a cut-off last record is reported in `trailingBytes`, not thrown. */
export function readWireDump(bytes: Uint8Array): WireDump {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < WIRE_DUMP_MAGIC.length || buffer.toString('latin1', 0, WIRE_DUMP_MAGIC.length) !== WIRE_DUMP_MAGIC) {
    throw new ProtocolError(`not a voltwire wire dump: expected the header "${WIRE_DUMP_MAGIC}"`, { offset: 0 });
  }
  const records: WireDumpRecord[] = [];
  let offset = WIRE_DUMP_MAGIC.length;
  while (buffer.length - offset >= RECORD_HEADER_BYTES) {
    const kindByte = buffer[offset]!;
    const kind = KIND_NAME.get(kindByte);
    if (kind === undefined) {
      throw new ProtocolError(`wire dump record kind 0x${kindByte.toString(16)} is not one of > < + -`, { offset });
    }
    const length = buffer.readUInt32BE(offset + 12);
    if (buffer.length - offset - RECORD_HEADER_BYTES < length) break;
    records.push({
      kind,
      connection: buffer.readUInt16BE(offset + 2),
      time: buffer.readDoubleBE(offset + 4),
      masked: (buffer[offset + 1]! & WIRE_DUMP_MASKED) !== 0,
      payload: buffer.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length),
    });
    offset += RECORD_HEADER_BYTES + length;
  }
  return { records, trailingBytes: buffer.length - offset };
}
