/**
 * A call's response, and where it is decoded.
 *
 * `decodeResponse` turns one whole invocation response frame (PROTOCOL.md 5, length prefix
 * included) into a {@link ProcedureResponse} — the header fields of the wire response (status,
 * app status, round trip, the legacy exception) and its tables as {@link VoltTable}s — plus what
 * a node-postgres user reaches for first: `rows` (the first table's rows as objects), `rowCount`
 * and `fields`. Public and stable (exported from `voltwire/protocol` and `voltwire`).
 *
 * Inline, the tables stay over the frame's bytes (lazy row view); `decodeTables` is the
 * columnar path the decode worker runs over the same layouts. Nothing here is eager: `rows`
 * builds its objects on first access (and keeps them), so a call whose rows are never looked at
 * costs what it cost before; `tables[0].get(r, c)` still reads one value from the frame.
 *
 * {@link ResponseDecoder} is the one decode policy — inline or off-thread — decided per frame:
 * - a frame smaller than the pool's `offThreadBytes`, or with no tables, or any frame when there
 *   is no pool (`workers: 0`) or it is closed, is decoded inline, synchronously (no promise on
 *   the hot path). The header is always read inline: it is cheap, and it says whether there
 *   are tables worth a worker;
 * - a larger frame goes to the worker pool (`DecodePool`, decode-pool.ts) and comes back as a
 *   promise of columnar tables — unless the pool is saturated (`needsDrain`): then it is decoded
 *   inline, never refused and never queued without bound.
 * The pool is reached only for the frames that go off-thread, through the small
 * {@link OffThreadDecoder} interface: this file never imports it, so `voltwire/protocol`
 * (which re-exports `decodeResponse`) loads no worker code.
 */
import { emptyResponseHeader, readResponseHeader, tableLayouts, type ResponseHeader } from '../protocol/response.js';
import { APP_STATUS_UNSET, STATUS, statusName } from '../protocol/constants.js';
import type { SerializedException } from '../protocol/exception.js';
import { INSPECT, INSPECT_ROWS, inspectAs, inspectView, jsonRow, type Field, type InspectFunction, type JsonRow, type JsonValue } from './presentation.js';
import { decodeTable, type TableDecodeOptions } from './decode-table.js';
import { VoltTable, type TableOptions, type TableParts } from './volt-table.js';

/** A row object keyed by column name (the default row type of `rows`). */
export type RowObject = Record<string, unknown>;

/** A table as `JSON.stringify` writes it. */
export interface TableJson {
  fields: readonly Field[];
  rowCount: number;
  rows: JsonRow[];
}

/** A response as `JSON.stringify` writes it: the status, and the first table's fields and rows at the top, as node-postgres does. */
export interface ResponseJson extends TableJson {
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
  /** The tables after the first (procedures may return several). */
  moreTables: TableJson[];
}

const NO_FIELDS: readonly Field[] = Object.freeze([]);

/** A call's response: header fields, tables, and the first table's `rows` / `rowCount` / `fields` (see the file comment). */
export class ProcedureResponse<Row = RowObject> {
  readonly handle: bigint;
  /** Procedure status (`STATUS`); a call resolves only with SUCCESS, a `ProcedureError` carries the others. */
  readonly status: number;
  readonly statusString: string | null;
  /** −128 when the procedure never set one. */
  readonly appStatus: number;
  readonly appStatusString: string | null;
  readonly clusterRoundTripMs: number;
  /** The legacy exception block, or null. */
  readonly exception: SerializedException | null;
  readonly tables: VoltTable[];
  private rowList: Row[] | null = null;

  constructor(header: Omit<ResponseHeader, 'tableCount' | 'tablesOffset'>, tables: VoltTable[]) {
    this.handle = header.handle;
    this.status = header.status;
    this.statusString = header.statusString;
    this.appStatus = header.appStatus;
    this.appStatusString = header.appStatusString;
    this.clusterRoundTripMs = header.clusterRoundTripMs;
    this.exception = header.exception;
    this.tables = tables;
  }

  /**
   * The first table's rows as `{ COLUMN: value }` objects (built on first access, then kept);
   * `[]` when the response has no table. Typed by `client.query<Row>()` / `client.call<Row>()`
   * — a promise, not a check: the server decides the columns.
   */
  get rows(): Row[] {
    if (this.rowList === null) {
      const table = this.tables[0];
      this.rowList = table === undefined ? [] : ([...table.rowObjects()] as Row[]);
    }
    return this.rowList;
  }

  /** Rows of the first table (0 when there is none). For DML, VoltDB returns one row holding the count of rows changed. */
  get rowCount(): number {
    return this.tables[0]?.rowCount ?? 0;
  }

  /** Name and VoltDB type name of each column of the first table. */
  get fields(): readonly Field[] {
    return this.tables[0]?.fields ?? NO_FIELDS;
  }

  /** Plain JSON-safe data: status fields, the first table's fields and rows, the other tables. */
  toJSON(): ResponseJson {
    const [first, ...rest] = this.tables.map(tableJson);
    return {
      status: this.status,
      statusString: this.statusString,
      appStatus: this.appStatus,
      appStatusString: this.appStatusString,
      fields: first?.fields ?? NO_FIELDS,
      rowCount: first?.rowCount ?? 0,
      rows: first?.rows ?? [],
      moreTables: rest,
    };
  }

  /** `util.inspect` / `console.log`: status, row count, fields and the first rows. */
  [INSPECT](depth: number, options: { depth?: number | null }, inspect: InspectFunction): string {
    const head: Record<string, unknown> = { status: `${statusName(this.status)} (${this.status})` };
    if (this.status !== STATUS.SUCCESS || this.statusString !== null) head.statusString = this.statusString;
    if (this.appStatus !== APP_STATUS_UNSET || this.appStatusString !== null) {
      head.appStatus = this.appStatus;
      head.appStatusString = this.appStatusString;
    }
    if (this.tables.length !== 1) head.tables = this.tables.length;
    const table = this.tables[0];
    const rows = this.rowList === null ? (table?.headObjects(INSPECT_ROWS) ?? []) : this.rowList.slice(0, INSPECT_ROWS);
    const view = inspectView(head, { rowCount: this.rowCount, fields: this.fields, rows: rows as Record<string, unknown>[] });
    return inspectAs('Response', view, depth, options, inspect);
  }
}

function tableJson(table: VoltTable): TableJson {
  return { fields: table.fields, rowCount: table.rowCount, rows: table.toJSON() };
}


/** Options of {@link decodeResponse}. */
export type DecodeOptions = TableOptions;

/** A decoded response: the header fields, the tables, and `rows` / `rowCount` / `fields` of the first table. */
export type DecodedResponse<Row = RowObject> = ProcedureResponse<Row>;

/** Decode one whole response frame; tables are byte-backed (values decoded when read). */
export function decodeResponse(frame: Uint8Array, options: DecodeOptions = {}): DecodedResponse {
  return decodeAfterHeader(frame, readResponseHeader(frame), options);
}

/** {@link decodeResponse} once the header has been read (the policy reads it to choose where to decode). */
function decodeAfterHeader(frame: Uint8Array, header: ResponseHeader, options: DecodeOptions): DecodedResponse {
  const layouts = tableLayouts(frame, header);
  const tables = new Array<VoltTable>(layouts.length);
  for (let i = 0; i < layouts.length; i++) tables[i] = VoltTable.fromLayout(frame, layouts[i]!, options);
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

/** Where frames were decoded, for benchmarks and the client's stats. */
export interface DecodePoolStats {
  inline: number;
  offThread: number;
  /** Large frames decoded inline because the pool was saturated. */
  saturatedInline: number;
  /** Frames copied into shared memory for the pool because they were not in shared memory already. */
  copiedFrames: number;
}

/**
 * What the policy needs of a worker pool: `DecodePool` (decode-pool.ts) is one. Reached only
 * for a frame that may go off-thread.
 */
export interface OffThreadDecoder {
  /** Frames of at least this many bytes (prefix included) are worth a worker. */
  readonly offThreadBytes: number;
  /** True once closed: every frame is decoded inline from then on. */
  readonly closed: boolean;
  /** True while saturated: large frames are decoded inline until it emits `'drain'`. */
  readonly needsDrain: boolean;
  /** Decode the frame's tables in a worker (the caller has decided it should); counts `stats.offThread`. */
  decodeOffThread(frame: Uint8Array, header: ResponseHeader, options: DecodeOptions): Promise<DecodedResponse>;
  /** `'needsDrain'` when it saturates, `'drain'` when it has room again. */
  on(event: 'needsDrain' | 'drain', listener: () => void): unknown;
  /** Stop after the frames in flight. */
  close(): Promise<void>;
}

/**
 * The one decode policy (see the file comment): a client's connections hand it every response
 * frame, and it decides inline or off-thread, and from which size a frame decoder should
 * assemble frames in their own shared memory for the pool ({@link ownBufferAtBytes}).
 */
export class ResponseDecoder {
  /** Counters shared with the pool (it counts what it decodes and copies). */
  readonly stats: DecodePoolStats = { inline: 0, offThread: 0, saturatedInline: 0, copiedFrames: 0 };
  /**
   * Frames of at least this many bytes (prefix included) go to the pool: the size from which a
   * frame decoder should assemble frames in their own shared memory. `Infinity` without a pool.
   */
  readonly ownBufferAtBytes: number;
  readonly #options: DecodeOptions;
  readonly #pool: OffThreadDecoder | null;
  /** Every frame's header is read into this one: an inline response copies its fields, an off-thread frame takes a copy. */
  readonly #header: ResponseHeader = emptyResponseHeader();

  /** Decode with `options` (each `decode()` may override them); large frames to `pool` when there is one. */
  constructor(options: DecodeOptions = {}, pool: OffThreadDecoder | null = null) {
    this.#options = options;
    this.#pool = pool;
    this.ownBufferAtBytes = pool === null ? Infinity : pool.offThreadBytes;
  }

  /**
   * Decode one whole response frame where the policy says: inline frames are returned as they
   * are decoded, off-thread ones as a promise. Throws a `ProtocolError` for a bad header or,
   * inline, for bad tables; the promise rejects with the worker's error, rebuilt.
   */
  decode(frame: Uint8Array, options?: DecodeOptions): DecodedResponse | Promise<DecodedResponse> {
    const tableOptions = options === undefined ? this.#options : { ...this.#options, ...options };
    const header = readResponseHeader(frame, this.#header);
    // No pool: `ownBufferAtBytes` is Infinity, so every frame stops here.
    if (frame.byteLength < this.ownBufferAtBytes || header.tableCount === 0 || this.#pool!.closed) {
      this.stats.inline++;
      return decodeAfterHeader(frame, header, tableOptions);
    }
    if (this.#pool!.needsDrain) {
      this.stats.saturatedInline++;
      return decodeAfterHeader(frame, header, tableOptions);
    }
    return this.#pool!.decodeOffThread(frame, { ...header }, tableOptions);
  }

  /** True while the worker pool is saturated: stop reading sockets. */
  get saturated(): boolean {
    return this.#pool !== null && this.#pool.needsDrain;
  }

  /** Called with true when the pool saturates and false when it drains (never without a pool). */
  onSaturation(listener: (saturated: boolean) => void): void {
    this.#pool?.on('needsDrain', () => listener(true));
    this.#pool?.on('drain', () => listener(false));
  }

  /** Stop the pool, if any, after the frames in flight; later frames are decoded inline. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

export type { Field, JsonRow, JsonValue };
