/**
 * Property tests (fast-check) for the framing and response layer: the same frames whatever
 * the chunking, header round trips, and random damage that only ever yields VoltErrors.
 */
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { encodeResponse, readResponseHeader, tableLayouts, peekHandle } from '../../src/protocol/response.js';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import { VoltError } from '../../src/errors.js';
import { FIXTURES_PRESENT, listFixtures, readFixture } from '../helpers/fixtures.js';
import { bigintRow, buildTable } from './response-builders.js';

const OWN_AT = 600;

function frameOf(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}

/** Split `stream` at the sorted, de-duplicated `cuts`, each chunk in its own ArrayBuffer. */
function chunksOf(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...points, stream.length]) {
    const chunk = Buffer.allocUnsafeSlow(p - start);
    stream.copy(chunk, 0, start, p);
    chunks.push(chunk);
    start = p;
  }
  return chunks;
}

const bodies = fc.array(fc.uint8Array({ minLength: 1, maxLength: 900 }), { minLength: 1, maxLength: 12 });

/** A few real response frames to stream and damage (hand-built ones when fixtures are absent). */
function sampleFrames(): Buffer[] {
  const built = [
    encodeResponse({ handle: 1n, status: 1, statusString: 'SUCCESS', tables: [buildTable({ columns: [{ name: 'STATUS', type: 6 }], rows: [bigintRow(0n)] })] }),
    encodeResponse({ handle: 2n, status: -2, statusString: 'nope', appStatusString: 'app', exception: encodeSerializedException(2, 'sql', Buffer.from('42000')) }),
    encodeResponse({
      handle: 3n,
      status: 1,
      tables: [
        { columns: [{ name: 'S', type: 9 }, { name: 'D', type: 22 }, { name: 'P', type: 26 }], rows: [['a', null, null], [null, null, null]] },
        { columns: [], rows: [] },
      ],
    }),
  ];
  if (!FIXTURES_PRESENT) return built;
  const names = listFixtures('real').filter((n) => n.endsWith('.response.bin') && !n.includes('votes_50000') && !n.includes('stats_topo'));
  return [...built, ...names.map((n) => readFixture(`real/${n}`)), readFixture('wire/invocation_response_select_geo_both.msg')];
}
const SAMPLES = sampleFrames();

describe('FrameDecoder properties', () => {
  test('the same frames whatever the chunking; views only for small frames inside one chunk', (t: TestContext) => {
    fc.assert(
      fc.property(bodies, fc.array(fc.nat(), { maxLength: 40 }), (list, cuts) => {
        const frames = list.map(frameOf);
        const stream = Buffer.concat(frames);
        const chunks = chunksOf(stream, cuts);
        const got: Buffer[] = [];
        const decoder = new FrameDecoder({ ownBufferAtBytes: OWN_AT, onFrame: (f) => got.push(f) });
        for (const chunk of chunks) decoder.push(chunk);
        t.assert.deepEqual(got, frames);
        t.assert.equal(decoder.bufferedBytes, 0);
        const chunkBuffers = new Set(chunks.map((c) => c.buffer));
        for (const f of got) {
          if (f.length >= OWN_AT) {
            t.assert.equal(f.byteOffset, 0);
            t.assert.equal(f.buffer.byteLength, f.length, 'big frame owns its exact ArrayBuffer');
          } else if (chunkBuffers.has(f.buffer)) {
            t.assert.ok(f.byteOffset + f.length <= f.buffer.byteLength);
          } else {
            t.assert.equal(f.length, f.readInt32BE(0) + 4, 'a split small frame is an exact copy');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('real response frames survive random chunking and decode the same', (t: TestContext) => {
    const stream = Buffer.concat(SAMPLES);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 60 }), (cuts) => {
        const got: Buffer[] = [];
        const decoder = new FrameDecoder({ ownBufferAtBytes: 1024, onFrame: (f) => got.push(f) });
        for (const chunk of chunksOf(stream, cuts)) decoder.push(chunk);
        t.assert.equal(got.length, SAMPLES.length);
        got.forEach((f, i) => {
          t.assert.deepEqual(f, SAMPLES[i]);
          const h = readResponseHeader(f);
          t.assert.equal(tableLayouts(f, h).length, h.tableCount);
        });
      }),
      { numRuns: 100 },
    );
  });

  test('random bytes only ever give frames or a ProtocolError, never a big allocation', (t: TestContext) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const decoder = new FrameDecoder({ maxFrameBytes: 4096, onFrame: () => {} });
        try {
          for (const chunk of chunksOf(Buffer.from(bytes), cuts)) decoder.push(chunk);
        } catch (error) {
          t.assert.ok(VoltError.is(error), String(error));
          return;
        }
        t.assert.ok(decoder.bufferedBytes <= 4100);
      }),
      { numRuns: 500 },
    );
  });
});

const header = fc.record({
  handle: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  status: fc.integer({ min: -128, max: 127 }),
  statusString: fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
  appStatus: fc.integer({ min: -128, max: 127 }),
  appStatusString: fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
  clusterRoundTripMs: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  exception: fc.option(
    fc.record({ type: fc.constantFrom(0, 4, 8, 9, 10, 12, 99), message: fc.string({ maxLength: 30 }) }),
  ),
  tables: fc.array(
    fc.record({
      status: fc.integer({ min: -128, max: 127 }),
      values: fc.array(fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }), { maxLength: 5 }),
    }),
    { maxLength: 4 },
  ),
});

describe('response properties', () => {
  test('encodeResponse → readResponseHeader gives every field back', (t: TestContext) => {
    fc.assert(
      fc.property(header, (h) => {
        const exception = h.exception === null ? null : encodeSerializedException(h.exception.type, h.exception.message);
        const tables = h.tables.map((tb) => buildTable({ status: tb.status, columns: [{ name: 'V', type: 6 }], rows: tb.values.map((v) => bigintRow(v)) }));
        const frame = encodeResponse({ ...h, exception, tables });
        const got = readResponseHeader(frame);
        t.assert.equal(peekHandle(frame), h.handle);
        t.assert.deepEqual(
          [got.handle, got.status, got.statusString, got.appStatus, got.appStatusString, got.clusterRoundTripMs],
          [h.handle, h.status, h.statusString, h.appStatus, h.appStatusString, h.clusterRoundTripMs],
        );
        t.assert.equal(got.exception?.message ?? null, h.exception?.message ?? null);
        const layouts = tableLayouts(frame, got);
        t.assert.deepEqual(
          layouts.map((l) => [l.status, l.rowCount]),
          h.tables.map((tb) => [tb.status, tb.values.length]),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('random damage to valid frames only ever throws VoltErrors', (t: TestContext) => {
    const mutation = fc.record({
      sample: fc.nat(),
      flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      cut: fc.option(fc.nat()),
      fixPrefix: fc.boolean(),
    });
    let threw = 0;
    let passed = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const original = SAMPLES[m.sample % SAMPLES.length]!;
        let frame = Buffer.from(original);
        for (const flip of m.flips) frame[flip.at % frame.length] = flip.value;
        if (m.cut !== null) frame = frame.subarray(0, m.cut % (frame.length + 1));
        if (m.fixPrefix && frame.length >= 4) frame.writeInt32BE(frame.length - 4, 0);
        try {
          peekHandle(frame);
          const h = readResponseHeader(frame);
          const layouts = tableLayouts(frame, h);
          for (const l of layouts) {
            t.assert.ok(l.offset >= h.tablesOffset && l.end <= frame.length && l.rowsOffset <= l.end);
            t.assert.deepEqual(readTableLayout(frame, l.offset), l);
          }
          passed++;
        } catch (error) {
          t.assert.ok(VoltError.is(error), `not a VoltError: ${String(error)}`);
          threw++;
        }
      }),
      { numRuns: 2000 },
    );
    t.assert.ok(threw > 0 && passed > 0, `both outcomes seen (threw ${threw}, passed ${passed})`);
  });

  test('random bytes as a table only ever throw VoltErrors', (t: TestContext) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, offset) => {
        try {
          readTableLayout(bytes, offset % (bytes.length + 1));
        } catch (error) {
          t.assert.ok(VoltError.is(error), String(error));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
