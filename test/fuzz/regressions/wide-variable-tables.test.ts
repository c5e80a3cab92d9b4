/**
 * Regression (found by the fuzzer with seed 451641341: response #10560, table #10020, "hostile
 * table shape"): `allocated 31262662 bytes in all for a 298837-byte input (more than 32 ×)`.
 * A table of 2,000 columns, ~490 of them STRING/VARBINARY/GEOGRAPHY, ~120 rows. The columnar
 * decoder's variable-width builder reserved, per block, room for the block's whole span — every
 * column's bytes — in each variable-width column: columns × bytes in all (62 KB × 490 columns).
 * Fixed: it reserves the lengths of its own values in the block (each clamped to its row); a
 * table that fits one block gets exactly its bytes (no 4 KiB floor per column: 2,000 short
 * columns would take 8 MB). The generated decoder (up to 128 columns) gave every
 * variable-width column all the rows' bytes to start with: each now starts with its share.
 */
import { after, before, test, type TestContext } from 'node:test';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { readTableLayout } from '../../../src/protocol/response-reader.js';
import { readResponseHeader } from '../../../src/protocol/response.js';
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { runDecodeTask } from '../../../src/decode/decode-task.js';
import { VoltTable } from '../../../src/decode/volt-table.js';
import { frameOf } from '../../helpers/mutators.js';
import { installAllocationProbe, measureAllocations, uninstallAllocationProbe, type AllocationProbe } from '../allocation-probe.js';
import { ONE_TABLE_HEADER, typedColumnsTable } from './tables.js';

/** The fuzzer's amplification criterion: all allocations ≤ 32 × max(input, 64 KiB). */
const allowed = (bytes: number): number => 32 * Math.max(bytes, 64 * 1024);

let probe: AllocationProbe;
before(() => {
  probe = installAllocationProbe();
  probe.active = false;
});
after(() => uninstallAllocationProbe());

/** The finding's shape: 2,000 columns, one in four variable-width (a 24-byte value each), the rest TINYINT or NULL-typed. */
const wideTypes = Array.from({ length: 2000 }, (_, c) => [VOLT_TYPE.STRING, VOLT_TYPE.VARBINARY, VOLT_TYPE.TINYINT, VOLT_TYPE.NULL][c % 4]!);

test('2,000 columns × 120 rows (~3 MB): the columnar decode allocates in proportion to the bytes', (t: TestContext) => {
  const bytes = typedColumnsTable(wideTypes, 120, Buffer.from('abcdefghijklmnopqrstuvwx'));
  const layout = readTableLayout(bytes, 0);
  const measured = measureAllocations(probe, Infinity, () => VoltTable.fromLayout(bytes, layout).decodeColumns());
  t.assert.equal(measured.error, undefined);
  t.assert.ok(measured.total <= 2 * bytes.length, `allocated ${measured.total} bytes for a ${bytes.length}-byte table`);
});

test('2,000 columns × 120 rows of NULL values: a response decoded inline and by the worker task stays under 32 ×', (t: TestContext) => {
  const frame = frameOf(Buffer.concat([ONE_TABLE_HEADER, typedColumnsTable(wideTypes, 120)]));
  const inline = measureAllocations(probe, Infinity, () => decodeResponse(frame).tables[0]!.decodeColumns());
  t.assert.equal(inline.error, undefined);
  t.assert.ok(inline.total <= allowed(frame.length), `inline: ${inline.total} bytes for a ${frame.length}-byte frame`);
  const header = readResponseHeader(frame);
  const task = measureAllocations(probe, Infinity, () => runDecodeTask({ frame, tableCount: header.tableCount, tablesOffset: header.tablesOffset }));
  t.assert.equal(task.error, undefined);
  t.assert.ok(task.total <= allowed(frame.length), `worker task: ${task.total} bytes for a ${frame.length}-byte frame`);
});

test('2,000 short STRING columns in one row (a 20 KB table): no 4 KiB floor per column', (t: TestContext) => {
  const bytes = typedColumnsTable(Array<number>(2000).fill(VOLT_TYPE.STRING), 1, Buffer.from('ab'));
  const measured = measureAllocations(probe, Infinity, () => VoltTable.fromBytes(bytes).decodeColumns());
  t.assert.equal(measured.error, undefined);
  t.assert.ok(measured.total <= allowed(bytes.length), `allocated ${measured.total} bytes for a ${bytes.length}-byte table`);
  t.assert.deepEqual(VoltTable.fromBytes(bytes).decodeColumns()[1999]!.get(0), 'ab', 'the values are read');
});

test('128 STRING columns × 600 rows (the generated decoder’s shape range): allocations in proportion to the bytes', (t: TestContext) => {
  const bytes = typedColumnsTable(Array<number>(128).fill(VOLT_TYPE.STRING), 600, Buffer.from('abcdefgh'));
  const layout = readTableLayout(bytes, 0);
  const measured = measureAllocations(probe, Infinity, () => VoltTable.fromLayout(bytes, layout).decodeColumns());
  t.assert.equal(measured.error, undefined);
  t.assert.ok(measured.total <= 2 * bytes.length + 64 * 1024, `allocated ${measured.total} bytes for a ${bytes.length}-byte table`);
});
