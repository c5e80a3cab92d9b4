/**
 * The decode pool: the inline/off-thread threshold, frames in shared memory (one copy when a
 * frame is not in shared memory), columns back in private memory, nothing ever detached, the saturation policy (needsDrain / drain / inline
 * fallback), errors rebuilt from a worker, pool failures, close, and a process that exits by
 * itself without close().
 */
import { test, type TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ClientClosedError, DecodePoolError, ERROR_CODE, ProtocolError, VoltError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { DecodePool, DEFAULT_MAX_QUEUE, DEFAULT_OFF_THREAD_BYTES } from '../../src/decode/decode-pool.js';
import { runDecodeTask } from '../../src/decode/decode-task.js';
import { hex, normalizeRows, ownFrame, rawTable, responseFrame, tableBytes } from './support.js';

/** A frame in shared memory, as the frame decoder delivers frames bound for the pool. */
function sharedFrame(frame: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(frame.byteLength));
  shared.set(frame);
  return shared;
}

const COLUMNS = [
  { name: 'ID', type: VOLT_TYPE.BIGINT },
  { name: 'NAME', type: VOLT_TYPE.STRING },
];
const ROWS = Array.from({ length: 500 }, (_, i) => [BigInt(i), i % 3 === 0 ? null : `row ${i}`]);
const FRAME = responseFrame([tableBytes({ columns: COLUMNS, rows: ROWS })]);
const EXPECTED = normalizeRows(ROWS);

test('defaults: workers = cores − 1 (at least 1); options are checked', async (t: TestContext) => {
  const pool = new DecodePool();
  t.assert.equal(pool.threads, Math.max(1, availableParallelism() - 1));
  t.assert.equal(pool.offThreadBytes, DEFAULT_OFF_THREAD_BYTES);
  t.assert.equal(pool.maxQueue, DEFAULT_MAX_QUEUE);
  t.assert.equal(pool.started, false);
  await pool.close();
  t.assert.throws(() => new DecodePool({ workers: -1 }), /decode option workers must be a non-negative integer, got -1/);
  t.assert.throws(() => new DecodePool({ offThreadBytes: 1.5 }), VoltError);
  t.assert.throws(() => new DecodePool({ maxQueue: Number.NaN }), /maxQueue/);
});

test('small frames, frames without tables and workers: 0 decode inline into byte-backed tables', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: FRAME.length + 1 });
  const frame = ownFrame(FRAME);
  const response = await pool.decode(frame);
  t.assert.equal(response.handle, 7n);
  t.assert.equal(response.tables[0]!.isColumnar, false);
  t.assert.deepStrictEqual(normalizeRows(response.tables[0]!.rows()), EXPECTED);
  t.assert.equal(frame.byteLength, FRAME.length, 'not transferred');
  const empty = await new DecodePool({ workers: 1, offThreadBytes: 0 }).decode(responseFrame([]));
  t.assert.deepStrictEqual(empty.tables, []);
  t.assert.equal(pool.started, false, 'no pool started for inline frames');
  t.assert.deepStrictEqual(pool.stats, { inline: 1, offThread: 0, saturatedInline: 0, copiedFrames: 0 });
  const none = new DecodePool({ workers: 0, offThreadBytes: 0 });
  t.assert.equal((await none.decode(ownFrame(FRAME))).tables[0]!.isColumnar, false);
  t.assert.equal(none.started, false);
  await pool.close();
  await none.close();
});

test('large frames go to a worker in shared memory and come back as columns in private memory', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: 1024 });
  const frame = sharedFrame(FRAME);
  const pending = pool.decode(frame);
  t.assert.equal(frame.byteLength, FRAME.length, 'nothing detached');
  t.assert.equal(pool.pending, 1);
  const response = await pending;
  t.assert.equal(pool.pending, 0);
  t.assert.equal(pool.started, true);
  const table = response.tables[0]!;
  t.assert.equal(table.isColumnar, true);
  t.assert.deepStrictEqual(normalizeRows(table.rows()), EXPECTED);
  t.assert.ok(table.column('ID').values instanceof BigInt64Array);
  t.assert.equal(table.column('NAME').getString(1), 'row 1');
  for (const column of table.decodeColumns()) {
    for (const part of [column.values, column.offsets, column.validity]) if (part !== null) t.assert.ok(part.buffer instanceof ArrayBuffer && part.byteLength > 0, `${column.name}: private memory, not detached`);
  }
  t.assert.deepStrictEqual(pool.stats, { inline: 0, offThread: 1, saturatedInline: 0, copiedFrames: 0 });
  // Per-call options override the pool's.
  const micros = responseFrame([tableBytes({ columns: [{ name: 'T', type: VOLT_TYPE.TIMESTAMP }], rows: Array(200).fill([5n]) })]);
  t.assert.equal((await pool.decode(ownFrame(micros), { timestamps: 'bigint' })).tables[0]!.get(0, 0), 5n);
  t.assert.ok((await pool.decode(ownFrame(micros))).tables[0]!.get(0, 0) instanceof Date);
  await pool[Symbol.asyncDispose]();
});

test('a frame outside shared memory is copied into it once, its neighbours untouched', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: 0 });
  const big = Buffer.alloc(FRAME.length + 16, 0xab);
  FRAME.copy(big, 8);
  const frame = big.subarray(8, 8 + FRAME.length);
  const response = await pool.decode(frame);
  t.assert.equal(big.length, FRAME.length + 16, 'not detached');
  t.assert.equal(big[0], 0xab);
  t.assert.equal(pool.stats.copiedFrames, 1);
  t.assert.deepStrictEqual(normalizeRows(response.tables[0]!.rows()), EXPECTED);
  // Shared memory is read in place: nothing to move.
  const shared = new Uint8Array(new SharedArrayBuffer(FRAME.length));
  shared.set(FRAME);
  t.assert.deepStrictEqual(normalizeRows((await pool.decode(shared)).tables[0]!.rows()), EXPECTED);
  t.assert.equal(shared.byteLength, FRAME.length);
  t.assert.equal(pool.stats.copiedFrames, 1);
  await pool.close();
});

test('saturated: needsDrain is set at threads + maxQueue, extra frames decode inline, drain follows', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, maxQueue: 1, offThreadBytes: 0 });
  const events: string[] = [];
  pool.on('needsDrain', () => events.push('needsDrain'));
  pool.on('drain', () => events.push('drain'));
  const first = pool.decode(sharedFrame(FRAME));
  t.assert.equal(pool.needsDrain, false);
  const second = pool.decode(sharedFrame(FRAME));
  t.assert.equal(pool.needsDrain, true, 'one running + one queued = saturated');
  const third = await pool.decode(sharedFrame(FRAME));
  t.assert.equal(third.tables[0]!.isColumnar, false, 'decoded inline while saturated');
  t.assert.deepStrictEqual(normalizeRows(third.tables[0]!.rows()), EXPECTED);
  const results = await Promise.all([first, second]);
  for (const result of results) t.assert.equal(result.tables[0]!.isColumnar, true);
  t.assert.equal(pool.needsDrain, false);
  t.assert.deepStrictEqual(events, ['needsDrain', 'drain']);
  t.assert.deepStrictEqual(pool.stats, { inline: 0, offThread: 2, saturatedInline: 1, copiedFrames: 0 });
  await pool.close();
});

test('an error thrown in the worker is rebuilt from { code, message } as the same VoltError class', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: 0 });
  const badUtf8 = responseFrame([rawTable([{ name: 'S', type: VOLT_TYPE.STRING }], [hex('00000002 c328')])]);
  await t.assert.rejects(pool.decode(ownFrame(badUtf8)), (error: unknown) => {
    t.assert.ok(error instanceof ProtocolError);
    t.assert.equal((error as ProtocolError).code, ERROR_CODE.PROTOCOL);
    t.assert.match((error as Error).message, /column 0 \(S STRING\) row 0: invalid UTF-8/);
    return true;
  });
  const truncated = responseFrame([rawTable([{ name: 'I', type: VOLT_TYPE.INTEGER }], [hex('00000001')], [7])]);
  await t.assert.rejects(pool.decode(ownFrame(truncated)), ProtocolError);
  // The header is read on the main thread: a bad header rejects without a round trip.
  await t.assert.rejects(pool.decode(new Uint8Array(3)), ProtocolError);
  await pool.close();
});

test('a non-Volt failure inside the task becomes a DecodePoolError code', (t: TestContext) => {
  const result = runDecodeTask({ frame: null as unknown as Uint8Array, tableCount: 1, tablesOffset: 0 });
  t.assert.equal(result.ok, false);
  if (!result.ok) {
    t.assert.equal(result.code, ERROR_CODE.DECODE_POOL);
    t.assert.match(result.message, /^decode worker failed: /);
  }
  const ok = runDecodeTask({ frame: FRAME, tableCount: 1, tablesOffset: 22 });
  t.assert.equal(ok.ok, true);
  // ID values; NAME values, offsets and validity (ID has no NULL, so no bitmap): all in private
  // memory, which V8 counts as the worker's external memory (shared memory it does not count).
  if (ok.ok) {
    const [id, name] = ok.tables[0]!.columns;
    t.assert.deepStrictEqual([id!.values, name!.values, name!.offsets, name!.validity].map((part) => part!.buffer instanceof ArrayBuffer), [true, true, true, true]);
  }
});

test('a pool that cannot run its worker rejects with DecodePoolError', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: 0, workerFile: new URL('./failing-worker.js', import.meta.url) });
  await t.assert.rejects(pool.decode(ownFrame(FRAME)), (error: unknown) => {
    t.assert.ok(error instanceof DecodePoolError);
    t.assert.equal((error as Error).message, 'decode worker failed: worker blew up');
    t.assert.ok((error as Error).cause instanceof Error);
    return true;
  });
  await pool.close();
});

test('close(): frames in flight finish, later decode() calls reject, close is idempotent', async (t: TestContext) => {
  const pool = new DecodePool({ workers: 1, offThreadBytes: 0 });
  const inFlight = pool.decode(ownFrame(FRAME));
  const closing = pool.close();
  t.assert.deepStrictEqual(normalizeRows((await inFlight).tables[0]!.rows()), EXPECTED);
  await closing;
  await pool.close();
  await t.assert.rejects(pool.decode(ownFrame(FRAME)), ClientClosedError);
});

test('a process that used the pool and never closed it exits by itself', (t: TestContext) => {
  const poolModule = new URL('../../src/decode/decode-pool.js', import.meta.url).href;
  const support = new URL('./support.js', import.meta.url).href;
  const script = `
    const { DecodePool } = await import(${JSON.stringify(poolModule)});
    const { responseFrame, tableBytes, ownFrame } = await import(${JSON.stringify(support)});
    const frame = responseFrame([tableBytes({ columns: [{ name: 'I', type: 5 }], rows: [[1], [2]] })]);
    const pool = new DecodePool({ workers: 1, offThreadBytes: 0 });
    const response = await pool.decode(ownFrame(frame));
    console.log(response.tables[0].isColumnar, [...response.tables[0].rows()].join(';'));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    timeout: 20_000,
    encoding: 'utf8',
  });
  t.assert.equal(child.signal, null, 'exited before the timeout');
  t.assert.equal(child.status, 0, child.stderr);
  t.assert.equal(child.stdout.trim(), 'true 1;2');
});
