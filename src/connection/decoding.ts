/**
 * The client's {@link ResponseDecoder} over the decode layer.
 *
 * A frame below `offThreadBytes` (default `DEFAULT_OFF_THREAD_BYTES`, 256 KiB) is decoded right here, synchronously, with `decodeResponse`
 * (lazy row view over the frame's bytes): no promise, no extra microtask on the hot path. A
 * larger frame goes to the decode layer's `DecodePool`, which transfers it to a worker (the
 * connection's frame decoder assembles such frames in their own ArrayBuffer, so nothing is
 * copied) and builds columnar tables. When the pool is saturated it says so, and the client
 * stops reading its sockets until it drains — bounded, like everything else.
 */
import { decodeResponse, type DecodedResponse } from '../decode/decode-response.js';
import { DecodePool, type DecodePoolOptions } from '../decode/dispatch.js';
import type { TimestampMode } from '../decode/values.js';
import type { ResponseDecoder } from './response-handler.js';

/** Options of {@link createResponseDecoder}: the client's `decode` option plus `timestamps`. */
export interface ResponseDecoderOptions extends Omit<DecodePoolOptions, 'timestamps'> {
  timestamps?: TimestampMode;
}

/** A decoder plus what it holds open (the worker pool). */
export interface ClientDecoder extends ResponseDecoder {
  decode(frame: Buffer): DecodedResponse;
  decodeAsync(frame: Buffer): Promise<DecodedResponse>;
  /** True while the worker pool is saturated: stop reading sockets. */
  readonly saturated: boolean;
  /** Called with true when the pool saturates and false when it drains. */
  onSaturation(listener: (saturated: boolean) => void): void;
  close(): Promise<void>;
}

/** Inline decoding for small frames, the decode pool for frames of at least `offThreadBytes`. */
export function createResponseDecoder(options: ResponseDecoderOptions = {}): ClientDecoder {
  const timestamps = options.timestamps ?? 'date';
  const decodeOptions = { timestamps };
  const workers = options.workers ?? 'auto';
  const pool = workers === 0 ? null : new DecodePool({ ...options, timestamps });
  // The pool's own (validated) threshold, so the inline/off-thread split here, the pool's and the
  // frame decoder's own-buffer size (the client passes this value as `ownBufferAtBytes`) agree.
  const offThreadBytes = pool === null ? Infinity : pool.offThreadBytes;
  return {
    offThreadBytes,
    decode: (frame) => decodeResponse(frame, decodeOptions),
    decodeAsync: (frame) => (pool === null ? Promise.resolve().then(() => decodeResponse(frame, decodeOptions)) : pool.decode(frame)),
    get saturated(): boolean {
      return pool?.needsDrain ?? false;
    },
    onSaturation(listener) {
      pool?.on('needsDrain', () => listener(true));
      pool?.on('drain', () => listener(false));
    },
    close: () => pool?.close() ?? Promise.resolve(),
  };
}
