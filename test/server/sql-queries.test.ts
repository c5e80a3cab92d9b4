/**
 * The general SELECT of the embedded server: GROUP BY with the aggregates, HAVING, IN (list and
 * `IN ?`), LIKE, BETWEEN, IS NULL, OR / NOT, arithmetic, DISTINCT, ORDER BY alias / position,
 * LIMIT / OFFSET, joins of two and three tables, and VoltDB's refusals — each answer shaped as
 * the real server names it (`C<n>` for an unnamed expression).
 */
import { describe, test, type TestContext } from 'node:test';
import { ProcedureError } from '../../src/errors.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Database } from '../../src/server/database.js';
import type { ResultSet } from '../../src/server/result-set.js';
import { executeBatch, prepareBatch } from '../../src/server/sql/executor.js';

function run(db: Database, sql: string, ...params: unknown[]): ResultSet {
  return executeBatch(db, sql, params)[0]!;
}

function rows(result: ResultSet): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < result.rowCount; i++) out.push(result.row(i));
  return out;
}

function shape(result: ResultSet): string[] {
  return result.columns.map((c) => `${c.name}:${c.type}`);
}

describe('general SELECT', () => {
  const db = new Database({ partitions: 4 });
  executeBatch(db, 'CREATE TABLE CUSTOMER (ID INTEGER NOT NULL, NAME VARCHAR(20), CITY VARCHAR(20), PRIMARY KEY (ID));', []);
  executeBatch(db, 'CREATE TABLE ORDERS (ID BIGINT NOT NULL, CUSTOMER_ID INTEGER NOT NULL, PRODUCT_ID INTEGER, QTY INTEGER, PRICE FLOAT);', []);
  executeBatch(db, 'PARTITION TABLE ORDERS ON COLUMN ID;', []);
  executeBatch(db, 'CREATE TABLE PRODUCT (ID INTEGER NOT NULL, LABEL VARCHAR(20), PRIMARY KEY (ID));', []);
  const customers: [number, string, string | null][] = [[1, 'Ann', 'Oslo'], [2, 'Bob', 'Rome'], [3, 'Cid', null], [4, 'Ada', 'Oslo']];
  for (const c of customers) executeBatch(db, 'INSERT INTO CUSTOMER VALUES (?, ?, ?);', c);
  for (const p of [[10, 'pen'], [11, 'ink'], [12, 'pad']]) executeBatch(db, 'INSERT INTO PRODUCT VALUES (?, ?);', p);
  const orders: [number, number, number, number, number][] = [[100, 1, 10, 2, 1.5], [101, 1, 11, 1, 4], [102, 2, 10, 5, 1.5], [103, 4, 12, 1, 3], [104, 4, 10, 3, 1.5]];
  for (const o of orders) executeBatch(db, 'INSERT INTO ORDERS VALUES (?, ?, ?, ?, ?);', o);

  test('GROUP BY with COUNT, SUM, MIN, MAX, AVG: names and types as VoltDB gives them', (t: TestContext) => {
    const result = run(db, 'SELECT CUSTOMER_ID, COUNT(*), SUM(QTY), MIN(PRICE), MAX(PRODUCT_ID), AVG(QTY) FROM ORDERS GROUP BY CUSTOMER_ID ORDER BY CUSTOMER_ID');
    const { INTEGER, BIGINT, FLOAT } = VOLT_TYPE;
    t.assert.deepStrictEqual(shape(result), [`CUSTOMER_ID:${INTEGER}`, `C2:${BIGINT}`, `C3:${BIGINT}`, `C4:${FLOAT}`, `C5:${INTEGER}`, `C6:${INTEGER}`]);
    t.assert.deepStrictEqual(rows(result), [
      [1, 2n, 3n, 1.5, 11, 1],
      [2, 1n, 5n, 1.5, 10, 5],
      [4, 2n, 4n, 1.5, 12, 2],
    ]);
  });

  test('HAVING, aliases, ORDER BY an alias, a position, DESC; LIMIT and OFFSET', (t: TestContext) => {
    const result = run(db, 'SELECT CUSTOMER_ID AS WHO, SUM(QTY) AS TOTAL FROM ORDERS GROUP BY CUSTOMER_ID HAVING COUNT(*) > 1 ORDER BY TOTAL DESC');
    t.assert.deepStrictEqual(shape(result), [`WHO:${VOLT_TYPE.INTEGER}`, `TOTAL:${VOLT_TYPE.BIGINT}`]);
    t.assert.deepStrictEqual(rows(result), [[4, 4n], [1, 3n]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT ID, NAME FROM CUSTOMER ORDER BY 2 LIMIT 2 OFFSET 1 ')), [[1, 'Ann'], [2, 'Bob']]);
  });

  test('IN (list), NOT IN, IN ? with an array parameter', (t: TestContext) => {
    t.assert.deepStrictEqual(rows(run(db, 'SELECT ID FROM CUSTOMER WHERE ID IN (1, 3, 9) ORDER BY ID')), [[1], [3]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT ID FROM CUSTOMER WHERE ID NOT IN (1, 3) ORDER BY ID')), [[2], [4]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT NAME FROM CUSTOMER WHERE ID IN ? ORDER BY NAME', [4, 2])), [['Ada'], ['Bob']]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT COUNT(*) FROM ORDERS WHERE ID IN ?', [100n, 104n, 999n])), [[2n]]);
  });

  test('LIKE, BETWEEN, IS NULL, OR, NOT, parentheses, arithmetic, DISTINCT', (t: TestContext) => {
    t.assert.deepStrictEqual(rows(run(db, "SELECT NAME FROM CUSTOMER WHERE NAME LIKE 'A%' ORDER BY NAME")), [['Ada'], ['Ann']]);
    t.assert.deepStrictEqual(rows(run(db, "SELECT NAME FROM CUSTOMER WHERE NAME NOT LIKE '_o_'  ORDER BY NAME")), [['Ada'], ['Ann'], ['Cid']]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT ID FROM ORDERS WHERE QTY BETWEEN 2 AND 3 ORDER BY ID')), [[100n], [104n]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT NAME FROM CUSTOMER WHERE CITY IS NULL')), [['Cid']]);
    t.assert.deepStrictEqual(rows(run(db, "SELECT ID FROM CUSTOMER WHERE (CITY = 'Rome' OR CITY IS NULL) AND NOT ID = 3 ORDER BY ID")), [[2]]);
    const total = run(db, 'SELECT ID, QTY * PRICE FROM ORDERS WHERE ID = 102');
    t.assert.deepStrictEqual(shape(total), [`ID:${VOLT_TYPE.BIGINT}`, `C2:${VOLT_TYPE.FLOAT}`]);
    t.assert.deepStrictEqual(rows(total), [[102n, 7.5]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT DISTINCT CITY FROM CUSTOMER WHERE CITY IS NOT NULL ORDER BY CITY')), [['Oslo'], ['Rome']]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT COUNT(DISTINCT PRODUCT_ID) FROM ORDERS')), [[3n]]);
  });

  test('inner joins of two and three tables, ON or WHERE, aliases and qualified stars', (t: TestContext) => {
    const two = run(db, 'SELECT C.NAME, SUM(O.QTY) FROM CUSTOMER C INNER JOIN ORDERS O ON O.CUSTOMER_ID = C.ID GROUP BY C.NAME ORDER BY C.NAME');
    t.assert.deepStrictEqual(rows(two), [['Ada', 4n], ['Ann', 3n], ['Bob', 5n]]);
    const three = run(db, 'SELECT C.NAME, P.LABEL FROM ORDERS O JOIN CUSTOMER C ON O.CUSTOMER_ID = C.ID JOIN PRODUCT P ON P.ID = O.PRODUCT_ID WHERE O.QTY >= 2 ORDER BY C.NAME, P.LABEL');
    t.assert.deepStrictEqual(shape(three), [`NAME:${VOLT_TYPE.STRING}`, `LABEL:${VOLT_TYPE.STRING}`]);
    t.assert.deepStrictEqual(rows(three), [['Ada', 'pen'], ['Ann', 'pen'], ['Bob', 'pen']]);
    const comma = run(db, 'SELECT P.*, O.ID FROM PRODUCT P, ORDERS O WHERE P.ID = O.PRODUCT_ID AND O.ID = 101');
    t.assert.deepStrictEqual(rows(comma), [[11, 'ink', 101n]]);
  });

  test('aggregates over no rows: one row, COUNT 0 and SUM NULL; GROUP BY over no rows: none', (t: TestContext) => {
    t.assert.deepStrictEqual(rows(run(db, 'SELECT COUNT(*), SUM(QTY) FROM ORDERS WHERE QTY > 100')), [[0n, null]]);
    t.assert.deepStrictEqual(rows(run(db, 'SELECT CUSTOMER_ID, COUNT(*) FROM ORDERS WHERE QTY > 100 GROUP BY CUSTOMER_ID')), []);
  });

  test('refusals in VoltDB’s words', (t: TestContext) => {
    const refuse = (sql: string, pattern: RegExp, ...params: unknown[]): void => {
      t.assert.throws(
        () => run(db, sql, ...params),
        (e: unknown) => e instanceof ProcedureError && e.status === STATUS.GRACEFUL_FAILURE && pattern.test(e.message),
        sql,
      );
    };
    refuse('SELECT CITY, COUNT(*) FROM CUSTOMER GROUP BY NAME', /expression not in aggregate or GROUP BY columns: CUSTOMER\.CITY/);
    refuse('SELECT ID FROM CUSTOMER C JOIN ORDERS O ON O.CUSTOMER_ID = C.ID', /Column "ID" is ambiguous/);
    refuse('SELECT NOPE FROM CUSTOMER GROUP BY CITY', /object not found: NOPE/);
    refuse('SELECT ID FROM CUSTOMER WHERE ID IN ?', /IN \? needs an array parameter/, 5);
    refuse('SELECT ID FROM CUSTOMER WHERE ID ==', /SQL Syntax error/);
  });

  test('a general SELECT is read-only and counts its placeholders', (t: TestContext) => {
    const batch = prepareBatch('SELECT ID FROM CUSTOMER WHERE ID IN (?, ?) OR NAME LIKE ?');
    t.assert.strictEqual(batch.readOnly, true);
    t.assert.strictEqual(batch.paramCount, 3);
  });
});
