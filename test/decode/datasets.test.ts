/**
 * The benchmark datasets (bench/datasets: narrow, wide, strings): the fast direct frame writer
 * produces exactly the bytes of `encodeResponse` for the same generated values, is
 * deterministic, and the frames own their ArrayBuffer (transferable to the decode pool).
 */
import { test, type TestContext } from 'node:test';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { narrowFrame, narrowTable, NARROW_ROW_BYTES } from '../../bench/datasets/narrow.js';
import { stringsFrame, stringsTable } from '../../bench/datasets/strings.js';
import { wideFrame, wideTable } from '../../bench/datasets/wide.js';
import { rawToValue } from '../../bench/datasets/raw-frame.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';

for (const [name, frame, table] of [
  ['narrow', narrowFrame, narrowTable],
  ['wide', wideFrame, wideTable],
  ['strings', stringsFrame, stringsTable],
] as const) {
  test(`${name}: the direct writer matches encodeResponse byte for byte`, (t: TestContext) => {
    for (const rows of [0, 1, 300]) {
      const fast = frame(rows);
      t.assert.deepStrictEqual(fast, encodeResponse({ handle: 1n, status: 1, tables: [table(rows)] }), `${rows} rows`);
      t.assert.equal(fast.byteOffset, 0);
      t.assert.equal(fast.buffer.byteLength, fast.length, 'owns its ArrayBuffer');
      t.assert.deepStrictEqual(frame(rows), fast, 'deterministic');
      t.assert.equal(decodeResponse(fast).tables[0]!.rowCount, rows);
    }
  });
}

test('narrow rows are 32 bytes; raw values map to row values', (t: TestContext) => {
  t.assert.equal(narrowFrame(1000).length - narrowFrame(0).length, 1000 * NARROW_ROW_BYTES);
  t.assert.equal(rawToValue(VOLT_TYPE.INTEGER, null), null);
  t.assert.equal(String(rawToValue(VOLT_TYPE.DECIMAL, 1_500_000_000_000n)), '1.5');
});
