/**
 * Shared by the extraction tests: an embedded server whose analytics `EVENTS` table has N rows,
 * a partitioned copy `EVENTS_P` (partitioned on ID, filled from the same generator) with its
 * page procedure, and checks that compare extracted values with the generator — the table's
 * ground truth — value by value.
 */
import assert from 'node:assert/strict';
import type { Response } from '../../src/client.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import type { VoltTable } from '../../src/decode/volt-table.js';
import { Decimal, Geography, GeographyPoint } from '../../src/decode/column.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../../src/protocol/constants.js';
import type { CallOptions } from '../../src/options.js';
import type { ExtractClient } from '../../src/extract/options.js';
import { startServer, type EmbeddedServer, type ServerOptions } from '../../src/server/index.js';
import { executeBatch } from '../../src/server/sql/executor.js';
import { StoredTable } from '../../src/server/store.js';
import { EVENTS_SCHEMA, eventCell, eventRow } from '../../src/server/workloads/analytics.js';

export const EVENT_COLUMNS = EVENTS_SCHEMA.columns.map((c) => ({ name: c.name, type: c.type }));

/** DDL of EVENTS_P: EVENTS' columns, partitioned on ID. */
const EVENTS_P_DDL =
  'CREATE TABLE EVENTS_P (ID BIGINT NOT NULL, TINY TINYINT, SMALL SMALLINT, NUM INTEGER, BIG BIGINT, RATIO FLOAT, AMOUNT DECIMAL, ' +
  'NAME VARCHAR(64), PAYLOAD VARBINARY(64), CREATED TIMESTAMP, LOCATION GEOGRAPHY_POINT, AREA GEOGRAPHY, PRIMARY KEY (ID)); ' +
  'PARTITION TABLE EVENTS_P ON COLUMN ID';

/** The page procedure of the `partition` strategy over EVENTS_P, as a real deployment would declare it. */
export const EVENTS_P_PAGE = 'EVENTS_P_PAGE';

/**
 * Start a server with `rows` EVENTS rows, EVENTS_P holding the first `partitionedRows` of them,
 * and the page procedure `EVENTS_P_PAGE(partitionKey INTEGER, afterId BIGINT, limit INTEGER)`,
 * single-partition on parameter 0 and read-only.
 */
export async function startExtractServer(rows: number, partitionedRows = rows, options: ServerOptions = {}): Promise<EmbeddedServer> {
  const server = await startServer({ rows, workloads: ['analytics'], ...options });
  loadPartitionedEvents(server, partitionedRows);
  return server;
}

export function loadPartitionedEvents(server: EmbeddedServer, rows: number): void {
  executeBatch(server.database, EVENTS_P_DDL, []);
  const table = server.database.table('EVENTS_P') as StoredTable;
  const scope = { partition: MP_PARTITION_ID, procedure: 'load' };
  for (let i = 0; i < rows; i++) server.database.insertRow(table, eventRow(i), scope);
  server.define(
    EVENTS_P_PAGE,
    { partitionParameter: 0, partitionParameterType: 'BIGINT', parameterTypes: ['INTEGER', 'BIGINT', 'INTEGER'], readOnly: true },
    (params, context) => context.sql('SELECT * FROM EVENTS_P WHERE ID > ? ORDER BY ID LIMIT ?', params[1], params[2]),
  );
}

/** A client wrapper counting requests, to see how many are in flight. */
export class CountingClient implements ExtractClient {
  started = 0;
  settled = 0;
  maxInFlight = 0;
  /** Paged SQL answers that held rows. */
  fullPages = 0;
  readonly log: string[] = [];

  constructor(private readonly inner: ExtractClient) {}

  get inFlight(): number {
    return this.started - this.settled;
  }

  private track(what: string, promise: () => Promise<Response>): Promise<Response> {
    this.started++;
    this.log.push(what);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const p = promise();
    p.then(
      (response) => {
        this.settled++;
        if (what.includes('LIMIT') && (response.tables[0]?.rowCount ?? 0) > 0) this.fullPages++;
      },
      () => this.settled++,
    );
    return p;
  }

  call(procedure: string, params?: readonly unknown[], options?: CallOptions): Promise<Response> {
    return this.track(procedure, () => this.inner.call(procedure, params, options));
  }

  query(sql: string, params?: readonly unknown[], options?: CallOptions): Promise<Response> {
    return this.track(sql, () => this.inner.query(sql, params, options));
  }
}

/** A VoltTable with the given columns and rows, through the real encoder and decoder. */
export function makeTable(columns: readonly { name: string; type: number }[], rows: readonly (readonly unknown[])[]): VoltTable {
  const frame = encodeResponse({ handle: 1n, status: 1, tables: [{ columns: [...columns], rows }] });
  return decodeResponse(frame, { timestamps: 'bigint' }).tables[0]!;
}

/** Unscaled (× 10^12) value of a Decimal. */
export function unscaled(value: Decimal): bigint {
  return BigInt(value.times('1e12').toFixed(0));
}

/**
 * Assert that `actual` (a value decoded from an output, normalised by the caller to: number,
 * bigint, Decimal | string, Uint8Array, bigint µs, GeographyPoint, Geography, null) equals row
 * `i`, column `c` of EVENTS.
 */
export function assertCell(i: number, c: number, actual: unknown): void {
  const expected = eventCell(i, c);
  const where = `row ${i} column ${EVENT_COLUMNS[c]!.name}`;
  if (expected === null || expected === undefined) {
    assert.equal(actual, null, where);
    return;
  }
  assert.notEqual(actual, null, where);
  switch (EVENT_COLUMNS[c]!.type) {
    case VOLT_TYPE.DECIMAL:
      assert.equal(unscaled(new Decimal(actual as Decimal | string)), unscaled(expected as Decimal), where);
      return;
    case VOLT_TYPE.VARBINARY:
      assert.deepEqual(Buffer.from(actual as Uint8Array), Buffer.from(expected as Uint8Array), where);
      return;
    case VOLT_TYPE.GEOGRAPHY_POINT:
      assert.ok((expected as GeographyPoint).equals(actual as GeographyPoint, 1e-12), `${where}: ${String(actual)} vs ${String(expected)}`);
      return;
    case VOLT_TYPE.GEOGRAPHY:
      assert.ok((expected as Geography).equals(actual as Geography, 1e-9), `${where}: ${(actual as Geography).toWKT()} vs ${(expected as Geography).toWKT()}`);
      return;
    default:
      assert.equal(actual, expected, where);
  }
}

/** Row values of `table` checked against EVENTS by their ID; returns the IDs seen. */
export function checkEventRows(rows: Iterable<unknown[]>, columns: readonly number[] = EVENT_COLUMNS.map((_, i) => i), idAt = 0): bigint[] {
  const ids: bigint[] = [];
  for (const row of rows) {
    const id = row[idAt] as bigint;
    ids.push(id);
    columns.forEach((c, k) => assertCell(Number(id) - 1, c, row[k]));
  }
  return ids;
}

/** IDs 1..n exactly once each. */
export function assertAllIds(ids: readonly bigint[], n: number): void {
  assert.equal(ids.length, n, 'row count');
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < n; i++) if (sorted[i] !== BigInt(i + 1)) assert.fail(`ID ${i + 1} missing or duplicated (found ${String(sorted[i])})`);
}

export { Decimal, Geography, GeographyPoint };
