/**
 * Decoders generated per table shape against the general decoder (the reference): random
 * shapes of every type, random rows with NULLs and extremes, identical columns bit for bit;
 * mutated bytes refused by both or decoded identically by both. And when each one is used.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import type { ColumnParts } from '../../src/decode/column.js';
import { sharedMemory } from '../../src/decode/column-memory.js';
import { chooseDecoder, decodeTable, decodeTableGeneral } from '../../src/decode/decode-table.js';
import {
  clearGeneratedDecoders,
  codegenAvailable,
  decodeGenerated,
  generationStats,
  MAX_CACHED_SHAPES,
  MAX_GENERATED_COLUMNS,
  MIN_GENERATED_ROWS,
  rowDecoderFor,
} from '../../src/decode/generated-decoder.js';
import { shapeSource } from '../../src/decode/shape-source.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { ALL_TYPES, responseFrame, tableBytes, valueArbitrary, type TableSpec } from './support.js';

const bytesOf = (array: ArrayBufferView | null): Buffer | null =>
  array === null ? null : Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** Columns compared field by field, arrays byte for byte. */
function assertSameColumns(t: TestContext, actual: readonly ColumnParts[], expected: readonly ColumnParts[], where: string): void {
  t.assert.strictEqual(actual.length, expected.length, `${where}: column count`);
  expected.forEach((column, c) => {
    const other = actual[c]!;
    t.assert.deepStrictEqual(
      { name: other.name, type: other.type, length: other.length, nullCount: other.nullCount },
      { name: column.name, type: column.type, length: column.length, nullCount: column.nullCount },
      `${where}: column ${c}`,
    );
    t.assert.strictEqual(other.values?.constructor, column.values?.constructor, `${where}: column ${c} array type`);
    for (const part of ['values', 'offsets', 'validity'] as const) {
      t.assert.deepStrictEqual(bytesOf(other[part]), bytesOf(column[part]), `${where}: column ${c} ${part}`);
    }
  });
}

/** Random shapes: 1..24 columns of any type; rows with ~20 % NULLs. */
const shapeArbitrary: fc.Arbitrary<TableSpec> = fc
  .array(fc.constantFrom(...ALL_TYPES), { minLength: 1, maxLength: 24 })
  .chain((types) =>
    fc.record({
      columns: fc.constant(types.map((type, i) => ({ name: `C${i}`, type }))),
      rows: fc.array(fc.tuple(...types.map((type) => fc.option(valueArbitrary(type), { freq: 5, nil: null }))), { maxLength: 60 }),
    }),
  );

test('generated = general, bit for bit, on random shapes and rows (NULLs, extremes, every type)', (t: TestContext) => {
  t.assert.ok(codegenAvailable(), 'this test process allows code generation');
  fc.assert(
    fc.property(shapeArbitrary, (spec) => {
      const bytes = tableBytes(spec);
      const layout = readTableLayout(bytes, 0);
      const generated = decodeGenerated(bytes, layout);
      t.assert.ok(generated !== null, 'a valid table is decoded by its generated decoder');
      assertSameColumns(t, generated, decodeTableGeneral(bytes, layout), 'random table');
      // Shared output memory gives the same columns.
      assertSameColumns(t, decodeGenerated(bytes, layout, sharedMemory)!, generated, 'shared memory');
    }),
    { numRuns: 300 },
  );
});

test('extreme values of every fixed-width type, and FLOAT NULL range edges and NaN payloads', (t: TestContext) => {
  const columns = [VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT, VOLT_TYPE.TIMESTAMP, VOLT_TYPE.FLOAT, VOLT_TYPE.DECIMAL].map((type, i) => ({ name: `C${i}`, type }));
  const spec: TableSpec = {
    columns,
    rows: [
      [-127, -32767, -2147483647, -(2n ** 63n) + 1n, -(2n ** 63n) + 1n, -1.6e308, null],
      [127, 32767, 2147483647, 2n ** 63n - 1n, 2n ** 63n - 1n, Number.MAX_VALUE, null],
      [null, null, null, null, null, null, null],
      [0, 0, 0, 0n, 0n, -0, null],
    ],
  };
  const bytes = tableBytes(spec);
  const layout = readTableLayout(bytes, 0);
  // Raw FLOAT bits in rows 1–3: −∞ and −Double.MAX_VALUE (NULL), a NaN with a payload (kept).
  const floatAt = (row: number): number => {
    let at = layout.rowsOffset;
    for (let r = 0; r < row; r++) at += 4 + bytes.readInt32BE(at);
    return at + 4 + 1 + 2 + 4 + 8 + 8;
  };
  bytes.writeUInt32BE(0xfff00000, floatAt(1));
  bytes.writeUInt32BE(0, floatAt(1) + 4);
  bytes.writeUInt32BE(0xffefffff, floatAt(2));
  bytes.writeUInt32BE(0xffffffff, floatAt(2) + 4);
  bytes.writeUInt32BE(0x7ff80000, floatAt(3));
  bytes.writeUInt32BE(0x1234, floatAt(3) + 4);
  const generated = decodeGenerated(bytes, layout)!;
  assertSameColumns(t, generated, decodeTableGeneral(bytes, layout), 'extremes');
  t.assert.strictEqual(generated[5]!.nullCount, 2, 'FLOAT: −∞ (row 1) and −Double.MAX_VALUE (row 2) are NULL, the NaN is not');
});

test('mutated tables: refused by both (the general decoder names the fault) or decoded identically', (t: TestContext) => {
  fc.assert(
    fc.property(shapeArbitrary, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (spec, flips) => {
      const bytes = tableBytes(spec);
      const layout = readTableLayout(bytes, 0);
      // Mutate the rows only (the layout, read before, stays valid).
      const span = layout.end - layout.rowsOffset;
      if (span === 0) return;
      for (const [at, value] of flips) bytes[layout.rowsOffset + (at % span)] = value;
      let general: ColumnParts[] | Error;
      try {
        general = decodeTableGeneral(bytes, layout);
      } catch (error) {
        general = error as Error;
      }
      const generated = decodeGenerated(bytes, layout);
      if (general instanceof Error) {
        t.assert.strictEqual(generated, null, `the general decoder refuses (${general.message}); so must the generated one`);
        t.assert.throws(() => decodeTable(bytes, { ...layout, rowCount: layout.rowCount }, { codegen: true }), { message: general.message });
      } else {
        t.assert.ok(generated !== null, 'the general decoder accepts; so must the generated one');
        assertSameColumns(t, generated, general, 'mutated table');
      }
    }),
    { numRuns: 400 },
  );
});

test('a generated decoder is used from MIN_GENERATED_ROWS rows, up to MAX_GENERATED_COLUMNS columns, unless turned off', (t: TestContext) => {
  t.assert.strictEqual(chooseDecoder(4, MIN_GENERATED_ROWS), 'generated');
  t.assert.strictEqual(chooseDecoder(4, MIN_GENERATED_ROWS - 1), 'general');
  t.assert.strictEqual(chooseDecoder(MAX_GENERATED_COLUMNS + 1, 1_000_000), 'general');
  t.assert.strictEqual(chooseDecoder(0, 1_000_000), 'general');
  t.assert.strictEqual(chooseDecoder(4, 1_000_000, false), 'general');

  // Through decodeResponse: same columns with and without code generation.
  const rows = Array.from({ length: MIN_GENERATED_ROWS * 2 }, (_, i) => [i, `s${i}`, i % 5 === 0 ? null : BigInt(i) * 1_000_000n]);
  const spec: TableSpec = { columns: [{ name: 'I', type: VOLT_TYPE.INTEGER }, { name: 'S', type: VOLT_TYPE.STRING }, { name: 'T', type: VOLT_TYPE.TIMESTAMP }], rows };
  const frame = responseFrame([tableBytes(spec)]);
  const before = generationStats.shapes;
  clearGeneratedDecoders();
  const on = decodeResponse(frame).tables[0]!.decodeColumns();
  t.assert.strictEqual(generationStats.shapes, before + 1, 'one shape generated');
  const off = decodeResponse(frame, { codegen: false }).tables[0]!.decodeColumns();
  t.assert.strictEqual(generationStats.shapes, before + 1, 'codegen: false generates nothing');
  decodeResponse(frame).tables[0]!.decodeColumns();
  t.assert.strictEqual(generationStats.shapes, before + 1, 'a cached shape is not generated again');
  assertSameColumns(t, on, off, 'codegen on/off');
});

test('the shape cache is bounded (least recently used shape dropped)', (t: TestContext) => {
  clearGeneratedDecoders();
  const shape = (i: number): number[] => Array.from({ length: 9 }, (_, bit) => ((i >> bit) & 1 ? VOLT_TYPE.INTEGER : VOLT_TYPE.TINYINT));
  const first = rowDecoderFor(shape(0));
  for (let i = 1; i < MAX_CACHED_SHAPES; i++) rowDecoderFor(shape(i));
  t.assert.strictEqual(rowDecoderFor(shape(0)), first, 'still cached (and now most recently used)');
  rowDecoderFor(shape(MAX_CACHED_SHAPES));
  t.assert.strictEqual(rowDecoderFor(shape(0)), first, 'the most recently used shape survives');
  t.assert.notStrictEqual(rowDecoderFor(shape(1)), null);
  const before = generationStats.shapes;
  rowDecoderFor(shape(2));
  t.assert.strictEqual(generationStats.shapes, before + 1, 'the least recently used shape was dropped and is generated again');
});

test('the generated source is built from type codes and numbers only', (t: TestContext) => {
  const source = shapeSource(ALL_TYPES);
  // Only the strict-mode directive is a string literal; no name, no frame byte can be in it.
  t.assert.deepStrictEqual(source.match(/["'`][^"'`]*["'`]/g), ['"use strict"']);
  t.assert.strictEqual(shapeSource([VOLT_TYPE.INTEGER, VOLT_TYPE.STRING]), shapeSource([VOLT_TYPE.INTEGER, VOLT_TYPE.STRING]), 'deterministic');
});

test('a process that forbids code generation from strings decodes with the general decoder, silently', (t: TestContext) => {
  const module = fileURLToPath(new URL('../../src/decode/decode-response.js', import.meta.url));
  const tableModule = fileURLToPath(new URL('../../src/decode/generated-decoder.js', import.meta.url));
  const rows = Array.from({ length: MIN_GENERATED_ROWS * 2 }, (_, i) => [i, `v${i}`]);
  const frame = responseFrame([tableBytes({ columns: [{ name: 'I', type: VOLT_TYPE.INTEGER }, { name: 'S', type: VOLT_TYPE.STRING }], rows })]);
  const script = `
    const { decodeResponse } = await import(${JSON.stringify(module)});
    const { codegenAvailable, generationStats } = await import(${JSON.stringify(tableModule)});
    const frame = Buffer.from(${JSON.stringify(frame.toString('base64'))}, 'base64');
    const columns = decodeResponse(frame).tables[0].decodeColumns();
    console.log(JSON.stringify({ allowed: codegenAvailable(), shapes: generationStats.shapes, last: columns[1].get(${rows.length - 1}) }));`;
  const output = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.assert.deepStrictEqual(JSON.parse(output), { allowed: false, shapes: 0, last: `v${rows.length - 1}` });
});
