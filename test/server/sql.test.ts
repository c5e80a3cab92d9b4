import { describe, test, type TestContext } from 'node:test';
import { ProcedureError } from '../../src/errors.js';
import { MP_PARTITION_ID, STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { Database } from '../../src/server/database.js';
import type { ResultSet } from '../../src/server/result-set.js';
import { executeBatch, prepareBatch } from '../../src/server/sql/executor.js';
import { parseStatement } from '../../src/server/sql/parser.js';
import { splitStatements, tokenize } from '../../src/server/sql/tokenizer.js';
import { StoredTable } from '../../src/server/store.js';

function rows(result: ResultSet): unknown[][] {
  return Array.from({ length: result.rowCount }, (_, i) => result.row(i));
}

function run(db: Database, sql: string, params: unknown[] = []): ResultSet[] {
  return executeBatch(db, sql, params);
}

function one(db: Database, sql: string, params: unknown[] = []): unknown[][] {
  return rows(run(db, sql, params)[0]!);
}

function failure(t: TestContext, fn: () => unknown, status: number, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    t.assert.ok(error instanceof ProcedureError, `expected a ProcedureError, got ${String(error)}`);
    t.assert.strictEqual(error.status, status);
    t.assert.match(String(error.statusString), pattern);
    return;
  }
  t.assert.fail(`expected a failure matching ${pattern}`);
}

const ALL_TYPES =
  'CREATE TABLE T (ID INTEGER NOT NULL, TI TINYINT, SI SMALLINT, I INT, B BIGINT, F FLOAT, D DECIMAL(38,12), V VARCHAR(8), VB VARBINARY(4), TS TIMESTAMP, P GEOGRAPHY_POINT, G GEOGRAPHY(4096), PRIMARY KEY (ID));';

describe('SQL tokenizer and parser', () => {
  test('tokens: words upper-cased, quoted identifiers kept, strings unescaped, hex, numbers exact, comments skipped', (t: TestContext) => {
    const tokens = tokenize(`select "MiXed", 'it''s', x'0aFF', -1.5e300, 12345678901234567890.5 -- comment\n ? <> != <= >=`);
    t.assert.deepStrictEqual(
      tokens.map((k) => [k.kind, k.text]),
      [
        ['word', 'SELECT'],
        ['quoted', 'MiXed'],
        ['symbol', ','],
        ['string', "it's"],
        ['symbol', ','],
        ['hex', '0aFF'],
        ['symbol', ','],
        ['symbol', '-'],
        ['number', '1.5e300'],
        ['symbol', ','],
        ['number', '12345678901234567890.5'],
        ['param', '?'],
        ['symbol', '<>'],
        ['symbol', '!='],
        ['symbol', '<='],
        ['symbol', '>='],
        ['end', ''],
      ],
    );
  });

  test('tokenizer errors', (t: TestContext) => {
    failure(t, () => tokenize("SELECT 'open"), STATUS.GRACEFUL_FAILURE, /unterminated string/);
    failure(t, () => tokenize("SELECT x'abc'"), STATUS.GRACEFUL_FAILURE, /malformed binary string/);
    failure(t, () => tokenize('SELECT "open'), STATUS.GRACEFUL_FAILURE, /unterminated quoted identifier/);
    failure(t, () => tokenize('SELECT #'), STATUS.GRACEFUL_FAILURE, /unexpected token: #/);
  });

  test('statements split on ; outside quotes and comments', (t: TestContext) => {
    t.assert.deepStrictEqual(splitStatements("SELECT 'a;b' FROM T; -- x;y\nSELECT \"c;d\" FROM U;;  "), ["SELECT 'a;b' FROM T", '-- x;y\nSELECT "c;d" FROM U']);
    t.assert.deepStrictEqual(splitStatements('-- only a comment'), []);
  });

  test('parse: each statement kind', (t: TestContext) => {
    t.assert.deepStrictEqual(parseStatement('SELECT A, B AS X, COUNT(*), MAX(C) m FROM T WHERE A = ? AND B IS NOT NULL ORDER BY A DESC, B LIMIT 5 OFFSET ?').statement, {
      kind: 'select',
      table: 'T',
      items: [
        { kind: 'column', column: 'A', alias: undefined },
        { kind: 'column', column: 'B', alias: 'X' },
        { kind: 'aggregate', fn: 'COUNT', column: undefined, alias: undefined },
        { kind: 'aggregate', fn: 'MAX', column: 'C', alias: 'M' },
      ],
      where: [
        { kind: 'compare', column: 'A', op: '=', value: { kind: 'param', index: 0 } },
        { kind: 'null-check', column: 'B', negated: true },
      ],
      orderBy: [
        { column: 'A', descending: true },
        { column: 'B', descending: false },
      ],
      limit: { kind: 'number', text: '5' },
      offset: { kind: 'param', index: 1 },
    });
    t.assert.strictEqual(parseStatement('UPSERT INTO T (A) VALUES (?)', 3).statement.kind, 'insert');
    t.assert.deepStrictEqual(parseStatement('DROP TABLE IF EXISTS T CASCADE').statement, { kind: 'drop-table', table: 'T', ifExists: true });
    t.assert.deepStrictEqual(parseStatement('PARTITION TABLE T ON COLUMN C;').statement, { kind: 'partition-table', table: 'T', column: 'C' });
    t.assert.strictEqual(parseStatement('UPDATE T SET A = 1, B = ? WHERE C <> 2').paramCount, 1);
    t.assert.strictEqual(parseStatement('SELECT T.A FROM T WHERE T.B != 1').statement.kind, 'select');
  });

  test('syntax errors name the statement and the token, as VoltDB does', (t: TestContext) => {
    failure(t, () => parseStatement('SELEC nonsense;'), STATUS.GRACEFUL_FAILURE, /^SQL error while compiling query: SQL Syntax error in "SELEC nonsense" unexpected token: SELEC$/);
    failure(t, () => parseStatement('SELECT FROM'), STATUS.GRACEFUL_FAILURE, /unexpected token: FROM/);
    failure(t, () => parseStatement('SELECT A FROM'), STATUS.GRACEFUL_FAILURE, /unexpected end of statement/);
    failure(t, () => parseStatement('SELECT A FROM T WHERE A LIKE 1'), STATUS.GRACEFUL_FAILURE, /unexpected token: LIKE/);
    failure(t, () => parseStatement('INSERT INTO T VALUES (-)'), STATUS.GRACEFUL_FAILURE, /unexpected token/);
    failure(t, () => parseStatement('INSERT INTO T VALUES (FOO)'), STATUS.GRACEFUL_FAILURE, /unexpected token: FOO/);
    failure(t, () => parseStatement('INSERT INTO T VALUES ((1))'), STATUS.GRACEFUL_FAILURE, /unexpected token: \(/);
    failure(t, () => parseStatement("SELECT A FROM T WHERE A = 'x' 'y'"), STATUS.GRACEFUL_FAILURE, /unexpected token: 'y'/);
    failure(t, () => parseStatement('CREATE TABLE T (A VARCHAR(x))'), STATUS.GRACEFUL_FAILURE, /unexpected token: X/);
    failure(t, () => parseStatement('CREATE TABLE T (A 5)'), STATUS.GRACEFUL_FAILURE, /expected a column type/);
    failure(t, () => parseStatement('CREATE VIEW V AS SELECT 1'), STATUS.GRACEFUL_FAILURE, /required: TABLE/);
    failure(t, () => parseStatement('SELECT A FROM T LIMIT 1 2'), STATUS.GRACEFUL_FAILURE, /unexpected token: 2/);
  });
});

describe('SQL executor', () => {
  test('DDL: every column type, STATUS answers, default procedures, PARTITION and DROP', (t: TestContext) => {
    const db = new Database();
    const [created] = run(db, ALL_TYPES);
    t.assert.deepStrictEqual(rows(created!), [[0n]]);
    t.assert.strictEqual(created!.columns[0]!.name, 'STATUS');
    const table = db.table('T') as StoredTable;
    t.assert.deepStrictEqual(
      table.schema.columns.map((c) => c.type),
      [5, 3, 4, 5, 6, 8, 22, 9, 25, 11, 26, 27],
    );
    t.assert.strictEqual(table.schema.columns[0]!.nullable, false);
    t.assert.deepStrictEqual([...db.procedures.keys()].filter((n) => n.startsWith('T.')).sort(), ['T.delete', 'T.insert', 'T.update', 'T.upsert']);
    run(db, 'PARTITION TABLE T ON COLUMN ID');
    t.assert.deepStrictEqual([...db.procedures.keys()].filter((n) => n.startsWith('T.')).sort(), ['T.delete', 'T.insert', 'T.select', 'T.update', 'T.upsert']);
    t.assert.strictEqual((db.table('T') as StoredTable).segments.length, 8);
    run(db, 'CREATE TABLE NOKEY (A INTEGER DEFAULT 7, B VARCHAR(3 BYTES) UNIQUE)');
    t.assert.deepStrictEqual([...db.procedures.keys()].filter((n) => n.startsWith('NOKEY.')), ['NOKEY.insert']);
    run(db, 'DROP TABLE NOKEY');
    t.assert.strictEqual(db.table('NOKEY'), undefined);
    t.assert.ok(!db.procedures.has('NOKEY.insert'));
    run(db, 'DROP TABLE NOKEY IF EXISTS');
    run(db, 'CREATE TABLE INLINE (A BIGINT PRIMARY KEY NOT NULL, B VARCHAR)');
    t.assert.deepStrictEqual((db.table('INLINE') as StoredTable).schema.primaryKey, [0]);
    t.assert.strictEqual((db.table('INLINE') as StoredTable).schema.columns[1]!.size, 1048576);
  });

  test('DDL errors', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE A (X INTEGER NOT NULL, Y FLOAT, S VARCHAR(4), PRIMARY KEY (X))');
    failure(t, () => run(db, 'CREATE TABLE A (X INTEGER)'), STATUS.GRACEFUL_FAILURE, /object name already exists: A/);
    failure(t, () => run(db, 'CREATE TABLE B (X INTEGER, X INTEGER)'), STATUS.GRACEFUL_FAILURE, /duplicate column name/);
    failure(t, () => run(db, 'CREATE TABLE B (X BLOB)'), STATUS.GRACEFUL_FAILURE, /type not found or user lacks privilege: BLOB/);
    failure(t, () => run(db, 'CREATE TABLE B (X INTEGER, PRIMARY KEY (Q))'), STATUS.GRACEFUL_FAILURE, /object not found: Q/);
    failure(t, () => run(db, 'CREATE TABLE B (X INTEGER DEFAULT \'abc\')'), STATUS.GRACEFUL_FAILURE, /Unable to convert string abc/);
    failure(t, () => run(db, 'PARTITION TABLE NOPE ON COLUMN X'), STATUS.GRACEFUL_FAILURE, /object not found: NOPE/);
    failure(t, () => run(db, 'PARTITION TABLE A ON COLUMN Y'), STATUS.GRACEFUL_FAILURE, /is not a valid type/);
    failure(t, () => run(db, 'PARTITION TABLE A ON COLUMN S'), STATUS.GRACEFUL_FAILURE, /is nullable/);
    run(db, 'CREATE TABLE K (X INTEGER NOT NULL, Y INTEGER NOT NULL, PRIMARY KEY (X))');
    failure(t, () => run(db, 'PARTITION TABLE K ON COLUMN Y'), STATUS.GRACEFUL_FAILURE, /does not include the partitioning column Y/);
    run(db, 'INSERT INTO A (X) VALUES (1)');
    failure(t, () => run(db, 'PARTITION TABLE A ON COLUMN X'), STATUS.GRACEFUL_FAILURE, /only repartitions empty tables/);
    failure(t, () => run(db, 'DROP TABLE NOPE'), STATUS.GRACEFUL_FAILURE, /object not found: NOPE/);
    failure(t, () => run(db, 'CREATE TABLE C (X INTEGER); SELECT * FROM A'), STATUS.GRACEFUL_FAILURE, /DDL mixed with DML/);
    failure(t, () => run(db, '  ;  '), STATUS.GRACEFUL_FAILURE, /no SQL statement/);
  });

  test('INSERT literals of every type, NULLs by omission, SELECT * and by parameter', (t: TestContext) => {
    const db = new Database();
    run(db, ALL_TYPES);
    const [inserted] = run(
      db,
      "INSERT INTO T VALUES (1, -127, -32767, -2147483647, -9223372036854775807, -1.5e300, -12345678901234567890.123456789012, 'héllo', x'0001feff', '2023-11-14 22:13:20.123456', POINTFROMTEXT('POINT(-71.06 42.36)'), POLYGONFROMTEXT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))'))",
    );
    t.assert.deepStrictEqual(rows(inserted!), [[1n]]);
    t.assert.strictEqual(inserted!.status, 0, 'DML counts carry table status 0');
    run(db, 'INSERT INTO T (ID) VALUES (2)');
    run(db, 'INSERT INTO T (ID, V, TS, D, F) VALUES (?, ?, ?, ?, ?)', [3, 'x', 0n, '2.5', 3]);
    const all = one(db, 'SELECT * FROM T ORDER BY ID');
    t.assert.strictEqual(all.length, 3);
    const first = all[0]!;
    t.assert.deepStrictEqual(first.slice(0, 6), [1, -127, -32767, -2147483647, -9223372036854775807n, -1.5e300]);
    t.assert.ok((first[6] as Decimal).eq(new Decimal('-12345678901234567890.123456789012')));
    t.assert.strictEqual(first[7], 'héllo');
    t.assert.deepStrictEqual(first[8], Uint8Array.of(0, 1, 0xfe, 0xff));
    t.assert.strictEqual(first[9], 1700000000123456n);
    t.assert.ok((first[10] as GeographyPoint).equals(new GeographyPoint(-71.06, 42.36)));
    t.assert.ok(first[11] instanceof Geography);
    const nulls = all[1]!;
    t.assert.deepStrictEqual(nulls.slice(1, 5), [null, null, null, null]);
    t.assert.strictEqual(nulls[5], -Number.MAX_VALUE, 'NULL FLOAT as the engine writes it');
    t.assert.deepStrictEqual(nulls.slice(6), [null, null, null, null, null, null]);
    t.assert.deepStrictEqual(one(db, 'SELECT ID, V FROM T WHERE ID = ?', [3]), [[3, 'x']]);
    t.assert.strictEqual((one(db, 'SELECT D FROM T WHERE ID = 3')[0]![0] as Decimal).toString(), '2.5');
  });

  test('INSERT errors: sizes, NOT NULL, duplicates, types, counts', (t: TestContext) => {
    const db = new Database();
    run(db, ALL_TYPES);
    run(db, "INSERT INTO T (ID, V) VALUES (1, 'one')");
    failure(t, () => run(db, "INSERT INTO T (ID, V) VALUES (2, 'ninechars')"), STATUS.GRACEFUL_FAILURE, /^VOLTDB ERROR: SQL ERROR The size 9 of the value 'ninechars' exceeds the size of the VARCHAR\(8\) column 'V'$/);
    failure(t, () => run(db, "INSERT INTO T (ID, VB) VALUES (2, x'0102030405')"), STATUS.GRACEFUL_FAILURE, /size 5 of the value '0102030405' exceeds the size of the VARBINARY\(4\)/);
    failure(t, () => run(db, 'INSERT INTO T (V) VALUES (?)', ['x']), STATUS.GRACEFUL_FAILURE, /NULL value into column 'ID'/);
    failure(t, () => run(db, "INSERT INTO T (ID, V) VALUES (1, 'again')"), STATUS.GRACEFUL_FAILURE, /CONSTRAINT VIOLATION[\s\S]*Constraint Type UNIQUE, Table CatalogId T[\s\S]*again/);
    failure(t, () => run(db, "INSERT INTO T (ID, TI) VALUES (2, 300)"), STATUS.GRACEFUL_FAILURE, /out of range for the target parameter type: byte/);
    failure(t, () => run(db, 'INSERT INTO T (ID, TI) VALUES (?, ?)', [2, 'x']), STATUS.GRACEFUL_FAILURE, /PROCEDURE @AdHoc TYPE ERROR FOR PARAMETER 1: .*Unable to convert string x to long/);
    failure(t, () => run(db, 'INSERT INTO T (ID) VALUES (1, 2)'), STATUS.GRACEFUL_FAILURE, /row column count mismatch/);
    failure(t, () => run(db, 'INSERT INTO T (ID, P) VALUES (2, POLYGONFROMTEXT(?))', ['POLYGON((0 0, 1 0, 1 1, 0 0))']), STATUS.GRACEFUL_FAILURE, /incompatible data type/);
    failure(t, () => run(db, 'INSERT INTO T (ID, P) VALUES (2, POINTFROMTEXT(3))'), STATUS.GRACEFUL_FAILURE, /needs a string argument/);
    failure(t, () => run(db, "INSERT INTO T (ID, P) VALUES (2, POINTFROMTEXT('POINT(x y)'))"), STATUS.GRACEFUL_FAILURE, /WKT/);
    failure(t, () => run(db, 'INSERT INTO NOPE VALUES (1)'), STATUS.GRACEFUL_FAILURE, /object not found: NOPE/);
    failure(t, () => run(db, 'INSERT INTO T (NOPE) VALUES (1)'), STATUS.GRACEFUL_FAILURE, /object not found: NOPE/);
    failure(t, () => run(db, 'SELECT * FROM T WHERE ID = ?', []), STATUS.GRACEFUL_FAILURE, /Incorrect number of parameters passed: expected 1, passed 0/);
  });

  test('SELECT: WHERE operators, NULL checks, ORDER BY, LIMIT, OFFSET, aliases, aggregates', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE N (ID INTEGER NOT NULL, G VARCHAR(4), X FLOAT, D DECIMAL, PRIMARY KEY (ID))');
    for (let i = 1; i <= 10; i++) run(db, 'INSERT INTO N VALUES (?, ?, ?, ?)', [i, i % 2 === 0 ? 'even' : 'odd', i === 5 ? null : i / 2, i === 3 ? null : String(i)]);
    const ids = (sql: string, params: unknown[] = []): unknown[] => one(db, sql, params).map((r) => r[0]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID > 7'), [8, 9, 10]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID >= 9'), [9, 10]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID < 3 ORDER BY ID DESC'), [2, 1]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID <= 2'), [1, 2]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID <> 1 AND ID != 2 AND ID < 5'), [3, 4]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE X IS NULL'), [5]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE X IS NOT NULL AND X > 4'), [9, 10]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE X = ?', [null]), []);
    t.assert.deepStrictEqual(ids("SELECT ID FROM N WHERE G = 'odd' ORDER BY X DESC LIMIT 2"), [9, 7]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N ORDER BY G, ID DESC LIMIT 3 OFFSET 1'), [8, 6, 4]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N ORDER BY ID LIMIT ? OFFSET ?', [2, 8]), [9, 10]);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE ID = 1000000'), []);
    t.assert.deepStrictEqual(ids('SELECT ID FROM N WHERE D > 8.5'), [9, 10]);
    t.assert.deepStrictEqual(ids("SELECT ID FROM N WHERE ID < '3'"), [1, 2]);
    t.assert.deepStrictEqual(ids('SELECT ID AS K FROM N ORDER BY K DESC LIMIT 1'), [10]);
    const [counted] = run(db, 'SELECT COUNT(*), COUNT(X), MIN(ID), MAX(G), SUM(ID), AVG(ID), SUM(X), AVG(X), SUM(D), AVG(D) AS A FROM N');
    t.assert.deepStrictEqual(counted!.columns.map((c) => [c.name, c.type]), [
      ['C1', 6],
      ['C2', 6],
      ['C3', 5],
      ['C4', 9],
      ['C5', 6],
      ['C6', 5],
      ['C7', 8],
      ['C8', 8],
      ['C9', 22],
      ['A', 22],
    ]);
    const [row] = rows(counted!);
    t.assert.deepStrictEqual(row!.slice(0, 8), [10n, 9n, 1, 'odd', 55n, 5, 25, 25 / 9]);
    t.assert.strictEqual((row![8] as Decimal).toString(), '52');
    t.assert.deepStrictEqual(one(db, 'SELECT MAX(X), SUM(ID) FROM N WHERE ID > 100'), [[-Number.MAX_VALUE, null]]);
    failure(t, () => run(db, 'SELECT ID, COUNT(*) FROM N'), STATUS.GRACEFUL_FAILURE, /GROUP BY/);
    failure(t, () => run(db, 'SELECT NOPE FROM N'), STATUS.GRACEFUL_FAILURE, /object not found: NOPE/);
    failure(t, () => run(db, 'SELECT ID FROM N LIMIT -1'), STATUS.GRACEFUL_FAILURE, /invalid LIMIT/);
    failure(t, () => run(db, "SELECT ID FROM N WHERE ID = 'abc'"), STATUS.GRACEFUL_FAILURE, /Unable to convert string abc/);
  });

  test('UPDATE and DELETE answer modified_tuples; keys stay unique', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, V VARCHAR(10), PRIMARY KEY (ID))');
    for (let i = 1; i <= 5; i++) run(db, 'INSERT INTO U VALUES (?, ?)', [i, `v${i}`]);
    t.assert.deepStrictEqual(rows(run(db, "UPDATE U SET V = 'big' WHERE ID > ?", [3])[0]!), [[2n]]);
    t.assert.deepStrictEqual(one(db, "SELECT ID FROM U WHERE V = 'big'"), [[4], [5]]);
    t.assert.deepStrictEqual(rows(run(db, 'UPDATE U SET ID = 10 WHERE ID = 1')[0]!), [[1n]]);
    failure(t, () => run(db, 'UPDATE U SET ID = 10 WHERE ID = 2'), STATUS.GRACEFUL_FAILURE, /CONSTRAINT VIOLATION/);
    t.assert.deepStrictEqual(rows(run(db, 'DELETE FROM U WHERE ID >= 4 AND ID < 10')[0]!), [[2n]]);
    t.assert.deepStrictEqual(rows(run(db, 'UPSERT INTO U VALUES (2, ?)', ['up'])[0]!), [[1n]]);
    t.assert.deepStrictEqual(one(db, 'SELECT * FROM U ORDER BY ID'), [
      [2, 'up'],
      [3, 'v3'],
      [10, 'v1'],
    ]);
    t.assert.deepStrictEqual(rows(run(db, 'DELETE FROM U')[0]!), [[3n]]);
    t.assert.deepStrictEqual(one(db, 'SELECT COUNT(*) FROM U'), [[0n]]);
    failure(t, () => run(db, 'DELETE FROM V_NOPE'), STATUS.GRACEFUL_FAILURE, /object not found/);
  });

  test('partitioned tables: rows land in their partition; a single-partition scope sees only its own', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE P (K BIGINT NOT NULL, V INTEGER, PRIMARY KEY (K)); ');
    run(db, 'PARTITION TABLE P ON COLUMN K');
    for (let k = 0; k < 50; k++) run(db, 'INSERT INTO P VALUES (?, ?)', [BigInt(k), k]);
    const table = db.table('P') as StoredTable;
    const p7 = db.partitionFor(7n, VOLT_TYPE.BIGINT);
    t.assert.ok(table.segments[p7]!.find(7n) >= 0);
    const scoped = executeBatch(db, 'SELECT K FROM P', [], { partition: p7, procedure: 'SP' })[0]!;
    t.assert.strictEqual(scoped.rowCount, table.segments[p7]!.liveCount);
    t.assert.ok(rows(scoped).every(([k]) => db.partitionFor(k, VOLT_TYPE.BIGINT) === p7));
    t.assert.deepStrictEqual(rows(executeBatch(db, 'SELECT V FROM P WHERE K = 7', [], { partition: p7, procedure: 'SP' })[0]!), [[7]]);
    t.assert.deepStrictEqual(rows(executeBatch(db, 'SELECT V FROM P WHERE K = 7', [], { partition: (p7 + 1) % 8, procedure: 'SP' })[0]!), []);
    failure(t, () => executeBatch(db, 'INSERT INTO P VALUES (7000, 1)', [], { partition: (db.partitionFor(7000n, VOLT_TYPE.BIGINT) + 1) % 8, procedure: 'SP' }), STATUS.GRACEFUL_FAILURE, /Mispartitioned tuple/);
    const elsewhere = [1000n, 1001n, 1002n, 1003n, 1004n].find((k) => db.partitionFor(k, VOLT_TYPE.BIGINT) !== db.partitionFor(1n, VOLT_TYPE.BIGINT))!;
    failure(t, () => run(db, 'UPDATE P SET K = ? WHERE K = 1', [elsewhere]), STATUS.GRACEFUL_FAILURE, /partitioning column/);
    t.assert.deepStrictEqual(one(db, 'SELECT COUNT(*) FROM P'), [[50n]]);
    t.assert.strictEqual(prepareBatch('SELECT K FROM P; SELECT V FROM P').readOnly, true);
    t.assert.strictEqual(MP_PARTITION_ID, 16383);
  });

  test('deleting most rows compacts the segment and keeps the key index right', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE C (ID INTEGER NOT NULL, PRIMARY KEY (ID))');
    for (let i = 0; i < 100; i++) run(db, 'INSERT INTO C VALUES (?)', [i]);
    run(db, 'DELETE FROM C WHERE ID < 90');
    const table = db.table('C') as StoredTable;
    t.assert.strictEqual(table.segments[0]!.length, 10);
    t.assert.deepStrictEqual(one(db, 'SELECT ID FROM C WHERE ID = 95'), [[95]]);
    run(db, 'INSERT INTO C VALUES (5)');
    t.assert.deepStrictEqual(one(db, 'SELECT COUNT(*) FROM C'), [[11n]]);
  });
});
