/**
 * Regression (found by the fuzzer, response and table targets, "hostile table shape"): a
 * column of type NULL (1) takes zero bytes per row, so a table of C NULL columns and R empty
 * rows is only 5·C + 4·R bytes, yet every reader does C·R work:
 *
 * - `readTableLayout` (src/protocol/response-reader.ts) accepts it;
 * - the columnar decode (src/decode/decode-table.ts, `FixedWidthBuilder.finish` in
 *   fixed-width-builders.ts) allocates one R/8-byte validity bitmap per column: C·R/8 bytes —
 *   a 1 MiB frame (C = R ≈ 116 000) asks for ~1.7 GB, and the DecodePool decodes frames of
 *   1 MiB and more eagerly, off-thread;
 * - `VoltTable.rows()` yields C·R nulls (a 90 KB frame: 10⁸ cells, 2.4 s);
 * - `readTable` (src/protocol/table-writer.ts), used by `decodeInvocation` for VOLTTABLE
 *   parameters on the embedded server, builds all C·R cells as JS arrays (a 90 KB invocation:
 *   769 MB of heap, 3.4 s) — a client can exhaust the server's memory.
 *
 * The guarantee this checks: reading a table costs O(its bytes). Fix suggestion: in
 * readTableLayout and readTable, refuse (ProtocolError) a table whose zero-width cells
 * (NULL columns × rows) exceed a small multiple of its byte length; and let NULL columns share
 * one all-zero validity bitmap. Fixed: tables with more than 16 zero-width cells per byte are refused.
 */
import { after, before, test, type TestContext } from 'node:test';
import { ProtocolError } from '../../../src/errors.js';
import { decodeInvocation } from '../../../src/protocol/invocation-reader.js';
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { VoltTable } from '../../../src/decode/volt-table.js';
import { frameOf, fromHex } from '../../helpers/mutators.js';
import { nullColumnsTable, ONE_TABLE_HEADER as HEADER } from './tables.js';
import { installAllocationProbe, measureAllocations, uninstallAllocationProbe, type AllocationProbe } from '../allocation-probe.js';


function refusedAsProtocolError(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    if (error instanceof ProtocolError) return true;
    throw error;
  }
}

let probe: AllocationProbe;
before(() => {
  probe = installAllocationProbe();
  probe.active = false;
});
after(() => uninstallAllocationProbe());

test('a response of 6000 NULL columns × 6000 empty rows (54 KB) is refused or read in O(bytes)', (t: TestContext) => {
  const frame = frameOf(Buffer.concat([HEADER, nullColumnsTable(6000, 6000)]));
  if (refusedAsProtocolError(() => tableLayouts(frame, readResponseHeader(frame)))) return;
  const cellBound = 64 * frame.length;
  let cells = 0;
  for (const row of decodeResponse(frame).tables[0]!.rows()) {
    cells += row.length;
    if (cells > cellBound) break;
  }
  t.assert.ok(cells <= cellBound, `rows() yields more than ${cellBound} values for a ${frame.length}-byte frame`);
  const layout = tableLayouts(frame, readResponseHeader(frame))[0]!;
  const measured = measureAllocations(probe, Infinity, () => VoltTable.fromLayout(frame, layout).decodeColumns());
  t.assert.equal(measured.error, undefined);
  t.assert.ok(measured.total <= 32 * 65536, `the columnar decode allocates ${measured.total} bytes for a ${frame.length}-byte frame`);
});

test('an invocation with a 3000 × 3000 NULL-column VOLTTABLE parameter (27 KB) is refused or read in O(bytes)', (t: TestContext) => {
  // v0 invocation of "P", handle 1, one parameter of type VOLTTABLE (21).
  const frame = frameOf(Buffer.concat([fromHex('00 00000001 50 0000000000000001 0001 15'), nullColumnsTable(3000, 3000)]));
  let decoded: ReturnType<typeof decodeInvocation> | undefined;
  if (refusedAsProtocolError(() => (decoded = decodeInvocation(frame)))) return;
  const table = decoded!.params[0] as { columns: unknown[]; rows: unknown[][] };
  const cells = table.columns.length * table.rows.length;
  t.assert.ok(cells <= 64 * frame.length, `${cells} cells built from a ${frame.length}-byte invocation`);
});

test('a few NULL columns over a few rows stay readable (the fix must not refuse ordinary tables)', (t: TestContext) => {
  const frame = frameOf(Buffer.concat([HEADER, nullColumnsTable(3, 10)]));
  const table = decodeResponse(frame).tables[0]!;
  t.assert.deepEqual([...table.rows()], Array.from({ length: 10 }, () => [null, null, null]));
  t.assert.equal(table.decodeColumns().length, 3);
});
