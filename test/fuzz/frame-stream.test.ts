/**
 * FrameDecoder properties (fast-check): a random stream of frames (valid, hostile length
 * prefixes, random bytes) splits the same way whatever the chunking, and the same way as the
 * simplest reference splitter; and the maxFrameBytes guarantee: a hostile length prefix is a
 * ProtocolError before anything is allocated for it, and no single allocation while decoding
 * ever exceeds maxFrameBytes + 4 (the frame with its prefix). Allocations are counted by
 * wrapping Buffer/ArrayBuffer/typed-array constructors in this test process only.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { ProtocolError, VoltError } from '../../src/errors.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { chunksAt, frameOf } from '../helpers/mutators.js';
import { installAllocationProbe, measureAllocations, uninstallAllocationProbe, type AllocationProbe } from './allocation-probe.js';
import { exerciseFrameStream, referenceSplit } from './exercise-requests.js';

const MAX = 1024;

/** A stream piece: a valid frame, a hostile prefix (with a little body) or random bytes. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 1100 }).map((body) => frameOf(body)) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(0, -1, -(2 ** 31), 2 ** 31 - 1, MAX + 1), fc.integer({ min: MAX + 1, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 0 })), fc.uint8Array({ maxLength: 16 })).map(([length, rest]) => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(length, 0);
    return Buffer.concat([prefix, rest]);
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
);
const stream = fc.array(piece, { minLength: 1, maxLength: 8 }).map((pieces) => Buffer.concat(pieces));
const cuts = fc.array(fc.nat(), { maxLength: 40 });
const ownAt = fc.constantFrom(0, 64, 700, Infinity);

function sortedCuts(raw: number[], length: number): number[] {
  return [...new Set(raw.map((c) => c % (length + 1)))].filter((c) => c > 0 && c < length).sort((a, b) => a - b);
}

describe('FrameDecoder on random streams', () => {
  let probe: AllocationProbe;
  before(() => {
    probe = installAllocationProbe();
    probe.active = false;
  });
  after(() => uninstallAllocationProbe());

  test('the same frames, error offset and buffered bytes as the reference, whatever the chunking', () => {
    fc.assert(
      fc.property(stream, cuts, ownAt, (bytes, raw, ownBufferAtBytes) => {
        exerciseFrameStream(bytes, chunksAt(bytes, sortedCuts(raw, bytes.length)), { maxFrameBytes: MAX, ownBufferAtBytes });
      }),
      { numRuns: 400 },
    );
  });

  test('two different chunkings give byte-identical frames', (t: TestContext) => {
    fc.assert(
      fc.property(stream, cuts, cuts, (bytes, a, b) => {
        const run = (raw: number[]): string[] => {
          const frames: string[] = [];
          const decoder = new FrameDecoder({ maxFrameBytes: MAX, onFrame: (frame) => frames.push(frame.toString('hex')) });
          try {
            for (const chunk of chunksAt(bytes, sortedCuts(raw, bytes.length))) decoder.push(chunk);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
            frames.push(`error at ${String(error.offset)}`);
          }
          return frames;
        };
        t.assert.deepEqual(run(a), run(b));
      }),
      { numRuns: 200 },
    );
  });

  test('a hostile length prefix is refused before anything is allocated for it', (t: TestContext) => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: MAX + 1, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 0 })), fc.nat({ max: 4 }), (length, split) => {
        const prefix = Buffer.alloc(4);
        prefix.writeInt32BE(length, 0);
        const chunks = chunksAt(prefix, split > 0 && split < 4 ? [split] : []);
        const decoder = new FrameDecoder({ maxFrameBytes: MAX, ownBufferAtBytes: 0, onFrame: () => t.assert.fail('no frame') });
        const measured = measureAllocations(probe, 0, () => {
          for (const chunk of chunks) decoder.push(chunk);
        });
        t.assert.ok(measured.error instanceof ProtocolError, `length ${length} must be a ProtocolError`);
        t.assert.equal(measured.total, 0, `length ${length}: ${measured.total} bytes allocated`);
        t.assert.equal(decoder.bufferedBytes, 0);
      }),
      { numRuns: 300 },
    );
  });

  test('no single allocation above maxFrameBytes + 4, for any stream and chunking', (t: TestContext) => {
    fc.assert(
      fc.property(stream, cuts, ownAt, fc.constantFrom(16, 300, MAX), (bytes, raw, ownBufferAtBytes, maxFrameBytes) => {
        const chunks = chunksAt(bytes, sortedCuts(raw, bytes.length));
        const expected = referenceSplit(bytes, maxFrameBytes);
        const decoder = new FrameDecoder({ maxFrameBytes, ownBufferAtBytes, onFrame: () => undefined });
        const measured = measureAllocations(probe, maxFrameBytes + 4, () => {
          for (const chunk of chunks) decoder.push(chunk);
        });
        if (measured.error !== undefined && !VoltError.is(measured.error)) throw measured.error;
        t.assert.equal(measured.overLimit, null, `allocated ${measured.largest} bytes at once with maxFrameBytes ${maxFrameBytes}`);
        t.assert.equal(measured.error !== undefined, expected.errorAt !== null);
      }),
      { numRuns: 300 },
    );
  });

  test('a valid length allocates its frame at most once, exactly its size', (t: TestContext) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 1, max: 3 }), (length, split) => {
        const prefix = Buffer.alloc(4);
        prefix.writeInt32BE(length, 0);
        const decoder = new FrameDecoder({ maxFrameBytes: MAX, ownBufferAtBytes: 0, onFrame: () => undefined });
        const [first, second] = chunksAt(prefix, [split]);
        const measured = measureAllocations(probe, Infinity, () => {
          decoder.push(first!);
          decoder.push(second!);
        });
        t.assert.equal(measured.error, undefined);
        t.assert.equal(measured.total, length + 4, 'one buffer of exactly the frame size, allocated when the prefix completes');
      }),
      { numRuns: 200 },
    );
  });
});
