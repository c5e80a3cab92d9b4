import { inspect } from 'node:util';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { ProcedureResponse } from '../../src/decode/decode-response.js';
import { jsonValue } from '../../src/decode/presentation.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { responseFrame, tableBytes } from '../decode/support.js';

const encodeTable = (columns: { name: string; type: number }[], rows: unknown[][]): Buffer => tableBytes({ columns, rows } as never);

const T = VOLT_TYPE;
const BIG = 2n ** 60n + 1n;

function table(options: Parameters<typeof VoltTable.fromBytes>[1] = {}): VoltTable {
  const bytes = encodeTable(
    [
      { name: 'ID', type: T.BIGINT },
      { name: 'AT', type: T.TIMESTAMP },
      { name: 'N', type: T.INTEGER },
      { name: 'NAME', type: T.STRING },
    ],
    [
      [1n, 1_700_000_000_000_001n, 7, 'a'],
      [BIG, null, null, null],
      [-3n, 0n, 1, 'c'],
    ],
  );
  return VoltTable.fromBytes(bytes, options);
}

describe('bigint modes and JSON (unit)', () => {
  test("'bigint' (default): exact bigints in rows; toJSON writes them as strings", (t: TestContext) => {
    const tb = table();
    t.assert.strictEqual(tb.bigint, 'bigint');
    t.assert.strictEqual(tb.get(1, 'ID'), BIG);
    t.assert.deepStrictEqual([...tb.rows()][0], [1n, new Date(1_700_000_000_000), 7, 'a']);
    t.assert.deepStrictEqual(tb.toJSON()[1], { ID: String(BIG), AT: null, N: null, NAME: null });
    t.assert.strictEqual(JSON.stringify(tb), JSON.stringify(tb.toJSON()));
  });

  test("'string': BIGINT (and TIMESTAMP µs with timestamps: 'bigint') as exact strings", (t: TestContext) => {
    const tb = table({ bigint: 'string', timestamps: 'bigint' });
    t.assert.deepStrictEqual([...tb.rows()][0], ['1', '1700000000000001', 7, 'a']);
    t.assert.strictEqual(tb.get(1, 0), String(BIG));
    t.assert.strictEqual(tb.get(1, 1), null);
    t.assert.deepStrictEqual([...tb.rowObjects()][2], { ID: '-3', AT: '0', N: 1, NAME: 'c' });
    t.assert.strictEqual(tb.getBigInt(1, 0), BIG, 'typed getters keep their type');
    // A Date TIMESTAMP is not a bigint: left as a Date.
    t.assert.ok(table({ bigint: 'string' }).get(0, 'AT') instanceof Date);
  });

  test("'number': safe values as numbers; an unsafe one is refused when read, never rounded", (t: TestContext) => {
    const tb = table({ bigint: 'number' });
    t.assert.strictEqual(tb.get(0, 'ID'), 1);
    t.assert.strictEqual(tb.get(2, 'ID'), -3);
    t.assert.throws(() => tb.get(1, 'ID'), { message: /column ID row 1: 1152921504606846977 is beyond ±\(2\^53 − 1\)/ });
    t.assert.throws(() => [...tb.rows()], /row 1/);
    t.assert.throws(() => JSON.stringify(tb), /would lose precision/);
    const safe = VoltTable.fromBytes(encodeTable([{ name: 'X', type: T.BIGINT }], [[2n ** 53n - 1n], [-(2n ** 53n - 1n)], [null]]), { bigint: 'number' });
    t.assert.strictEqual(JSON.stringify(safe), '[{"X":9007199254740991},{"X":-9007199254740991},{"X":null}]');
  });

  test('columnar tables follow the mode too', (t: TestContext) => {
    const tb = table({ bigint: 'string' });
    tb.decodeColumns();
    t.assert.ok(tb.isColumnar);
    t.assert.strictEqual(tb.get(1, 'ID'), String(BIG));
    t.assert.deepStrictEqual([...tb.rows()][2], ['-3', new Date(0), 1, 'c']);
  });

  test('jsonValue: every VoltDB value kind is JSON-safe', (t: TestContext) => {
    t.assert.strictEqual(jsonValue(5n), '5');
    t.assert.strictEqual(jsonValue(new Decimal('1.500000000001')), '1.500000000001');
    t.assert.strictEqual(jsonValue(new Date(0)), '1970-01-01T00:00:00.000Z');
    t.assert.strictEqual(jsonValue(new Date(Number.NaN)), null);
    t.assert.strictEqual(jsonValue(new VoltDate(2024, 2, 29)), '2024-02-29');
    t.assert.strictEqual(jsonValue(new Uint8Array([0, 255, 16])), '00ff10');
    t.assert.strictEqual(jsonValue(new GeographyPoint(1.5, -2)), 'POINT(1.5 -2)');
    t.assert.match(String(jsonValue(Geography.fromWKT('POLYGON ((0 0, 1 0, 0 1, 0 0))'))), /^POLYGON/);
    t.assert.strictEqual(jsonValue(undefined), null);
    t.assert.strictEqual(jsonValue(true), true);
    t.assert.strictEqual(jsonValue(Symbol.for('x')), 'Symbol(x)');
  });

  test('toJSON keeps a column named __proto__ as data', (t: TestContext) => {
    const tb = VoltTable.fromBytes(encodeTable([{ name: '__proto__', type: T.INTEGER }], [[1]]));
    t.assert.strictEqual(JSON.stringify(tb), '[{"__proto__":1}]');
  });
});

describe('responses: rows, rowCount, fields, toJSON, inspect (unit)', () => {
  test('a response with no table', (t: TestContext) => {
    const r = new ProcedureResponse({ handle: 1n, status: 1, statusString: null, appStatus: -128, appStatusString: null, clusterRoundTripMs: 0, exception: null }, []);
    t.assert.deepStrictEqual(r.rows, []);
    t.assert.strictEqual(r.rowCount, 0);
    t.assert.deepStrictEqual(r.fields, []);
    t.assert.deepStrictEqual(r.toJSON(), { status: 1, statusString: null, appStatus: -128, appStatusString: null, fields: [], rowCount: 0, rows: [], moreTables: [] });
    t.assert.strictEqual(inspect(r, { breakLength: Infinity }), "Response { status: 'SUCCESS (1)', tables: 0, rowCount: 0, fields: [], rows: [] }");
  });

  test('inspect shows status, fields and the first rows — no bytes, no private fields', (t: TestContext) => {
    const r = new ProcedureResponse({ handle: 1n, status: -2, statusString: 'boom', appStatus: 3, appStatusString: 'app', clusterRoundTripMs: 0, exception: null }, [table(), table()]);
    const text = inspect(r);
    t.assert.match(text, /status: 'GRACEFUL_FAILURE \(-2\)'/);
    t.assert.match(text, /statusString: 'boom'/);
    t.assert.match(text, /appStatus: 3/);
    t.assert.match(text, /tables: 2/);
    t.assert.match(text, /fields: \[ ID BIGINT, AT TIMESTAMP, N INTEGER, NAME STRING \]/);
    t.assert.match(text, /\{ ID: 1n, AT: 2023-11-14T22:13:20\.000Z, N: 7, NAME: 'a' \}/);
    t.assert.doesNotMatch(text, /bytes|shape|view|rowList|Buffer/);
    t.assert.strictEqual(inspect({ deep: { deeper: r } }, { depth: 0 }), '{ deep: [Object] }');
    t.assert.match(inspect([r], { depth: -1 }), /\[Response\]|\[Array\]/);
    const json = r.toJSON();
    t.assert.strictEqual(json.moreTables.length, 1);
    t.assert.strictEqual(json.rows.length, 3);
  });

  test('rows are built once, on first access', (t: TestContext) => {
    const tb = table();
    const r = new ProcedureResponse({ handle: 1n, status: 1, statusString: null, appStatus: -128, appStatusString: null, clusterRoundTripMs: 0, exception: null }, [tb]);
    t.assert.strictEqual(r.rows, r.rows);
    t.assert.strictEqual(r.rows.length, 3);
    t.assert.match(inspect(r), /… 0 more|rows: \[/);
  });

  test('more than five rows: "… N more rows"', (t: TestContext) => {
    const many = VoltTable.fromBytes(encodeTable([{ name: 'X', type: T.INTEGER }], Array.from({ length: 8 }, (_, i) => [i])));
    t.assert.match(inspect(many), /\{ X: 4 \}, … 3 more rows \]/);
    const seven = VoltTable.fromBytes(encodeTable([{ name: 'X', type: T.INTEGER }], Array.from({ length: 6 }, (_, i) => [i])));
    t.assert.match(inspect(seven), /… 1 more row \]/);
  });

  test('decodeResponse gives the same response class, rows and all', (t: TestContext) => {
    const r = decodeResponse(responseFrame([{ columns: [{ name: 'X', type: T.INTEGER }], rows: [[1], [2]] }] as never));
    t.assert.ok(r instanceof ProcedureResponse);
    t.assert.deepStrictEqual(r.rows, [{ X: 1 }, { X: 2 }]);
    t.assert.strictEqual(r.rowCount, 2);
  });
});

describe('results against the embedded server', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ workloads: ['analytics'], rows: 50 });
  });
  after(() => server.close());

  for (const workers of [0, 1] as const) {
    test(`rows, rowCount, fields and typed rows (${workers === 0 ? 'inline' : 'decoded in a worker'})`, async (t: TestContext) => {
      const client = await Client.connect({ port: server.port, discover: false, decode: { workers, offThreadBytes: 1 } });
      try {
        interface Event {
          ID: bigint;
          NAME: string | null;
        }
        const result = await client.query<Event>('SELECT ID, NAME FROM EVENTS WHERE ID <= ? ORDER BY ID', [3]);
        t.assert.strictEqual(result.rowCount, 3);
        t.assert.deepStrictEqual(result.fields, [
          { name: 'ID', type: 'BIGINT' },
          { name: 'NAME', type: 'STRING' },
        ]);
        const first: Event = result.rows[0]!;
        t.assert.strictEqual(first.ID, 1n);
        t.assert.strictEqual(result.tables[0]!.isColumnar, workers === 1);
        const ping = await client.call<{ STATUS: bigint }>('@Ping');
        t.assert.strictEqual(ping.rows[0]!.STATUS, 0n);
        t.assert.strictEqual(JSON.parse(JSON.stringify(result)).rows[2].ID, '3');
      } finally {
        await client.close();
      }
    });
  }

  test('JSON.stringify works in every bigint mode, on every column type', async (t: TestContext) => {
    for (const bigint of ['bigint', 'string', 'number'] as const) {
      for (const timestamps of ['date', 'bigint'] as const) {
        const client = await Client.connect({ port: server.port, discover: false, bigint, timestamps });
        try {
          const result = await client.query('SELECT * FROM EVENTS ORDER BY ID');
          const parsed = JSON.parse(JSON.stringify(result)) as { rows: Record<string, unknown>[]; fields: unknown[] };
          t.assert.strictEqual(parsed.rows.length, 50);
          t.assert.strictEqual(parsed.fields.length, result.fields.length);
          const id = parsed.rows[0]!.ID;
          t.assert.strictEqual(id, bigint === 'number' ? 1 : '1');
          const table = JSON.parse(JSON.stringify(result.tables[0])) as unknown[];
          t.assert.deepStrictEqual(table, parsed.rows);
        } finally {
          await client.close();
        }
      }
    }
  });
});
