/**
 * The fuzz targets: how each input is generated from `(seed, target, index)` and what is run
 * on it. `scripts/fuzz.ts` drives them (workers, watchdog, reporting); the fuzz tests run a
 * few thousand inputs of each in the normal suite.
 *
 * | target     | input                                              | runs                                          |
 * | ---------- | -------------------------------------------------- | --------------------------------------------- |
 * | frame      | a stream of valid/mutated/random frames + chunking | FrameDecoder.push vs a reference splitter     |
 * | response   | mutated, spliced, hostile-shaped and random frames | header, layouts, decodeResponse, every value, columnar, worker task |
 * | table      | mutated bare VoltTables                            | readTableLayout, row view, columnar, readTable |
 * | invocation | mutated requests and encoded random requests       | decodeInvocation (+ re-encode)                |
 * | login      | mutated login requests/responses                   | decodeLoginRequest, decodeLoginResponse       |
 * | encode     | random JS values, shapes and declared types        | encodeInvocation / encodeResponse → decode    |
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { encodeInvocation, type InvocationRequest } from '../../src/protocol/invocation-writer.js';
import type { ResponseInput } from '../../src/protocol/response.js';
import type { TimestampMode } from '../../src/protocol/value-reader.js';
import { chunksAt, frameOf, mutate, Random, randomCuts, spliceBytes, toHex, type Mutation } from '../helpers/mutators.js';
import { composeResponse, type Corpus, type Seed } from './corpus.js';
import { exerciseBareTable, exerciseResponse, type Outcome } from './exercise.js';
import { exerciseEncode, exerciseFrameStream, exerciseInvocation, exerciseLogin, exerciseResponseEncode, type FrameOptions } from './exercise-requests.js';
import { hostileRequest, randomRequest, randomResponseInput } from './random-values.js';

/** One generated input, ready to run. */
export interface FuzzInput {
  /** How it was made (seed name, mutations), for the report. */
  origin: string;
  /** The bytes, when the input is bytes (printed as hex on failure). */
  bytes?: Buffer;
  /** Largest single allocation allowed while running it (Infinity: not checked). */
  allocationLimit: number;
  run(): Outcome;
  /** Extra detail for the report (options, cut points, the request). */
  detail(): string;
}

export interface Target {
  name: string;
  generate(rng: Random, corpus: Corpus): FuzzInput;
}

/** Decoders may allocate scratch of this size whatever the input (block arrays, slabs). */
export const ALLOCATION_FLOOR = 64 * 1024;
const TIMESTAMPS: readonly TimestampMode[] = ['date', 'bigint'];

function describeMutations(seed: string, mutations: readonly Mutation[]): string {
  return `${seed} + [${mutations.map((m) => (m.kind === 'insert' ? `insert@${m.at}(${m.bytes.length})` : JSON.stringify(m))).join(', ')}]`;
}

/** Random bytes; often with a right length prefix, sometimes with a plausible response start. */
function randomFrameBytes(rng: Random): Buffer {
  const body = rng.bytes(rng.smallSize(2048));
  if (rng.chance(0.5) && body.length >= 10) {
    body[0] = 0;
    if (rng.chance(0.5)) body[9] = rng.pick([0, 0x20, 0x80, 0x40, 0xa0]);
  }
  return rng.chance(0.7) ? frameOf(body) : body;
}

/** A valid table of extreme shape: many zero-width (NULL) columns, many empty rows, names of any length. */
export function hostileTable(rng: Random): Buffer {
  const columnCount = rng.pick([0, 1, 1, 2, 3, 50, 300, 2000]);
  const types = Array.from({ length: columnCount }, () => (rng.chance(0.8) ? VOLT_TYPE.NULL : rng.pick([VOLT_TYPE.TINYINT, VOLT_TYPE.STRING, VOLT_TYPE.VARBINARY, VOLT_TYPE.GEOGRAPHY, VOLT_TYPE.DECIMAL])));
  const names = types.map((_, i) => (rng.chance(0.7) ? '' : `C${i}`));
  const valueBytes = (type: number): number => (type === VOLT_TYPE.NULL ? 0 : type === VOLT_TYPE.TINYINT ? 1 : type === VOLT_TYPE.DECIMAL ? 16 : 4);
  const rowLength = types.reduce((sum, type) => sum + valueBytes(type), 0);
  const headerLength = 3 + columnCount + names.reduce((sum, name) => sum + 4 + name.length, 0);
  // At most ~1M cells and ~300 KB: enough to show super-linear work without stalling the run.
  const maxRows = Math.min(Math.floor(1_000_000 / Math.max(1, columnCount)), Math.floor((300_000 - headerLength) / (4 + rowLength)));
  const rowCount = Math.max(0, Math.min(maxRows, rng.pick([0, 1, 2, 10, 300, 2000, 20000, 40000])));
  const table = Buffer.alloc(4 + 4 + headerLength + 4 + rowCount * (4 + rowLength));
  let at = 0;
  table.writeInt32BE(table.length - 4, at);
  table.writeInt32BE(headerLength, (at += 4));
  table.writeInt8(-128, (at += 4));
  table.writeInt16BE(columnCount, (at += 1));
  at += 2;
  for (const type of types) table.writeInt8(type, at++);
  for (const name of names) {
    table.writeInt32BE(name.length, at);
    table.write(name, at + 4, 'latin1');
    at += 4 + name.length;
  }
  table.writeInt32BE(rowCount, at);
  at += 4;
  const row = Buffer.alloc(rowLength);
  let r = 0;
  for (const type of types) {
    if (type === VOLT_TYPE.TINYINT) row[r] = rng.int(256);
    else if (type !== VOLT_TYPE.NULL && type !== VOLT_TYPE.DECIMAL) row.writeInt32BE(rng.pick([-1, 0]), r);
    r += valueBytes(type);
  }
  for (let i = 0; i < rowCount; i++) {
    table.writeInt32BE(rowLength, at);
    row.copy(table, at + 4);
    at += 4 + rowLength;
  }
  return table;
}

/** A response header body (version .. round trip) without a status string. */
function minimalHeader(rng: Random): Buffer {
  const header = Buffer.alloc(16);
  header.writeBigInt64BE(rng.int64(), 1);
  header[10] = 1;
  header.writeInt8(-128, 11);
  return header;
}

function bytesInput(origin: string, bytes: Buffer, limit: number, run: (bytes: Buffer) => Outcome, detail = ''): FuzzInput {
  return { origin, bytes, allocationLimit: limit, run: () => run(bytes), detail: () => detail };
}

/** Mutate a seed (aimed at its length fields), splice two seeds, or take random bytes. */
function mutatedSeed(rng: Random, seeds: readonly Seed[]): { origin: string; bytes: Buffer } {
  const r = rng.float();
  if (r < 0.8 || seeds.length < 2) {
    const seed = rng.pick(seeds);
    const { bytes, mutations } = mutate(rng, seed.bytes, { fields: seed.fields, shortFields: seed.shortFields });
    return { origin: describeMutations(seed.name, mutations), bytes };
  }
  if (r < 0.93) {
    const a = rng.pick(seeds);
    const b = rng.pick(seeds);
    const spliced = spliceBytes(rng, a.bytes, b.bytes);
    if (rng.chance(0.6) && spliced.length >= 4) spliced.writeInt32BE(spliced.length - 4, 0);
    return { origin: `splice(${a.name}, ${b.name})`, bytes: spliced };
  }
  return { origin: 'random bytes', bytes: randomFrameBytes(rng) };
}

const responseTarget: Target = {
  name: 'response',
  generate(rng, corpus) {
    const timestamps = rng.pick(TIMESTAMPS);
    const run = (frame: Buffer): Outcome => exerciseResponse(frame, timestamps);
    const r = rng.float();
    let origin: string;
    let bytes: Buffer;
    if (r < 0.2 && corpus.tableParts.length > 0) {
      // Valid frames spliced together: a header from one, tables from others; then maybe damaged.
      const tables = Array.from({ length: rng.smallSize(4) }, () => rng.pick(corpus.tableParts));
      bytes = composeResponse(rng.pick(corpus.headers), tables);
      origin = `composed(${tables.length} tables)`;
      if (rng.chance(0.5)) {
        const mutated = mutate(rng, bytes);
        bytes = mutated.bytes;
        origin = describeMutations(origin, mutated.mutations);
      }
    } else if (r < 0.205) {
      bytes = composeResponse(rng.chance(0.5) && corpus.headers.length > 0 ? rng.pick(corpus.headers) : minimalHeader(rng), [hostileTable(rng)]);
      origin = 'hostile table shape';
    } else {
      ({ origin, bytes } = mutatedSeed(rng, corpus.responses));
    }
    return bytesInput(origin, bytes, Math.max(bytes.length + 4, ALLOCATION_FLOOR), run, `timestamps: ${timestamps}`);
  },
};

const tableTarget: Target = {
  name: 'table',
  generate(rng, corpus) {
    const timestamps = rng.pick(TIMESTAMPS);
    let origin: string;
    let bytes: Buffer;
    if (rng.chance(0.01)) {
      bytes = hostileTable(rng);
      origin = 'hostile table shape';
    } else {
      ({ origin, bytes } = mutatedSeed(rng, corpus.tables));
    }
    return bytesInput(origin, bytes, Math.max(bytes.length + 4, ALLOCATION_FLOOR), (b) => exerciseBareTable(b, timestamps), `timestamps: ${timestamps}`);
  },
};

const invocationTarget: Target = {
  name: 'invocation',
  generate(rng, corpus) {
    let origin: string;
    let bytes: Buffer;
    if (rng.chance(0.3)) {
      // A freshly encoded random request (every parameter type), then damaged.
      let encoded: Buffer | undefined;
      for (let tries = 0; tries < 5 && encoded === undefined; tries++) {
        try {
          encoded = encodeInvocation(randomRequest(rng));
        } catch {
          // refused: try another
        }
      }
      const base = encoded ?? rng.pick(corpus.invocations).bytes;
      const { bytes: mutated, mutations } = mutate(rng, base);
      origin = describeMutations('encoded random request', mutations);
      bytes = mutated;
    } else {
      ({ origin, bytes } = mutatedSeed(rng, corpus.invocations));
    }
    const timestamps = rng.pick(TIMESTAMPS);
    return bytesInput(origin, bytes, Math.max(bytes.length + 4, ALLOCATION_FLOOR), (b) => exerciseInvocation(b, timestamps), `timestamps: ${timestamps}`);
  },
};

const loginTarget: Target = {
  name: 'login',
  generate(rng, corpus) {
    const { origin, bytes } = mutatedSeed(rng, rng.chance(0.9) ? corpus.logins : [...corpus.logins, ...corpus.responses.slice(0, 3)]);
    return bytesInput(origin, bytes, Math.max(bytes.length + 4, ALLOCATION_FLOOR), exerciseLogin);
  },
};

const FRAME_LIMITS = [256, 4096, 65536, 200_000];
const OWN_AT = [0, 64, 1024, 256 * 1024, Infinity];

const frameTarget: Target = {
  name: 'frame',
  generate(rng, corpus) {
    const options: FrameOptions = { maxFrameBytes: rng.pick(FRAME_LIMITS), ownBufferAtBytes: rng.pick(OWN_AT) };
    const pieces: Buffer[] = [];
    const names: string[] = [];
    const count = rng.range(1, 6);
    for (let i = 0; i < count; i++) {
      const r = rng.float();
      const pool = rng.pick([corpus.responses, corpus.invocations, corpus.logins]);
      if (r < 0.5) {
        const seed = rng.pick(pool);
        pieces.push(seed.bytes);
        names.push(seed.name);
      } else if (r < 0.75) {
        const { origin, bytes } = mutatedSeed(rng, pool);
        pieces.push(bytes);
        names.push(origin);
      } else if (r < 0.9) {
        // A hostile length prefix, then a little of its body.
        const prefix = Buffer.alloc(4);
        const length = rng.pick([0, -1, -0x80000000, 0x7fffffff, options.maxFrameBytes, options.maxFrameBytes + 1, options.maxFrameBytes - 1, 1]);
        prefix.writeInt32BE(length | 0, 0);
        pieces.push(Buffer.concat([prefix, rng.bytes(rng.smallSize(64))]));
        names.push(`prefix ${length | 0}`);
      } else {
        pieces.push(rng.bytes(rng.smallSize(300)));
        names.push('random bytes');
      }
    }
    const stream = Buffer.concat(pieces);
    const boundaries: number[] = [];
    pieces.reduce((at, piece) => (boundaries.push(at), at + piece.length), 0);
    const cuts = randomCuts(rng, stream.length, boundaries);
    const chunks = chunksAt(stream, cuts);
    return {
      origin: names.join(' | '),
      bytes: stream,
      allocationLimit: options.maxFrameBytes + 4,
      run: () => exerciseFrameStream(stream, chunks, options),
      detail: () => `maxFrameBytes ${options.maxFrameBytes}, ownBufferAtBytes ${options.ownBufferAtBytes}, cuts [${cuts.join(', ')}]`,
    };
  },
};

/** Render a request or response input for a report (bigints, bytes, classes). */
export function renderValue(value: unknown, depth = 0): string {
  if (depth > 4) return '…';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}… (${value.length} chars)` : JSON.stringify(value);
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${toHex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), 32)})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return value.length > 20 ? `[${value.slice(0, 20).map((v) => renderValue(v, depth + 1)).join(', ')}, … ${value.length} items]` : `[${value.map((v) => renderValue(v, depth + 1)).join(', ')}]`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto === null ? 'null-prototype ' : proto.constructor?.name !== 'Object' ? `${String(proto.constructor?.name)} ` : '';
  if (name !== '' && name !== 'null-prototype ' && typeof (value as { toString?: unknown }).toString === 'function' && (value as object).toString !== Object.prototype.toString) {
    return `${name}${String(value)}`;
  }
  return `${name}{ ${Object.keys(value).map((k) => `${k}: ${renderValue((value as Record<string, unknown>)[k], depth + 1)}`).join(', ')} }`;
}

const encodeTarget: Target = {
  name: 'encode',
  generate(rng) {
    const r = rng.float();
    if (r < 0.3) {
      const response: ResponseInput = randomResponseInput(rng);
      return { origin: 'random response', allocationLimit: Infinity, run: () => exerciseResponseEncode(response), detail: () => renderValue(response) };
    }
    const hostile = r > 0.97;
    const request: InvocationRequest = hostile ? hostileRequest(rng) : randomRequest(rng);
    return { origin: hostile ? 'hostile request fields' : 'random request', allocationLimit: Infinity, run: () => exerciseEncode(request), detail: () => renderValue(request) };
  },
};

export const TARGETS: readonly Target[] = [frameTarget, responseTarget, tableTarget, invocationTarget, loginTarget, encodeTarget];

export function targetNamed(name: string): Target {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`unknown fuzz target ${name}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}

/** The input `index` of `target` in a run seeded with `seed`. */
export function generateInput(target: Target, corpus: Corpus, seed: number, index: number): FuzzInput {
  return target.generate(Random.forInput(seed, target.name, index), corpus);
}
