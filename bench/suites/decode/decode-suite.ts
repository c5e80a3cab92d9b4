/**
 * The decode suite: response frames → values. Every strategy gets the same frames and must
 * yield the values of the reference decoder, `decodeResponse(frame).tables[i].rows()`.
 *
 * A strategy compares against a *flavour* of that reference, `TIMESTAMPS[:PROJECTION]`:
 * `date` (the default row mapping), `bigint` (TIMESTAMP as µs — what columnar layouts hold),
 * and a projection when a strategy decodes only some columns (`fixed`: the fixed-width
 * numeric columns; `strings`: the STRING columns). Work is the frames' total bytes.
 */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import type { TimestampMode } from '../../../src/protocol/value-reader.js';
import { readResponseHeader, tableLayouts, type TableLayout } from '../../../src/protocol/response.js';
import { canonicalTable, projectTable, type CanonicalTable } from '../../harness/canonical.js';
import { registerStrategy, registerSuite } from '../../harness/registry.js';
import type { Strategy } from '../../harness/types.js';
import { projectionColumns, type Projection } from './projection.js';

export interface DecodeInput {
  frames: Buffer[];
  /** Per frame, the layout of each table (read once, outside timing: for `applies` and projections). */
  layouts: TableLayout[][];
  bytes: number;
}

/** Per frame, per table. */
export type DecodeCanonical = CanonicalTable[][];

export function parseFlavour(flavour: string): { timestamps: TimestampMode; projection: Projection | undefined } {
  const [timestamps, projection] = flavour.split(':');
  return {
    timestamps: timestamps === 'bigint' ? 'bigint' : 'date',
    projection: projection === 'fixed' || projection === 'strings' ? projection : undefined,
  };
}

export const decodeSuite = registerSuite<DecodeInput>({
  name: 'decode',
  description:
    'Response frames to values: row objects, row arrays, the lazy view, columnar inline and in the worker pool; ' +
    'Buffer methods vs DataView vs manual shifts for fixed-width reads; strings eager vs lazy. MB/s of frame bytes.',
  metric: 'MB/s',
  input(data) {
    if (data.responses === undefined || data.responses.length === 0) return undefined;
    const frames = data.responses;
    const layouts = frames.map((frame) => tableLayouts(frame, readResponseHeader(frame)));
    return { frames, layouts, bytes: frames.reduce((sum, f) => sum + f.length, 0) };
  },
  work: (input) => ({ bytes: input.bytes }),
  reference(input, flavour): DecodeCanonical {
    const { timestamps, projection } = parseFlavour(flavour);
    return input.frames.map((frame) =>
      decodeResponse(frame, { timestamps }).tables.map((table) => {
        const full = canonicalTable(table.rows());
        return projection === undefined ? full : projectTable(full, projectionColumns(table.columns, projection));
      }),
    );
  },
});

/** Register a decode strategy (typed against {@link DecodeInput}). */
export function decodeStrategy<Prepared, Output>(
  strategy: Omit<Strategy<DecodeInput, Prepared, Output>, 'suite'>,
): Strategy<DecodeInput, Prepared, Output> {
  return registerStrategy({ ...strategy, suite: decodeSuite.name });
}

/** `true` when some table of the input has a column of the projection, else the reason to skip. */
export function hasProjection(input: DecodeInput, projection: Projection): true | string {
  const some = input.layouts.some((tables) => tables.some((t) => projectionColumns(t.columns, projection).length > 0 && t.rowCount > 0));
  return some ? true : `no ${projection === 'fixed' ? 'fixed-width numeric' : 'STRING'} column with rows`;
}
