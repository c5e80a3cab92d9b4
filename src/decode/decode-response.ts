/**
 * `decodeResponse`: one whole invocation response frame (PROTOCOL.md 5, length prefix
 * included) → its header fields and its tables as {@link VoltTable}s. Public and stable
 * (exported from `voltwire/protocol` and `voltwire`).
 *
 * Inline, the tables stay over the frame's bytes (lazy row view); `decodeTables` is the
 * columnar path the decode worker runs over the same layouts.
 */
import { readResponseHeader, tableLayouts, type ResponseHeader } from '../protocol/response.js';
import type { ColumnParts } from './column.js';
import { decodeTable } from './decode-table.js';
import { VoltTable, type TableOptions, type TableParts } from './volt-table.js';

/** Options of {@link decodeResponse}. */
export type DecodeOptions = TableOptions;

/** A decoded response: the header fields and the tables. */
export interface DecodedResponse extends Omit<ResponseHeader, 'tableCount' | 'tablesOffset'> {
  tables: VoltTable[];
}

/** Decode one whole response frame; tables are byte-backed (values decoded when read). */
export function decodeResponse(frame: Uint8Array, options: DecodeOptions = {}): DecodedResponse {
  const header = readResponseHeader(frame);
  const tables = tableLayouts(frame, header).map((layout) => VoltTable.fromLayout(frame, layout, options));
  return withTables(header, tables);
}

/** The response fields of `header` with `tables`. */
export function withTables(header: ResponseHeader, tables: VoltTable[]): DecodedResponse {
  const { handle, status, statusString, appStatus, appStatusString, clusterRoundTripMs, exception } = header;
  return { handle, status, statusString, appStatus, appStatusString, clusterRoundTripMs, exception, tables };
}

/** Every table of the response, decoded to columns (what the worker runs). */
export function decodeTables(frame: Uint8Array, header: Pick<ResponseHeader, 'tableCount' | 'tablesOffset'>): TableParts[] {
  return tableLayouts(frame, header as ResponseHeader).map((layout) => ({
    columns: decodeTable(frame, layout),
    rowCount: layout.rowCount,
    status: layout.status,
  }));
}

/** The distinct ArrayBuffers behind decoded tables: the transfer list for sending them across threads. */
export function tableBuffers(tables: readonly TableParts[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  // Columns are always allocated by the decoder, so their buffers are plain ArrayBuffers.
  const add = (array: ColumnParts['values'] | Int32Array | Uint8Array | null): void => {
    if (array !== null) buffers.add(array.buffer as ArrayBuffer);
  };
  for (const table of tables) {
    for (const column of table.columns) {
      add(column.values);
      add(column.offsets);
      add(column.validity);
    }
  }
  return [...buffers];
}
