/** What the embedded server's SQL tests share: run a batch, read a result's rows, catch a refusal. */
import type { TestContext } from 'node:test';
import { ProcedureError } from '../../src/errors.js';
import { STATUS } from '../../src/protocol/constants.js';
import type { Database } from '../../src/server/database.js';
import type { ResultSet } from '../../src/server/result-set.js';
import { executeBatch } from '../../src/server/sql/executor.js';

/** Run `sql` as one batch; with `partition`, as a single-partition procedure of that partition. */
export function runBatch(db: Database, sql: string, params: unknown[] = [], partition?: number): ResultSet[] {
  return executeBatch(db, sql, params, partition === undefined ? undefined : { partition, procedure: 'SP' });
}

/** Every row of a result, as arrays. */
export function rowsOf(result: ResultSet): unknown[][] {
  return Array.from({ length: result.rowCount }, (_, i) => result.row(i));
}

/** The status string of the failure `fn` throws (it must throw a GRACEFUL_FAILURE). */
export function refusal(t: TestContext, fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    t.assert.ok(error instanceof ProcedureError, `expected a ProcedureError, got ${String(error)}`);
    t.assert.strictEqual(error.status, STATUS.GRACEFUL_FAILURE);
    return String(error.statusString);
  }
  return t.assert.fail('expected a refusal');
}
