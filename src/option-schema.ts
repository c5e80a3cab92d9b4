/**
 * What each client and call option may hold, for the run-time checks of plain-JavaScript
 * callers (a TypeScript caller has the compiler; a JavaScript caller's typo used to be
 * ignored in silence — `pasword` meant "no password").
 *
 * The table says the JavaScript type of each option, how to read it from connection-string
 * text, and which keys an option object may hold. Ranges (`maxSlabs >= 1`, …) stay with the
 * code that resolves the option; this file answers only "is this key known, and is its value
 * of the right kind".
 */
import { InvalidArgumentError } from './errors.js';
import type { CallOptions, ClientOptions, DecodeOptions } from './client-options.js';

/** The kind of value an option holds. */
export interface OptionKind {
  /** Said in errors: `callTimeoutMs must be a number (ms)`. */
  readonly expected: string;
  /** True for a value of this kind (`undefined` is always accepted: the default applies). */
  test(value: unknown): boolean;
  /** The value of connection-string text, or `undefined` when the text is not of this kind; absent = not allowed in a string. */
  fromText?(text: string): unknown;
  /** For object options: the keys the object may hold, and their kinds. */
  readonly keys?: Readonly<Record<string, OptionKind>>;
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function numberFromText(text: string): number | undefined {
  const trimmed = text.replaceAll('_', '');
  return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : undefined;
}

function booleanFromText(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case '0':
    case 'no':
    case 'off':
      return false;
    default:
      return undefined;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Option kinds, by name. */
export const KIND = {
  number: { expected: 'a number', test: (v) => typeof v === 'number' && !Number.isNaN(v), fromText: numberFromText },
  ms: { expected: 'a number of milliseconds', test: (v) => typeof v === 'number' && !Number.isNaN(v), fromText: numberFromText },
  boolean: { expected: 'true or false', test: (v) => typeof v === 'boolean', fromText: booleanFromText },
  string: { expected: 'a string', test: (v) => typeof v === 'string', fromText: (text) => text },
  bytes: { expected: 'a Uint8Array', test: (v) => v instanceof Uint8Array },
  signal: { expected: 'an AbortSignal', test: (v) => v instanceof AbortSignal },
  array: { expected: 'an array', test: (v) => Array.isArray(v) },
  function: { expected: 'a function', test: (v) => typeof v === 'function' },
  /** Kind and range checked where the value is used (its own error says both). */
  checkedByUse: { expected: 'a value', test: () => true },
} satisfies Record<string, OptionKind>;

/** One of a few strings. */
export function oneOf(...choices: readonly string[]): OptionKind {
  const set = new Set(choices);
  return {
    expected: `one of ${choices.map((c) => `'${c}'`).join(', ')}`,
    test: (v) => typeof v === 'string' && set.has(v),
    fromText: (text) => (set.has(text) ? text : undefined),
  };
}

/** An object with the given keys (each optional). */
export function objectOf(keys: Record<string, OptionKind>, expected = `an object { ${Object.keys(keys).join(', ')} }`): OptionKind {
  return { expected, test: isPlainObject, keys };
}

/** Any of several kinds (`tls: true` or `tls: { ca }`). */
export function either(expected: string, ...kinds: OptionKind[]): OptionKind {
  const objectKind = kinds.find((kind) => kind.keys !== undefined);
  const textKinds = kinds.filter((kind) => kind.fromText !== undefined);
  return {
    expected,
    test: (v) => kinds.some((kind) => kind.test(v)),
    ...(textKinds.length === 0
      ? {}
      : {
          fromText: (text: string) => {
            for (const kind of textKinds) {
              const value = kind.fromText!(text);
              if (value !== undefined) return value;
            }
            return undefined;
          },
        }),
    ...(objectKind === undefined ? {} : { keys: objectKind.keys }),
  };
}

/** A host object: `{ host, port?, weight?, backup? }`. */
export const HOST_OBJECT = objectOf({ host: KIND.string, port: KIND.number, weight: KIND.number, backup: KIND.boolean });

/** Node's TLS options are Node's to check: any object passes (its keys are not listed here). */
const TLS_OBJECT: OptionKind = { expected: 'tls.ConnectionOptions', test: isPlainObject };

/** Every option of `Client.connect()`, with the names a connection string may use. */
// `satisfies` the option types: a client option added without a line here does not compile.
export const CLIENT_OPTION_KINDS: Readonly<Record<string, OptionKind>> = {
  connectionString: KIND.string,
  hosts: either("an array of 'host:port' strings and { host, port, weight, backup } objects, or a 'host:port,…' string", KIND.string, KIND.array),
  host: KIND.string,
  port: KIND.number,
  username: KIND.string,
  user: KIND.string,
  password: KIND.string,
  passwordHash: KIND.bytes,
  hashScheme: oneOf('sha256', 'sha1'),
  connectTimeoutMs: KIND.ms,
  callTimeoutMs: KIND.ms,
  timeoutMs: KIND.ms,
  queryTimeoutMs: KIND.ms,
  priority: KIND.number,
  maxOutstanding: KIND.number,
  queue: objectOf({ warn: KIND.number, resume: KIND.number, hard: KIND.number }),
  maxCallsPerSecond: KIND.number,
  timestamps: oneOf('date', 'bigint'),
  bigint: oneOf('bigint', 'string', 'number'),
  decode: objectOf({
    workers: either("a number or 'auto'", KIND.number, oneOf('auto')),
    offThreadBytes: KIND.number,
    maxQueue: KIND.number,
    codegen: KIND.boolean,
    workerFile: either('a string or a URL', KIND.string, { expected: 'a URL', test: (v) => v instanceof URL }),
  } satisfies Record<keyof DecodeOptions, OptionKind>),
  maxFrameBytes: KIND.number,
  slabBytes: KIND.number,
  maxSlabs: KIND.number,
  timerResolutionMs: KIND.ms,
  dumpFile: KIND.string,
  tls: either('true, false or tls.ConnectionOptions (ca, cert, key, servername, rejectUnauthorized, …)', KIND.boolean, TLS_OBJECT),
  discover: KIND.boolean,
  clientAffinity: KIND.boolean,
  requireAll: KIND.boolean,
  reconnect: KIND.boolean,
  reconnectDelayMs: KIND.ms,
  maxReconnectDelayMs: KIND.ms,
  pingIntervalMs: KIND.ms,
  connectionTimeoutMs: KIND.ms,
  failFast: KIND.boolean,
  topologyRefreshMs: KIND.ms,
  retryOnConnectionLoss: either(
    'true, false or { readOnly, procedures, attempts }',
    KIND.boolean,
    objectOf({ readOnly: KIND.boolean, procedures: KIND.array, attempts: KIND.number }),
  ),
} satisfies Record<keyof ClientOptions, OptionKind>;

/** Every per-call option (`client.call(name, params, options)`, `query`, `callMany`, procedure handles). */
export const CALL_OPTION_KINDS: Readonly<Record<string, OptionKind>> = {
  timeoutMs: KIND.ms,
  signal: KIND.signal,
  queryTimeoutMs: KIND.ms,
  // The call path checks these two with ParameterError (kind and range in one message).
  priority: KIND.checkedByUse,
  partition: KIND.checkedByUse,
  retryOnConnectionLoss: KIND.boolean,
  response: KIND.boolean,
  types: KIND.array,
} satisfies Record<keyof CallOptions, OptionKind>;

/** Names people bring from other drivers, and the option that does the job here. */
const BORROWED_NAMES: Readonly<Record<string, string>> = {
  ssl: 'tls',
  pass: 'password',
  timeout: 'callTimeoutMs',
  connectionTimeout: 'connectTimeoutMs',
  connectTimeout: 'connectTimeoutMs',
  servers: 'hosts',
  addresses: 'hosts',
};

/**
 * The known key closest to `key`: same letters ignoring case, a name from another driver, or
 * the smallest edit distance when it is small next to the key's length; null when nothing is close.
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  const borrowed = BORROWED_NAMES[key];
  if (borrowed !== undefined && known.includes(borrowed)) return borrowed;
  let best: string | null = null;
  // Close means at most 40 % of the key's letters changed (`timout` → `timeoutMs`: 3 of 6).
  let bestDistance = Math.max(2, Math.ceil(key.length * 0.4)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Levenshtein distance with adjacent transpositions (`pasword`/`password` = 1,
 * `tiemoutMs`/`timeoutMs` = 1). Option names are short, so the two-row table is tiny; a
 * dependency for a dozen lines that run only on a typo would not pay for itself.
 */
function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let cost = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, before[j - 2]! + 1);
      current.push(cost);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** A value for an error message: strings quoted, objects by their kind, long text cut. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `a ${value.constructor.name}`;
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'null-prototype'} object`;
  return String(value);
}

/** The error for an unknown `key` in `where` (`client option`, `call option`); `place` prefixes the message (`Vote: `). */
export function unknownKeyError(where: string, key: string, known: readonly string[], place = ''): InvalidArgumentError {
  const nearest = nearestKey(key, known);
  const suggestion = nearest === null ? `the ${where}s are ${known.join(', ')}` : `did you mean ${nearest}?`;
  return new InvalidArgumentError(`${place}unknown ${where} ${JSON.stringify(key)}: ${suggestion}`);
}

/** The error for `key` holding a value that is not of `kind`; secrets are never echoed. */
export function wrongKindError(where: string, key: string, kind: OptionKind, value: unknown, secret = false, place = ''): InvalidArgumentError {
  const given = secret ? `a ${value === null ? 'null' : typeof value}` : describeValue(value);
  return new InvalidArgumentError(`${place}${where} ${key} must be ${kind.expected}, got ${given}`);
}

/**
 * Check every key of `object` against `kinds` (recursing into object options, whose keys are
 * named `queue.hard`); throws the first problem. `secrets` are keys whose values never appear
 * in a message.
 */
export function checkKeys(
  where: string,
  object: Record<string, unknown>,
  kinds: Readonly<Record<string, OptionKind>>,
  secrets: ReadonlySet<string> = NO_SECRETS,
  prefix = '',
): void {
  for (const key of Object.keys(object)) {
    const kind = kinds[key];
    if (kind === undefined) throw unknownKeyError(where, prefix + key, Object.keys(kinds).map((k) => prefix + k));
    const value = object[key];
    if (value === undefined) continue;
    if (!kind.test(value)) throw wrongKindError(where, prefix + key, kind, value, secrets.has(key));
    if (kind.keys !== undefined && isPlainObject(value)) checkKeys(where, value, kind.keys, NO_SECRETS, `${prefix}${key}.`);
  }
}

const NO_SECRETS: ReadonlySet<string> = new Set();
