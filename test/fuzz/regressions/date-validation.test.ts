/**
 * Regression (found by the fuzzer as a decoder disagreement, response and table targets):
 * a DATE value that is not a calendar day (here 0x07E90D28: year 2025, month 13, day 40) was a
 * ProtocolError in the columnar decode (`convertDates`, src/decode/fixed-width-builders.ts) but
 * the lazy row view returned it as `VoltDate(2025, 13, 40)` (`readValue` → `VoltDate.unpack`
 * without `isValidDay`), so the same table read differently inline and off-thread, and
 * `decodeInvocation` accepted impossible DATE parameters. Fixed in `readValue`
 * (src/protocol/values.ts); these cases keep it fixed.
 */
import { test, type TestContext } from 'node:test';
import { ProtocolError } from '../../../src/errors.js';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { encodeInvocation } from '../../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../../src/protocol/invocation-reader.js';
import { encodeResponse } from '../../../src/protocol/response.js';
import { VoltDate } from '../../../src/protocol/volt-date.js';
import { decodeResponse } from '../../../src/decode/decode-response.js';

const IMPOSSIBLE = 0x07e90d28; // 2025-13-40

/** A response with one DATE column and one row, whose packed value is then set to `packed`. */
function dateResponse(packed: number): Buffer {
  const frame = encodeResponse({ handle: 1n, status: 1, tables: [{ columns: [{ name: 'D', type: VOLT_TYPE.DATE }], rows: [[new VoltDate(2025, 7, 10)]] }] });
  frame.writeInt32BE(packed, frame.length - 4); // the row's only value is the frame's last 4 bytes
  return frame;
}

test('the row view refuses an impossible DATE like the columnar decode does', (t: TestContext) => {
  const frame = dateResponse(IMPOSSIBLE);
  t.assert.throws(() => decodeResponse(frame).tables[0]!.decodeColumns(), ProtocolError, 'columnar');
  t.assert.throws(() => decodeResponse(frame).tables[0]!.get(0, 0), ProtocolError, 'row view get()');
  t.assert.throws(() => [...decodeResponse(frame).tables[0]!.rows()], ProtocolError, 'row view rows()');
});

test('decodeInvocation refuses an impossible DATE parameter', (t: TestContext) => {
  const frame = encodeInvocation({ procedure: 'P', handle: 1n, params: [new VoltDate(2025, 7, 10)], types: ['DATE'] });
  frame.writeInt32BE(IMPOSSIBLE, frame.length - 4);
  t.assert.throws(() => decodeInvocation(frame), ProtocolError);
});

test('a real day reads the same both ways', (t: TestContext) => {
  const table = decodeResponse(dateResponse(0x07e9070a)).tables[0]!;
  t.assert.deepEqual(table.get(0, 0), new VoltDate(2025, 7, 10));
  table.decodeColumns();
  t.assert.deepEqual(table.get(0, 0), new VoltDate(2025, 7, 10));
});
