/**
 * Wire constants of the VoltDB client protocol (PROTOCOL.md sections 1–7), with the wire
 * value visible. Plain `as const` objects: no enums, so the values inline and tree-shake.
 */

/** Type codes (PROTOCOL.md 4.1). */
export const VOLT_TYPE = {
  NULL: 1,
  TINYINT: 3,
  SMALLINT: 4,
  INTEGER: 5,
  BIGINT: 6,
  FLOAT: 8,
  STRING: 9,
  TIMESTAMP: 11,
  /** Newer servers only (not 11.4); day precision, packed `(year << 16) | (month << 8) | day`. */
  DATE: 12,
  VOLTTABLE: 21,
  DECIMAL: 22,
  /** Parameter only, planner-internal; decoded but never produced by inference. */
  BOOLEAN: 23,
  VARBINARY: 25,
  GEOGRAPHY_POINT: 26,
  GEOGRAPHY: 27,
  /** Parameter marker for an array; the element type follows. */
  ARRAY: -99,
} as const;

/** The name of a VoltDB wire type (`'BIGINT'`, `'STRING'`, …). */
export type VoltTypeName = Exclude<keyof typeof VOLT_TYPE, 'ARRAY'>;
/** The wire code of a VoltDB type (`VOLT_TYPE.BIGINT` is 6). */
export type VoltTypeCode = (typeof VOLT_TYPE)[VoltTypeName];

const TYPE_NAMES = new Map<number, VoltTypeName>(
  (Object.entries(VOLT_TYPE) as [keyof typeof VOLT_TYPE, number][])
    .filter((entry): entry is [VoltTypeName, number] => entry[0] !== 'ARRAY')
    .map(([name, code]) => [code, name]),
);

/** The name of a type code (`5` → `'INTEGER'`), or `undefined` for a code VoltDB does not send. */
export function typeName(code: number): VoltTypeName | undefined {
  return TYPE_NAMES.get(code);
}

/** Column types that may appear in a result table (PROTOCOL.md 6), plus NULL columns some servers emit. */
export const COLUMN_TYPES: ReadonlySet<number> = new Set([
  VOLT_TYPE.NULL,
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.FLOAT,
  VOLT_TYPE.STRING,
  VOLT_TYPE.TIMESTAMP,
  VOLT_TYPE.DATE,
  VOLT_TYPE.DECIMAL,
  VOLT_TYPE.VARBINARY,
  VOLT_TYPE.GEOGRAPHY_POINT,
  VOLT_TYPE.GEOGRAPHY,
]);

/**
 * Element types an array parameter may carry (PROTOCOL.md 3.4): the column types but NULL, and
 * VOLTTABLE; a TINYINT array is a byte array.
 */
export const ARRAY_ELEMENT_TYPES: ReadonlySet<number> = new Set([...COLUMN_TYPES].filter((type) => type !== VOLT_TYPE.NULL).concat(VOLT_TYPE.VOLTTABLE));

/** Types a scalar parameter may carry (PROTOCOL.md 3.4): the array element types, NULL and BOOLEAN. */
export const SCALAR_PARAMETER_TYPES: ReadonlySet<number> = new Set([...ARRAY_ELEMENT_TYPES, VOLT_TYPE.NULL, VOLT_TYPE.BOOLEAN]);

/** NULL sentinels inside rows and typed parameters (PROTOCOL.md 4.1). */
export const NULL_VALUE = {
  TINYINT: -128,
  SMALLINT: -32768,
  INTEGER: -2147483648,
  BIGINT: -9223372036854775808n,
  /** Exactly this bit pattern (0xFFEE42D130773B76), i.e. -1.7E308; compared exactly. */
  FLOAT: -1.7e308,
  TIMESTAMP: -9223372036854775808n,
  DATE: -2147483648,
  /** GEOGRAPHY_POINT NULL: both coordinates exactly 360.0. */
  POINT_COORDINATE: 360,
  /** STRING / VARBINARY / GEOGRAPHY NULL: length -1 and no bytes. */
  LENGTH: -1,
} as const;

/** Procedure status codes (PROTOCOL.md 5.1). */
export const STATUS = {
  SUCCESS: 1,
  USER_ABORT: -1,
  GRACEFUL_FAILURE: -2,
  UNEXPECTED_FAILURE: -3,
  CONNECTION_LOST: -4,
  SERVER_UNAVAILABLE: -5,
  CONNECTION_TIMEOUT: -6,
  RESPONSE_UNKNOWN: -7,
  TXN_RESTART: -8,
  OPERATIONAL_FAILURE: -9,
  TXN_MISPARTITIONED: -10,
  TXN_MISROUTED: -11,
  DR_TABLE_HASH_NOT_FOUND: -12,
  UNSUPPORTED_DYNAMIC_CHANGE: -13,
  CLIENT_ERROR_TXN_NOT_SENT: -14,
  CLIENT_REQUEST_TIMEOUT: -15,
  CLIENT_RESPONSE_TIMEOUT: -16,
  COMPOUND_PROC_USER_ABORT: -17,
  COMPOUND_PROC_TIMEOUT: -18,
  CANNOT_UPDATE_CONFIG: -20,
  FAILED_CONFIG_UPDATE: -21,
  USER_NO_LONGER_VALID: -22,
} as const;

const STATUS_NAMES = new Map<number, string>(Object.entries(STATUS).map(([name, code]) => [code, name]));

/** `-2` → `'GRACEFUL_FAILURE'`; an unknown code comes back as `'STATUS(<n>)'` so it stays visible. */
export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? `STATUS(${code})`;
}

/** Default application status: the procedure never set one. */
export const APP_STATUS_UNSET = -128;

/** Login result codes (PROTOCOL.md 2.3). */
export const LOGIN_RESULT = {
  SUCCESS: 0,
  AUTHENTICATION_FAILED: -1,
  TOO_MANY_CONNECTIONS: 1,
  AUTHENTICATION_TIMEOUT: 2,
  PROTOCOL_VIOLATION: 3,
  NODE_REJOINING: 4,
  SERVICE_NOT_ENABLED: 5,
  TLS_REQUIRED: 6,
  CLIENT_CERTIFICATE_REQUIRED: 7,
} as const;

/** Password hash schemes of login protocol version 1, with their digest lengths. */
export const HASH_SCHEME = {
  SHA1: 0,
  SHA256: 1,
  SPNEGO: 2,
} as const;

/** Digest length in bytes of each `HASH_SCHEME` code. */
export const HASH_DIGEST_LENGTH = {
  [HASH_SCHEME.SHA1]: 20,
  [HASH_SCHEME.SHA256]: 32,
  [HASH_SCHEME.SPNEGO]: 0,
} as const;

/** Bits of the response's `fieldsPresent` byte (PROTOCOL.md 5). */
export const RESPONSE_FIELD = {
  DETERMINISM_HASHES: 0x10,
  STATUS_STRING: 0x20,
  EXCEPTION: 0x40,
  APP_STATUS_STRING: 0x80,
} as const;

/** Invocation header versions (PROTOCOL.md 3). */
export const INVOCATION_VERSION = {
  ORIGINAL: 0,
  BATCH_TIMEOUT: 1,
  EXTENSIBLE: 2,
} as const;

/** Invocation v2 extension types (PROTOCOL.md 3.3). */
export const INVOCATION_EXTENSION = {
  BATCH_TIMEOUT: 1,
  ALL_PARTITION: 2,
  PARTITION_DESTINATION: 3,
  BATCH_CALL: 4,
  REQUEST_PRIORITY: 5,
  REQUEST_TIMEOUT: 6,
} as const;

/** The server rejects an extension count outside 0..30. */
export const MAX_INVOCATION_EXTENSIONS = 30;

/** Serialized exception ordinals (PROTOCOL.md 5.2), legacy servers only. */
export const EXCEPTION_TYPE = {
  NONE: 0,
  EE_EXCEPTION: 1,
  SQL_EXCEPTION: 2,
  CONSTRAINT_FAILURE: 3,
  INTERRUPT: 4,
  TRANSACTION_RESTART: 5,
  TRANSACTION_TERMINATION: 6,
  SPECIFIED: 7,
  GENERIC: 8,
  MISPARTITIONED: 9,
  REPLICATED_TABLE: 10,
  DR_TABLE_NOT_FOUND: 11,
  INVALID_MESSAGE: 12,
} as const;

/** Client handles the server or official clients reserve (PROTOCOL.md 7). Never given to a user call. */
export const RESERVED_HANDLE = {
  /** Java's keepalive `@Ping`; echoed by the server. */
  KEEPALIVE_PING: 0x7fffffffffffffffn,
  /** Pushed `@Statistics('TOPO', 0)` after a topology change, on `@Subscribe('TOPOLOGY')` connections. */
  TOPOLOGY_NOTIFICATION: 0x7ffffffffffffffen,
  /** Pushed `@SystemCatalog('PROCEDURES')` after a catalog change. */
  PROCEDURES_NOTIFICATION: 0x7ffffffffffffffdn,
} as const;

/** Partition id of the multi-partition initiator in `@Statistics TOPO`. */
export const MP_PARTITION_ID = 16383;

/** Server-side frame limit (VoltPort.MAX_MESSAGE_LENGTH, 50 MiB). */
export const SERVER_MAX_FRAME_BYTES = 52_428_800;

/** Per-value limit for STRING / VARBINARY / GEOGRAPHY values (VoltType.MAX_VALUE_LENGTH). */
export const MAX_VALUE_BYTES = 1_048_576;

/** Largest element count of a non-byte array parameter (an i16 count). */
export const MAX_ARRAY_ELEMENTS = 32767;

/** DECIMAL: fixed scale and precision. */
export const DECIMAL_SCALE = 12;
/** DECIMAL precision: 38 digits in all, of which `DECIMAL_SCALE` after the point. */
export const DECIMAL_PRECISION = 38;

/** The single raw byte a server writes (unframed) before closing when its connection limit is reached. */
export const CONNECTION_LIMIT_BYTE = 0x01;

/** Bytes a fixed-width value takes in a table row (NULL-type columns take none); variable-width types are absent. */
export const FIXED_VALUE_BYTES: ReadonlyMap<number, number> = new Map<number, number>([
  [VOLT_TYPE.NULL, 0],
  [VOLT_TYPE.TINYINT, 1],
  [VOLT_TYPE.SMALLINT, 2],
  [VOLT_TYPE.INTEGER, 4],
  [VOLT_TYPE.DATE, 4],
  [VOLT_TYPE.BIGINT, 8],
  [VOLT_TYPE.TIMESTAMP, 8],
  [VOLT_TYPE.FLOAT, 8],
  [VOLT_TYPE.DECIMAL, 16],
  [VOLT_TYPE.GEOGRAPHY_POINT, 16],
]);
