/**
 * Prints a wire dump (wire-dump.ts) readably: one line per record with its time, connection,
 * direction and a decoded summary of the frame (login, invocation, response), optionally
 * followed by a hex dump. Frames that do not decode are shown as hex with the decoder's error,
 * so a dump of a broken conversation still reads.
 *
 * ```
 * 2025-11-23T19:02:03.124001Z #0 > 59 B login v1 SHA-256 service "database" user "admin" digest masked (32 bytes)
 * 2025-11-23T19:02:03.125010Z #0 < 72 B login ok: host 0, connection 5, leader 127.0.0.1, build "voltdb-11.4"
 * 2025-11-23T19:02:03.125100Z #0 > 37 B call Vote handle 1 (v0) [5551234567n, 3, 10n]
 * 2025-11-23T19:02:03.126100Z #0 < 69 B response handle 1 SUCCESS, 1 table, round trip 0 ms
 * ```
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { statusName, typeName } from '../protocol/constants.js';
import { decodeInvocation } from '../protocol/invocation-reader.js';
import { decodeLoginRequest, decodeLoginResponse } from '../protocol/login.js';
import { readResponseHeader } from '../protocol/response.js';
import { readWireDump, type WireDump, type WireDumpRecord } from './wire-dump.js';

/** Options of {@link formatWireDump}. */
export interface WireDumpFormatOptions {
  /** Add a hex dump under every frame. Default false. */
  hex?: boolean;
  /** Only these connections. */
  connection?: number;
}

const SCHEME_NAMES: Record<number, string> = { 0: 'SHA-1', 1: 'SHA-256', 2: 'SPNEGO' };

function time(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  const iso = new Date(whole).toISOString(); // …HH:MM:SS.mmmZ
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0').slice(0, 3)}Z`;
}

function show(value: unknown): string {
  return inspect(value, { breakLength: Infinity, depth: 3, maxArrayLength: 16, maxStringLength: 120, compact: true });
}

/** Hex dump, 16 bytes a line, with offsets and printable ASCII. */
export function hexDump(bytes: Uint8Array, indent = '    '): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, bytes.length));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${indent}${at.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  return lines.join('\n');
}

function describeLoginRequest(frame: Uint8Array, masked: boolean): string {
  const login = decodeLoginRequest(frame);
  const scheme = SCHEME_NAMES[login.scheme] ?? `scheme ${login.scheme}`;
  const digest = masked ? `digest masked (${login.digest.length} bytes)` : `digest ${login.digest.length} bytes`;
  return `login v${login.version} ${scheme} service ${JSON.stringify(login.service)} user ${JSON.stringify(login.username)} ${digest}`;
}

function describeLoginResponse(frame: Uint8Array): string {
  const login = decodeLoginResponse(frame);
  if (login.resultCode !== 0) return `login refused: result code ${login.resultCode}`;
  const start = new Date(Number(login.clusterStartMs)).toISOString();
  return `login ok: host ${login.hostId}, connection ${login.connectionId}, cluster start ${start}, leader ${login.leaderAddress}, build ${JSON.stringify(login.buildString)}`;
}

function describeInvocation(frame: Uint8Array): string {
  const call = decodeInvocation(frame);
  const types = call.paramTypes.map((code) => (code === -99 ? 'ARRAY' : (typeName(code) ?? String(code))));
  const params = call.params.map((value, i) => `${types[i]} ${show(value)}`).join(', ');
  return `call ${call.procedure} handle ${call.handle} (v${call.version}) [${params}]`;
}

function describeResponse(frame: Uint8Array): string {
  const header = readResponseHeader(frame);
  let text = `response handle ${header.handle} ${statusName(header.status)}`;
  if (header.statusString !== null && header.statusString !== '' && header.statusString !== 'SUCCESS') text += ` ${JSON.stringify(header.statusString)}`;
  if (header.appStatus !== -128) text += `, app status ${header.appStatus}`;
  if (header.appStatusString !== null) text += ` ${JSON.stringify(header.appStatusString)}`;
  text += `, ${header.tableCount} table${header.tableCount === 1 ? '' : 's'}, round trip ${header.clusterRoundTripMs} ms`;
  return text;
}

function describe(record: WireDumpRecord, firstOfDirection: boolean): string {
  const payload = record.payload;
  if (record.kind === 'open') return `open ${Buffer.from(payload).toString('utf8')}`;
  if (record.kind === 'close') {
    const reason = Buffer.from(payload).toString('utf8');
    return reason === '' ? 'close' : `close: ${reason}`;
  }
  try {
    if (record.kind === 'sent') return firstOfDirection ? describeLoginRequest(payload, record.masked) : describeInvocation(payload);
    return firstOfDirection ? describeLoginResponse(payload) : describeResponse(payload);
  } catch (error) {
    return `undecodable frame (${(error as Error).message})`;
  }
}

/** Format a dump (its bytes, or one already read) as text, one line per record. */
export function formatWireDump(dump: Uint8Array | WireDump, options: WireDumpFormatOptions = {}): string {
  const parsed = dump instanceof Uint8Array ? readWireDump(dump) : dump;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const record of parsed.records) {
    // The first frame each way on a connection is the login request / response.
    const key = `${record.connection}${record.kind}`;
    const first = (record.kind === 'sent' || record.kind === 'received') && !seen.has(key);
    if (first) seen.add(key);
    if (record.kind === 'open') {
      seen.delete(`${record.connection}sent`);
      seen.delete(`${record.connection}received`);
    }
    if (options.connection !== undefined && record.connection !== options.connection) continue;
    const arrow = { sent: '>', received: '<', open: '+', close: '-' }[record.kind];
    const size = record.kind === 'sent' || record.kind === 'received' ? ` ${record.payload.length} B` : '';
    lines.push(`${time(record.time)} #${record.connection} ${arrow}${size} ${describe(record, first)}`);
    if (options.hex === true && size !== '') lines.push(hexDump(record.payload));
  }
  if (parsed.trailingBytes > 0) lines.push(`(${parsed.trailingBytes} trailing bytes: the last record was cut off)`);
  return lines.join('\n');
}
