/**
 * Connection strings, in the shape node-postgres and mysql2 users already write:
 *
 * ```text
 * voltdb://[user[:password]@][host[:port][,host[:port]…]][/][?option=value[&option=value…]]
 * voltdbs://…                    the same with TLS on (as ?tls=true)
 * ```
 *
 * - `host` is a name, an IPv4 address or an IPv6 address in brackets (`[::1]:21212`); the
 *   port defaults to 21212. No host at all means `localhost:21212`.
 * - `user`, `password`, hosts and option values are percent-decoded (`p%40ss` is `p@ss`).
 * - Each `option` is a client option of a number, boolean or string kind, by its name
 *   (`callTimeoutMs`, `tls`, `discover`, `timestamps`, …; `timeoutMs` and `user` as in
 *   `Client.connect`), given once; its value is checked like the option's (`tls=yes` is
 *   true, `callTimeoutMs=5s` is refused). Object options (`queue`, `decode`, TLS files) are
 *   set beside the string: `{ connectionString, tls: { ca } }`.
 * - VoltDB has no databases: a path other than `/` is refused, and so is a `#fragment`.
 *
 * The password never appears in an error: messages quote the string with it masked
 * ({@link redactConnectionString}).
 */
import { InvalidArgumentError } from './errors.js';
import { CLIENT_OPTION_KINDS, describeValue, nearestKey } from './option-schema.js';

/** The schemes: `voltdb://` (plain TCP) and `voltdbs://` (TLS). */
export const CONNECTION_SCHEMES = Object.freeze(['voltdb', 'voltdbs'] as const);

/** What a connection string sets: a subset of the client options (`hosts` as `'host:port'` strings). */
export interface ConnectionStringOptions {
  hosts?: string[];
  username?: string;
  password?: string;
  tls?: boolean;
  [option: string]: unknown;
}

const SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/s;

/** Options a string may not set: they are the string's own parts, or not text. */
const NOT_IN_STRING: ReadonlySet<string> = new Set(['connectionString', 'hosts', 'host', 'port']);

/** True when `text` starts with a scheme (`voltdb://`, or any other `name://`). */
export function hasScheme(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text.trim());
}

/** `text` with the password (in the user part and in a `password=` option) replaced by `***`. */
export function redactConnectionString(text: string): string {
  const masked = text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)/s, (whole: string, scheme: string, authority: string) => {
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) return whole;
    return `${scheme}${authority.slice(0, colon)}:***${authority.slice(at)}`;
  });
  return masked.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Parse a connection string into client options; refuses anything it does not understand. */
export function parseConnectionString(text: string): ConnectionStringOptions {
  if (typeof text !== 'string') throw new InvalidArgumentError(`a connection string must be a string, got ${describeValue(text)}`);
  const shown = redactConnectionString(text.trim());
  const fail = (problem: string): InvalidArgumentError => new InvalidArgumentError(`connection string ${shown}: ${problem}`);
  const match = SHAPE.exec(text.trim());
  // Text that does not even have the shape is not quoted: where its password is cannot be told.
  if (match === null) throw new InvalidArgumentError('a connection string must look like voltdb://[user[:password]@]host[:port][,host[:port]…][?option=value&…] (the text given is not shown: it may hold a password)');
  const [, scheme, authority, path, query, fragment] = match as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
  const lowerScheme = scheme.toLowerCase();
  if (lowerScheme !== 'voltdb' && lowerScheme !== 'voltdbs') throw fail(`the scheme must be voltdb:// or voltdbs:// (TLS), got ${scheme}://`);
  if (path !== undefined && path !== '/') throw fail(`VoltDB has no databases: remove the path ${JSON.stringify(decodePart(path, 'the path', fail))}`);
  if (fragment !== undefined) throw fail('a connection string takes no #fragment');

  const options: ConnectionStringOptions = {};
  const at = authority.lastIndexOf('@');
  const hostPart = at < 0 ? authority : authority.slice(at + 1);
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    const user = decodePart(colon < 0 ? userinfo : userinfo.slice(0, colon), 'the user name', fail);
    if (user !== '') options.username = user;
    if (colon >= 0) options.password = decodePart(userinfo.slice(colon + 1), 'the password', fail, true);
  }
  const hosts = hostPart === '' ? [] : hostPart.split(',').map((entry, i) => hostEntry(decodePart(entry, `host ${i + 1}`, fail), i, fail));
  if (hosts.length > 0) options.hosts = hosts;
  if (lowerScheme === 'voltdbs') options.tls = true;
  if (query !== undefined && query.length > 1) readQuery(query.slice(1), options, lowerScheme, fail);
  return options;
}

function decodePart(part: string, what: string, fail: (problem: string) => InvalidArgumentError, secret = false): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw fail(`${what} has a malformed %-escape${secret ? '' : ` (${JSON.stringify(part)})`}; write a literal % as %25`);
  }
}

/** One host entry, checked, as `'host:port'` (or `'[v6]:port'`). */
function hostEntry(entry: string, index: number, fail: (problem: string) => InvalidArgumentError): string {
  if (entry === '') throw fail(`host ${index + 1} is empty (two commas in a row, or a comma at the end)`);
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(entry);
  const plain = /^([^:[\]]+)(?::(\d*))?$/.exec(entry);
  const match = bracketed ?? plain;
  if (match === null) throw fail(`host ${index + 1} ${JSON.stringify(entry)} is not host[:port] (write IPv6 addresses in brackets: [::1]:21212)`);
  const [, host, portText] = match as unknown as [string, string, string | undefined];
  if (portText === undefined) return entry;
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) throw fail(`the port of host ${index + 1} (${host}) must be 1..65535, got ${JSON.stringify(portText)}`);
  return bracketed === null ? `${host}:${port}` : `[${host}]:${port}`;
}

function readQuery(query: string, options: ConnectionStringOptions, scheme: string, fail: (problem: string) => InvalidArgumentError): void {
  const allowed = Object.keys(CLIENT_OPTION_KINDS).filter((key) => !NOT_IN_STRING.has(key) && CLIENT_OPTION_KINDS[key]!.fromText !== undefined);
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodePart(equals < 0 ? pair : pair.slice(0, equals), 'an option name', fail);
    const secret = key === 'password';
    if (equals < 0) throw fail(`option ${key} needs a value (${key}=…)`);
    const text = decodePart(pair.slice(equals + 1), `option ${key}`, fail, secret);
    const kind = CLIENT_OPTION_KINDS[key];
    if (kind === undefined || NOT_IN_STRING.has(key) || kind.fromText === undefined) {
      if (kind !== undefined) throw fail(`option ${key} cannot be set in a connection string; pass it beside it: { connectionString, ${key} }`);
      const nearest = nearestKey(key, allowed);
      throw fail(`unknown option ${JSON.stringify(key)}: ${nearest === null ? `the options are ${allowed.join(', ')}` : `did you mean ${nearest}?`}`);
    }
    if (seen.has(key)) throw fail(`option ${key} is given twice`);
    seen.add(key);
    const value = kind.fromText(text);
    if (value === undefined) throw fail(`option ${key} must be ${kind.expected}, got ${secret ? 'something else' : JSON.stringify(text)}`);
    if (key === 'tls' && scheme === 'voltdbs' && value === false) throw fail('voltdbs:// means TLS: drop tls=false, or use voltdb://');
    if ((key === 'user' || key === 'username') && options.username !== undefined) throw fail(`the user is given twice (before @ and as ${key}=)`);
    if (key === 'password' && options.password !== undefined) throw fail('the password is given twice (before @ and as password=)');
    if (key === 'user') options.username = value as string;
    else options[key] = value;
  }
}
