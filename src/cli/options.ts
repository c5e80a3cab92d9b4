/**
 * Options shared by the commands (`--servers`, `--user`, `--password`) and the parsers that
 * turn option text into checked values — a bad value is a one-line usage error from
 * commander, before anything connects.
 */
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { InvalidArgumentError, type Command } from 'commander';
import { Client } from '../client.js';
import { parseHost, type ClientOptions } from '../options.js';
import { hasScheme, parseConnectionString, type ConnectionStringOptions } from '../connection-string.js';

export const DEFAULT_SERVERS = 'localhost:21212';

/** What the shared options parse to. */
export interface ConnectionFlags {
  servers?: string[];
  user?: string;
  password?: string;
  /** Record a wire dump to this file. */
  dump?: string;
  tls?: boolean;
  /** PEM text of `--tls-ca FILE` (read when the option is parsed). */
  tlsCa?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
}

/** Where and as whom to connect. */
export interface ConnectionTarget {
  hosts: string[];
  username: string;
  password: string;
  dumpFile?: string;
  /** TLS settings (plain data, so they can be sent to load workers). */
  tls?: TlsConnectionOptions;
}

/** Hosts parsed from `--servers`; from a connection string, also what else it said (user, password, tls). */
export type ServerList = string[] & { connection?: ConnectionStringOptions };

/**
 * `a:1,b:2 c` → `['a:1', 'b:2', 'c']`, each checked as a host; or a connection string
 * (`voltdb://user:password@h1,h2:21214?tls=true`, as `Client.connect` takes), whose hosts are
 * returned and whose user, password and TLS become the defaults of `--user`/`--password`/`--tls`.
 */
export function parseServers(text: string): ServerList {
  if (hasScheme(text)) {
    let parsed: ConnectionStringOptions;
    try {
      parsed = parseConnectionString(text);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
    const list: ServerList = [...(parsed.hosts ?? [DEFAULT_SERVERS])];
    Object.defineProperty(list, 'connection', { value: parsed, enumerable: false });
    return list;
  }
  const hosts = text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (hosts.length === 0) throw new InvalidArgumentError('expected host[:port] entries separated by commas');
  for (const host of hosts) {
    try {
      parseHost(host);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  }
  return hosts;
}

/**
 * Add `--servers`, `--user`, `--password` to `command`. Environment variables
 * `VOLTWIRE_SERVERS`, `VOLTWIRE_USER` and `VOLTWIRE_PASSWORD` give defaults (a password in the
 * environment stays out of the shell history and `ps`).
 */
export function addConnectionOptions(command: Command, serversHelp = `VoltDB hosts, comma-separated host[:port], or a voltdb://user:password@host,… connection string (default ${DEFAULT_SERVERS})`): Command {
  return command
    .option('-s, --servers <hosts>', serversHelp, parseServers)
    .option('-u, --user <name>', 'login user (default: none; servers with security off accept any)')
    .option('-p, --password <password>', 'login password (or set VOLTWIRE_PASSWORD)')
    .option('--dump <file>', 'record every frame sent and received to FILE (print it with: voltwire dump FILE)', writableFile)
    .option('--tls', 'connect with TLS, verifying the server against the system CAs')
    .option('--tls-ca <file>', 'PEM file of the CA that signed the server certificate (implies --tls)', readPemFile)
    .option('--tls-servername <name>', 'name to verify the server certificate against (implies --tls)')
    .option('--tls-insecure', 'TLS without verifying the server certificate: for tests only (implies --tls)');
}

/**
 * Check while parsing options that `path` can be written (its folder exists and is writable; it
 * is not a folder), so a dump that would record nothing is a usage error before anything connects.
 */
export function writableFile(path: string): string {
  const full = resolve(path);
  try {
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory() === true) throw new InvalidArgumentError(`cannot write ${path}: it is a directory`);
    accessSync(dirname(full), fsConstants.W_OK);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InvalidArgumentError(`cannot write ${path}: ${code === 'ENOENT' ? `the folder ${dirname(full)} does not exist` : code}`);
  }
  return path;
}

/** Read a PEM file while parsing options, so a missing file is a usage error. */
function readPemFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The client's `tls` option for the TLS flags, or undefined for plain TCP. */
export function tlsFromFlags(flags: ConnectionFlags): TlsConnectionOptions | undefined {
  const wanted = flags.tls === true || flags.tlsCa !== undefined || flags.tlsServername !== undefined || flags.tlsInsecure === true;
  if (!wanted) return undefined;
  return {
    ...(flags.tlsCa === undefined ? {} : { ca: flags.tlsCa }),
    ...(flags.tlsServername === undefined ? {} : { servername: flags.tlsServername }),
    ...(flags.tlsInsecure === true ? { rejectUnauthorized: false } : {}),
  };
}

/** The target of `flags`, falling back to the environment, then to `fallbackServers`. */
export function resolveTarget(flags: ConnectionFlags, env: NodeJS.ProcessEnv, fallbackServers: string[] = [DEFAULT_SERVERS]): ConnectionTarget {
  const envServers = env.VOLTWIRE_SERVERS;
  const hosts: ServerList = flags.servers ?? (envServers !== undefined && envServers.trim() !== '' ? parseServers(envServers) : fallbackServers);
  const fromString = hosts.connection;
  if (fromString?.tls === true && flags.tls === undefined) flags = { ...flags, tls: true };
  return {
    hosts: [...hosts],
    username: flags.user ?? fromString?.username ?? env.VOLTWIRE_USER ?? '',
    password: flags.password ?? fromString?.password ?? env.VOLTWIRE_PASSWORD ?? '',
    ...(flags.dump === undefined ? {} : { dumpFile: flags.dump }),
    ...optionalTls(tlsFromFlags(flags)),
  };
}

function optionalTls(tls: TlsConnectionOptions | undefined): { tls?: TlsConnectionOptions } {
  return tls === undefined ? {} : { tls };
}

/** Connect with `connections` connections per host (the host list repeated). */
export function connectClient(target: ConnectionTarget, connections = 1, extra: ClientOptions = {}): Promise<Client> {
  const hosts: string[] = [];
  for (let i = 0; i < connections; i++) hosts.push(...target.hosts);
  const dump = target.dumpFile === undefined ? {} : { dumpFile: target.dumpFile };
  return Client.connect({ ...extra, ...dump, ...optionalTls(target.tls), hosts, username: target.username, password: target.password });
}

/** A commander parser for an integer option in [min, max]. */
export function integerOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text: string): number => {
    const value = Number(text.replaceAll('_', ''));
    if (!/^-?[\d_]+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got "${text}"`);
    }
    return value;
  };
}

/** A commander parser for a number in [min, max]. */
export function numberOption(name: string, min: number, max = Number.POSITIVE_INFINITY, exclusiveMin = false): (text: string) => number {
  return (text: string): number => {
    const value = Number(text.replaceAll('_', ''));
    if (text.trim() === '' || !Number.isFinite(value) || (exclusiveMin ? value <= min : value < min) || value > max) {
      const low = exclusiveMin ? `greater than ${min}` : `at least ${min}`;
      throw new InvalidArgumentError(`${name} must be a number ${low}${max === Number.POSITIVE_INFINITY ? '' : ` and at most ${max}`}, got "${text}"`);
    }
    return value;
  };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, '': 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `10` / `10s` / `500ms` / `2m` / `1.5h` → milliseconds (a bare number is seconds). */
export function durationOption(name: string, allowZero: boolean): (text: string) => number {
  return (text: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text);
    const ms = match === null ? Number.NaN : Number(match[1]) * DURATION_UNITS[match[2] ?? '']!;
    if (!Number.isFinite(ms) || (!allowZero && ms <= 0)) {
      throw new InvalidArgumentError(`${name} must be a duration like 10, 10s, 500ms or 2m${allowZero ? '' : ' (more than 0)'}, got "${text}"`);
    }
    return Math.round(ms);
  };
}

/** A commander parser for one of `choices`. */
export function choiceOption<T extends string>(name: string, choices: readonly T[]): (text: string) => T {
  return (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got "${text}"`);
    return text as T;
  };
}
