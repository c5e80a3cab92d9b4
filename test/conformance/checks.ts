/**
 * The server-agnostic conformance checks: what voltwire expects of any VoltDB server, run
 * through the public client against a real cluster (`npm run test:server -- --servers h:p`) or
 * the embedded server (CI). They create and drop their own tables (`VWC_*`) and refuse to run
 * when a table of those names already exists. Each check throws on a mismatch, naming it.
 */
import assert from 'node:assert/strict';
import { Client, Decimal, Geography, GeographyPoint, Hashinator, ProcedureError, STATUS, VOLT_TYPE } from '../../src/index.js';

/** The tables the suite creates (and drops when done). */
export const CONFORMANCE_TABLES = ['VWC_TYPES', 'VWC_KV', 'VWC_LOAD', 'VWC_UNIQ', 'VWC_BADUNIQ'] as const;

const DDL = [
  'CREATE TABLE VWC_TYPES (ID INTEGER NOT NULL, TI TINYINT, SI SMALLINT, I INTEGER, BI BIGINT, F FLOAT, D DECIMAL, S VARCHAR(64), VB VARBINARY(64), TS TIMESTAMP, PT GEOGRAPHY_POINT, G GEOGRAPHY, PRIMARY KEY (ID));',
  'PARTITION TABLE VWC_TYPES ON COLUMN ID;',
  'CREATE TABLE VWC_KV (K BIGINT NOT NULL, V VARCHAR(1024), PRIMARY KEY (K));',
  'PARTITION TABLE VWC_KV ON COLUMN K;',
  'CREATE TABLE VWC_LOAD (ID BIGINT NOT NULL, NAME VARCHAR(32), AMOUNT DECIMAL, PRIMARY KEY (ID));',
  'PARTITION TABLE VWC_LOAD ON COLUMN ID;',
  'CREATE TABLE VWC_UNIQ (ID INTEGER NOT NULL, CODE INTEGER NOT NULL, EMAIL VARCHAR(64) ASSUMEUNIQUE, UNIQUE (ID, CODE));',
  'PARTITION TABLE VWC_UNIQ ON COLUMN ID;',
];

export interface Check {
  name: string;
  /** Runs the check; may return a short detail for the report line. */
  run(client: Client): Promise<string | void>;
}

/** A refusal to run (tables of the suite's names exist): nothing was created or dropped. */
export class ConformanceRefusal extends Error {}

async function tableNames(client: Client): Promise<Set<string>> {
  const response = await client.call('@SystemCatalog', ['TABLES']);
  const table = response.tables[0]!;
  const names = new Set<string>();
  for (let r = 0; r < table.rowCount; r++) names.add(String(table.get(r, 'TABLE_NAME')));
  return names;
}

/** Refuse when any of the suite's tables exists; else create them. */
export async function setUp(client: Client): Promise<void> {
  const existing = await tableNames(client);
  const clash = CONFORMANCE_TABLES.filter((t) => existing.has(t));
  if (clash.length > 0) throw new ConformanceRefusal(`the database already has table(s) ${clash.join(', ')}: the suite creates and drops tables of these names, so it will not run here`);
  for (const statement of DDL) await client.query(statement);
}

/** Drop the suite's tables (those that exist). */
export async function tearDown(client: Client): Promise<void> {
  const existing = await tableNames(client);
  for (const table of CONFORMANCE_TABLES) if (existing.has(table)) await client.query(`DROP TABLE ${table};`);
}

async function rejection(promise: Promise<unknown>): Promise<ProcedureError> {
  const error = await promise.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProcedureError, `expected a ProcedureError, got ${String(error)}`);
  return error;
}

const POLYGON = Geography.fromWKT('POLYGON((-71.1 42.3, -71.0 42.3, -71.0 42.4, -71.1 42.4, -71.1 42.3))');

/** Rows of every type, extremes and NULLs (the order of VWC_TYPES's columns). */
const TYPE_ROWS: unknown[][] = [
  [1, 127, 32767, 2147483647, 9223372036854775807n, -1.5e300, new Decimal('-12345678901234.123456789012'), 'héllo ☃', Uint8Array.of(0, 1, 0xfe, 0xff), new Date(Date.UTC(2023, 10, 14, 22, 13, 20, 123)), new GeographyPoint(-71.06, 42.36), POLYGON],
  [2, -127, -32767, -2147483647, -9223372036854775807n, 0, new Decimal(0), '', new Uint8Array(0), new Date(0), new GeographyPoint(180, -90), null],
  [3, null, null, null, null, null, null, null, null, null, null, null],
];

function same(actual: unknown, expected: unknown, where: string): void {
  if (expected instanceof Decimal) assert.ok(actual instanceof Decimal && actual.equals(expected), `${where}: ${String(actual)} ≠ ${expected.toString()}`);
  else if (expected instanceof Geography) assert.ok(actual instanceof Geography && actual.equals(expected, 1e-9), `${where}: polygon differs`);
  else if (expected instanceof GeographyPoint) assert.ok(actual instanceof GeographyPoint && actual.equals(expected), `${where}: point differs`);
  else if (expected instanceof Uint8Array) assert.deepStrictEqual(Buffer.from(actual as Uint8Array), Buffer.from(expected), where);
  else assert.deepStrictEqual(actual, expected, where);
}

export const CHECKS: readonly Check[] = [
  {
    name: 'types round trip: every type, extremes and NULLs, through rows and columns',
    async run(client) {
      for (const row of TYPE_ROWS) await client.call('VWC_TYPES.insert', row);
      const table = (await client.query('SELECT * FROM VWC_TYPES ORDER BY ID;')).tables[0]!;
      assert.strictEqual(table.rowCount, TYPE_ROWS.length);
      TYPE_ROWS.forEach((row, r) => row.forEach((value, c) => same(table.get(r, c), value, `row ${r + 1} column ${c}`)));
      const columns = table.decodeColumns();
      assert.strictEqual(columns.length, 12);
      return `${TYPE_ROWS.length} rows × 12 types`;
    },
  },
  {
    name: 'errors: unknown procedure, SQL syntax, constraint violation, parameter count and type, too long',
    async run(client) {
      const unknown = await rejection(client.call('VWC_NoSuchProcedure', []));
      assert.strictEqual(unknown.status, STATUS.UNEXPECTED_FAILURE);
      assert.match(unknown.message, /Procedure VWC_NoSuchProcedure was not found/);
      const syntax = await rejection(client.query('SELEC nonsense;'));
      assert.strictEqual(syntax.status, STATUS.GRACEFUL_FAILURE);
      await client.call('VWC_KV.insert', [1n, 'one']);
      const duplicate = await rejection(client.call('VWC_KV.insert', [1n, 'again']));
      assert.strictEqual(duplicate.status, STATUS.GRACEFUL_FAILURE);
      assert.match(duplicate.message, /CONSTRAINT VIOLATION/);
      const count = await rejection(client.call('VWC_KV.insert', [2n]));
      assert.match(count.message, /EXPECTS 2 PARAMS, BUT RECEIVED 1/);
      const type = await rejection(client.call('VWC_KV.insert', ['notanumber', 'x']));
      assert.match(type.message, /TYPE ERROR FOR PARAMETER 0/);
      const long = await rejection(client.call('VWC_TYPES.insert', [9, null, null, null, null, null, null, 'x'.repeat(65), null, null, null, null]));
      assert.match(long.message, /exceeds the size of the VARCHAR\(64\) column/);
      await client.call('VWC_KV.delete', [1n]);
    },
  },
  {
    name: 'system procedures: @Ping, @SystemInformation, @Statistics TOPO, @SystemCatalog selectors, @GetPartitionKeys',
    async run(client) {
      assert.ok((await client.ping()) >= 0);
      const overview = (await client.call('@SystemInformation', ['OVERVIEW'])).tables[0]!;
      assert.deepStrictEqual(overview.columns.map((c) => c.name), ['HOST_ID', 'KEY', 'VALUE']);
      const [sites, hash] = (await client.call('@Statistics', ['TOPO', 0])).tables;
      assert.deepStrictEqual(sites!.columns.map((c) => c.name), ['Partition', 'Sites', 'Leader']);
      assert.strictEqual(hash!.get(0, 'HASHTYPE'), 'ELASTIC');
      const shapes: Record<string, number> = { TABLES: 10, COLUMNS: 23, INDEXINFO: 13, PRIMARYKEYS: 6, PROCEDURES: 9, PROCEDURECOLUMNS: 20, CLASSES: 3 };
      for (const [selector, width] of Object.entries(shapes)) {
        const table = (await client.call('@SystemCatalog', [selector])).tables[0]!;
        assert.strictEqual(table.columns.length, width, `@SystemCatalog ${selector} has ${width} columns`);
      }
      const keys = (await client.call('@SystemCatalog', ['PRIMARYKEYS'])).tables[0]!;
      let found = false;
      for (let r = 0; r < keys.rowCount; r++) if (keys.get(r, 'TABLE_NAME') === 'VWC_KV' && keys.get(r, 'COLUMN_NAME') === 'K') found = true;
      assert.ok(found, 'PRIMARYKEYS lists VWC_KV.K');
      const partitions = (await client.call('@GetPartitionKeys', ['INTEGER'])).tables[0]!;
      assert.deepStrictEqual(partitions.columns.map((c) => [c.name, c.type]), [['PARTITION_ID', VOLT_TYPE.INTEGER], ['PARTITION_KEY', VOLT_TYPE.INTEGER]]);
      return `${partitions.rowCount} partitions`;
    },
  },
  {
    name: "routing: the client's hashinator puts every @GetPartitionKeys key where the server stores it",
    async run(client) {
      const [, hash] = (await client.call('@Statistics', ['TOPO', 0])).tables;
      const ring = Hashinator.fromConfig(hash!.get(0, 'HASHCONFIG') as Uint8Array);
      const keys = (await client.call('@GetPartitionKeys', ['INTEGER'])).tables[0]!;
      for (let r = 0; r < keys.rowCount; r++) {
        const partition = keys.get(r, 'PARTITION_ID') as number;
        const key = BigInt(keys.get(r, 'PARTITION_KEY') as number);
        assert.strictEqual(ring.partitionFor(key, VOLT_TYPE.BIGINT), partition, `key ${key}`);
        await client.call('VWC_KV.insert', [key, `p${partition}`]);
        // Directed to its partition, a BIGINT key that hashes there is kept: the row is found there.
        const there = (await client.call('VWC_KV.select', [key], { partition })).tables[0]!;
        assert.strictEqual(there.rowCount, 1, `key ${key} stored in partition ${partition}`);
      }
      await client.query('DELETE FROM VWC_KV;');
      return `${keys.rowCount} partitions`;
    },
  },
  {
    name: 'fire-and-forget: calls without a response are executed',
    async run(client) {
      for (let k = 100n; k < 150n; k++) assert.strictEqual(await client.call('VWC_KV.insert', [k, 'ff'], { response: false }), null);
      // Calls on one connection run in order: a later answered call sees them all.
      let count = 0n;
      for (let attempt = 0; attempt < 50 && count < 50n; attempt++) {
        count = (await client.query('SELECT COUNT(*) FROM VWC_KV WHERE V = ?;', ['ff'])).tables[0]!.get(0, 0) as bigint;
        if (count < 50n) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.strictEqual(count, 50n);
      await client.query('DELETE FROM VWC_KV;');
    },
  },
  {
    name: 'large responses through the decode pool, equal to the rows inserted',
    async run(client) {
      const value = 'v'.repeat(1000);
      await Promise.all(Array.from({ length: 400 }, (_, k) => client.call('VWC_KV.insert', [BigInt(k), `${k}:${value}`])));
      const table = (await client.query('SELECT K, V FROM VWC_KV ORDER BY K;')).tables[0]!;
      assert.strictEqual(table.rowCount, 400);
      for (let r = 0; r < 400; r += 37) assert.strictEqual(table.get(r, 'V'), `${r}:${value}`);
      return '400 rows, ~400 KB';
    },
  },
  {
    name: 'extraction: every row once, as SQL counts them',
    async run(client) {
      const total = (await client.query('SELECT COUNT(*) FROM VWC_KV;')).tables[0]!.get(0, 0) as bigint;
      let rows = 0;
      const seen = new Set<bigint>();
      for await (const batch of client.extract({ table: 'VWC_KV', batchRows: 64 })) {
        rows += batch.rowCount;
        for (let r = 0; r < batch.rowCount; r++) seen.add(batch.table.get(r, 'K') as bigint);
      }
      assert.strictEqual(BigInt(rows), total);
      assert.strictEqual(BigInt(seen.size), total);
      await client.query('DELETE FROM VWC_KV;');
      return `${rows} rows`;
    },
  },
  {
    name: 'bulk load: rows routed per partition by @LoadSinglepartitionTable',
    async run(client) {
      const rows = Array.from({ length: 500 }, (_, i) => [BigInt(i), `name ${i}`, new Decimal(i).dividedBy(8)]);
      const report = await client.bulkLoad('VWC_LOAD', rows);
      assert.strictEqual(report.inserted, 500);
      const sum = (await client.query('SELECT COUNT(*), SUM(AMOUNT) FROM VWC_LOAD;')).tables[0]!;
      assert.strictEqual(sum.get(0, 0), 500n);
      assert.ok((sum.get(0, 1) as Decimal).equals(new Decimal(499 * 500).dividedBy(16)));
      return `${report.inserted} rows in ${report.calls} calls`;
    },
  },
  {
    name: 'SQL: aggregates named as VoltDB names them, GROUP BY / HAVING, IN, LIKE, BETWEEN; UPDATE and DELETE with such conditions',
    async run(client) {
      const values = ['a', 'a', 'b', 'b', 'b', 'c'];
      for (const [i, v] of values.entries()) await client.call('VWC_KV.insert', [BigInt(i + 1), v]);
      const rows = async (sql: string): Promise<{ names: string[]; types: number[]; rows: unknown[][] }> => {
        const table = (await client.query(sql)).tables[0]!;
        return { names: table.columns.map((c) => c.name), types: table.columns.map((c) => c.type), rows: Array.from({ length: table.rowCount }, (_, r) => table.columns.map((_c, i) => table.get(r, i))) };
      };
      const totals = await rows("SELECT COUNT(*), MIN(K), MAX(K), SUM(K) FROM VWC_KV WHERE V LIKE 'a%' OR K BETWEEN 5 AND 6;");
      assert.deepStrictEqual(totals.names, ['C1', 'C2', 'C3', 'C4']);
      assert.deepStrictEqual(totals.types, [VOLT_TYPE.BIGINT, VOLT_TYPE.BIGINT, VOLT_TYPE.BIGINT, VOLT_TYPE.BIGINT]);
      assert.deepStrictEqual(totals.rows, [[4n, 1n, 6n, 14n]]);
      const groups = await rows('SELECT V, COUNT(*) FROM VWC_KV GROUP BY V HAVING COUNT(*) > 1 ORDER BY V;');
      assert.deepStrictEqual(groups.names, ['V', 'C2']);
      assert.deepStrictEqual(groups.rows, [
        ['a', 2n],
        ['b', 3n],
      ]);
      assert.deepStrictEqual((await rows("SELECT K FROM VWC_KV WHERE V IN ('a', 'c') ORDER BY K;")).rows, [[1n], [2n], [6n]]);
      assert.deepStrictEqual((await rows("UPDATE VWC_KV SET V = 'z' WHERE V IN ('a', 'c') OR K BETWEEN 3 AND 3;")).rows, [[4n]]);
      assert.deepStrictEqual((await rows("DELETE FROM VWC_KV WHERE NOT (V = 'z');")).rows, [[2n]]);
      assert.deepStrictEqual((await rows('SELECT K, V FROM VWC_KV ORDER BY K;')).rows, [
        [1n, 'z'],
        [2n, 'z'],
        [3n, 'z'],
        [6n, 'z'],
      ]);
      await client.query('DELETE FROM VWC_KV;');
    },
  },
  {
    name: 'unique constraints: UNIQUE and ASSUMEUNIQUE refuse duplicates in the real words, ASSUMEUNIQUE per partition, DDL refusals',
    async run(client) {
      const keys = (await client.call('@GetPartitionKeys', ['INTEGER'])).tables[0]!;
      const a = keys.get(0, 'PARTITION_KEY') as number;
      const head = /^VOLTDB ERROR: CONSTRAINT VIOLATION Attempted violation of constraint\nConstraint Type UNIQUE, Table CatalogId VWC_UNIQ\nRelevant Tuples:\n/;
      await client.call('VWC_UNIQ.insert', [a, 1, 'x@y']);
      // ASSUMEUNIQUE within one partition: the new row, then the row it collides with.
      const email = await rejection(client.call('VWC_UNIQ.insert', [a, 2, 'x@y']));
      assert.strictEqual(email.status, STATUS.GRACEFUL_FAILURE);
      assert.match(String(email.statusString), head);
      assert.match(String(email.statusString), new RegExp(`\\n +${a} +2 x@y *\\n +${a} +1 x@y *$`));
      // UNIQUE (ID, CODE).
      assert.match(String((await rejection(client.call('VWC_UNIQ.insert', [a, 1, 'other']))).statusString), head);
      // An update onto another row's value: the new values, then the row's old ones; nothing changes.
      await client.call('VWC_UNIQ.insert', [a, 3, 'z@y']);
      const update = await rejection(client.query("UPDATE VWC_UNIQ SET EMAIL = 'x@y' WHERE ID = ? AND CODE = 3;", [a]));
      assert.match(String(update.statusString), new RegExp(`\\n +${a} +3 x@y *\\n +${a} +3 z@y *$`));
      // Another partition does not see this one's values.
      if (keys.rowCount > 1) await client.call('VWC_UNIQ.insert', [keys.get(1, 'PARTITION_KEY') as number, 1, 'x@y']);
      const count = (await client.query("SELECT COUNT(*) FROM VWC_UNIQ WHERE EMAIL = 'x@y';")).tables[0]!.get(0, 0);
      assert.strictEqual(count, keys.rowCount > 1 ? 2n : 1n);
      // DDL: a UNIQUE index without the partition column, an ASSUMEUNIQUE one with it; the batch leaves nothing.
      const unique = await rejection(client.query('CREATE TABLE VWC_BADUNIQ (ID INTEGER NOT NULL, E VARCHAR(16) NOT NULL UNIQUE); PARTITION TABLE VWC_BADUNIQ ON COLUMN ID;'));
      assert.strictEqual(unique.status, STATUS.GRACEFUL_FAILURE);
      assert.match(unique.message, /Invalid use of UNIQUE\. The UNIQUE INDEX \S+ on the partitioned table VWC_BADUNIQ does not include the partitioning column ID\./);
      const assume = await rejection(client.query('CREATE TABLE VWC_BADUNIQ (ID INTEGER NOT NULL ASSUMEUNIQUE, E VARCHAR(16)); PARTITION TABLE VWC_BADUNIQ ON COLUMN ID;'));
      assert.match(assume.message, /ASSUMEUNIQUE is not valid for an index that includes the partitioning column\. Please use UNIQUE instead/);
      assert.ok(!(await tableNames(client)).has('VWC_BADUNIQ'), 'a refused DDL batch leaves no table');
      await client.query('DELETE FROM VWC_UNIQ;');
      return keys.rowCount > 1 ? 'checked across 2 partitions' : 'one partition: the cross-partition case is skipped';
    },
  },
];

/** One report line per check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/** Set up, run every check, tear down. A refusal (tables exist) throws {@link ConformanceRefusal}. */
export async function runChecks(client: Client, onResult: (result: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  await setUp(client);
  const results: CheckResult[] = [];
  try {
    for (const check of CHECKS) {
      const started = performance.now();
      let result: CheckResult;
      try {
        const detail = await check.run(client);
        result = { name: check.name, ok: true, detail: detail ?? '', ms: performance.now() - started };
      } catch (error) {
        result = { name: check.name, ok: false, detail: error instanceof Error ? error.message : String(error), ms: performance.now() - started };
      }
      results.push(result);
      onResult(result);
    }
  } finally {
    await tearDown(client);
  }
  return results;
}

/** The report line of a result. */
export function formatResult(result: CheckResult): string {
  return `${result.ok ? 'ok  ' : 'FAIL'} ${result.name}${result.detail === '' ? '' : result.ok ? ` (${result.detail})` : `: ${result.detail}`} [${Math.round(result.ms)} ms]`;
}
