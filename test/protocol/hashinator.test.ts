import { test, describe, type TestContext } from 'node:test';
import fc from 'fast-check';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import {
  DEFAULT_TOKEN_COUNT,
  Hashinator,
  hashValue,
} from '../../src/protocol/hashinator.js';
import { hashinatorBytes, murmur3Hash32 } from '../../src/protocol/hashinator-bytes.js';
import { InvalidArgumentError, ParameterError, ProtocolError } from '../../src/errors.js';

function le64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, n, true);
  return out;
}
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// PROTOCOL.md 8.5: computed in Python and confirmed by running VoltDB's Java and the C++ client's MurmurHash3.
const REFERENCE: [string, Uint8Array, number][] = [
  ['BIGINT 0', le64(0n), 685728695],
  ['BIGINT 1', le64(1n), 4457399],
  ['BIGINT -1', le64(-1n), -1595624838],
  ['BIGINT 42', le64(42n), -1230191719],
  ['BIGINT 1000', le64(1000n), -1370562377],
  ['BIGINT 123456789012345', le64(123456789012345n), -1976721810],
  ['BIGINT max', le64(9223372036854775807n), 1819732939],
  ['BIGINT -max', le64(-9223372036854775807n), 1902085590],
  ['STRING ""', utf8(''), 0],
  ['STRING "a"', utf8('a'), -2058005147],
  ['STRING "hello"', utf8('hello'), -874993741],
  ['STRING "English"', utf8('English'), 1687040580],
  ['STRING 15 bytes', utf8('123456789012345'), -2005925458],
  ['STRING one block', utf8('0123456789abcdef'), 1272999316],
  ['STRING block + 1', utf8('0123456789abcdefX'), -840183124],
  ['40 bytes 00..27', Uint8Array.from({ length: 40 }, (_, i) => i), -1012902696],
  ['STRING Ünïcödé', utf8('Ünïcödé'), -662941257],
];

describe('murmur3Hash32', () => {
  for (const [name, bytes, expected] of REFERENCE) {
    test(`reference value: ${name}`, (t: TestContext) => {
      t.assert.strictEqual(murmur3Hash32(bytes), expected);
    });
  }

  test('every tail length 0..31 is stable and distinct from its neighbours', (t: TestContext) => {
    const seen = new Set<number>();
    for (let n = 0; n < 32; n++) seen.add(murmur3Hash32(Uint8Array.from({ length: n }, (_, i) => 0xf0 + i)));
    t.assert.strictEqual(seen.size, 32);
  });
});

describe('hashinatorBytes / hashValue', () => {
  test('integers of any width hash as the same 8 little-endian bytes', (t: TestContext) => {
    for (const type of [VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT]) {
      t.assert.deepStrictEqual(hashinatorBytes(5, type), le64(5n));
      t.assert.strictEqual(hashValue(42, type), -1230191719);
      t.assert.strictEqual(hashValue(42n, type), -1230191719);
      t.assert.strictEqual(hashValue('42', type), -1230191719);
      t.assert.strictEqual(hashValue(-1, type), -1595624838);
    }
    t.assert.strictEqual(hashValue(123456789012345, VOLT_TYPE.BIGINT), -1976721810);
    t.assert.strictEqual(hashValue(-9223372036854775807n, VOLT_TYPE.BIGINT), 1902085590);
  });

  test('NULL and the column type NULL sentinel hash to nothing', (t: TestContext) => {
    t.assert.strictEqual(hashinatorBytes(null, VOLT_TYPE.BIGINT), null);
    t.assert.strictEqual(hashinatorBytes(undefined, VOLT_TYPE.STRING), null);
    t.assert.strictEqual(hashValue(-128, VOLT_TYPE.TINYINT), null);
    t.assert.strictEqual(hashValue(-2147483648, VOLT_TYPE.INTEGER), null);
    t.assert.strictEqual(hashValue(-9223372036854775808n, VOLT_TYPE.BIGINT), null);
    t.assert.strictEqual(hashValue(-9223372036854775808n, VOLT_TYPE.INTEGER), null);
    // -128 is a real value for a wider column
    t.assert.notStrictEqual(hashValue(-128, VOLT_TYPE.INTEGER), null);
  });

  test('strings, varbinary and hex strings', (t: TestContext) => {
    t.assert.strictEqual(hashValue('hello', VOLT_TYPE.STRING), -874993741);
    t.assert.strictEqual(hashValue(utf8('hello'), VOLT_TYPE.STRING), -874993741);
    t.assert.strictEqual(hashValue(12, VOLT_TYPE.STRING), murmur3Hash32(utf8('12')));
    t.assert.strictEqual(hashValue(utf8('English'), VOLT_TYPE.VARBINARY), 1687040580);
    t.assert.deepStrictEqual(hashinatorBytes('0aff', VOLT_TYPE.VARBINARY), Uint8Array.of(0x0a, 0xff));
    t.assert.deepStrictEqual(hashinatorBytes("X'0aff'", VOLT_TYPE.VARBINARY), Uint8Array.of(0x0a, 0xff));
  });

  test('values that cannot be partition keys are ParameterErrors', (t: TestContext) => {
    t.assert.throws(() => hashinatorBytes(1.5, VOLT_TYPE.BIGINT), ParameterError);
    t.assert.throws(() => hashinatorBytes('12x', VOLT_TYPE.INTEGER), ParameterError);
    t.assert.throws(() => hashinatorBytes(1n << 70n, VOLT_TYPE.BIGINT), /does not fit BIGINT/);
    t.assert.throws(() => hashinatorBytes({}, VOLT_TYPE.STRING), ParameterError);
    t.assert.throws(() => hashinatorBytes('xyz', VOLT_TYPE.VARBINARY), ParameterError);
    t.assert.throws(() => hashinatorBytes(1, VOLT_TYPE.FLOAT), /cannot be a partition column/);
    t.assert.throws(() => hashinatorBytes(1, 99), /type 99/);
    t.assert.throws(() => hashinatorBytes('a'.repeat(60), VOLT_TYPE.BIGINT), /…/);
  });
});

describe('Hashinator', () => {
  test('uniform ring: token layout and an even share per partition', (t: TestContext) => {
    const ring = Hashinator.uniform(8);
    t.assert.strictEqual(ring.tokens.length, DEFAULT_TOKEN_COUNT);
    t.assert.strictEqual(ring.tokens[0], -2147483648);
    t.assert.strictEqual(ring.tokens[1]! - ring.tokens[0]!, 262143);
    t.assert.deepStrictEqual(ring.partitionIds, [0, 1, 2, 3, 4, 5, 6, 7]);
    t.assert.strictEqual(ring.partitionCount, 8);
    const counts = new Map<number, number>();
    for (const p of ring.owners) counts.set(p, (counts.get(p) ?? 0) + 1);
    for (const c of counts.values()) t.assert.strictEqual(c, 2048);
    // the shape of the real server's ring: partition 7 first, partition 0 owns the top 2048 tokens
    t.assert.strictEqual(ring.owners[0], 7);
    t.assert.strictEqual(ring.owners[16383], 0);
    t.assert.strictEqual(ring.owners[14336], 0);
    t.assert.strictEqual(ring.owners[14335], 7);
  });

  test('one partition owns everything; odd sizes work', (t: TestContext) => {
    const one = Hashinator.uniform(1, 16);
    t.assert.deepStrictEqual([...new Set(one.owners)], [0]);
    t.assert.strictEqual(one.partitionFor(42, VOLT_TYPE.BIGINT), 0);
    const three = Hashinator.uniform(3, 64);
    t.assert.deepStrictEqual(three.partitionIds, [0, 1, 2]);
  });

  test('uniform rejects bad sizes', (t: TestContext) => {
    t.assert.throws(() => Hashinator.uniform(0), InvalidArgumentError);
    t.assert.throws(() => Hashinator.uniform(2.5), InvalidArgumentError);
    t.assert.throws(() => Hashinator.uniform(8, 8), InvalidArgumentError);
    t.assert.throws(() => Hashinator.uniform(8, 17), InvalidArgumentError);
  });

  test('toConfig / fromConfig round trip', (t: TestContext) => {
    const ring = Hashinator.uniform(5, 1024);
    const config = ring.toConfig();
    t.assert.strictEqual(config.length, 4 + 1024 * 8);
    t.assert.strictEqual(config.readInt32BE(0), 1024);
    const back = Hashinator.fromConfig(config);
    t.assert.deepStrictEqual(back.tokens, ring.tokens);
    t.assert.deepStrictEqual(back.owners, ring.owners);
    // also from an unaligned view inside a bigger buffer
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), config]);
    t.assert.deepStrictEqual(Hashinator.fromConfig(padded.subarray(3)).owners, ring.owners);
  });

  test('fromConfig rejects malformed bytes', (t: TestContext) => {
    t.assert.throws(() => Hashinator.fromConfig(new Uint8Array(2)), ProtocolError);
    t.assert.throws(() => Hashinator.fromConfig(Buffer.from([0, 0, 0, 0])), /not positive/);
    t.assert.throws(() => Hashinator.fromConfig(Buffer.from([0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0])), /does not hold 2 tokens/);
    const unsorted = Buffer.alloc(4 + 16);
    unsorted.writeInt32BE(2, 0);
    unsorted.writeInt32BE(10, 4);
    unsorted.writeInt32BE(5, 12);
    t.assert.throws(() => Hashinator.fromConfig(unsorted), /not ascending/);
    const negative = Buffer.alloc(4 + 8);
    negative.writeInt32BE(1, 0);
    negative.writeInt32BE(-1, 8);
    t.assert.throws(() => Hashinator.fromConfig(negative), /negative/);
  });

  test('partitionForHash: largest token ≤ hash, exact matches, wrap below the first token', (t: TestContext) => {
    const config = Buffer.alloc(4 + 3 * 8);
    config.writeInt32BE(3, 0);
    [
      [-100, 4],
      [0, 5],
      [100, 6],
    ].forEach(([token, partition], i) => {
      config.writeInt32BE(token!, 4 + i * 8);
      config.writeInt32BE(partition!, 8 + i * 8);
    });
    const ring = Hashinator.fromConfig(config);
    t.assert.strictEqual(ring.partitionForHash(-101), 6);
    t.assert.strictEqual(ring.partitionForHash(-100), 4);
    t.assert.strictEqual(ring.partitionForHash(-1), 4);
    t.assert.strictEqual(ring.partitionForHash(0), 5);
    t.assert.strictEqual(ring.partitionForHash(99), 5);
    t.assert.strictEqual(ring.partitionForHash(100), 6);
    t.assert.strictEqual(ring.partitionForHash(2147483647), 6);
    t.assert.strictEqual(ring.partitionFor(null, VOLT_TYPE.BIGINT), 0);
  });

  test('partitionForHash agrees with a binary search over the ring, for any ring and hash', () => {
    const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
    // Rings of 1 … 600 tokens (including the int32 extremes) and hashes at, around and between them.
    const rings = fc.uniqueArray(fc.oneof(int32, fc.constantFrom(-0x80000000, 0x7fffffff, -1, 0)), { minLength: 1, maxLength: 600 });
    fc.assert(
      fc.property(rings, fc.array(int32, { maxLength: 50 }), (unsorted, hashes) => {
        const tokens = Int32Array.from(unsorted).sort();
        const config = Buffer.alloc(4 + tokens.length * 8);
        config.writeInt32BE(tokens.length, 0);
        tokens.forEach((token, i) => {
          config.writeInt32BE(token, 4 + i * 8);
          config.writeInt32BE(i, 8 + i * 8); // partition = token index: a wrong step is always seen
        });
        const ring = Hashinator.fromConfig(config);
        const probes = [...hashes, ...tokens, ...Array.from(tokens, (token) => token - 1).filter((h) => h >= -0x80000000), -0x80000000, 0x7fffffff];
        for (const hash of probes) {
          let owner = tokens.length - 1; // below the first token: the last one's (wrap)
          for (let i = 0; i < tokens.length; i++) if (tokens[i]! <= hash) owner = i;
          if (ring.partitionForHash(hash) !== owner) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  test('an integer key hashes as its 8 little-endian bytes, for any 64-bit value', () => {
    // -2^63 is BIGINT's NULL (no hash); safe integers are drawn apart so the number path is tried often.
    const int64 = fc.oneof(fc.bigInt({ min: -(1n << 63n) + 1n, max: (1n << 63n) - 1n }), fc.maxSafeInteger().map(BigInt), fc.integer().map(BigInt));
    fc.assert(
      fc.property(int64, (n) => {
        const expected = murmur3Hash32(le64(n));
        if (hashValue(n, VOLT_TYPE.BIGINT) !== expected) return false;
        return !Number.isSafeInteger(Number(n)) || hashValue(Number(n), VOLT_TYPE.BIGINT) === expected;
      }),
      { numRuns: 2000 },
    );
  });
});
