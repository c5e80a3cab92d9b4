/**
 * Client options, their documented defaults, and their validation.
 *
 * Every option is optional; {@link resolveClientOptions} fills in the defaults below and
 * refuses nonsense with an `InvalidArgumentError` naming the option, before any socket opens.
 */
import { resolveClusterOptions, type ClusterOptions, type ResolvedClusterOptions } from './cluster/cluster-options.js';
import { parseClusterHost, type ClusterHostSpec } from './cluster/host-list.js';
import { DEFAULT_QUEUE_LEVELS, checkQueueLevels, type QueueLevels } from './calls/flow-control.js';
import { DEFAULT_MAX_SLABS, DEFAULT_SLAB_BYTES } from './connection/slab-pool.js';
import { DEFAULT_TIMER_RESOLUTION_MS } from './calls/timer-wheel.js';
import { DEFAULT_CALL_TIMEOUT_MS, type ConnectionOptions } from './connection/connection-options.js';
import type { CallTracker } from './calls/call-tracker.js';
import type { ClientDecoder } from './decode/response-decoder.js';
import type { RateLimiter } from './calls/flow-control.js';
import type { WireDumpWriter } from './connection/wire-dump.js';
import { isPriority, type CallOptions as BaseCallOptions } from './calls/start-call.js';
import type { DecodePoolOptions } from './decode/dispatch.js';
import type { TimestampMode } from './decode/values.js';
import type { ParameterType } from './protocol/parameters.js';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { resolveTlsSetting, type TlsSetting } from './connection/tls.js';
import { InvalidArgumentError } from './errors.js';
import type { BigIntMode } from './decode/bigint-mode.js';
import { normalizeClientOptions, type ConnectTarget } from './option-check.js';

/** VoltDB's client port. */
export const DEFAULT_PORT = 21212;

/** A host to connect to: `'host'`, `'host:port'`, `'[::1]:21212'`, or an object. */
export type HostSpec = string | HostAddress;

/** A host as an object: `{ host, port?, weight? (1–9, default 1), backup? (default false) }`. */
export type HostAddress = ClusterHostSpec;

/** A parsed host. */
export interface ResolvedHost {
  host: string;
  port: number;
}

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

/** Options after defaults; what the client runs with. */
export interface ResolvedClientOptions {
  hosts: ResolvedHost[];
  username: string;
  password: string;
  passwordHash: Uint8Array | undefined;
  hashScheme: HashScheme;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  queryTimeoutMs: number | undefined;
  priority: number | undefined;
  maxOutstanding: number;
  queue: QueueLevels;
  maxCallsPerSecond: number | undefined;
  timestamps: TimestampMode;
  bigint: BigIntMode;
  decode: DecodeOptions;
  maxFrameBytes: number;
  slabBytes: number;
  maxSlabs: number;
  timerResolutionMs: number;
  dumpFile: string | undefined;
  /** The cluster layer's options (hosts with weights and backups, reconnects, keepalive, routing). */
  cluster: ResolvedClusterOptions;
  /** null: plain TCP. */
  tls: TlsConnectionOptions | null;
}

/** The defaults, in one place (documented in the README's options table). */
export const CLIENT_DEFAULTS = Object.freeze({
  hosts: Object.freeze([`localhost:${DEFAULT_PORT}`]) as readonly string[],
  username: '',
  password: '',
  hashScheme: 'sha256' as HashScheme,
  connectTimeoutMs: 10_000,
  callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS,
  maxOutstanding: 1000,
  queue: DEFAULT_QUEUE_LEVELS,
  timestamps: 'date' as TimestampMode,
  bigint: 'bigint' as BigIntMode,
  maxFrameBytes: 64 * 1024 * 1024,
  slabBytes: DEFAULT_SLAB_BYTES,
  maxSlabs: DEFAULT_MAX_SLABS,
  timerResolutionMs: DEFAULT_TIMER_RESOLUTION_MS,
});

/** Parse `'host'`, `'host:port'`, `'[v6]:port'`, `'[v6]'` or `{ host, port }`. */
export function parseHost(spec: HostSpec): ResolvedHost {
  const { host, port } = parseClusterHost(spec);
  return { host, port };
}

function positiveInteger(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new InvalidArgumentError(`${name} must be an integer ${allowZero ? '>= 0' : '>= 1'}, got ${String(value)}`);
  }
  return value;
}

function timeout(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new InvalidArgumentError(`${name} must be a number of ms >= 0, got ${String(value)}`);
  return value;
}

/**
 * Check, apply defaults and validate. Takes what `Client.connect()` takes: options, a
 * connection string or a `'host:port,…'` list (see option-check.ts).
 */
export function resolveClientOptions(target: ConnectTarget = {}): ResolvedClientOptions {
  const options = normalizeClientOptions(target);
  const hashScheme = options.hashScheme ?? CLIENT_DEFAULTS.hashScheme;
  if (hashScheme !== 'sha256' && hashScheme !== 'sha1') throw new InvalidArgumentError(`hashScheme must be 'sha256' or 'sha1', got ${String(hashScheme)}`);
  const timestamps = options.timestamps ?? CLIENT_DEFAULTS.timestamps;
  if (timestamps !== 'date' && timestamps !== 'bigint') throw new InvalidArgumentError(`timestamps must be 'date' or 'bigint', got ${String(timestamps)}`);
  const bigint = options.bigint ?? CLIENT_DEFAULTS.bigint;
  const queue = checkQueueLevels({ ...CLIENT_DEFAULTS.queue, ...options.queue });
  const rate = options.maxCallsPerSecond;
  if (rate !== undefined && (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate))) {
    throw new InvalidArgumentError(`maxCallsPerSecond must be a positive number, got ${String(rate)}`);
  }
  const queryTimeoutMs = options.queryTimeoutMs;
  if (queryTimeoutMs !== undefined && (!Number.isInteger(queryTimeoutMs) || queryTimeoutMs < 0 || queryTimeoutMs > 0x7fffffff)) {
    throw new InvalidArgumentError(`queryTimeoutMs must be an integer number of ms in 0..2^31-1, got ${String(queryTimeoutMs)}`);
  }
  const priority = options.priority;
  if (priority !== undefined && !isPriority(priority)) throw new InvalidArgumentError(`priority must be an integer from 1 (highest) to 8 (lowest), got ${String(priority)}`);
  if (options.passwordHash !== undefined && !(options.passwordHash instanceof Uint8Array)) {
    throw new InvalidArgumentError('passwordHash must be a Uint8Array of raw digest bytes');
  }
  const connectTimeoutMs = timeout('connectTimeoutMs', options.connectTimeoutMs, CLIENT_DEFAULTS.connectTimeoutMs);
  const cluster = resolveClusterOptions({
    hosts: options.hosts ?? CLIENT_DEFAULTS.hosts,
    connectTimeoutMs,
    discover: options.discover,
    clientAffinity: options.clientAffinity,
    requireAll: options.requireAll,
    reconnect: options.reconnect,
    reconnectDelayMs: options.reconnectDelayMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs,
    pingIntervalMs: options.pingIntervalMs,
    connectionTimeoutMs: options.connectionTimeoutMs,
    failFast: options.failFast,
    topologyRefreshMs: options.topologyRefreshMs,
    retryOnConnectionLoss: options.retryOnConnectionLoss,
  });
  const resolved: ResolvedClientOptions = {
    hosts: cluster.hosts.map(({ host, port }) => ({ host, port })),
    username: options.username ?? CLIENT_DEFAULTS.username,
    password: options.password ?? CLIENT_DEFAULTS.password,
    passwordHash: options.passwordHash,
    hashScheme,
    connectTimeoutMs,
    callTimeoutMs: timeout('callTimeoutMs', options.callTimeoutMs, CLIENT_DEFAULTS.callTimeoutMs),
    queryTimeoutMs,
    priority,
    maxOutstanding: positiveInteger('maxOutstanding', options.maxOutstanding, CLIENT_DEFAULTS.maxOutstanding),
    queue,
    maxCallsPerSecond: rate,
    timestamps,
    bigint,
    decode: { ...options.decode },
    maxFrameBytes: positiveInteger('maxFrameBytes', options.maxFrameBytes, CLIENT_DEFAULTS.maxFrameBytes),
    slabBytes: positiveInteger('slabBytes', options.slabBytes, CLIENT_DEFAULTS.slabBytes),
    maxSlabs: positiveInteger('maxSlabs', options.maxSlabs, CLIENT_DEFAULTS.maxSlabs),
    timerResolutionMs: positiveInteger('timerResolutionMs', options.timerResolutionMs, CLIENT_DEFAULTS.timerResolutionMs),
    dumpFile: options.dumpFile,
    cluster,
    tls: resolveTlsSetting(options.tls),
  };
  // Loggers print options objects: keep the credentials out of `util.inspect` and `JSON.stringify`.
  for (const secret of ['password', 'passwordHash'] as const) {
    Object.defineProperty(resolved, secret, { enumerable: false });
  }
  return resolved;
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

/** What a client's connections share: one call tracker, decoder, rate limiter and wire dump. */
export interface SharedByConnections {
  tracker: CallTracker;
  decoder: ClientDecoder;
  rateLimiter: RateLimiter | null;
  dump: WireDumpWriter | null;
}

/** The options of one connection of a client to `host`. */
export function connectionOptions(o: ResolvedClientOptions, host: ResolvedHost, shared: SharedByConnections): ConnectionOptions {
  return {
    host: host.host,
    port: host.port,
    username: o.username,
    password: o.password,
    passwordHash: o.passwordHash,
    hashScheme: o.hashScheme,
    connectTimeoutMs: o.connectTimeoutMs,
    maxOutstanding: o.maxOutstanding,
    slabBytes: o.slabBytes,
    maxSlabs: o.maxSlabs,
    maxFrameBytes: o.maxFrameBytes,
    tls: o.tls,
    ...shared,
  };
}
