/**
 * The client's response decoder: the decode layer's policy ({@link DecodePool.decodeFrame})
 * behind the small interface a connection needs.
 *
 * A connection hands every response frame to `decode` and gets the response back either at
 * once (a small frame, decoded inline with a lazy row view: no promise, no extra microtask on
 * the hot path) or as a promise (a large frame, decoded to columns in the worker pool). Where
 * a frame goes, and from which size the connection's frame decoder assembles frames in their
 * own shared memory for the pool (`ownBufferAtBytes`), are decided here alone. When the pool
 * is saturated it says so, and the client stops reading its sockets until it drains —
 * bounded, like everything else.
 */
import type { DecodedResponse } from './decode-response.js';
import { DecodePool, type DecodePoolOptions } from './dispatch.js';

/** Options of {@link createResponseDecoder}: the client's `decode` option plus `timestamps`. */
export type ResponseDecoderOptions = DecodePoolOptions;

/** A decoder plus what it holds open (the worker pool). */
export interface ClientDecoder {
  /** Frames of at least this many bytes (prefix included) go to the pool: assemble them in their own shared memory. */
  readonly ownBufferAtBytes: number;
  /** The response, decoded inline, or a promise of it from the pool; throws/rejects `ProtocolError` on bad bytes. */
  decode(frame: Buffer): DecodedResponse | Promise<DecodedResponse>;
  /** True while the worker pool is saturated: stop reading sockets. */
  readonly saturated: boolean;
  /** Called with true when the pool saturates and false when it drains. */
  onSaturation(listener: (saturated: boolean) => void): void;
  close(): Promise<void>;
}

/** Inline decoding for small frames, the decode pool for frames of at least `offThreadBytes` (none with `workers: 0`). */
export function createResponseDecoder(options: ResponseDecoderOptions = {}): ClientDecoder {
  // With `workers: 0` the pool starts no thread and decodes every frame inline.
  const pool = new DecodePool(options);
  return {
    ownBufferAtBytes: pool.ownBufferAtBytes,
    // The pool's own method, bound: a frame goes straight to the policy, no hop through here.
    decode: pool.decodeFrame.bind(pool) as (frame: Buffer) => DecodedResponse | Promise<DecodedResponse>,
    get saturated(): boolean {
      return pool.needsDrain;
    },
    onSaturation(listener) {
      pool.on('needsDrain', () => listener(true));
      pool.on('drain', () => listener(false));
    },
    close: () => pool.close(),
  };
}
