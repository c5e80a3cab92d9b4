/**
 * Options of the cluster layer, their defaults and their validation. The client's options
 * (`ClientOptions`) include these; {@link resolveClusterOptions} refuses nonsense with a
 * an `InvalidArgumentError` naming the option before any socket opens.
 */
import { DEFAULT_BACKOFF } from './reconnector.js';
import { parseHostList, DEFAULT_CLIENT_PORT, type ClusterHost, type HostAddress } from './host-list.js';
import { resolveRetryOptions, type RetryOnConnectionLoss, type RetryOptions } from './retry.js';
import { InvalidArgumentError } from '../errors.js';

/** Cluster options (all optional). */
export interface ClusterOptions {
  /** Hosts, with optional `weight` (1–9) and `backup`, or a `'host:port,…'` string. Default `['localhost:21212']`. */
  hosts?: string | readonly ClusterHost[];
  /** Connect to every node the topology names (found with `@SystemInformation`). Default true. */
  discover?: boolean;
  /** Learn partitions, leaders and procedures, and send single-partition calls to their leader. Default true. */
  clientAffinity?: boolean;
  /** `connect()` resolves only when every listed host is connected (else rejects). Default false. */
  requireAll?: boolean;
  /** TCP connect + login, per host and attempt. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect lost hosts in the background. Default true. */
  reconnect?: boolean;
  /** First reconnect delay; doubles per failed attempt. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Cap of the reconnect delay. Default 90 000 ms. */
  maxReconnectDelayMs?: number;
  /** `@Ping` a connection that received nothing for this long; 0 = never. Default 10 000 ms. */
  pingIntervalMs?: number;
  /** Destroy (and reconnect) a connection that received nothing for this long; 0 = never. Default 30 000 ms. */
  connectionTimeoutMs?: number;
  /** With no connection open, fail calls at once with `NoConnectionsError` instead of waiting (up to their timeout) for a reconnect. Default false. */
  failFast?: boolean;
  /** Also re-read the topology this often (it is pushed on change anyway); 0 = only on push and reconnect. Default 0. */
  topologyRefreshMs?: number;
  /** Retry calls lost with their connection, for read-only or idempotent procedures. Default: never. */
  retryOnConnectionLoss?: RetryOnConnectionLoss;
}

/** Options after defaults. */
export interface ResolvedClusterOptions {
  hosts: HostAddress[];
  discover: boolean;
  clientAffinity: boolean;
  requireAll: boolean;
  connectTimeoutMs: number;
  reconnect: boolean;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** Fraction of a reconnect delay taken off at random. */
  reconnectJitter: number;
  pingIntervalMs: number;
  connectionTimeoutMs: number;
  failFast: boolean;
  topologyRefreshMs: number;
  /** Longest random wait before re-subscribing to topology pushes on another connection. */
  resubscribeDelayMs: number;
  retry: Required<RetryOptions> | null;
}

/** The defaults, in one place (documented in the README's "Clusters" table). */
export const CLUSTER_DEFAULTS = Object.freeze({
  hosts: Object.freeze([`localhost:${DEFAULT_CLIENT_PORT}`]) as readonly string[],
  discover: true,
  clientAffinity: true,
  requireAll: false,
  connectTimeoutMs: 10_000,
  reconnect: true,
  reconnectDelayMs: DEFAULT_BACKOFF.initialDelayMs,
  maxReconnectDelayMs: DEFAULT_BACKOFF.maxDelayMs,
  reconnectJitter: DEFAULT_BACKOFF.jitter,
  pingIntervalMs: 10_000,
  connectionTimeoutMs: 30_000,
  failFast: false,
  topologyRefreshMs: 0,
  resubscribeDelayMs: 1000,
});

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

function ms(name: string, value: unknown, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
    throw new InvalidArgumentError(`${name} must be a finite number of ms >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

/** Apply defaults and validate. */
export function resolveClusterOptions(options: ClusterOptions = {}): ResolvedClusterOptions {
  const reconnectDelayMs = ms('reconnectDelayMs', options.reconnectDelayMs, CLUSTER_DEFAULTS.reconnectDelayMs, 1);
  const maxReconnectDelayMs = ms('maxReconnectDelayMs', options.maxReconnectDelayMs, Math.max(reconnectDelayMs, CLUSTER_DEFAULTS.maxReconnectDelayMs), 1);
  if (maxReconnectDelayMs < reconnectDelayMs) {
    throw new InvalidArgumentError(`maxReconnectDelayMs (${maxReconnectDelayMs}) must be >= reconnectDelayMs (${reconnectDelayMs})`);
  }
  const pingIntervalMs = ms('pingIntervalMs', options.pingIntervalMs, CLUSTER_DEFAULTS.pingIntervalMs);
  const connectionTimeoutMs = ms('connectionTimeoutMs', options.connectionTimeoutMs, CLUSTER_DEFAULTS.connectionTimeoutMs);
  if (pingIntervalMs > 0 && connectionTimeoutMs > 0 && connectionTimeoutMs <= pingIntervalMs) {
    // A quiet but healthy connection must get its ping answered before it is declared dead.
    throw new InvalidArgumentError(`connectionTimeoutMs (${connectionTimeoutMs}) must be greater than pingIntervalMs (${pingIntervalMs})`);
  }
  return {
    hosts: parseHostList(options.hosts ?? CLUSTER_DEFAULTS.hosts),
    discover: flag('discover', options.discover, CLUSTER_DEFAULTS.discover),
    clientAffinity: flag('clientAffinity', options.clientAffinity, CLUSTER_DEFAULTS.clientAffinity),
    requireAll: flag('requireAll', options.requireAll, CLUSTER_DEFAULTS.requireAll),
    connectTimeoutMs: ms('connectTimeoutMs', options.connectTimeoutMs, CLUSTER_DEFAULTS.connectTimeoutMs),
    reconnect: flag('reconnect', options.reconnect, CLUSTER_DEFAULTS.reconnect),
    reconnectDelayMs,
    maxReconnectDelayMs,
    reconnectJitter: CLUSTER_DEFAULTS.reconnectJitter,
    pingIntervalMs,
    connectionTimeoutMs,
    failFast: flag('failFast', options.failFast, CLUSTER_DEFAULTS.failFast),
    topologyRefreshMs: ms('topologyRefreshMs', options.topologyRefreshMs, CLUSTER_DEFAULTS.topologyRefreshMs),
    resubscribeDelayMs: CLUSTER_DEFAULTS.resubscribeDelayMs,
    retry: resolveRetryOptions(options.retryOnConnectionLoss),
  };
}
