/**
 * The pieces of the extraction on their own: the bounded queue, value texts, the CSV / NDJSON /
 * Arrow writers over hand-made tables (quoting, NULL vs empty, special floats, DECIMAL edges,
 * timestamps before 1970), the file sink's short writes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { VoltError } from '../../src/errors.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { ExtractBatch } from '../../src/extract/batch.js';
import { BoundedQueue } from '../../src/extract/bounded-queue.js';
import { createWriter } from '../../src/extract/extract-to.js';
import { formatOfPath } from '../../src/extract/writers/batch-writer.js';
import { FileSink, skipBytes } from '../../src/extract/writers/file-sink.js';
import { dateText, decimalText, floatText, timestampText } from '../../src/decode/value-text.js';
import { Decimal, GeographyPoint, makeTable } from './support.js';
import { parseCsv } from './readback.js';
import { MemorySink, scratchDir } from '../helpers/memory-sink.js';

const T = VOLT_TYPE;
const dir = scratchDir('voltwire-extract-units-');

const MIXED = [
  { name: 'I', type: T.INTEGER },
  { name: 'S', type: T.STRING },
  { name: 'F', type: T.FLOAT },
  { name: 'D', type: T.DECIMAL },
  { name: 'T', type: T.TIMESTAMP },
  { name: 'B', type: T.VARBINARY },
  { name: 'P', type: T.GEOGRAPHY_POINT },
  { name: 'L', type: T.BIGINT },
];
const MIXED_ROWS: unknown[][] = [
  [1, 'plain', 1.5, new Decimal('12.5'), 1n, new Uint8Array([0xde, 0xad]), new GeographyPoint(1, 2), 9007199254740993n],
  [null, 'a,b', -0, new Decimal('-0.000000000001'), -1n, new Uint8Array(0), null, -9223372036854775807n],
  [-2147483647, 'say "hi"\r\nbye', 1e300, new Decimal('99999999999999999999999999.999999999999'), -62135596800000000n, null, new GeographyPoint(-180, -90), null],
  [0, '', null, null, null, new Uint8Array([1]), new GeographyPoint(0.1, 0.2), 0n],
  [7, null, 3.25, new Decimal('-99999999999999999999999999.999999999999'), 253402300799999999n, new Uint8Array([255]), null, 1n],
];

function mixedBatch(): ExtractBatch {
  const table = makeTable(MIXED, MIXED_ROWS);
  return new ExtractBatch(table, MIXED.map((_, i) => i), { lane: 0, partition: null, page: 0 });
}

describe('BoundedQueue', () => {
  test('holds at most capacity items; a full queue makes push wait; FIFO; close drains', async () => {
    const queue = new BoundedQueue<number>(2);
    await queue.push(1);
    await queue.push(2);
    let third = false;
    const pushed = queue.push(3).then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false);
    assert.equal(queue.size, 2);
    assert.equal(queue.blocked, 1);
    assert.deepEqual(await queue.pull(), { done: false, value: 1 });
    await pushed;
    assert.equal(third, true);
    assert.deepEqual(await queue.pull(), { done: false, value: 2 });
    assert.deepEqual(await queue.pull(), { done: false, value: 3 });
    const waiting = queue.pull();
    await queue.push(4);
    assert.deepEqual(await waiting, { done: false, value: 4 });
    queue.close();
    assert.equal(queue.ended, true);
    assert.deepEqual(await queue.pull(), { done: true, value: undefined });
    await assert.rejects(queue.push(5), /closed/);
    queue.close();
  });

  test('close wakes waiting consumers and refuses waiting producers; fail rejects everyone', async () => {
    const closing = new BoundedQueue<number>(1);
    const consumer = closing.pull();
    closing.close();
    assert.deepEqual(await consumer, { done: true, value: undefined });
    const full = new BoundedQueue<number>(1);
    await full.push(1);
    const blocked = full.push(2);
    full.close();
    await assert.rejects(blocked, /closed/);

    const failing = new BoundedQueue<number>(1);
    await failing.push(1);
    const producer = failing.push(2);
    const error = new Error('boom');
    failing.fail(error);
    failing.fail(new Error('second'));
    await assert.rejects(producer, (e) => e === error);
    await assert.rejects(failing.pull(), (e) => e === error);
    await assert.rejects(failing.push(3), (e) => e === error);
    const empty = new BoundedQueue<number>(1);
    const puller = empty.pull();
    empty.fail(error);
    await assert.rejects(puller, (e) => e === error);
    assert.throws(() => new BoundedQueue(0), VoltError);
  });
});

describe('value texts', () => {
  test('DECIMAL exact, FLOAT round-trip, timestamps with µs (before 1970 too), dates', () => {
    assert.equal(decimalText(12_500_000_000_000n), '12.5');
    assert.equal(decimalText(-1n), '-0.000000000001');
    assert.equal(decimalText(0n), '0');
    assert.equal(decimalText(-(10n ** 38n - 1n)), '-99999999999999999999999999.999999999999');
    assert.equal(floatText(-0), '-0');
    assert.equal(floatText(0.1), '0.1');
    assert.equal(floatText(Number.NaN), 'NaN');
    assert.equal(timestampText(1n), '1970-01-01T00:00:00.000001Z');
    assert.equal(timestampText(-1n), '1969-12-31T23:59:59.999999Z');
    assert.equal(timestampText(1_700_000_000_000_003n), '2023-11-14T22:13:20.000003Z');
    assert.equal(timestampText(253402300799999999n), '9999-12-31T23:59:59.999999Z');
    assert.equal(timestampText(-62135596800000001n), '0000-12-31T23:59:59.999999Z');
    assert.equal(dateText(0), '1970-01-01');
    assert.equal(dateText(-719528), '0000-01-01');
    assert.equal(dateText(-719529), '-0001-12-31');
  });
});

describe('writers', () => {
  test('CSV: header, RFC 4180 quoting, NULL vs empty string, numbers bare', async () => {
    const sink = new MemorySink();
    const writer = createWriter('csv', sink);
    await writer.write(mixedBatch());
    await writer.finish();
    assert.equal(sink.closed, true);
    const text = sink.text();
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'I,S,F,D,T,B,P,L');
    assert.equal(lines[1], '1,plain,1.5,12.5,1970-01-01T00:00:00.000001Z,dead,POINT(1 2),9007199254740993');
    assert.equal(lines[2], ',"a,b",-0,-0.000000000001,1969-12-31T23:59:59.999999Z,"",,-9223372036854775807');
    assert.ok(text.includes('"say ""hi""\r\nbye",1e+300,99999999999999999999999999.999999999999,0001-01-01T00:00:00.000000Z,,POINT(-180 -90),'));
    const records = parseCsv(text);
    assert.equal(records.length, 6);
    assert.deepEqual(records[4]!.map((f) => [f.text, f.quoted]), [['0', false], ['', true], ['', false], ['', false], ['', false], ['01', false], ['POINT(0.1 0.2)', false], ['0', false]]);
    assert.equal(writer.bytesWritten, Buffer.byteLength(text));
  });

  test('DATE columns as YYYY-MM-DD', async () => {
    const sink = new MemorySink();
    const writer = createWriter('ndjson', sink);
    const table = makeTable([{ name: 'D', type: T.DATE }], [[new VoltDate(2024, 2, 29)], [null]]);
    await writer.write(new ExtractBatch(table, [0], { lane: 0, partition: null, page: 0 }));
    assert.equal(sink.text(), '{"D":"2024-02-29"}\n{"D":null}\n');
  });

  test('CSV: NULL text, a delimiter that could appear in numbers, no header', async () => {
    const sink = new MemorySink();
    const writer = createWriter('csv', sink, { nullText: 'NULL', delimiter: '.', header: false, newline: '\n' });
    const table = makeTable([{ name: 'F', type: T.FLOAT }, { name: 'S', type: T.STRING }], [[1.5, 'NULL'], [null, null]]);
    await writer.write(new ExtractBatch(table, [0, 1], { lane: 0, partition: null, page: 0 }));
    await writer.finish();
    assert.equal(sink.text(), '"1.5"."NULL"\nNULL.NULL\n');
  });

  test('NDJSON: numbers, strings for BIGINT/DECIMAL, NaN and Infinity as strings, null', async () => {
    const sink = new MemorySink();
    const writer = createWriter('ndjson', sink, { binary: 'base64' });
    await writer.write(mixedBatch());
    await writer.finish();
    const lines = sink.text().trimEnd().split('\n');
    assert.equal(lines[0], '{"I":1,"S":"plain","F":1.5,"D":"12.5","T":"1970-01-01T00:00:00.000001Z","B":"3q0=","P":"POINT(1 2)","L":"9007199254740993"}');
    assert.deepEqual(JSON.parse(lines[2]!), { I: -2147483647, S: 'say "hi"\r\nbye', F: 1e300, D: '99999999999999999999999999.999999999999', T: '0001-01-01T00:00:00.000000Z', B: null, P: 'POINT(-180 -90)', L: null });
    // The encoder refuses non-finite FLOATs, so the column is built directly.
    const values = new Float64Array([Number.NaN, Number.POSITIVE_INFINITY, -0]);
    const special = VoltTable.fromColumns({ columns: [{ name: 'F', type: T.FLOAT, length: 3, nullCount: 0, values, offsets: null, validity: null }], rowCount: 3, status: -128 });
    const floats = new MemorySink();
    const floatWriter = createWriter('ndjson', floats);
    await floatWriter.write(new ExtractBatch(special, [0], { lane: 0, partition: null, page: 1 }));
    assert.equal(floats.text(), '{"F":"NaN"}\n{"F":"Infinity"}\n{"F":-0}\n');
    const none = new MemorySink();
    await createWriter('ndjson', none).write(new ExtractBatch(special, [], { lane: 0, partition: null, page: 2 }));
    assert.equal(none.text(), '{}\n{}\n{}\n');
  });

  test('every batch of one output must have the first batch\'s columns', async () => {
    const other = new ExtractBatch(makeTable([{ name: 'I', type: T.BIGINT }], [[1n]]), [0], { lane: 0, partition: null, page: 1 });
    for (const format of ['csv', 'ndjson', 'arrow'] as const) {
      const writer = createWriter(format, new MemorySink());
      await writer.write(mixedBatch());
      await writer.write(mixedBatch());
      await assert.rejects(writer.write(other), /unlike the first batch/);
    }
  });

  test('Arrow file and stream over a memory sink; abort passes to the sink', async () => {
    for (const format of ['arrow', 'arrow-stream'] as const) {
      const sink = new MemorySink();
      const writer = createWriter(format, sink);
      await writer.write(mixedBatch());
      await writer.write(mixedBatch());
      await writer.finish();
      const table = tableFromIPC(Buffer.concat(sink.chunks));
      assert.equal(table.numRows, 10);
      assert.equal(table.getChild('L')!.get(0), 9007199254740993n);
      assert.equal(writer.bytesWritten, Buffer.concat(sink.chunks).length);
      await writer.abort();
      assert.equal(sink.aborted, true);
    }
    const unused = new MemorySink();
    await createWriter('arrow', unused).finish();
    assert.equal(unused.bytesWritten, 0);
    const csv = new MemorySink();
    await createWriter('csv', csv).abort();
    const ndjson = new MemorySink();
    await createWriter('ndjson', ndjson).abort();
    assert.ok(csv.aborted && ndjson.aborted);
  });

  test('FileSink writes every byte; skipBytes after a short writev; abort removes the file', async () => {
    const path = join(dir, 'sink.bin');
    const sink = await FileSink.open(path);
    await sink.write([Buffer.from('ab'), new Uint8Array(0), Buffer.from('cde')]);
    await sink.close();
    await sink.close();
    assert.equal(readFileSync(path, 'utf8'), 'abcde');
    assert.equal(sink.bytesWritten, 5);
    await sink.abort();
    assert.equal(readFileSync(path, 'utf8'), 'abcde', 'abort after close keeps a finished file');
    const chunks = [Buffer.from('ab'), Buffer.from('cde'), Buffer.from('f')];
    assert.deepEqual(skipBytes(chunks, 0).map(String), ['ab', 'cde', 'f']);
    assert.deepEqual(skipBytes(chunks, 3).map(String), ['de', 'f']);
    assert.deepEqual(skipBytes(chunks, 5).map(String), ['f']);
    assert.deepEqual(skipBytes(chunks, 6), []);
  });

  test('format of a path', () => {
    assert.equal(formatOfPath('a.ARROW'), 'arrow');
    assert.equal(formatOfPath('a.feather'), 'arrow');
    assert.equal(formatOfPath('a.arrows'), 'arrow-stream');
    assert.equal(formatOfPath('a.tsv'), 'csv');
    assert.equal(formatOfPath('a.jsonl'), 'ndjson');
    assert.equal(formatOfPath('a.parquet'), 'parquet');
    assert.equal(formatOfPath('a.data'), null);
    assert.equal(formatOfPath('events'), null);
  });
});
