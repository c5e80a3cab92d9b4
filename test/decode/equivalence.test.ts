/**
 * The three ways to read a table — the lazy row view, the inline columnar decode and the
 * worker decode — give identical values: for random tables of every type with about 20%
 * NULLs, and for every table in the shared wire and real captures.
 */
import { after, describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { DecodePool } from '../../src/decode/decode-pool.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { SKIP_WITHOUT_FIXTURES, listFixtures, readFixture } from '../helpers/fixtures.js';
import { normalize, normalizeRows, ownFrame, responseFrame, tableArbitrary, tableBytes } from './support.js';

const pool = new DecodePool({ workers: 1, offThreadBytes: 0 });
after(() => pool.close());

/** Rows of every table of `frame` read the three ways, normalised; asserts they agree. */
async function readThreeWays(t: TestContext, frame: Uint8Array, timestamps: 'date' | 'bigint'): Promise<unknown[][][]> {
  const lazy = decodeResponse(frame, { timestamps }).tables.map((table) => normalizeRows(table.rows()));
  const byGet = decodeResponse(frame, { timestamps }).tables.map((table) =>
    Array.from({ length: table.rowCount }, (_, r) => table.columns.map((_, c) => normalize(table.get(r, c)))),
  );
  const inline = decodeResponse(frame, { timestamps }).tables.map((table) => {
    const columns = table.decodeColumns();
    return Array.from({ length: table.rowCount }, (_, r) => columns.map((column) => normalize(column.get(r))));
  });
  const viaWorker = (await pool.decode(ownFrame(frame), { timestamps })).tables;
  for (const table of viaWorker) t.assert.ok(table.isColumnar, 'worker tables are column-backed');
  const worker = viaWorker.map((table) => normalizeRows(table.rows()));
  t.assert.deepStrictEqual(byGet, lazy, 'get(row, column) = rows()');
  t.assert.deepStrictEqual(inline, lazy, 'inline columns = row view');
  t.assert.deepStrictEqual(worker, lazy, 'worker columns = row view');
  return lazy;
}

test('random tables of every type with ~20% NULLs: row view = inline columns = worker columns', async (t: TestContext) => {
  await fc.assert(
    fc.asyncProperty(fc.array(tableArbitrary, { minLength: 1, maxLength: 3 }), fc.constantFrom('date' as const, 'bigint' as const), async (specs, timestamps) => {
      const frame = responseFrame(specs.map((spec) => tableBytes(spec)));
      const tables = await readThreeWays(t, frame, timestamps);
      // And they are the values written (GEOGRAPHY coordinates go through trigonometry: compared between readers only).
      specs.forEach((spec, i) => {
        const written = spec.rows.map((row) =>
          row.map((value, c) => {
            const type = spec.columns[c]!.type;
            if (type === VOLT_TYPE.GEOGRAPHY && value !== null) return 'polygon';
            if (type === VOLT_TYPE.TIMESTAMP && value !== null && timestamps === 'date') {
              return normalize(new Date(Number(((value as bigint) - (((value as bigint) % 1000n) + 1000n) % 1000n) / 1000n)));
            }
            return normalize(value);
          }),
        );
        const read = tables[i]!.map((row, r) => row.map((value, c) => (spec.columns[c]!.type === VOLT_TYPE.GEOGRAPHY && spec.rows[r]![c] !== null ? 'polygon' : value)));
        t.assert.deepStrictEqual(read, written);
      });
    }),
    { numRuns: 120 },
  );
});

describe('every shared capture', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  for (const folder of ['wire', 'real'] as const) {
    for (const name of listFixtures(folder)) {
      const bytes = readFixture(`${folder}/${name}`);
      if (name === 'serialized_table.bin') {
        test(`${folder}/${name}: bare table read three ways`, async (t: TestContext) => {
          // Wrap the bare table in a response so the pool can take it.
          await readThreeWays(t, responseFrame([bytes]), 'bigint');
          const direct = normalizeRows(VoltTable.fromBytes(bytes, { timestamps: 'bigint' }).rows());
          t.assert.deepStrictEqual(normalizeRows(VoltTable.fromColumns({ ...tablePartsOf(bytes) }, { timestamps: 'bigint' }).rows()), direct);
        });
        continue;
      }
      if (!isInvocationResponse(name)) continue;
      test(`${folder}/${name}: tables read three ways`, async (t: TestContext) => {
        await readThreeWays(t, bytes, 'date');
        await readThreeWays(t, bytes, 'bigint');
      });
    }
  }
  test('invocation_response_select_with_date (no length prefix) read three ways', async (t: TestContext) => {
    const body = readFixture('wire/invocation_response_select_with_date.msg');
    const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    frame.writeInt32BE(body.length, 0);
    const rows = await readThreeWays(t, frame, 'date');
    t.assert.deepStrictEqual(rows, [[['voltdate:1995-09-18'], [null]]]);
  });
});

function tablePartsOf(bytes: Buffer) {
  const table = VoltTable.fromBytes(bytes);
  const columns = table.decodeColumns().map((column) => ({ ...column, values: column.values, offsets: column.offsets, validity: column.validity }));
  return { columns, rowCount: table.rowCount, status: table.status };
}

/** Invocation response captures (requests and logins are other message kinds; the DATE one has no prefix). */
function isInvocationResponse(name: string): boolean {
  return name.includes('response') && !name.includes('login') && !name.includes('authentication') && !name.includes('with_date');
}
