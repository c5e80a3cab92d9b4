/**
 * The response size limit (`maxFrameBytes`) as a connection applies it.
 *
 * - The client's own calls (login, `@Statistics('TOPO')`, `@SystemCatalog`, `@SystemInformation`)
 *   are not bound by the application's limit: the TOPO answer that client affinity routes by is
 *   131,404 bytes whatever the cluster (its hash ring has 16,384 tokens), so a limit below that
 *   would break every topology-aware client. The stream's own limit is the application's, raised
 *   to {@link INTERNAL_FRAME_ALLOWANCE}; an application response between the two is read, dropped
 *   and refused with a `ProtocolError` naming `maxFrameBytes` — its connection stays up.
 * - A length prefix above the stream's limit ends the stream (nothing of it is read). The call
 *   whose answer it was — told by the client handle right after the prefix — rejects with the
 *   `ProtocolError`; the others in flight are lost with the connection (`ConnectionLostError`,
 *   cause that error). A `ProtocolError` is not a connection loss, so `retryOnConnectionLoss`
 *   never resends a call whose answer is too large: the answer would be as large again.
 */
import { ProtocolError } from '../errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/frame-decoder.js';
import { readResponseHandle } from '../protocol/response-reader.js';
import type { PendingCall } from '../calls/pending-call.js';

/** The largest answer the client's own calls may get, whatever `maxFrameBytes` says (1 MiB). */
export const INTERNAL_FRAME_ALLOWANCE = 1024 * 1024;

/** Length prefix, response version and client handle: what tells whose answer a frame is. */
const HEAD_BYTES = 13;

/** The application's limit (option or default). */
export function applicationFrameLimit(maxFrameBytes: number | undefined): number {
  return maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
}

/** The limit the connection's frame decoder enforces: the application's, at least the allowance. */
export function streamFrameLimit(maxFrameBytes: number | undefined): number {
  return Math.max(applicationFrameLimit(maxFrameBytes), INTERNAL_FRAME_ALLOWANCE);
}

/** The refusal of a response of `bodyBytes` (not counting its prefix) to `procedure`. */
export function frameTooLarge(procedure: string, bodyBytes: number, limit: number, cause?: Error): ProtocolError {
  return new ProtocolError(`response to ${procedure}: frame length ${bodyBytes} exceeds the ${limit}-byte limit (maxFrameBytes)`, cause === undefined ? {} : { cause });
}

/**
 * The call waiting for the frame whose length prefix the decoder refused (`head`: its first
 * bytes, see `FrameDecoder.refusedHead`), or undefined when they do not name one.
 */
export function refusedFrameOwner(head: Buffer | null, calls: { get(handle: number): PendingCall | undefined }): PendingCall | undefined {
  if (head === null || head.length < HEAD_BYTES) return undefined;
  let handle: number;
  try {
    handle = readResponseHandle(head);
  } catch {
    return undefined; // not a response header: garbage, owned by no call
  }
  return handle > 0 ? calls.get(handle) : undefined;
}
