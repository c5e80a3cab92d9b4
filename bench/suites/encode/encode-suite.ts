/**
 * The encode suite: parameter sets → invocation frames. Each dataset's parameter sets (table
 * rows as the parameters of an insert, or the captured requests) are encoded with the types
 * declared or inferred from the JS values, into a fresh Buffer per call or into pooled slabs.
 *
 * A correct output is a frame per call that decodes (with the project's invocation decoder)
 * to the same procedure, handle and parameter values. Values are compared by what they are,
 * not how they travelled: an integer sent as INTEGER or BIGINT is the same integer (inference
 * may pick a wider type than a declaration). Work is the declared frames' total bytes.
 */
import { Geography } from '../../../src/protocol/geography.js';
import { encodeInvocation, type InvocationRequest, type ParameterType } from '../../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../../src/protocol/invocation-reader.js';
import { canonicalValue } from '../../harness/canonical.js';
import { registerStrategy, registerSuite } from '../../harness/registry.js';
import type { Strategy } from '../../harness/types.js';

export interface EncodeInput {
  declared: InvocationRequest[];
  inferred: InvocationRequest[];
  /** Why the inferred requests cannot be encoded (a value inference does not cover), if so. */
  notInferable?: string;
  bytes: number;
}

/** Polygon vertices travel as unit-sphere vectors: degrees come back within ~1e-15 (PROTOCOL.md 4.3). */
const GEOGRAPHY_DIGITS = 9;

function roundDegrees(degrees: number): string {
  const text = degrees.toFixed(GEOGRAPHY_DIGITS);
  // -0.0000000001 and 0.0000000001 are the same vertex.
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/**
 * An integer is the same integer whether a number or a bigint; a TIMESTAMP is its microseconds
 * whether a Date or a bigint (frames are decoded with `timestamps: 'bigint'`, so no precision
 * is lost on the way back); a polygon is the same polygon
 * to 9 decimal places of a degree (its vertices do not survive the sphere round trip bit for
 * bit); everything else as the decoders compare.
 */
export function canonicalParameter(value: unknown): string {
  if (typeof value === 'bigint') return `int:${value}`;
  if (typeof value === 'number' && Number.isInteger(value)) return `int:${value === 0 ? 0 : value}`;
  if (Array.isArray(value)) return `[${value.map(canonicalParameter).join(',')}]`;
  if (value instanceof Date) return `int:${BigInt(value.getTime()) * 1000n}`;
  if (value instanceof Geography) {
    return `geo:${value.rings.map((ring) => ring.map(([lng, lat]) => `${roundDegrees(lng)} ${roundDegrees(lat)}`).join(',')).join(';')}`;
  }
  return canonicalValue(value);
}

export function canonicalCall(procedure: string, handle: bigint, params: readonly unknown[]): string[] {
  return [procedure, String(handle), ...params.map(canonicalParameter)];
}

/** Frames → what they decode to (outside timing). */
export function canonicalFrames(frames: readonly Uint8Array[]): string[][] {
  return frames.map((frame) => {
    const call = decodeInvocation(frame, { timestamps: 'bigint' });
    return canonicalCall(call.procedure, call.handle, call.params);
  });
}

export const encodeSuite = registerSuite<EncodeInput>({
  name: 'encode',
  description:
    'Parameter sets to invocation frames: declared vs inferred types, a fresh Buffer per call vs pooled slabs. MB/s of frame bytes.',
  metric: 'MB/s',
  input(data) {
    const invocations = data.invocations;
    if (invocations === undefined || invocations.length === 0) return undefined;
    const declared: InvocationRequest[] = [];
    const inferred: InvocationRequest[] = [];
    invocations.forEach((call, i) => {
      const base = { procedure: call.procedure, handle: BigInt(i + 1), params: call.params };
      declared.push(call.types === undefined ? base : { ...base, types: call.types as ParameterType[] });
      inferred.push(base);
    });
    let bytes = 0;
    for (const request of declared) bytes += encodeInvocation(request).length;
    const input: EncodeInput = { declared, inferred, bytes };
    try {
      for (const request of inferred) encodeInvocation(request);
    } catch (error) {
      input.notInferable = error instanceof Error ? error.message : String(error);
    }
    return input;
  },
  work: (input) => ({ bytes: input.bytes }),
  reference: (input) => input.declared.map((r) => canonicalCall(r.procedure, BigInt(r.handle), r.params ?? [])),
});

export function encodeStrategy<Prepared, Output>(
  strategy: Omit<Strategy<EncodeInput, Prepared, Output>, 'suite'>,
): Strategy<EncodeInput, Prepared, Output> {
  return registerStrategy({ ...strategy, suite: encodeSuite.name });
}

/** `applies` for inferred strategies: not when a value has no inferable type (arrays of NULL, …). */
export function inferable(input: EncodeInput): true | string {
  return input.notInferable === undefined ? true : `types cannot be inferred: ${input.notInferable}`;
}

/** `applies` for declared strategies: not when the dataset carries no types. */
export function declared(input: EncodeInput): true | string {
  return input.declared.every((r) => r.types !== undefined) ? true : 'the dataset declares no types';
}
