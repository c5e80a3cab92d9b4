/**
 * The fuzzer's other targets (see exercise.ts for the outcome rules): the frame decoder against
 * a reference splitter, invocation and login decoders (with re-encode checks), and the encoders
 * (every frame they write must decode to the values given).
 */
import { ProtocolError, VoltError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeInvocation, type InvocationRequest, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { decodeLoginRequest, decodeLoginResponse, encodeLoginRequest, encodeLoginResponse } from '../../src/protocol/login.js';
import { encodeResponse, type ResponseInput } from '../../src/protocol/response.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { uncounted } from './allocation-probe.js';
import { attempt, exerciseResponse, InvariantViolation, sameValue, show, type Outcome } from './exercise.js';

/** How a byte stream must split into frames: the simplest possible implementation of PROTOCOL.md 1. */
export function referenceSplit(stream: Uint8Array, maxFrameBytes: number): { frames: Buffer[]; errorAt: number | null; buffered: number } {
  const bytes = Buffer.from(stream.buffer, stream.byteOffset, stream.length);
  const frames: Buffer[] = [];
  let pos = 0;
  while (bytes.length - pos >= 4) {
    const n = bytes.readInt32BE(pos);
    if (n <= 0 || n > maxFrameBytes) return { frames, errorAt: pos, buffered: bytes.length - pos };
    if (4 + n > bytes.length - pos) break;
    frames.push(bytes.subarray(pos, pos + 4 + n));
    pos += 4 + n;
  }
  return { frames, errorAt: null, buffered: bytes.length - pos };
}

export interface FrameOptions {
  maxFrameBytes: number;
  ownBufferAtBytes: number;
}

/** Push `chunks` (one stream) through a FrameDecoder; it must agree with {@link referenceSplit}. */
export function exerciseFrameStream(stream: Uint8Array, chunks: readonly Buffer[], options: FrameOptions): Outcome {
  const expected = referenceSplit(stream, options.maxFrameBytes);
  let index = 0;
  let problem: string | undefined;
  const decoder = new FrameDecoder({
    ...options,
    onFrame: (frame) => {
      const want = expected.frames[index++];
      if (want === undefined || !want.equals(frame)) problem ??= `frame ${index - 1} is not the reference frame`;
      if (frame.length > options.maxFrameBytes + 4) problem ??= `frame of ${frame.length} bytes exceeds maxFrameBytes ${options.maxFrameBytes} + 4`;
      if (frame.length >= options.ownBufferAtBytes && (frame.byteOffset !== 0 || frame.buffer.byteLength !== frame.length)) {
        problem ??= `frame of ${frame.length} bytes ≥ ownBufferAtBytes ${options.ownBufferAtBytes} does not own its ArrayBuffer`;
      }
    },
  });
  let errorAt: number | null = null;
  for (const chunk of chunks) {
    try {
      decoder.push(chunk);
    } catch (error) {
      if (!VoltError.is(error)) throw error;
      if (!(error instanceof ProtocolError)) throw new InvariantViolation(`FrameDecoder threw ${error.name}, not a ProtocolError: ${error.message}`);
      errorAt = error.offset ?? -1;
      break;
    }
  }
  if (index !== expected.frames.length) problem ??= `${index} frames emitted, the reference has ${expected.frames.length}`;
  if (errorAt !== expected.errorAt) problem ??= `error at stream offset ${String(errorAt)}, the reference at ${String(expected.errorAt)}`;
  if (errorAt === null && decoder.bufferedBytes !== expected.buffered) problem ??= `${decoder.bufferedBytes} bytes buffered, the reference ${expected.buffered}`;
  if (errorAt !== null) {
    // Stopped until reset(), then usable again.
    if (attempt(() => decoder.push(Buffer.from([0, 0, 0, 1, 0]))).ok) problem ??= 'FrameDecoder accepted input after an error without reset()';
    decoder.reset();
    index = expected.frames.length;
    expected.frames.push(Buffer.from([0, 0, 0, 1, 7]));
    decoder.push(Buffer.from([0, 0, 0, 1, 7]));
    if (index !== expected.frames.length) problem ??= 'FrameDecoder did not recover after reset()';
  }
  if (problem !== undefined) throw new InvariantViolation(problem);
  return { accepted: errorAt === null, cells: index };
}

/** Declared type names of decoded parameters (arrays as `T[]`), to re-encode them. */
function declaredTypes(paramTypes: readonly number[], elementTypes: readonly (number | undefined)[]): ParameterType[] {
  const nameOf = (code: number): string => Object.entries(VOLT_TYPE).find(([, value]) => value === code)?.[0] ?? 'NULL';
  return paramTypes.map((code, i) => (code === VOLT_TYPE.ARRAY ? `${nameOf(elementTypes[i]!)}[]` : nameOf(code)) as ParameterType);
}

/** An invocation frame: decode; if its values can be encoded again, they must decode the same. */
export function exerciseInvocation(frame: Buffer, timestamps: 'date' | 'bigint' = 'bigint'): Outcome {
  const decoded = attempt(() => decodeInvocation(frame, { timestamps }));
  if (!decoded.ok) return { accepted: false, cells: 0 };
  const d = decoded.value;
  if (d.params.length !== d.paramTypes.length || d.params.length !== d.elementTypes.length) throw new InvariantViolation('decodeInvocation: params, paramTypes and elementTypes differ in length');
  // The oracle's own work (re-encoding) is not what a peer makes the decoder allocate.
  return uncounted(() => {
    const outcome: Outcome = { accepted: true, cells: d.params.length };
    const again = attempt(() => encodeInvocation({ procedure: d.procedure, handle: d.handle, params: d.params, types: declaredTypes(d.paramTypes, d.elementTypes) }));
    if (!again.ok) return outcome;
    const second = attempt(() => decodeInvocation(again.value, { timestamps }));
    if (!second.ok) throw new InvariantViolation(`re-encoded invocation is refused by decodeInvocation: ${second.error.message}`);
    if (second.value.procedure !== d.procedure || second.value.handle !== d.handle) outcome.note = 're-encoded invocation changed the procedure or handle';
    else if (!sameValue(second.value.params, d.params, 1e-9)) outcome.note = `re-encoded invocation parameters differ: ${show(d.params)} vs ${show(second.value.params)}`;
    return outcome;
  });
}

/** A login frame through both login decoders; a decoded one must re-encode to the same bytes. */
export function exerciseLogin(frame: Buffer): Outcome {
  let accepted = false;
  let note: string | undefined;
  const request = attempt(() => decodeLoginRequest(frame));
  if (request.ok) {
    accepted = true;
    const { version, scheme, service, username, digest } = request.value;
    if ((version === 0 && digest.length === 20) || (version === 1 && ((scheme === 0 && digest.length === 20) || (scheme === 1 && digest.length === 32)))) {
      const again = uncounted(() => attempt(() => encodeLoginRequest({ version: version as 0 | 1, scheme: scheme === 1 ? 'sha256' : 'sha1', service, username, passwordHash: digest })));
      if (!again.ok) note = `a decoded login request does not encode again: ${again.error.message}`;
      else if (!again.value.equals(frame)) note = 'a decoded login request encodes to different bytes';
    }
  }
  const response = attempt(() => decodeLoginResponse(frame));
  if (response.ok) {
    accepted = true;
    const r = response.value;
    if (r.resultCode === 0) {
      const again = uncounted(() => attempt(() => encodeLoginResponse(r)));
      if (!again.ok) note ??= `a decoded login response does not encode again: ${again.error.message}`;
      else if (!again.value.subarray(4).equals(frame.subarray(4, again.value.length))) note ??= 'a decoded login response encodes to different bytes';
    }
  }
  const outcome: Outcome = { accepted, cells: 0 };
  if (note !== undefined) outcome.note = note;
  return outcome;
}

const CODE: Readonly<Record<string, number>> = VOLT_TYPE;

/** What decoding gives for `value` written as `code` (timestamps as bigint µs), or `undefined` when not canonical. */
export function expectedDecoded(code: number, value: unknown): { value: unknown } | undefined {
  if (value === null || value === undefined) return { value: null };
  switch (code) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
      if (typeof value === 'number') return { value: value === 0 ? 0 : value };
      if (typeof value === 'bigint') return { value: Number(value) };
      if (typeof value === 'boolean' && code === VOLT_TYPE.TINYINT) return { value: value ? 1 : 0 };
      return undefined;
    case VOLT_TYPE.BIGINT:
      return typeof value === 'bigint' || Number.isSafeInteger(value) ? { value: BigInt(value as number | bigint) } : undefined;
    case VOLT_TYPE.FLOAT:
      // −Number.MAX_VALUE (the engine's NULL) is accepted and reads back as NULL.
      return typeof value === 'number' ? { value: value <= -1.7e308 ? null : value } : undefined;
    case VOLT_TYPE.BOOLEAN:
      return typeof value === 'boolean' ? { value } : undefined;
    case VOLT_TYPE.STRING:
      // A lone surrogate is refused by the encoder, so it never reaches a frame.
      return typeof value === 'string' && value.isWellFormed() ? { value } : undefined;
    case VOLT_TYPE.TIMESTAMP:
      if (typeof value === 'bigint') return { value };
      if (Number.isSafeInteger(value)) return { value: BigInt(value as number) * 1000n };
      if (value instanceof Date) return { value: BigInt(value.getTime()) * 1000n };
      return undefined;
    case VOLT_TYPE.DATE:
      return value instanceof VoltDate ? { value } : undefined;
    case VOLT_TYPE.DECIMAL:
      return Decimal.isDecimal(value) && (value as Decimal).decimalPlaces() <= 12 ? { value } : undefined;
    case VOLT_TYPE.VARBINARY:
      return value instanceof Uint8Array ? { value } : value instanceof ArrayBuffer ? { value: new Uint8Array(value) } : undefined;
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return value instanceof GeographyPoint ? { value } : undefined;
    case VOLT_TYPE.GEOGRAPHY:
      return value instanceof Geography ? { value } : undefined;
    default:
      return undefined;
  }
}


/** Declared wire code and element code of a declared type name. */
function codesOf(name: string): { code: number; element?: number } {
  if (name === 'DECIMAL_STRING') return { code: VOLT_TYPE.STRING };
  if (name.endsWith('[]')) return { code: VOLT_TYPE.ARRAY, element: CODE[name.slice(0, -2)]! };
  return { code: CODE[name]! };
}

/** An invocation request through the encoder: refused with a VoltError, or a frame that decodes to it. */
export function exerciseEncode(request: InvocationRequest): Outcome {
  const encoded = attempt(() => encodeInvocation(request));
  if (!encoded.ok) return { accepted: false, cells: 0 };
  const decoded = attempt(() => decodeInvocation(encoded.value, { timestamps: 'bigint' }));
  if (!decoded.ok) throw new InvariantViolation(`encodeInvocation wrote a frame that decodeInvocation refuses: ${decoded.error.message}`);
  const d = decoded.value;
  if (request.params !== undefined && !Array.isArray(request.params)) {
    throw new InvariantViolation(`params ${show(request.params)} is not an array, yet it was encoded as ${d.params.length} parameters`);
  }
  const params = request.params ?? [];
  if (d.procedure !== request.procedure) throw new InvariantViolation(`procedure ${JSON.stringify(request.procedure)} came back as ${JSON.stringify(d.procedure)}`);
  if (d.handle !== BigInt.asIntN(64, BigInt(request.handle))) throw new InvariantViolation(`handle ${request.handle} came back as ${d.handle}`);
  if (d.params.length !== params.length) throw new InvariantViolation(`${params.length} parameters came back as ${d.params.length}`);
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    const name = request.types?.[i];
    if (value === null || value === undefined) {
      if (d.paramTypes[i] !== VOLT_TYPE.NULL) throw new InvariantViolation(`parameter ${i}: null was written as type ${d.paramTypes[i]}`);
      continue;
    }
    if (name === undefined) continue;
    const { code, element } = codesOf(name);
    if (d.paramTypes[i] !== code || (element !== undefined && d.elementTypes[i] !== element)) {
      throw new InvariantViolation(`parameter ${i} declared ${name} was written as type ${d.paramTypes[i]}/${String(d.elementTypes[i])}`);
    }
    const got = d.params[i];
    if (element === VOLT_TYPE.TINYINT) {
      if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        const want = Uint8Array.from(value as ArrayLike<number | boolean>, (v) => Number(v) & 0xff);
        if (!sameValue(got, want)) throw new InvariantViolation(`parameter ${i} (${name}) came back as ${show(got)}`);
      }
      continue;
    }
    if (element !== undefined) {
      (value as unknown[]).forEach((item, k) => {
        const want = expectedDecoded(element, item);
        if (want !== undefined && !sameValue((got as unknown[])[k], want.value, 1e-9)) throw new InvariantViolation(`parameter ${i} (${name}) element ${k}: ${show(item)} came back as ${show((got as unknown[])[k])}`);
      });
      continue;
    }
    if (name === 'DECIMAL_STRING') {
      // Sent as the exact decimal text: equal as a number, not as a string.
      if (typeof got !== 'string' || !new Decimal(got).equals(new Decimal(typeof value === 'bigint' ? value.toString() : (value as Decimal.Value)))) {
        throw new InvariantViolation(`parameter ${i} (DECIMAL_STRING): ${show(value)} came back as ${show(got)}`);
      }
      continue;
    }
    const want = expectedDecoded(code, value);
    if (want !== undefined && !sameValue(got, want.value, 1e-9)) throw new InvariantViolation(`parameter ${i} (${name}): ${show(value)} came back as ${show(got)}`);
  }
  return { accepted: true, cells: params.length, outputBytes: encoded.value.length };
}

/** A response through encodeResponse: refused with a VoltError, or a frame whose tables read back as given. */
export function exerciseResponseEncode(input: ResponseInput): Outcome {
  const encoded = attempt(() => encodeResponse(input));
  if (!encoded.ok) return { accepted: false, cells: 0 };
  const decoded = attempt(() => decodeResponse(encoded.value, { timestamps: 'bigint' }));
  if (!decoded.ok) throw new InvariantViolation(`encodeResponse wrote a frame that decodeResponse refuses: ${decoded.error.message}`);
  const tables = input.tables ?? [];
  let cells = 0;
  tables.forEach((table, t) => {
    if (table instanceof Uint8Array) return;
    const rows = attempt(() => [...decoded.value.tables[t]!.rows()]);
    if (!rows.ok) throw new InvariantViolation(`table ${t} written by encodeResponse does not read back: ${rows.error.message}`);
    table.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        cells++;
        const want = expectedDecoded(table.columns[c]!.type, value);
        if (want !== undefined && !sameValue(rows.value[r]![c], want.value, 1e-9)) {
          throw new InvariantViolation(`table ${t} row ${r} column ${c}: ${show(value)} came back as ${show(rows.value[r]![c])}`);
        }
      });
    });
  });
  // Then the same frame through every response decoder.
  const deep = exerciseResponse(encoded.value, 'bigint');
  const outcome: Outcome = { accepted: true, cells, outputBytes: encoded.value.length };
  if (deep.note !== undefined) outcome.note = deep.note;
  return outcome;
}
