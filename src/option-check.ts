/**
 * The run-time checks of what a caller hands to `Client.connect()` and to each call, for
 * plain-JavaScript callers who have no compiler to catch `pasword` or `{ host, port }`.
 *
 * `Client.connect()` accepts, besides the options object:
 * - a connection string, `'voltdb://user:password@h1:21212,h2?tls=true'` (connection-string.ts);
 * - a host list, `'h1:21212,h2'`;
 * - `{ connectionString, ...overrides }`: the overrides win over the string;
 * - `{ host, port }` for one host (not beside `hosts`), `user` for `username`, `timeoutMs` for
 *   `callTimeoutMs` (the names of node-postgres / mysql2 and of the per-call option).
 * Unknown keys are refused with the nearest known key; values of the wrong kind with the key,
 * the kind expected and the value given (never a password).
 */
import { hasScheme, parseConnectionString } from './connection-string.js';
import { checkTypes } from './calls/start-call.js';
import { InvalidArgumentError, ParameterError, VoltError } from './errors.js';
import type { ParameterType } from './protocol/invocation-writer.js';
import { CALL_OPTION_KINDS, CLIENT_OPTION_KINDS, HOST_OBJECT, checkKeys, describeValue, unknownKeyError, wrongKindError } from './option-schema.js';
import type { ClientOptions } from './client-options.js';

/** What `Client.connect()` takes: options, a connection string, or a `'host:port,…'` list. */
export type ConnectTarget = ClientOptions | string;

const SECRETS: ReadonlySet<string> = new Set(['password', 'passwordHash']);

/** The aliases, each with the option it stands for. */
const ALIASES = [
  ['user', 'username'],
  ['timeoutMs', 'callTimeoutMs'],
] as const;

/** Check `target` and turn it into plain client options (aliases, strings and `host`/`port` resolved). */
export function normalizeClientOptions(target: ConnectTarget | undefined): ClientOptions {
  if (target === undefined) return {};
  if (typeof target === 'string') return resolveAliases(fromString(target) as Record<string, unknown>) as ClientOptions;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw new InvalidArgumentError(`Client.connect takes a connection string ('voltdb://host:21212'), a host list ('h1:21212,h2') or an options object, got ${describeValue(target)}`);
  }
  const given = target as Record<string, unknown>;
  checkKeys('client option', given, CLIENT_OPTION_KINDS, SECRETS);
  const { connectionString, ...overrides } = given;
  const own = resolveAliases(overrides);
  const hostsFromOwn = ownHosts(own);
  const base = connectionString === undefined ? {} : resolveAliases(fromString(connectionString as string) as Record<string, unknown>);
  const merged: Record<string, unknown> = { ...base, ...own };
  if (hostsFromOwn !== undefined) merged.hosts = hostsFromOwn;
  if (merged.hosts !== undefined) checkHostEntries(merged.hosts as unknown[]);
  return merged as ClientOptions;
}

/** A connection string, or a bare `'h1:21212,h2'` host list. */
function fromString(text: string): ClientOptions {
  if (hasScheme(text)) return parseConnectionString(text) as ClientOptions;
  const hosts = splitHosts(text);
  if (hosts.length === 0) throw new InvalidArgumentError(`Client.connect: ${JSON.stringify(text)} names no host; give 'host[:port]' entries separated by commas, or voltdb://…`);
  return { hosts };
}

function splitHosts(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** `user` → `username`, `timeoutMs` → `callTimeoutMs`; both names with different values is refused. */
function resolveAliases(options: Record<string, unknown>): Record<string, unknown> {
  let out = options;
  for (const [alias, name] of ALIASES) {
    if (out[alias] === undefined) continue;
    if (out[name] !== undefined && out[name] !== out[alias]) {
      throw new InvalidArgumentError(`client options ${alias} and ${name} name the same setting and differ: give one of them`);
    }
    const { [alias]: value, ...rest } = out;
    out = { ...rest, [name]: value };
  }
  return out;
}

/** The hosts the object itself names (`hosts`, or `host` + `port`), or undefined when it names none. */
function ownHosts(own: Record<string, unknown>): unknown[] | undefined {
  const { host, port } = own;
  delete own.host;
  delete own.port;
  if (host === undefined && port === undefined) {
    return typeof own.hosts === 'string' ? splitHosts(own.hosts) : (own.hosts as unknown[] | undefined);
  }
  if (own.hosts !== undefined) {
    throw new InvalidArgumentError(`client option ${host === undefined ? 'port' : 'host'} beside hosts is ambiguous: put every host in hosts, as 'host:port' or { host, port }`);
  }
  return [port === undefined ? { host } : { host: host ?? 'localhost', port }];
}

/** Each host entry: a string, or an object of known keys and kinds. */
function checkHostEntries(hosts: unknown[]): void {
  hosts.forEach((entry, i) => {
    if (typeof entry === 'string') return;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw wrongKindError('client option', `hosts[${i}]`, { expected: "'host:port' or { host, port, weight, backup }", test: () => false }, entry);
    checkKeys('client option', entry as Record<string, unknown>, HOST_OBJECT.keys!, undefined, `hosts[${i}].`);
  });
}

// The last options object found good. A caller that passes one shared options object to every
// call (the usual way to set a timeout or a signal) pays for the check once, not per call.
let lastGood: object | null = null;

/**
 * The problem with per-call `options` of `procedure`, or null. Returns the error rather than
 * throwing it: the client rejects the call's promise with it (nothing sent).
 */
export function callOptionsError(options: object, procedure: string): VoltError | null {
  if (options === lastGood) return null;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return new InvalidArgumentError(`options of ${procedure} must be an object like { timeoutMs, signal }, got ${describeValue(options)}`);
  }
  const given = options as Record<string, unknown>;
  // for…in, not Object.keys: no array per call for a fresh options literal.
  for (const key in given) {
    const kind = CALL_OPTION_KINDS[key];
    if (kind === undefined) return unknownKeyError('call option', key, Object.keys(CALL_OPTION_KINDS), `${procedure}: `);
    const value = given[key];
    if (value !== undefined && !kind.test(value)) return wrongKindError('call option', key, kind, value, false, `${procedure}: `);
    if (key === 'types' && value !== undefined) {
      try {
        checkTypes(procedure, value as readonly ParameterType[]);
      } catch (error) {
        return error as VoltError;
      }
    }
  }
  lastGood = options;
  return null;
}

/**
 * The types a call runs with when it declares `types` per call (already checked as names by
 * {@link callOptionsError}): the count must match the parameters, and a procedure handle's own
 * declared types must not say something else. Returns the error instead of throwing it.
 */
export function perCallTypes(
  procedure: string,
  params: readonly unknown[],
  declared: readonly ParameterType[] | undefined,
  perCall: readonly ParameterType[],
): readonly ParameterType[] | VoltError {
  if (declared !== undefined && declared !== perCall && declared.join() !== perCall.join()) {
    return new InvalidArgumentError(`${procedure}: the call's types (${perCall.join(', ')}) differ from the procedure handle's (${declared.join(', ')}); give them in one place`);
  }
  if (Array.isArray(params) && params.length !== perCall.length) {
    return new ParameterError(`${procedure} takes ${perCall.length} parameters (${perCall.join(', ')}), got ${params.length}`, { procedure });
  }
  return perCall;
}
