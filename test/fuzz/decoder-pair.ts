/**
 * The two columnar decoders on the same table bytes (DESIGN.md, "Decoding at memory speed"):
 * the decoder generated for the table's shape must refuse exactly what the general decoder
 * refuses, and otherwise produce the same columns, byte for byte. Run on every table the
 * fuzzer reads, whatever its size (the product only generates from a few hundred rows on).
 */
import type { ColumnParts } from '../../src/decode/column.js';
import { decodeTableGeneral, type TableShape } from '../../src/decode/decode-table.js';
import { codegenAvailable, decodeGenerated, MAX_GENERATED_COLUMNS } from '../../src/decode/generated-decoder.js';
import { VoltError } from '../../src/errors.js';

const bytesOf = (array: ArrayBufferView | null): Buffer | null => (array === null ? null : Buffer.from(array.buffer, array.byteOffset, array.byteLength));

/** The first difference between the generated and the general decoder on this table, if any. */
export function decoderDisagreement(bytes: Uint8Array, layout: TableShape, where: string): string | undefined {
  if (!codegenAvailable() || layout.columns.length === 0 || layout.columns.length > MAX_GENERATED_COLUMNS) return undefined;
  if (layout.rowsOffset < 0 || layout.end > bytes.length || layout.rowsOffset > layout.end || layout.rowCount < 0) return undefined;
  let general: ColumnParts[] | VoltError;
  try {
    general = decodeTableGeneral(bytes, layout);
  } catch (error) {
    if (!VoltError.is(error)) throw error;
    general = error;
  }
  const generated = decodeGenerated(bytes, layout);
  if (VoltError.is(general)) return generated === null ? undefined : `${where}: the generated decoder accepts what the general one refuses (${general.message})`;
  if (generated === null) return `${where}: the generated decoder refuses what the general one accepts`;
  for (let c = 0; c < general.length; c++) {
    const a = general[c]!;
    const b = generated[c]!;
    if (a.nullCount !== b.nullCount || a.length !== b.length || a.values?.constructor !== b.values?.constructor) return `${where}: column ${c} differs between the decoders (shape)`;
    for (const part of ['values', 'offsets', 'validity'] as const) {
      const x = bytesOf(a[part]);
      const y = bytesOf(b[part]);
      if (x === null || y === null ? x !== y : !x.equals(y)) return `${where}: column ${c} ${part} differ between the generated and the general decoder`;
    }
  }
  return undefined;
}
