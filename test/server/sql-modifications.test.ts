/**
 * UPDATE and DELETE beyond `col op value [AND …]`: any WHERE the general SELECT takes (IN, IN ?,
 * LIKE, BETWEEN, OR, NOT, IS NULL, arithmetic) and computed values (`SET N = N + 1`), evaluated
 * on each row's old values; one partition's rows for a single-partition caller; a refusal part-way
 * (out of range, UNIQUE) changes nothing.
 */
import { describe, test, type TestContext } from 'node:test';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Database } from '../../src/server/database.js';
import { refusal, rowsOf, runBatch } from './sql-helpers.js';

function run(db: Database, sql: string, params: unknown[] = [], partition?: number): unknown[][] {
  return rowsOf(runBatch(db, sql, params, partition)[0]!);
}

function table(): Database {
  const db = new Database();
  run(db, 'CREATE TABLE T (ID INTEGER NOT NULL, NAME VARCHAR(16), N TINYINT, CODE INTEGER UNIQUE, PRIMARY KEY (ID))');
  const rows: unknown[][] = [
    [1, 'alpha', 1, 10],
    [2, 'beta', 2, 20],
    [3, 'gamma', null, 30],
    [4, 'alpine', 127, 40],
    [5, null, 5, 50],
  ];
  for (const row of rows) run(db, 'INSERT INTO T VALUES (?, ?, ?, ?)', row);
  return db;
}

describe('general UPDATE and DELETE', () => {
  test('SET with expressions over the old values, WHERE with IN, LIKE, BETWEEN, OR', (t: TestContext) => {
    const db = table();
    t.assert.deepStrictEqual(run(db, 'UPDATE T SET N = N + 1 WHERE ID IN (1, 2)'), [[2n]]);
    t.assert.deepStrictEqual(run(db, "UPDATE T SET NAME = 'a' WHERE NAME LIKE 'alp%' OR ID BETWEEN 5 AND 6"), [[3n]]);
    // Both assignments read the row as it was: a swap.
    t.assert.deepStrictEqual(run(db, 'UPDATE T SET N = CODE - 28, CODE = N + 100 WHERE ID = ?', [2]), [[1n]]);
    t.assert.deepStrictEqual(run(db, 'UPDATE T SET N = 0 WHERE ID IN ? AND NOT (N IS NULL)', [[3, 4]]), [[1n]]);
    t.assert.deepStrictEqual(run(db, 'SELECT ID, NAME, N, CODE FROM T ORDER BY ID'), [
      [1, 'a', 2, 10],
      [2, 'beta', -8, 103],
      [3, 'gamma', null, 30],
      [4, 'a', 0, 40],
      [5, 'a', 5, 50],
    ]);
  });

  test('DELETE with any condition', (t: TestContext) => {
    const db = table();
    t.assert.deepStrictEqual(run(db, "DELETE FROM T WHERE NAME IS NULL OR NAME LIKE '%ta'"), [[2n]]);
    t.assert.deepStrictEqual(run(db, 'DELETE FROM T WHERE CODE * 2 >= ?', [80]), [[1n]]);
    t.assert.deepStrictEqual(run(db, 'SELECT ID FROM T ORDER BY ID'), [[1], [3]]);
  });

  test('a value out of the column’s range is refused in VoltDB’s words, and the statement changes nothing', (t: TestContext) => {
    const db = table();
    t.assert.strictEqual(
      refusal(t, () => run(db, 'UPDATE T SET N = N + 1 WHERE ID >= 1 OR ID IN (4)')),
      "VOLTDB ERROR: SQL ERROR Type BIGINT with value 128 can't be cast as TINYINT because the value is out of range for the destination type",
    );
    t.assert.match(refusal(t, () => run(db, 'UPDATE T SET CODE = CODE + 10 WHERE ID IN (1, 2)')), /Constraint Type UNIQUE, Table CatalogId T/);
    t.assert.deepStrictEqual(run(db, 'SELECT N, CODE FROM T ORDER BY ID'), [
      [1, 10],
      [2, 20],
      [null, 30],
      [127, 40],
      [5, 50],
    ]);
  });

  test('a batch that writes in several statements is one transaction: refused anywhere, none of it stays', (t: TestContext) => {
    const db = table();
    t.assert.match(refusal(t, () => run(db, "INSERT INTO T VALUES (6, 'f', 6, 60); INSERT INTO T VALUES (1, 'again', 1, 61)")), /Constraint Type UNIQUE/);
    t.assert.match(
      refusal(t, () => run(db, "UPDATE T SET N = 0 WHERE ID = 1; DELETE FROM T WHERE ID IN (2, 3); INSERT INTO T VALUES (7, 'g', 7, 10)")),
      /Relevant Tuples:[\s\S]*  7 g[\s\S]*  1 alpha/,
    );
    t.assert.deepStrictEqual(run(db, 'SELECT ID, N, CODE FROM T ORDER BY ID'), [
      [1, 1, 10],
      [2, 2, 20],
      [3, null, 30],
      [4, 127, 40],
      [5, 5, 50],
    ]);
    // The restored rows are indexed again: their keys and unique values are taken, the others free.
    t.assert.match(refusal(t, () => run(db, "INSERT INTO T VALUES (8, 'h', 8, 20)")), /Constraint Type UNIQUE/);
    t.assert.deepStrictEqual(run(db, "INSERT INTO T VALUES (6, 'f', 6, 60)"), [[1n]]);
  });

  test('a single-partition caller changes only its own partition’s rows', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE P (K INTEGER NOT NULL, V INTEGER)');
    run(db, 'PARTITION TABLE P ON COLUMN K');
    for (let k = 0; k < 40; k++) run(db, 'INSERT INTO P VALUES (?, 0)', [k]);
    const home = db.partitionFor(7, VOLT_TYPE.INTEGER);
    const mine = Array.from({ length: 40 }, (_, k) => k).filter((k) => db.partitionFor(k, VOLT_TYPE.INTEGER) === home);
    t.assert.deepStrictEqual(run(db, 'UPDATE P SET V = V + K WHERE K >= 0 OR V IS NULL', [], home), [[BigInt(mine.length)]]);
    t.assert.deepStrictEqual(run(db, 'SELECT K FROM P WHERE V <> 0 OR K = 0 ORDER BY K'), (mine.includes(0) ? mine : [0, ...mine]).map((k) => [k]));
    t.assert.deepStrictEqual(run(db, 'DELETE FROM P WHERE NOT (K IN ?)', [[7]], home), [[BigInt(mine.length - 1)]]);
    t.assert.deepStrictEqual(run(db, 'SELECT COUNT(*) FROM P'), [[BigInt(40 - mine.length + 1)]]);
  });

  test('errors: unknown columns and tables as VoltDB words them; nonsense stays a syntax error', (t: TestContext) => {
    const db = table();
    t.assert.match(refusal(t, () => run(db, 'UPDATE T SET NOPE = 1 WHERE ID IN (1)')), /object not found: NOPE/);
    t.assert.match(refusal(t, () => run(db, 'UPDATE T SET N = 1 WHERE NOPE LIKE ?', ['x'])), /object not found: NOPE/);
    t.assert.match(refusal(t, () => run(db, 'DELETE FROM NOPE WHERE ID IN (1)')), /object not found: NOPE/);
    t.assert.match(refusal(t, () => run(db, 'UPDATE T SETT N = 1')), /SQL Syntax error/);
  });
});
