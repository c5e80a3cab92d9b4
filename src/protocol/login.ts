/**
 * Login (PROTOCOL.md 2): the request the client sends first, and the server's answer.
 *
 * ```
 * request v1: i32 N, i8 1, i8 scheme (0 SHA-1, 1 SHA-256), str service, str username, u8[20|32] digest
 * request v0: i32 N, i8 0,                                  str service, str username, u8[20] SHA-1
 * response success: i32 N, i8 0, i8 0, i32 hostId, i64 connectionId, i64 clusterStartMs,
 *                   i32 leaderIPv4, i32 B, u8[B] buildString   (anything after is ignored)
 * response failure: i32 2, i8 0, i8 resultCode
 * ```
 * The digest is the raw, unsalted SHA-x of the UTF-8 password (an empty password still sends
 * a digest). `node:crypto` is used for the hash only; nothing here touches a socket.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { ParameterError, ProtocolError } from '../errors.js';
import { BufferReader } from './buffer-reader.js';
import { BufferWriter } from './buffer-writer.js';
import { HASH_DIGEST_LENGTH, HASH_SCHEME, LOGIN_RESULT } from './constants.js';

/** The password hash schemes a login can use. */
export type HashSchemeName = 'sha256' | 'sha1';

/** What `encodeLoginRequest` sends: user, password (or its digest), scheme, protocol version and service. */
export interface LoginRequestOptions {
  username?: string;
  password?: string;
  /** A precomputed digest (32 bytes for SHA-256, 20 for SHA-1) instead of `password`. */
  passwordHash?: Uint8Array;
  /** Default 'sha256'; version 0 implies 'sha1'. */
  scheme?: HashSchemeName;
  /** Default 1; 0 is the legacy SHA-1 login. */
  version?: 0 | 1;
  /** Default "database". */
  service?: string;
}

/** A login request as `decodeLoginRequest` reads it (the server side). */
export interface DecodedLoginRequest {
  version: number;
  /** HASH_SCHEME code (0 SHA-1, 1 SHA-256, 2 SPNEGO); 0 for version 0. */
  scheme: number;
  service: string;
  username: string;
  /** Every byte after the username: the server compares its length with the scheme's. */
  digest: Buffer;
}

/** The server's login answer: result code, host and connection ids, cluster start, leader and build string. */
export interface LoginResponse {
  resultCode: number;
  hostId: number;
  connectionId: bigint;
  /** Cluster start, milliseconds since the Unix epoch. */
  clusterStartMs: bigint;
  /** Leader IPv4 address, dotted (`127.0.0.1`). */
  leaderAddress: string;
  buildString: string;
}

/** The raw digest of the UTF-8 password. */
export function hashPassword(password: string, scheme: HashSchemeName = 'sha256'): Buffer {
  return createHash(scheme === 'sha1' ? 'sha1' : 'sha256').update(password, 'utf8').digest();
}

/** A whole login request frame. Refuses a digest of the wrong length or v0 with SHA-256. */
export function encodeLoginRequest(options: LoginRequestOptions = {}): Buffer {
  const version = options.version ?? 1;
  if (version !== 0 && version !== 1) throw new ParameterError(`login version ${String(version)} is not 0 or 1`);
  const schemeName = options.scheme ?? (version === 0 ? 'sha1' : 'sha256');
  if (schemeName !== 'sha1' && schemeName !== 'sha256') throw new ParameterError(`hash scheme ${String(schemeName)} is not 'sha256' or 'sha1'`);
  if (version === 0 && schemeName !== 'sha1') throw new ParameterError('login version 0 only supports SHA-1');
  const scheme = schemeName === 'sha1' ? HASH_SCHEME.SHA1 : HASH_SCHEME.SHA256;
  const digest = options.passwordHash ?? hashPassword(options.password ?? '', schemeName);
  if (digest.length !== HASH_DIGEST_LENGTH[scheme]) {
    throw new ParameterError(`password hash is ${digest.length} bytes; ${schemeName} needs ${HASH_DIGEST_LENGTH[scheme]}`);
  }
  const w = new BufferWriter(Buffer.allocUnsafeSlow(128));
  const frame = w.reserveLength();
  w.int8(version);
  if (version === 1) w.int8(scheme);
  w.string(options.service ?? 'database');
  w.string(options.username ?? '');
  w.raw(digest);
  w.fillLength(frame);
  return exact(w);
}

/** Decode a login request frame (the server side). A short or malformed frame is a ProtocolError. */
export function decodeLoginRequest(frame: Uint8Array): DecodedLoginRequest {
  const r = new BufferReader(frame);
  const length = r.int32('frame length');
  if (length !== r.remaining) throw new ProtocolError(`login frame length ${length} does not match the ${r.remaining} bytes after it`, { offset: 0 });
  const version = r.int8('login version');
  if (version !== 0 && version !== 1) throw new ProtocolError(`unknown login version ${version}`, { offset: 4 });
  const scheme = version === 1 ? r.int8('hash scheme') : HASH_SCHEME.SHA1;
  const serviceAt = r.offset;
  const service = r.string('service');
  if (service === null) throw new ProtocolError('login service is NULL', { offset: serviceAt });
  const userAt = r.offset;
  const username = r.string('username');
  if (username === null) throw new ProtocolError('login username is NULL', { offset: userAt });
  const digest = Buffer.from(r.raw(r.remaining, 'digest'));
  return { version, scheme, service, username, digest };
}

/** A whole login response frame: the success layout, or the 2-byte failure body for any other code. */
export function encodeLoginResponse(response: LoginResponse | { resultCode: number }): Buffer {
  const code = response.resultCode;
  if (!Number.isInteger(code) || code < -128 || code > 127) throw new ParameterError(`login result code ${String(code)} is not an i8`);
  const w = new BufferWriter(Buffer.allocUnsafeSlow(128));
  const frame = w.reserveLength();
  w.int8(0);
  w.int8(code);
  if (code === LOGIN_RESULT.SUCCESS) {
    const success = response as LoginResponse;
    w.int32(success.hostId);
    w.int64(success.connectionId);
    w.int64(success.clusterStartMs);
    w.int32(parseIPv4(success.leaderAddress));
    w.string(success.buildString);
  }
  w.fillLength(frame);
  return exact(w);
}

/**
 * Decode a login response frame. Bytes after the build string are ignored (the official
 * vector carries 12). A failure gives its result code with zero/empty other fields.
 */
export function decodeLoginResponse(frame: Uint8Array): LoginResponse {
  const r = new BufferReader(frame);
  const length = r.int32('frame length');
  if (length < 2 || length > r.remaining) throw new ProtocolError(`login response length ${length} does not fit the ${r.remaining} bytes after it`, { offset: 0 });
  r.end = r.offset + length;
  const version = r.int8('login response version');
  if (version !== 0) throw new ProtocolError(`login response version ${version} is not 0 (a Kerberos handshake step is not supported)`, { offset: 4 });
  const resultCode = r.int8('login result code');
  if (resultCode !== LOGIN_RESULT.SUCCESS) {
    return { resultCode, hostId: 0, connectionId: 0n, clusterStartMs: 0n, leaderAddress: '0.0.0.0', buildString: '' };
  }
  const hostId = r.int32('host id');
  const connectionId = r.int64('connection id');
  const clusterStartMs = r.int64('cluster start');
  const leader = r.int32('leader address') >>> 0;
  const buildAt = r.offset;
  const buildString = r.string('build string');
  if (buildString === null) throw new ProtocolError('build string is NULL', { offset: buildAt });
  const leaderAddress = `${leader >>> 24}.${(leader >>> 16) & 0xff}.${(leader >>> 8) & 0xff}.${leader & 0xff}`;
  return { resultCode, hostId, connectionId, clusterStartMs, leaderAddress, buildString };
}

function parseIPv4(address: string): number {
  const parts = typeof address === 'string' ? address.split('.') : [];
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    throw new ParameterError(`leader address ${JSON.stringify(address)} is not a dotted IPv4 address`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0) | 0;
}

function exact(w: BufferWriter): Buffer {
  const bytes = Buffer.allocUnsafeSlow(w.messageLength);
  w.message().copy(bytes);
  return bytes;
}
