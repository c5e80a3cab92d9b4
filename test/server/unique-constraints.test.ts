/**
 * UNIQUE and ASSUMEUNIQUE as VoltDB enforces them: every unique index is checked in the row's
 * partition; DDL refuses a UNIQUE index of a partitioned table that leaves out the partition
 * column and an ASSUMEUNIQUE one that includes it; a duplicate insert, update or upsert fails
 * with the CONSTRAINT VIOLATION text of the real captures and changes nothing.
 */
import { describe, test, type TestContext } from 'node:test';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { CATALOG_COMPONENTS } from '../../src/server/catalog.js';
import { Database } from '../../src/server/database.js';
import { refusal, rowsOf, runBatch } from './sql-helpers.js';

const run = runBatch;

function rows(db: Database, sql: string): unknown[][] {
  return rowsOf(run(db, sql)[0]!);
}

const VIOLATION = 'VOLTDB ERROR: CONSTRAINT VIOLATION Attempted violation of constraint\nConstraint Type UNIQUE, Table CatalogId ';

/** Integer keys: two that hash to one partition and one that hashes to another. */
function keys(db: Database): { a: number; sameAsA: number; elsewhere: number } {
  const a = 1;
  const home = db.partitionFor(a, VOLT_TYPE.INTEGER);
  let sameAsA = a + 1;
  while (db.partitionFor(sameAsA, VOLT_TYPE.INTEGER) !== home) sameAsA++;
  let elsewhere = a + 1;
  while (db.partitionFor(elsewhere, VOLT_TYPE.INTEGER) === home) elsewhere++;
  return { a, sameAsA, elsewhere };
}

describe('UNIQUE constraints', () => {
  test('a duplicate insert fails with the real text, naming the new row and the one it collides with', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, EMAIL VARCHAR(32) UNIQUE, A INTEGER, B INTEGER, PRIMARY KEY (ID), UNIQUE (A, B))');
    run(db, "INSERT INTO U VALUES (1, 'x@y', 1, 1)");
    t.assert.strictEqual(
      refusal(t, () => run(db, "INSERT INTO U VALUES (2, 'x@y', 2, 2)")),
      `${VIOLATION}U\nRelevant Tuples:\nID  EMAIL  A  B \n--- ------ -- --\n  2 x@y     2  2\n  1 x@y     1  1`,
    );
    // The composite constraint: one column equal is fine, both equal is not.
    run(db, "INSERT INTO U VALUES (2, 'a@b', 1, 2)");
    t.assert.match(refusal(t, () => run(db, "INSERT INTO U VALUES (3, 'c@d', 1, 2)")), /Table CatalogId U\nRelevant Tuples:[\s\S]* 3 c@d[\s\S]* 2 a@b/);
    t.assert.deepStrictEqual(rows(db, 'SELECT ID FROM U ORDER BY ID'), [[1], [2]]);
  });

  test('NULLs are equal index keys, as in VoltDB: a second NULL in a UNIQUE column is a violation', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE N (ID INTEGER NOT NULL, CODE VARCHAR(8), CONSTRAINT CODE_UNIQUE UNIQUE (CODE), PRIMARY KEY (ID))');
    run(db, 'INSERT INTO N (ID) VALUES (1)');
    t.assert.match(refusal(t, () => run(db, 'INSERT INTO N (ID) VALUES (2)')), /Table CatalogId N\nRelevant Tuples:\nID  CODE \n--- -----\n  2 +NULL\n  1 +NULL$/);
  });

  test('an UPDATE onto another row’s values fails naming the new and the old values, and the statement changes nothing', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, CODE INTEGER UNIQUE, V VARCHAR(4), PRIMARY KEY (ID))');
    for (let id = 1; id <= 3; id++) run(db, 'INSERT INTO U VALUES (?, ?, ?)', [id, id * 10, 'v']);
    t.assert.strictEqual(refusal(t, () => run(db, 'UPDATE U SET CODE = 30 WHERE ID = 1')), `${VIOLATION}U\nRelevant Tuples:\nID  CODE  V \n--- ----- --\n  1    30 v \n  1    10 v`);
    // Row by row: the first row takes 99, the second collides with it, and the first is put back.
    t.assert.match(refusal(t, () => run(db, 'UPDATE U SET CODE = 99, V = ? WHERE ID >= 1', ['w'])), /Relevant Tuples:[\s\S]*99 w/);
    t.assert.deepStrictEqual(rows(db, 'SELECT ID, CODE, V FROM U ORDER BY ID'), [
      [1, 10, 'v'],
      [2, 20, 'v'],
      [3, 30, 'v'],
    ]);
    // Keeping one's own value, or moving to a free one, is fine; a deleted row's value is free again.
    t.assert.deepStrictEqual(rows(db, "UPDATE U SET V = 'k' WHERE CODE = 20"), [[1n]]);
    run(db, 'DELETE FROM U WHERE ID = 3');
    t.assert.deepStrictEqual(rows(db, 'UPDATE U SET CODE = 30 WHERE ID = 1'), [[1n]]);
    t.assert.deepStrictEqual(rows(db, 'SELECT ID, CODE FROM U ORDER BY ID'), [
      [1, 30],
      [2, 20],
    ]);
  });

  test('an UPSERT of an existing key is an update: moving a unique value onto another row fails', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, CODE INTEGER UNIQUE, PRIMARY KEY (ID))');
    run(db, 'INSERT INTO U VALUES (1, 10); INSERT INTO U VALUES (2, 20)');
    t.assert.strictEqual(refusal(t, () => run(db, 'UPSERT INTO U VALUES (1, 20)')), `${VIOLATION}U\nRelevant Tuples:\nID  CODE \n--- -----\n  1    20\n  1    10`);
    t.assert.match(refusal(t, () => run(db, 'UPSERT INTO U VALUES (3, 20)')), /Relevant Tuples:[\s\S]*  3    20\n  2    20$/);
    run(db, 'UPSERT INTO U VALUES (1, 11)');
    t.assert.deepStrictEqual(rows(db, 'SELECT ID, CODE FROM U ORDER BY ID'), [
      [1, 11],
      [2, 20],
    ]);
  });

  test('the index survives compaction of deleted rows', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, CODE INTEGER UNIQUE)');
    for (let id = 0; id < 40; id++) run(db, 'INSERT INTO U VALUES (?, ?)', [id, id]);
    run(db, 'DELETE FROM U WHERE ID < 30');
    run(db, 'INSERT INTO U VALUES (100, 5)');
    t.assert.match(refusal(t, () => run(db, 'INSERT INTO U VALUES (101, 35)')), / 101    35\n  35    35$/);
  });

  test('@SystemCatalog INDEXINFO lists the constraints’ indexes under VoltDB’s names', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE U (ID INTEGER NOT NULL, EMAIL VARCHAR(32) UNIQUE, A INTEGER, B INTEGER, PRIMARY KEY (ID), CONSTRAINT AB UNIQUE (A, B), ASSUMEUNIQUE (B))');
    const info = CATALOG_COMPONENTS['INDEXINFO']!(db);
    const listed = Array.from({ length: info.rowCount }, (_, r) => info.row(r)).map((row) => [row[5], row[3], row[8]]);
    t.assert.deepStrictEqual(listed, [
      ['VOLTDB_AUTOGEN_CONSTRAINT_IDX_AB', 0, 'A'],
      ['VOLTDB_AUTOGEN_CONSTRAINT_IDX_AB', 0, 'B'],
      ['VOLTDB_AUTOGEN_IDX_CT_U_B', 0, 'B'],
      ['VOLTDB_AUTOGEN_IDX_CT_U_EMAIL', 0, 'EMAIL'],
      ['VOLTDB_AUTOGEN_IDX_PK_U_ID', 0, 'ID'],
    ]);
  });
});

describe('partitioned tables: UNIQUE must include the partition column, ASSUMEUNIQUE must not', () => {
  const SEE = "See the documentation for the 'CREATE TABLE' and 'CREATE INDEX' commands and the 'ASSUMEUNIQUE' keyword.";

  test('DDL refusals in the compiler’s words', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE A (ID INTEGER NOT NULL, EMAIL VARCHAR(32) NOT NULL UNIQUE, PRIMARY KEY (ID))');
    t.assert.strictEqual(
      refusal(t, () => run(db, 'PARTITION TABLE A ON COLUMN ID')),
      `[Ad Hoc DDL Input]: VoltDB DDL Error: "Invalid use of UNIQUE. The UNIQUE INDEX VOLTDB_AUTOGEN_IDX_CT_A_EMAIL on the partitioned table A does not include the partitioning column ID. ${SEE}"`,
    );
    run(db, 'CREATE TABLE B (ID INTEGER NOT NULL ASSUMEUNIQUE, V INTEGER)');
    t.assert.strictEqual(
      refusal(t, () => run(db, 'PARTITION TABLE B ON COLUMN ID')),
      '[Ad Hoc DDL Input]: VoltDB DDL Error: "ASSUMEUNIQUE is not valid for an index that includes the partitioning column. Please use UNIQUE instead."',
    );
    run(db, 'CREATE TABLE C (ID INTEGER NOT NULL, K INTEGER NOT NULL, PRIMARY KEY (ID))');
    t.assert.strictEqual(
      refusal(t, () => run(db, 'PARTITION TABLE C ON COLUMN K')),
      `[Ad Hoc DDL Input]: VoltDB DDL Error: "Invalid use of PRIMARY KEY. The PRIMARY KEY on the partitioned table C does not include the partitioning column K. ${SEE}"`,
    );
    run(db, 'CREATE TABLE D (ID INTEGER NOT NULL, K INTEGER NOT NULL, CONSTRAINT D_PK PRIMARY KEY (ID))');
    t.assert.match(refusal(t, () => run(db, 'PARTITION TABLE D ON COLUMN K')), /"Invalid use of UNIQUE\. The UNIQUE INDEX VOLTDB_AUTOGEN_CONSTRAINT_IDX_D_PK on the partitioned table D does not include the partitioning column K\./);
    // A DDL batch is one schema change: refused, it leaves no table and no procedure behind.
    t.assert.match(refusal(t, () => run(db, 'CREATE TABLE F (ID INTEGER NOT NULL, E VARCHAR(9) UNIQUE); PARTITION TABLE F ON COLUMN ID')), /UNIQUE INDEX VOLTDB_AUTOGEN_IDX_CT_F_E/);
    t.assert.strictEqual(db.table('F'), undefined);
    t.assert.strictEqual(db.procedures.has('F.insert'), false);
    // Refused tables stay replicated; the valid forms partition.
    t.assert.strictEqual(db.table('A')!.schema.partitionColumn, -1);
    run(db, 'CREATE TABLE E (ID INTEGER NOT NULL, CODE INTEGER, EMAIL VARCHAR(32) ASSUMEUNIQUE, UNIQUE (ID, CODE), PRIMARY KEY (ID))');
    run(db, 'PARTITION TABLE E ON COLUMN ID');
    t.assert.strictEqual(db.table('E')!.schema.partitionColumn, 0);
  });

  test('ASSUMEUNIQUE is checked within a partition only; UNIQUE with the partition column holds everywhere', (t: TestContext) => {
    const db = new Database();
    run(db, 'CREATE TABLE P (ID INTEGER NOT NULL, CODE INTEGER, EMAIL VARCHAR(32) ASSUMEUNIQUE, UNIQUE (ID, CODE))');
    run(db, 'PARTITION TABLE P ON COLUMN ID');
    const { a, sameAsA, elsewhere } = keys(db);
    run(db, "INSERT INTO P VALUES (?, 1, 'x@y')", [a]);
    // Another partition: VoltDB does not look there, so the same address is accepted.
    run(db, "INSERT INTO P VALUES (?, 1, 'x@y')", [elsewhere]);
    // The same partition: refused, from a single-partition caller too.
    const home = db.partitionFor(a, VOLT_TYPE.INTEGER);
    t.assert.match(refusal(t, () => run(db, "INSERT INTO P VALUES (?, 2, 'x@y')", [sameAsA], home)), new RegExp(`Table CatalogId P\\nRelevant Tuples:[\\s\\S]*${sameAsA} +2 x@y[\\s\\S]*${a} +1 x@y`));
    t.assert.match(refusal(t, () => run(db, "INSERT INTO P VALUES (?, 1, 'other')", [a])), /Constraint Type UNIQUE, Table CatalogId P/);
    run(db, "INSERT INTO P VALUES (?, 2, 'z@y')", [sameAsA]);
    t.assert.match(refusal(t, () => run(db, "UPDATE P SET EMAIL = 'x@y' WHERE ID = ?", [sameAsA])), /z@y/);
    t.assert.deepStrictEqual(rows(db, "SELECT COUNT(*) FROM P WHERE EMAIL = 'x@y'"), [[2n]]);
  });
});
