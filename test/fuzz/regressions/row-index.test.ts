/**
 * Regression (found by the fuzzer, response and table targets: "allocated 160008 bytes at
 * once via new Float64Array; the limit for this input is 80046"): the lazy row view's
 * random-access index (`RowView.rowIndex`, src/decode/row-view.ts) is a Float64Array of
 * rowCount + 1 entries — 8 bytes per row — while a row can be as small as its 4-byte length
 * (zero-width columns). The first `table.get()` on such a frame allocates twice the frame
 * size in one piece: 128 MiB for a 64 MiB frame, beyond maxFrameBytes.
 * Fix: an Int32Array index (offsets fit: decodeTable already requires the table to end below
 * 2^31), i.e. 4 bytes per row ≤ the frame size. Fixed: the index is an Int32Array.
 */
import { after, before, test, type TestContext } from 'node:test';
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { frameOf } from '../../helpers/mutators.js';
import { installAllocationProbe, measureAllocations, uninstallAllocationProbe, type AllocationProbe } from '../allocation-probe.js';
import { nullColumnsTable, ONE_TABLE_HEADER } from './tables.js';

let probe: AllocationProbe;
before(() => {
  probe = installAllocationProbe();
  probe.active = false;
});
after(() => uninstallAllocationProbe());

test('random access into 20 000 empty rows (80 KB frame) allocates nothing larger than the frame', (t: TestContext) => {
  const frame = frameOf(Buffer.concat([ONE_TABLE_HEADER, nullColumnsTable(1, 20_000)]));
  const table = decodeResponse(frame).tables[0]!;
  const measured = measureAllocations(probe, frame.length, () => table.get(19_999, 0));
  t.assert.equal(measured.error, undefined);
  t.assert.equal(measured.value, null);
  t.assert.equal(measured.overLimit, null, `one allocation of ${measured.largest} bytes for a ${frame.length}-byte frame`);
});
