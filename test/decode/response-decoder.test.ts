/**
 * The one decode policy (`ResponseDecoder`), against a recording stand-in for the worker pool:
 * which frames reach the pool, and that nothing of the pool is touched for the others (a small
 * frame, a frame without tables, any frame without a pool). The real pool is
 * decode-pool.test.ts.
 */
import { test, type TestContext } from 'node:test';
import { ProtocolError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { ResponseHeader } from '../../src/protocol/response.js';
import { ResponseDecoder, type DecodedResponse, type DecodeOptions, type OffThreadDecoder } from '../../src/decode/decode-response.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { normalizeRows, responseFrame, tableBytes } from './support.js';

const ROWS = Array.from({ length: 50 }, (_, i) => [i]);
const FRAME = responseFrame([tableBytes({ columns: [{ name: 'I', type: VOLT_TYPE.INTEGER }], rows: ROWS })]);
const EMPTY = responseFrame([]);
const OFF_THREAD = '(decoded off-thread)' as unknown as DecodedResponse;

/** A stand-in pool that records every member read after construction. */
function fakePool(offThreadBytes: number, state: { closed?: boolean; needsDrain?: boolean } = {}) {
  const touched: string[] = [];
  const sent: { frame: Uint8Array; header: ResponseHeader; options: DecodeOptions }[] = [];
  const target: OffThreadDecoder = {
    offThreadBytes,
    closed: state.closed ?? false,
    needsDrain: state.needsDrain ?? false,
    decodeOffThread(frame, header, options) {
      sent.push({ frame, header, options });
      return Promise.resolve(OFF_THREAD);
    },
    on: () => undefined,
    close: () => Promise.resolve(),
  };
  let recording = false;
  const pool = new Proxy(target, {
    get(object, key, receiver) {
      if (recording) touched.push(String(key));
      return Reflect.get(object, key, receiver) as unknown;
    },
  });
  return { pool, touched, sent, record: () => (recording = true) };
}

test('without a pool every frame is decoded inline, at once, over its bytes', async (t: TestContext) => {
  const decoder = new ResponseDecoder();
  t.assert.equal(decoder.ownBufferAtBytes, Infinity);
  const response = decoder.decode(FRAME);
  t.assert.ok(!(response instanceof Promise));
  t.assert.equal(response.tables[0]!.isColumnar, false);
  t.assert.deepStrictEqual(normalizeRows(response.tables[0]!.rows()), normalizeRows(ROWS));
  t.assert.deepStrictEqual(decoder.stats, { inline: 1, offThread: 0, saturatedInline: 0, copiedFrames: 0 });
  t.assert.equal(decoder.saturated, false);
  decoder.onSaturation(() => t.assert.fail('no pool, no saturation'));
  await decoder.close();
  t.assert.equal(createResponseDecoder({ workers: 0, offThreadBytes: 0 }).ownBufferAtBytes, Infinity, 'workers: 0 is no pool');
});

test('a small frame or a frame without tables never touches the pool', (t: TestContext) => {
  const { pool, touched, sent, record } = fakePool(FRAME.length + 1);
  const decoder = new ResponseDecoder({}, pool);
  record();
  t.assert.equal(decoder.ownBufferAtBytes, FRAME.length + 1);
  const small = decoder.decode(FRAME);
  t.assert.ok(!(small instanceof Promise) && small.tables.length === 1);
  const big = new ResponseDecoder({}, fakePool(0).pool);
  const { pool: tableless, touched: tablelessTouched, record: recordTableless } = fakePool(0);
  const noTables = new ResponseDecoder({}, tableless);
  recordTableless();
  t.assert.deepStrictEqual((noTables.decode(EMPTY) as DecodedResponse).tables, []);
  t.assert.deepStrictEqual(touched, []);
  t.assert.deepStrictEqual(tablelessTouched, []);
  t.assert.deepStrictEqual(sent, []);
  t.assert.equal(decoder.stats.inline + noTables.stats.inline, 2);
  // A bad header throws at once, whatever the frame's size, before the pool is asked.
  const truncated = Buffer.from(FRAME);
  truncated.writeInt32BE(FRAME.length, 0);
  t.assert.throws(() => big.decode(truncated), ProtocolError);
});

test('a large frame with tables goes to the pool with its header and the options of the call', async (t: TestContext) => {
  const { pool, sent } = fakePool(64);
  const decoder = new ResponseDecoder({ timestamps: 'bigint' }, pool);
  t.assert.equal(await decoder.decode(FRAME, { codegen: false }), OFF_THREAD);
  t.assert.equal(sent.length, 1);
  t.assert.equal(sent[0]!.frame, FRAME);
  t.assert.equal(sent[0]!.header.handle, 7n);
  t.assert.equal(sent[0]!.header.tableCount, 1);
  t.assert.deepStrictEqual(sent[0]!.options, { timestamps: 'bigint', codegen: false });
  t.assert.equal(decoder.stats.inline, 0, 'the pool counts what it decodes');
});

test('a closed pool, and a saturated one, leave large frames inline (counted apart when saturated)', (t: TestContext) => {
  const closed = new ResponseDecoder({}, fakePool(0, { closed: true }).pool);
  t.assert.equal((closed.decode(FRAME) as DecodedResponse).tables[0]!.isColumnar, false);
  t.assert.deepStrictEqual(closed.stats, { inline: 1, offThread: 0, saturatedInline: 0, copiedFrames: 0 });
  const full = fakePool(0, { needsDrain: true });
  const saturated = new ResponseDecoder({}, full.pool);
  t.assert.equal(saturated.saturated, true);
  t.assert.deepStrictEqual(normalizeRows((saturated.decode(FRAME) as DecodedResponse).tables[0]!.rows()), normalizeRows(ROWS));
  t.assert.deepStrictEqual(saturated.stats, { inline: 0, offThread: 0, saturatedInline: 1, copiedFrames: 0 });
  t.assert.deepStrictEqual(full.sent, []);
});
