/**
 * Reading the wire captures in `../shared/fixtures` as dataset data, in place at run time
 * (never copied into the repository). Requests become parameter sets by decoding them with
 * the project's invocation decoder; the declared types are the wire types the capture
 * carried. Used by wire-captures.ts and real-captures.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { VOLT_TYPE, typeName } from '../../src/protocol/constants.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { FIXTURES_DIR } from '../harness/repository.js';
import type { DatasetData, InvocationData } from '../harness/types.js';

/** A frame with its i32 length prefix; one capture (select_with_date) was saved without it. */
export function withLengthPrefix(bytes: Buffer): Buffer {
  if (bytes.length >= 4 && bytes.readInt32BE(0) === bytes.length - 4) return bytes;
  const frame = Buffer.allocUnsafe(bytes.length + 4);
  frame.writeInt32BE(bytes.length, 0);
  bytes.copy(frame, 4);
  return frame;
}

export function read(folder: string, name: string): Buffer {
  return withLengthPrefix(readFileSync(join(FIXTURES_DIR, folder, name)));
}

/** A captured request as a parameter set with its wire types declared. */
export function invocationOf(frame: Buffer): InvocationData {
  // bigint timestamps: re-encoding a Date would drop the capture's microseconds.
  const decoded = decodeInvocation(frame, { timestamps: 'bigint' });
  const types = decoded.paramTypes.map((code, i) => {
    if (code === VOLT_TYPE.ARRAY) return `${typeName(decoded.elementTypes[i] ?? VOLT_TYPE.NULL) ?? 'NULL'}[]`;
    return typeName(code) ?? 'NULL';
  });
  return { procedure: decoded.procedure, params: decoded.params, types };
}

export function capturesOf(folder: string, keep: (name: string) => boolean): DatasetData {
  const names = readdirSync(join(FIXTURES_DIR, folder)).filter(keep).sort();
  const responses = names.filter((n) => n.includes('response')).map((n) => read(folder, n));
  const invocations = names.filter((n) => n.includes('request')).map((n) => invocationOf(read(folder, n)));
  return { responses, invocations };
}

/** True when both capture folders are beside the repository. */
export const CAPTURES_PRESENT = existsSync(join(FIXTURES_DIR, 'wire')) && existsSync(join(FIXTURES_DIR, 'real'));

export function warnMissing(what: string): void {
  console.warn(`# bench: ${FIXTURES_DIR} not found: the ${what} datasets are not registered`);
}
