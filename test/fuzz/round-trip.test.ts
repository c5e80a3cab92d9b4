/**
 * Encode/decode round trips (fast-check): random invocations with random parameters of every
 * type (NULLs, arrays, geography, decimals, VOLTTABLE parameters, every header version and
 * extension) survive encodeInvocation → decodeInvocation; random tables survive
 * encodeResponse → decodeResponse, read three ways (lazy rows, columnar, the worker task).
 * Geography compares within 1e-9 degrees (the unit-sphere conversion is not exact).
 */
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { encodeInvocation, type InvocationRequest, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { encodeResponse, readResponseHeader } from '../../src/protocol/response.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { runDecodeTask } from '../../src/decode/decode-task.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { parameterArbitrary, tableArbitrary } from './arbitraries.js';
import { sameValue, show } from './exercise.js';

const options = fc.record(
  {
    queryTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    partitionDestination: fc.integer({ min: 0, max: 16382 }),
    allPartition: fc.boolean(),
    priority: fc.integer({ min: 1, max: 8 }),
    requestTimeoutUs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  },
  { requiredKeys: [] },
);

test('random invocations round-trip through encodeInvocation → decodeInvocation', (t: TestContext) => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => Buffer.from(s).toString() === s),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.array(parameterArbitrary, { maxLength: 8 }),
      options,
      fc.boolean(),
      (procedure, handle, parameters, extensions, declared) => {
        const request: InvocationRequest = { procedure, handle, params: parameters.map((p) => p.value), ...extensions };
        if (declared) request.types = parameters.map((p) => p.type as ParameterType);
        else if (parameters.some((p) => !['INTEGER', 'BIGINT', 'STRING', 'VARBINARY', 'DECIMAL', 'GEOGRAPHY', 'GEOGRAPHY_POINT', 'DATE', 'NULL'].includes(p.type))) return; // inference is not this test's subject
        const decoded = decodeInvocation(encodeInvocation(request), { timestamps: 'bigint' });
        t.assert.equal(decoded.procedure, procedure);
        t.assert.equal(decoded.handle, BigInt.asIntN(64, handle));
        t.assert.equal(decoded.batchTimeoutMs, extensions.queryTimeoutMs ?? null);
        t.assert.equal(decoded.extensions.partitionDestination, extensions.partitionDestination ?? null);
        t.assert.equal(decoded.extensions.priority, extensions.priority ?? null);
        t.assert.equal(decoded.extensions.requestTimeoutUs, extensions.requestTimeoutUs ?? null);
        t.assert.equal(decoded.extensions.allPartition, extensions.allPartition === true || extensions.partitionDestination !== undefined);
        t.assert.equal(decoded.params.length, parameters.length);
        parameters.forEach((p, i) => {
          if (!sameValue(decoded.params[i], p.value, 1e-9)) t.assert.fail(`parameter ${i} (${p.type}): sent ${show(p.value)}, got ${show(decoded.params[i])}`);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('random tables round-trip through encodeResponse → decodeResponse (rows, columns, worker task)', (t: TestContext) => {
  fc.assert(
    fc.property(fc.array(tableArbitrary, { maxLength: 3 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: -128, max: 127 }), (tables, handle, status) => {
      const frame = encodeResponse({ handle, status, tables });
      const decoded = decodeResponse(frame, { timestamps: 'bigint' });
      t.assert.equal(decoded.handle, handle);
      t.assert.equal(decoded.status, status);
      t.assert.equal(decoded.tables.length, tables.length);
      const header = readResponseHeader(frame);
      const task = { result: runDecodeTask({ frame, tableCount: header.tableCount, tablesOffset: header.tablesOffset }) };
      t.assert.ok(task.result.ok, 'the decode task accepts what encodeResponse wrote');
      tables.forEach((table, i) => {
        const lazy = decodeResponse(frame, { timestamps: 'bigint' }).tables[i]!;
        t.assert.deepEqual(lazy.columns, table.columns);
        t.assert.equal(lazy.status, table.status);
        const columnar = decoded.tables[i]!;
        columnar.decodeColumns();
        const worker = VoltTable.fromColumns((task.result as { tables: Parameters<typeof VoltTable.fromColumns>[0][] }).tables[i]!, { timestamps: 'bigint' });
        for (const [how, rows] of [['rows()', [...lazy.rows()]], ['columnar', [...columnar.rows()]], ['worker task', [...worker.rows()]]] as const) {
          if (!sameValue(rows, table.rows, 1e-9)) t.assert.fail(`table ${i} read by ${how}: ${show(rows)} is not ${show(table.rows)}`);
        }
      });
    }),
    { numRuns: 200 },
  );
});
