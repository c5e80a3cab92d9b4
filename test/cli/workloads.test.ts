import { test, type TestContext } from 'node:test';
import { AREA_CODES } from '../../src/cli/load/area-codes.js';
import { KvWorkload } from '../../src/cli/load/kv-workload.js';
import { SeededRandom } from '../../src/cli/load/random.js';
import { INVALID_CONTESTANT, VoterWorkload } from '../../src/cli/load/voter-workload.js';
import { createWorkload } from '../../src/cli/load/workloads.js';
import { firstValue, type WorkloadClient, type WorkloadResponse } from '../../src/cli/load/workload.js';

function table(rows: unknown[][]): WorkloadResponse {
  return { tables: [{ rowCount: rows.length, get: (row, column) => rows[row]![column] }] };
}

test('SeededRandom is deterministic per seed and spreads values', (t: TestContext) => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const c = new SeededRandom(43);
  const seqA = Array.from({ length: 20 }, () => a.uint32());
  const seqB = Array.from({ length: 20 }, () => b.uint32());
  const seqC = Array.from({ length: 20 }, () => c.uint32());
  t.assert.deepStrictEqual(seqA, seqB);
  t.assert.notDeepStrictEqual(seqA, seqC);
  const r = new SeededRandom(7);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const f = r.float();
    t.assert.ok(f >= 0 && f < 1);
    buckets[Math.floor(f * 10)]++;
  }
  for (const count of buckets) t.assert.ok(Math.abs(count - 10_000) < 600, `bucket ${count}`);
  let trues = 0;
  for (let i = 0; i < 10_000; i++) if (r.bool()) trues++;
  t.assert.ok(trues > 4700 && trues < 5300);
  const bytes = r.fill(new Uint8Array(1000), 4);
  t.assert.ok(bytes.every((x) => x < 4));
  t.assert.ok(new Set(bytes).size === 4);
});

test('voter calls follow the voter example distribution', (t: TestContext) => {
  const voter = new VoterWorkload({ seed: 3 });
  t.assert.strictEqual(voter.contestants, 6);
  t.assert.strictEqual(voter.maxVotes, 2);
  t.assert.match(voter.contestantNames(), /^Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman$/);
  const counts = new Map<number, number>();
  const codes = new Set(AREA_CODES);
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    const call = voter.next();
    t.assert.strictEqual(call.procedure, 'Vote');
    t.assert.deepStrictEqual(call.types, ['BIGINT', 'INTEGER', 'BIGINT']);
    const [phone, contestant, max] = call.params as [number, number, number];
    t.assert.ok(Number.isSafeInteger(phone), `phone ${phone} is a safe integer (BIGINT as a number)`);
    t.assert.ok(codes.has(Math.floor(phone / 10_000_000)), `area code of ${phone}`);
    t.assert.strictEqual(max, 2);
    counts.set(contestant, (counts.get(contestant) ?? 0) + 1);
  }
  // About 1 % invalid contestants.
  const invalid = counts.get(INVALID_CONTESTANT) ?? 0;
  t.assert.ok(invalid > n * 0.007 && invalid < n * 0.013, `invalid ${invalid}`);
  for (let c = 1; c <= 6; c++) t.assert.ok((counts.get(c) ?? 0) > n * 0.05, `contestant ${c}`);
  t.assert.strictEqual(counts.size, 7);
  // Skewed: the most popular contestant gets clearly more than the least.
  const valid = [...counts].filter(([c]) => c !== INVALID_CONTESTANT).map(([, k]) => k);
  t.assert.ok(Math.max(...valid) > Math.min(...valid) * 1.2);
  // Same seed, same stream; another seed, another stream.
  const again = new VoterWorkload({ seed: 3 });
  const other = new VoterWorkload({ seed: 4 });
  const first = new VoterWorkload({ seed: 3 }).next();
  t.assert.deepStrictEqual(again.next(), first);
  t.assert.notDeepStrictEqual(other.next(), first);
});

test('voter labels Vote answers and validates its options', async (t: TestContext) => {
  const voter = new VoterWorkload({ contestants: 3, maxVotes: 10 });
  t.assert.strictEqual(voter.outcome('Vote', table([[0n]])), 'accepted');
  t.assert.strictEqual(voter.outcome('Vote', table([[1n]])), 'invalid contestant');
  t.assert.strictEqual(voter.outcome('Vote', table([[2n]])), 'over vote limit');
  t.assert.strictEqual(voter.outcome('Vote', table([[7n]])), 'answer 7');
  t.assert.strictEqual(voter.outcome('Vote', table([])), 'no answer');
  t.assert.strictEqual(voter.outcome('Other', table([[0n]])), undefined);
  t.assert.match(voter.describe(), /3 contestants, at most 10 votes/);
  t.assert.throws(() => new VoterWorkload({ contestants: 0 }), RangeError);
  t.assert.throws(() => new VoterWorkload({ contestants: 13 }), RangeError);
  t.assert.throws(() => new VoterWorkload({ maxVotes: 0 }), RangeError);
  const calls: [string, readonly unknown[]][] = [];
  const client: WorkloadClient = {
    call: async (procedure, params) => {
      calls.push([procedure, params]);
      return table([[3n]]);
    },
  };
  const lines: string[] = [];
  await voter.setup(client, (line) => lines.push(line));
  t.assert.deepStrictEqual(calls, [['Initialize', [3, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss']]]);
  t.assert.match(lines[0]!, /Initialize\(3\) done, 3 contestants/);
});

test('kv calls mix gets and puts at the ratio, with sized keys and values', (t: TestContext) => {
  const kv = new KvWorkload({ keys: 1000, getRatio: 0.75, keySize: 16, minValueSize: 10, maxValueSize: 20, entropy: 16, seed: 9 });
  let gets = 0;
  const n = 20_000;
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    const call = kv.next();
    const key = call.params[0] as string;
    t.assert.strictEqual(key.length, 16);
    t.assert.match(key, /^K\d{3}-+$/);
    keys.add(key);
    if (call.procedure === 'Get') {
      gets++;
      t.assert.deepStrictEqual(call.types, ['STRING']);
    } else {
      t.assert.strictEqual(call.procedure, 'Put');
      t.assert.deepStrictEqual(call.types, ['STRING', 'VARBINARY']);
      const value = call.params[1] as Uint8Array;
      t.assert.ok(value.length >= 10 && value.length <= 20);
      t.assert.ok(value.every((b) => b < 16));
    }
  }
  t.assert.ok(Math.abs(gets / n - 0.75) < 0.02, `get ratio ${gets / n}`);
  t.assert.ok(keys.size > 950);
  t.assert.strictEqual(kv.key(7), 'K007------------');
  t.assert.match(kv.describe(), /1000 keys of 16 chars, values 10–20 bytes \(entropy 16\), 75% gets, preloaded/);
  t.assert.strictEqual(kv.outcome('Put', {}), 'put');
  t.assert.strictEqual(kv.outcome('Get', table([['k', new Uint8Array(1)]])), 'get hit');
  t.assert.strictEqual(kv.outcome('Get', table([])), 'get miss');
  t.assert.strictEqual(kv.outcome('Remove', {}), undefined);
});

test('kv validates its options and preloads every key', async (t: TestContext) => {
  t.assert.throws(() => new KvWorkload({ keys: 0 }), /keys must be a positive integer/);
  t.assert.throws(() => new KvWorkload({ getRatio: 1.5 }), /get ratio/);
  t.assert.throws(() => new KvWorkload({ keys: 100_000, keySize: 3 }), /key size must hold/);
  t.assert.throws(() => new KvWorkload({ minValueSize: 10, maxValueSize: 5 }), /value sizes/);
  t.assert.throws(() => new KvWorkload({ entropy: 0 }), /entropy/);
  const kv = new KvWorkload({ keys: 500, minValueSize: 4, seed: 1 });
  t.assert.match(kv.describe(), /values 4 bytes/);
  const put = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  const client: WorkloadClient = {
    call: async (procedure, params) => {
      t.assert.strictEqual(procedure, 'Put');
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      put.add(params[0] as string);
      return {};
    },
  };
  const lines: string[] = [];
  await kv.setup(client, (line) => lines.push(line));
  t.assert.strictEqual(put.size, 500);
  t.assert.ok(maxInFlight > 1 && maxInFlight <= 256, `window ${maxInFlight}`);
  t.assert.match(lines[0]!, /preloaded 500 keys/);
  const lazy = new KvWorkload({ keys: 10, preload: false });
  await lazy.setup({ call: () => Promise.reject(new Error('no call expected')) }, () => undefined);
});

test('createWorkload gives each worker its own stream and firstValue reads the first cell', (t: TestContext) => {
  const spec = { name: 'voter' as const, seed: 5 };
  t.assert.deepStrictEqual(createWorkload(spec, 0).next(), createWorkload(spec, 0).next());
  t.assert.notDeepStrictEqual(createWorkload(spec, 0).next(), createWorkload(spec, 1).next());
  t.assert.strictEqual(createWorkload({ name: 'kv', seed: 1, kv: { keys: 10 } }).name, 'kv');
  t.assert.strictEqual(firstValue(table([[5n, 'x']])), 5n);
  t.assert.strictEqual(firstValue(table([])), undefined);
  t.assert.strictEqual(firstValue({}), undefined);
});
