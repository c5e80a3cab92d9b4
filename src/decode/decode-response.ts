/**
 * `decodeResponse`: one whole invocation response frame (PROTOCOL.md 5, length prefix
 * included) → its header fields and its tables as {@link VoltTable}s. Public and stable
 * (exported from `voltwire/protocol` and `voltwire`).
 *
 * Inline, the tables stay over the frame's bytes (lazy row view); `decodeTables` is the
 * columnar path the decode worker runs over the same layouts. Where a frame is decoded is the
 * decode pool's decision (`dispatch.ts`).
 */
import { readResponseHeader, tableLayouts, type ResponseHeader } from '../protocol/response.js';
import { decodeTable, type TableDecodeOptions } from './decode-table.js';
import { VoltTable, type TableOptions, type TableParts } from './volt-table.js';
import { ProcedureResponse, type RowObject } from './procedure-response.js';

/** Options of {@link decodeResponse}. */
export type DecodeOptions = TableOptions;

/** A decoded response: the header fields, the tables, and `rows` / `rowCount` / `fields` of the first table. */
export type DecodedResponse<Row = RowObject> = ProcedureResponse<Row>;

/** Decode one whole response frame; tables are byte-backed (values decoded when read). */
export function decodeResponse(frame: Uint8Array, options: DecodeOptions = {}): DecodedResponse {
  return decodeAfterHeader(frame, readResponseHeader(frame), options);
}

/** {@link decodeResponse} once the header has been read (the decode pool reads it to choose where to decode). */
export function decodeAfterHeader(frame: Uint8Array, header: ResponseHeader, options: DecodeOptions): DecodedResponse {
  const layouts = tableLayouts(frame, header);
  const tables = new Array<VoltTable>(layouts.length);
  for (let i = 0; i < layouts.length; i++) tables[i] = VoltTable.fromLayout(frame, layouts[i]!, options);
  return withTables(header, tables);
}

/** The response fields of `header` with `tables`. */
export function withTables(header: ResponseHeader, tables: VoltTable[]): DecodedResponse {
  return new ProcedureResponse(header, tables);
}

/** Every table of the response, decoded to columns (what the worker runs, into its private memory). */
export function decodeTables(
  frame: Uint8Array,
  header: Pick<ResponseHeader, 'tableCount' | 'tablesOffset'>,
  options: TableDecodeOptions = {},
): TableParts[] {
  return tableLayouts(frame, header as ResponseHeader).map((layout) => ({
    columns: decodeTable(frame, layout, options),
    rowCount: layout.rowCount,
    status: layout.status,
  }));
}
