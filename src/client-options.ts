/**
 * The options a caller writes: those of `Client.connect()` ({@link ClientOptions}) and of each
 * call ({@link CallOptions}, {@link CallSpec}), with their documented defaults. Declarations only:
 * options.ts resolves them (defaults, validation), option-check.ts and option-schema.ts check a
 * plain-JavaScript caller's keys against them.
 */
import type { ClusterOptions } from './cluster/cluster-options.js';
import type { ClusterHostSpec } from './cluster/host-list.js';
import type { QueueLevels } from './calls/pending-call.js';
import type { CallOptions as BaseCallOptions } from './calls/start-call.js';
import type { DecodePoolOptions } from './decode/decode-pool.js';
import type { TimestampMode } from './protocol/value-reader.js';
import type { BigIntMode } from './decode/bigint-mode.js';
import type { ParameterType } from './protocol/invocation-writer.js';
import type { TlsSetting } from './connection/tls.js';

/** A host to connect to: `'host'`, `'host:port'`, `'[::1]:21212'`, or an object. */
export type HostSpec = string | HostAddress;

/** A host as an object: `{ host, port?, weight? (1–9, default 1), backup? (default false) }`. */
export type HostAddress = ClusterHostSpec;

/**
 * How results are decoded (the decode layer's pool options): `workers` (default `'auto'`:
 * cores − 1, started on the first large response; 0 = everything on the main thread),
 * `offThreadBytes` (default 256 KiB, `DEFAULT_OFF_THREAD_BYTES`: smaller responses are
 * decoded inline; from the same size the frame decoder assembles a frame in its own shared
 * memory), `maxQueue`, `codegen` (default true: decoders generated per table shape; false: the
 * general decoder only — docs/results.md).
 */
export type DecodeOptions = Omit<DecodePoolOptions, 'timestamps' | 'bigint'>;

/** TIMESTAMP values as `Date` (default) or lossless `bigint` microseconds. */
export type { TimestampMode };

/** Password hash scheme of the login (PROTOCOL.md 2.1). */
export type HashScheme = 'sha256' | 'sha1';

/**
 * Options of `Client.connect()`. The cluster options (`discover`, `clientAffinity`, `requireAll`,
 * `reconnect`, `reconnectDelayMs`, `maxReconnectDelayMs`, `pingIntervalMs`, `connectionTimeoutMs`,
 * `failFast`, `topologyRefreshMs`, `retryOnConnectionLoss`) come from the cluster layer
 * (`src/cluster/cluster-options.ts`; README "Clusters").
 */
export interface ClientOptions extends Omit<ClusterOptions, 'hosts' | 'connectTimeoutMs'> {
  /**
   * A connection string, `voltdb://user:password@h1:21212,h2?tls=true&timeoutMs=5000`
   * (`voltdbs://` for TLS; grammar in docs/client.md, "Connection strings"). The other options
   * given beside it win over what it says.
   */
  connectionString?: string;
  /**
   * Hosts to connect to, each optionally with `weight` (1–9) and `backup`, or one
   * `'h1:21212,h2'` string. Default `['localhost:21212']`. Single-partition calls go to their
   * partition's leader; other calls are spread over the connected primaries by weight.
   */
  hosts?: string | readonly HostSpec[];
  /** One host, as node-postgres and mysql2 name it (not beside `hosts`). Default `'localhost'`. */
  host?: string;
  /** The port of `host`. Default 21212. */
  port?: number;
  /** Login user name. Default `''` (fine when the server has security off). */
  username?: string;
  /** Same as `username` (the node-postgres / mysql2 name). */
  user?: string;
  /** Login password; only its hash is sent. Default `''`. */
  password?: string;
  /** A precomputed password digest (raw bytes) to send instead of hashing `password`. */
  passwordHash?: Uint8Array;
  /** Password hash scheme. Default `'sha256'` (`'sha1'` only for old servers). */
  hashScheme?: HashScheme;
  /** Time allowed for TCP connect + login, per host. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Default client-side timeout of a call (queueing included); 0 = none. Default 120 000 ms (2 min, as VoltDB's Java client). */
  callTimeoutMs?: number;
  /** Same as `callTimeoutMs` (the name of the per-call option). */
  timeoutMs?: number;
  /** Default server-side query timeout sent with each invocation (PROTOCOL.md 3.3, BATCH_TIMEOUT). Default: none (the server's setting). */
  queryTimeoutMs?: number;
  /**
   * Default request priority of every call, 1 (highest) … 8 (lowest), sent as the REQUEST_PRIORITY
   * extension (PROTOCOL.md 3.3); a call's own `priority` overrides it. Default: none (the server
   * assigns its default priority).
   */
  priority?: number;
  /** Most calls on the wire per connection. Default 1000. */
  maxOutstanding?: number;
  /** Client queue levels (calls accepted and not settled). Defaults: warn 8000, resume 2000, hard 10000. */
  queue?: Partial<QueueLevels>;
  /** Rate limit for the whole client (token bucket). Default: none. */
  maxCallsPerSecond?: number;
  /** TIMESTAMP values as `Date` or `bigint` µs. Default `'date'`. */
  timestamps?: TimestampMode;
  /**
   * BIGINT values (and TIMESTAMP microseconds with `timestamps: 'bigint'`) in rows: `'bigint'`
   * (default, exact), `'string'` (exact, JSON-safe) or `'number'` (a value beyond
   * ±(2^53 − 1) is refused when read, never rounded). Typed getters (`getBigInt`, `getNumber`)
   * and columns are not affected.
   */
  bigint?: BigIntMode;
  /** Result decoding: worker threads and the off-thread size threshold. */
  decode?: DecodeOptions;
  /**
   * Largest response frame accepted (bytes after the length prefix). Default 64 MiB. A larger
   * answer fails its call with `ProtocolError` (never resent by `retryOnConnectionLoss`); the
   * client's own topology and catalog calls may get up to 1 MiB whatever this says.
   */
  maxFrameBytes?: number;
  /** Bytes per write slab. Default 64 KiB. */
  slabBytes?: number;
  /** Most write slabs per connection. Default 16. */
  maxSlabs?: number;
  /** Granularity of call timeouts. Default 100 ms. */
  timerResolutionMs?: number;
  /** Record every frame sent and received to this file (password hash masked). Default: off. */
  dumpFile?: string;
  /**
   * TLS on the client port (PROTOCOL.md 11): `true` (system CAs, host name verified) or Node's
   * `tls.ConnectionOptions` (`ca`, `cert` + `key` for mutual TLS, `servername`, `rejectUnauthorized`, …).
   * Default: off (plain TCP). The server's port must be configured for TLS: there is no negotiation.
   */
  tls?: TlsSetting;
}

/** Per-call options of the client: the common ones (`timeoutMs`, `signal`, `queryTimeoutMs`, `priority`, `partition`), plus retry and fire-and-forget. */
export interface CallOptions extends BaseCallOptions {
  /**
   * `true`: this call is idempotent — if its connection is lost, run it again on another host
   * (`retryOnConnectionLoss.attempts` in all, default 2); `false`: never, even when the client
   * option covers the procedure. Default: the client's `retryOnConnectionLoss`.
   */
  retryOnConnectionLoss?: boolean;
  /**
   * `false` = fire and forget (the Python client's `call(params, response=False)`): the promise
   * resolves `null` once the request has been handed to the socket, and the reply, when it comes,
   * is dropped unread (`stats().ignoredResponses`; the call counts as `unawaited`, not failed).
   * Until the write, timeout, abort and connection loss reject as usual. Default `true`.
   * Pass it as a literal (or a `boolean` property) so the result is typed `Response | null`.
   */
  response?: boolean;
  /**
   * Declared parameter types of this call (`['BIGINT', 'STRING', …]`), checked before sending
   * as `client.procedure(name, types)` does. Default: none (types inferred from the values).
   */
  types?: readonly ParameterType[];
}

/** One call of {@link Client.callMany}. */
export interface CallSpec {
  procedure: string;
  params?: readonly unknown[];
  /** Declared parameter types, checked before sending. */
  types?: readonly ParameterType[];
  options?: CallOptions;
}
