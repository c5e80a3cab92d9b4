/**
 * The hashinator against a real VoltDB 11.4 server: the ring it reported in
 * `@Statistics('TOPO', 0)` and the keys it paired with each partition in `@GetPartitionKeys`.
 * Read with the project's codec (response header, table layout, values).
 */
import { describe, test, type TestContext } from 'node:test';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Hashinator } from '../../src/protocol/hashinator.js';
import { readResponseHeader, tableLayouts } from '../../src/protocol/response.js';
import { readValue } from '../../src/protocol/value-reader.js';
import { readFixture, SKIP_WITHOUT_FIXTURES } from '../helpers/fixtures.js';

/** Rows of table `index` of a captured response. */
function tableRows(name: string, index: number): unknown[][] {
  const frame = readFixture(`real/${name}.response.bin`);
  const layout = tableLayouts(frame, readResponseHeader(frame))[index]!;
  const reader = new BufferReader(frame, layout.rowsOffset, layout.end);
  const rows: unknown[][] = [];
  for (let r = 0; r < layout.rowCount; r++) {
    reader.int32();
    rows.push(layout.columns.map((c) => readValue(reader, c.type)));
  }
  return rows;
}

describe('hashinator vs the real server', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  const config = (): Uint8Array => tableRows('stats_topo', 1)[0]![1] as Uint8Array;

  test('the real ring parses: 16384 tokens, 8 partitions, 2048 tokens each', (t: TestContext) => {
    const ring = Hashinator.fromConfig(config());
    t.assert.strictEqual(ring.tokens.length, 16384);
    t.assert.deepStrictEqual(ring.partitionIds, [0, 1, 2, 3, 4, 5, 6, 7]);
    t.assert.strictEqual(tableRows('stats_topo', 1)[0]![0], 'ELASTIC');
  });

  test('Hashinator.uniform(8) is byte-identical to the real server’s ring', (t: TestContext) => {
    t.assert.deepStrictEqual(Hashinator.uniform(8).toConfig(), Buffer.from(config()));
  });

  for (const [name, type] of [
    ['partition_keys_integer', VOLT_TYPE.INTEGER],
    ['partition_keys_string', VOLT_TYPE.STRING],
  ] as const) {
    test(`${name}: every key hashes to the partition the real server paired it with`, (t: TestContext) => {
      const ring = Hashinator.fromConfig(config());
      const rows = tableRows(name, 0);
      t.assert.strictEqual(rows.length, 8);
      for (const [partition, key] of rows) t.assert.strictEqual(ring.partitionFor(key, type), partition, `key ${String(key)}`);
      // and each is the smallest such key, as the server computes them
      for (const [partition, key] of rows) {
        for (let i = 0; i < Number(key); i++) t.assert.notStrictEqual(ring.partitionFor(type === VOLT_TYPE.STRING ? String(i) : i, type), partition);
      }
    });
  }
});
