/**
 * The host list of a cluster client: `'host'`, `'host:port'`, `'[::1]:21212'`, or
 * `{ host, port, weight, backup }`.
 *
 * - `weight` (integer 1–9, default 1) biases the choice among healthy primaries for calls that
 *   have no partition preference (multi-partition, unknown and system procedures);
 * - `backup: true` marks a host that takes traffic only while no primary is connected (the
 *   SiriDB connector's "backup servers").
 *
 * An address listed twice gets two connections (load generators open several sockets per
 * node this way); single-partition calls then take the leader's connections in turn.
 */
import { InvalidArgumentError } from '../errors.js';

/** VoltDB's client port. */
export const DEFAULT_CLIENT_PORT = 21212;
/** Lightest and heaviest host weights. */
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 9;

/** A host as an object. */
export interface ClusterHostSpec {
  host: string;
  /** Default 21212. */
  port?: number;
  /** 1–9, default 1: share of the calls without a partition preference. */
  weight?: number;
  /** Used only while no primary (non-backup) host is connected. Default false. */
  backup?: boolean;
}

/** A host to connect to. */
export type ClusterHost = string | ClusterHostSpec;

/** A parsed host. */
export interface HostAddress {
  host: string;
  port: number;
  weight: number;
  backup: boolean;
}

/** `host:port`, with brackets around an IPv6 address. */
export function hostKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkPort(port: unknown, where: string): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`port of "${where}" must be 1..65535, got ${String(port)}`);
  }
  return port;
}

function checkWeight(weight: unknown, where: string): number {
  if (weight === undefined) return MIN_WEIGHT;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
    throw new InvalidArgumentError(`weight of "${where}" must be an integer ${MIN_WEIGHT}..${MAX_WEIGHT}, got ${String(weight)}`);
  }
  return weight;
}

/** Split `'host'`, `'host:port'`, `'[v6]:port'`, `'[v6]'` or a bare IPv6 address. */
function parseAddress(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) return { host: bracketed[1]!, port: checkPort(bracketed[2] === undefined ? DEFAULT_CLIENT_PORT : Number(bracketed[2]), text) };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = text.split(':') as [string, string];
    if (host === '' || !/^\d+$/.test(port)) throw new InvalidArgumentError(`host "${text}" is not host:port`);
    return { host, port: checkPort(Number(port), text) };
  }
  // No colon: a name; several colons: a bare IPv6 address.
  return { host: text, port: DEFAULT_CLIENT_PORT };
}

/** Parse one host entry; `InvalidArgumentError` naming the entry when it is malformed. */
export function parseClusterHost(spec: ClusterHost): HostAddress {
  if (typeof spec === 'string') {
    const text = spec.trim();
    if (text === '') throw new InvalidArgumentError('host must be a non-empty string or { host, port, weight, backup }');
    return { ...parseAddress(text), weight: MIN_WEIGHT, backup: false };
  }
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidArgumentError(`host must be a non-empty string or { host, port, weight, backup }, got ${String(spec)}`);
  }
  if (typeof spec.host !== 'string' || spec.host.trim() === '') throw new InvalidArgumentError(`host entry needs a non-empty host, got ${JSON.stringify(spec)}`);
  const host = spec.host.trim();
  if (spec.backup !== undefined && typeof spec.backup !== 'boolean') throw new InvalidArgumentError(`backup of "${host}" must be a boolean, got ${String(spec.backup)}`);
  // `{ host: 'a:1' }` is accepted as the address form when no port is given.
  const address = spec.port === undefined ? parseAddress(host) : { host: host.replace(/^\[(.*)\]$/, '$1'), port: checkPort(spec.port, host) };
  return { ...address, weight: checkWeight(spec.weight, host), backup: spec.backup ?? false };
}

/**
 * Parse a host list: at least one host; an address listed twice means two connections. A
 * string is a list too: `'a:21212'` is one host, `'a:21212,b:21212'` two.
 */
export function parseHostList(specs: string | readonly ClusterHost[]): HostAddress[] {
  const list = typeof specs === 'string' ? specs.split(',') : specs;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`hosts must be an array of hosts or a 'host:port,…' string, got ${String(specs)}`);
  const out = list.map(parseClusterHost);
  if (out.length === 0) throw new InvalidArgumentError('hosts must list at least one host');
  return out;
}
