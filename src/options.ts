/**
 * Client options, their documented defaults, and their validation.
 *
 * Every option is optional; {@link resolveClientOptions} fills in the defaults below and
 * refuses nonsense with an `InvalidArgumentError` naming the option, before any socket opens.
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { resolveClusterOptions, type ResolvedClusterOptions } from './cluster/cluster-options.js';
import { parseClusterHost } from './cluster/host-list.js';
import { DEFAULT_QUEUE_LEVELS, checkQueueLevels, type QueueLevels } from './calls/pending-call.js';
import { DEFAULT_MAX_SLABS, DEFAULT_SLAB_BYTES } from './connection/write-scheduler.js';
import { DEFAULT_TIMER_RESOLUTION_MS } from './calls/call-tracker.js';
import { DEFAULT_CALL_TIMEOUT_MS, type ConnectionOptions } from './connection/connection-options.js';
import type { CallTracker } from './calls/call-tracker.js';
import type { ResponseDecoder } from './decode/decode-response.js';
import type { RateLimiter } from './calls/rate-limiter.js';
import type { WireDumpWriter } from './connection/wire-dump.js';
import { isPriority } from './calls/start-call.js';
import { resolveTlsSetting } from './connection/tls.js';
import { InvalidArgumentError } from './errors.js';
import type { BigIntMode } from './decode/bigint-mode.js';
import type { DecodeOptions, HashScheme, HostSpec, TimestampMode } from './client-options.js';
import { normalizeClientOptions, type ConnectTarget } from './option-check.js';

// The caller-facing option types (declared in client-options.ts) travel with their resolution.
export type { CallOptions, CallSpec, ClientOptions, DecodeOptions, HashScheme, HostAddress, HostSpec, TimestampMode } from './client-options.js';

/** VoltDB's client port. */
export const DEFAULT_PORT = 21212;

/** A parsed host. */
export interface ResolvedHost {
  host: string;
  port: number;
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

/** What a client's connections share: one call tracker, decoder, rate limiter and wire dump. */
export interface SharedByConnections {
  tracker: CallTracker;
  decoder: ResponseDecoder;
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
