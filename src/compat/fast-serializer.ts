/**
 * The Python client's `FastSerializer`: one connection to one VoltDB host, logged in.
 *
 * A thin shell over a single-host {@link Client}: the connection, the login, the wire dump
 * (`dumpFile`), timeouts and decoding are the client's. The Python class also (de)serialised
 * values itself; here that is the codec's job, so what remains of that role are the
 * `VOLTTYPE_*` constants used to declare parameter types.
 *
 * ```ts
 * const fser = await FastSerializer.connect({ host: 'localhost', port: 21212 });
 * // or, as in Python: const fser = new FastSerializer('localhost', 21212); (calls wait for the login)
 * ```
 */
import { AdminApi } from '../admin.js';
import { Client, type ClientOptions } from '../client.js';
import { ClientClosedError, ConnectionError } from '../errors.js';
import { DEFAULT_PORT } from '../options.js';
import type { TimestampMode } from '../protocol/value-reader.js';
import {
  VOLTTYPE_BIGINT,
  VOLTTYPE_DATE,
  VOLTTYPE_DECIMAL,
  VOLTTYPE_DECIMAL_STRING,
  VOLTTYPE_FLOAT,
  VOLTTYPE_GEOGRAPHY,
  VOLTTYPE_GEOGRAPHY_POINT,
  VOLTTYPE_INTEGER,
  VOLTTYPE_NULL,
  VOLTTYPE_SMALLINT,
  VOLTTYPE_STRING,
  VOLTTYPE_TIMESTAMP,
  VOLTTYPE_TINYINT,
  VOLTTYPE_VARBINARY,
  VOLTTYPE_VOLTTABLE,
} from './volt-types.js';

/** Options of {@link FastSerializer}, named as the Python constructor's. */
export interface FastSerializerOptions {
  /** Default `'localhost'`. */
  host?: string;
  /** Default 21212. */
  port?: number;
  /** Default `''` (a server with security off accepts anyone). */
  username?: string;
  password?: string;
  /** Record every frame sent and received to this file (voltwire's wire-dump format; password hash masked). */
  dumpFile?: string;
  /** Seconds allowed for connect + login. Default 8, as Python. */
  connectTimeout?: number;
  /** Default timeout of each call, in seconds. Default: none (wait for the answer), as Python. */
  procedureTimeout?: number;
  /** TIMESTAMP values as `Date` (default) or lossless `bigint` microseconds. */
  timestamps?: TimestampMode;
  /** Any other client option (decode workers, slab sizes, …). */
  client?: Omit<ClientOptions, 'hosts' | 'username' | 'password' | 'dumpFile' | 'connectTimeoutMs' | 'callTimeoutMs' | 'timestamps'>;
}

/** Python's default connect timeout, seconds. */
const DEFAULT_CONNECT_TIMEOUT_S = 8;

function toOptions(hostOrOptions: string | FastSerializerOptions | undefined, rest: [number?, string?, string?, string?]): FastSerializerOptions {
  if (typeof hostOrOptions !== 'string') return { ...hostOrOptions };
  const [port, username, password, dumpFile] = rest;
  const options: FastSerializerOptions = { host: hostOrOptions };
  if (port !== undefined) options.port = port;
  if (username !== undefined) options.username = username;
  if (password !== undefined) options.password = password;
  if (dumpFile !== undefined) options.dumpFile = dumpFile;
  return options;
}

/** Seconds → ms (fractions kept); `undefined` stays undefined so the client's validation speaks. */
function milliseconds(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** One logged-in connection, under the Python client's name (see the file comment). */
export class FastSerializer implements AsyncDisposable {
  static readonly VOLTTYPE_NULL = VOLTTYPE_NULL;
  static readonly VOLTTYPE_TINYINT = VOLTTYPE_TINYINT;
  static readonly VOLTTYPE_SMALLINT = VOLTTYPE_SMALLINT;
  static readonly VOLTTYPE_INTEGER = VOLTTYPE_INTEGER;
  static readonly VOLTTYPE_BIGINT = VOLTTYPE_BIGINT;
  static readonly VOLTTYPE_FLOAT = VOLTTYPE_FLOAT;
  static readonly VOLTTYPE_STRING = VOLTTYPE_STRING;
  static readonly VOLTTYPE_TIMESTAMP = VOLTTYPE_TIMESTAMP;
  static readonly VOLTTYPE_DATE = VOLTTYPE_DATE;
  static readonly VOLTTYPE_DECIMAL = VOLTTYPE_DECIMAL;
  /** Not a wire code (1022): the value is sent as a STRING; see `volt-types.ts`. */
  static readonly VOLTTYPE_DECIMAL_STRING = VOLTTYPE_DECIMAL_STRING;
  static readonly VOLTTYPE_VOLTTABLE = VOLTTYPE_VOLTTABLE;
  static readonly VOLTTYPE_VARBINARY = VOLTTYPE_VARBINARY;
  static readonly VOLTTYPE_GEOGRAPHY_POINT = VOLTTYPE_GEOGRAPHY_POINT;
  static readonly VOLTTYPE_GEOGRAPHY = VOLTTYPE_GEOGRAPHY;

  readonly host: string;
  readonly port: number;
  /** Resolves with this object once the server accepted the login; rejects with the connect error. */
  readonly ready: Promise<FastSerializer>;
  private connected: Client | null = null;
  private closing: Promise<void> | null = null;

  /** Connect and log in; resolves once the server accepted the login. Same arguments as the constructor. */
  static connect(options?: FastSerializerOptions): Promise<FastSerializer>;
  static connect(host: string, port?: number, username?: string, password?: string, dumpFile?: string): Promise<FastSerializer>;
  static connect(hostOrOptions?: string | FastSerializerOptions, port?: number, username?: string, password?: string, dumpFile?: string): Promise<FastSerializer> {
    return new FastSerializer(toOptions(hostOrOptions, [port, username, password, dumpFile])).ready;
  }

  /**
   * Start connecting. Calls made before the login completes wait for it; a failed connect
   * rejects {@link ready} and every call. Prefer `await FastSerializer.connect(…)`.
   */
  constructor(options?: FastSerializerOptions);
  constructor(host: string, port?: number, username?: string, password?: string, dumpFile?: string);
  constructor(hostOrOptions?: string | FastSerializerOptions, port?: number, username?: string, password?: string, dumpFile?: string) {
    const o = toOptions(hostOrOptions, [port, username, password, dumpFile]);
    this.host = o.host ?? 'localhost';
    this.port = o.port ?? DEFAULT_PORT;
    const clientOptions: ClientOptions = {
      ...o.client,
      hosts: [{ host: this.host, port: this.port }],
      username: o.username ?? '',
      password: o.password ?? '',
      connectTimeoutMs: milliseconds(o.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S),
      // Python waits for ever unless told otherwise; 0 is the client's "no timeout".
      callTimeoutMs: milliseconds(o.procedureTimeout) ?? 0,
    };
    if (o.dumpFile !== undefined) clientOptions.dumpFile = o.dumpFile;
    if (o.timestamps !== undefined) clientOptions.timestamps = o.timestamps;
    this.ready = Client.connect(clientOptions).then((client) => {
      this.connected = client;
      return this;
    });
    // Constructed without awaiting: the failure is reported by `ready` and by each call.
    this.ready.catch(() => {});
  }

  /** The voltwire client underneath (for everything the Python API does not have). */
  get client(): Client {
    if (this.connected === null) throw new ConnectionError(`${this.host}:${this.port} is not connected yet: await fser.ready first`, { host: this.host, port: this.port });
    return this.connected;
  }

  /** Typed system-procedure helpers over this connection (see `src/admin.ts`). */
  get admin(): AdminApi {
    return new AdminApi(this.client);
  }

  /** @internal The client, once logged in; rejects when the connect failed or `close()` was called. */
  async session(): Promise<Client> {
    const ready = await this.ready;
    if (this.closing !== null) throw new ClientClosedError(`the FastSerializer for ${this.host}:${this.port} is closed`);
    return ready.client;
  }

  /** Close the connection (calls in flight are answered first). Idempotent; no further use is valid. */
  close(): Promise<void> {
    this.closing ??= this.ready.then(
      (self) => self.client.close(),
      () => undefined, // nothing was opened
    );
    return this.closing;
  }

  /** `await using fser = await FastSerializer.connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
