/** Options, events and states of a `Connection` (connection.ts). */
import type { CallTracker } from '../calls/call-tracker.js';
import type { CallOptions } from '../calls/start-call.js';
import type { RateLimiter } from '../calls/rate-limiter.js';
import type { CallResponseDecoder } from '../calls/call-tracker.js';
import type { WireDumpWriter } from './wire-dump.js';
import type { TlsSetting } from './tls.js';
import type { TimestampMode } from '../protocol/value-reader.js';
import type { ParameterType } from '../protocol/invocation-writer.js';

/** Default time for TCP connect + login. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default most calls on the wire per connection (as VoltDB's Java Client2). */
export const DEFAULT_MAX_OUTSTANDING = 1000;
/** Default client-side timeout of a call: 2 minutes, as VoltDB's Java client. */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/** Options of `Connection.open`. */
export interface ConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  passwordHash?: Uint8Array;
  hashScheme?: 'sha256' | 'sha1';
  /** TCP connect + login. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Calls on the wire at most. Default 1000. */
  maxOutstanding?: number;
  slabBytes?: number;
  maxSlabs?: number;
  maxFrameBytes?: number;
  /** Settles calls, owns timeouts and statistics; shared by the client's connections. */
  tracker?: CallTracker;
  /** Turns response frames into responses (inline or off-thread). */
  decoder: CallResponseDecoder;
  rateLimiter?: RateLimiter | null;
  dump?: WireDumpWriter | null;
  /** Cancels the connect. */
  signal?: AbortSignal;
  /** TLS on this port (PROTOCOL.md 11): `true` or Node's `tls.ConnectionOptions`; off when absent/false/null. */
  tls?: TlsSetting | null;
  /** Default timeout of `Connection.call` (ms, queueing included; 0 = none). Default 120 000. */
  callTimeoutMs?: number;
}

/** Options of `Connection.connect`: those of {@link ConnectionOptions}, with the decoder optional. */
export interface ConnectOptions extends Omit<ConnectionOptions, 'decoder'> {
  /** Default: inline decoding on this thread (a `ResponseDecoder` without a pool). */
  decoder?: CallResponseDecoder;
  /** TIMESTAMP values of the default decoder: `Date` (default) or `bigint` µs. */
  timestamps?: TimestampMode;
  /** Granularity of call timeouts of the connection's own tracker (when `tracker` is not given). Default 100 ms. */
  timerResolutionMs?: number;
}

/** Per-call options of `Connection.call`: the common ones, and the declared types. */
export interface ConnectionCallOptions extends CallOptions {
  /** Declared parameter types (`'BIGINT'`, `'STRING[]'`, …), checked before sending. */
  types?: readonly ParameterType[];
}

export type { ConnectionEvents, ConnectionState } from './connection-events.js';

