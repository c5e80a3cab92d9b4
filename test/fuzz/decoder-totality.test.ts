/**
 * Decoder totality (fast-check): random mutations of every seed frame — the shared captures
 * when present, and frames built by our encoders — only ever give a decoded value or a
 * VoltError, through every decoder that applies: response header, table layouts,
 * decodeResponse, every row and column (lazy and columnar), the worker task, bare tables,
 * invocations and logins. A counterexample shrinks to a short list of byte edits.
 */
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { VoltError } from '../../src/errors.js';
import { applyMutations, frameOf } from '../helpers/mutators.js';
import { mutationsArbitrary } from './arbitraries.js';
import { loadCorpus, type Seed } from './corpus.js';
import { exerciseBareTable, exerciseResponse, type Outcome } from './exercise.js';
import { exerciseInvocation, exerciseLogin } from './exercise-requests.js';

const corpus = loadCorpus();
/** Tables small enough to splice many times within the suite's time (the 131 KB TOPO table is left out). */
const smallTables = corpus.tableParts.filter((table) => table.length <= 20_000);

/** Only VoltErrors may escape; anything else (or a broken invariant) fails the property. */
function total(run: () => Outcome): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (VoltError.is(error)) return true;
    throw error;
  }
}

function property(seeds: readonly Seed[], run: (bytes: Buffer) => Outcome, numRuns: number): void {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), mutationsArbitrary, (which, mutations) => total(() => run(applyMutations(seeds[which]!.bytes, mutations)))),
    { numRuns },
  );
}

describe('decoders are total over mutated frames', () => {
  test(`responses (${corpus.responses.length} seeds): header, layouts, decodeResponse, every value, columnar, worker task`, (t: TestContext) => {
    t.assert.ok(corpus.responses.length > 0);
    property(corpus.responses, (frame) => exerciseResponse(frame, 'date'), 300);
    property(corpus.responses, (frame) => exerciseResponse(frame, 'bigint'), 100);
  });

  test('responses spliced from the tables of other responses, then mutated', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 4 }), mutationsArbitrary, (header, tables, mutations) => {
        const frame = frameOf(Buffer.concat([corpus.headers[header % corpus.headers.length]!, Buffer.from([0, tables.length]), ...tables.map((i) => smallTables[i % smallTables.length]!)]));
        return total(() => exerciseResponse(frame)) && total(() => exerciseResponse(applyMutations(frame, mutations)));
      }),
      { numRuns: 150 },
    );
  });

  test(`bare tables (${corpus.tables.length} seeds): layout, row view, columnar, parameter-table reader`, () => {
    property(corpus.tables, (bytes) => exerciseBareTable(bytes), 300);
  });

  test(`invocations (${corpus.invocations.length} seeds): decodeInvocation and re-encoding`, () => {
    property(corpus.invocations, (frame) => exerciseInvocation(frame), 400);
  });

  test(`logins (${corpus.logins.length} seeds): decodeLoginRequest and decodeLoginResponse`, () => {
    property(corpus.logins, exerciseLogin, 400);
  });

  test('random bytes through every decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (body, framed) => {
        const bytes = framed ? frameOf(body) : Buffer.from(body);
        return total(() => exerciseResponse(bytes)) && total(() => exerciseBareTable(bytes)) && total(() => exerciseInvocation(bytes)) && total(() => exerciseLogin(bytes));
      }),
      { numRuns: 400 },
    );
  });
});
