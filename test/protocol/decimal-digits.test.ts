/**
 * The fast DECIMAL writer (from digits, from Decimal limbs, from Arrow Decimal128 words) against
 * the exact path through decimal.js text: the same 16 bytes, or the same refusal, for any input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Decimal, readUnscaledDecimal, toUnscaledDecimal, writeUnscaledDecimal, type DecimalInput } from '../../src/protocol/decimal.js';
import { writeDecimal, writeDecimal128 } from '../../src/protocol/decimal-writer.js';

function same(value: DecimalInput): void {
  const fast = Buffer.alloc(16);
  const exact = Buffer.alloc(16);
  const problem = writeDecimal(fast, 0, value);
  const unscaled = toUnscaledDecimal(value);
  if (typeof unscaled === 'string') {
    assert.equal(problem, unscaled, `${String(value)} is refused alike`);
    return;
  }
  assert.equal(problem, null, `${String(value)} is accepted`);
  writeUnscaledDecimal(exact, 0, unscaled);
  assert.deepEqual(fast, exact, `${String(value)}: ${readUnscaledDecimal(fast, 0)} vs ${unscaled}`);
}

const digitText = fc
  .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{0,30}$/), fc.option(fc.stringMatching(/^[0-9]{0,20}$/)))
  .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`);

test('numeric strings: same bytes or the same refusal as the exact path', () => {
  fc.assert(fc.property(digitText, (text) => same(text)), { numRuns: 3000 });
});

test('Decimal values from their limbs: same bytes', () => {
  fc.assert(
    fc.property(digitText, (text) => {
      let decimal: Decimal;
      try {
        decimal = new Decimal(text);
      } catch {
        return;
      }
      same(decimal);
    }),
    { numRuns: 3000 },
  );
});

test('numbers (safe integers and any finite double): same bytes', () => {
  fc.assert(fc.property(fc.oneof(fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => same(n)), { numRuns: 3000 });
});

test('numbers with a few fraction digits (money, rates, quantities) and near the scaling limit: same bytes', () => {
  const scaled = fc.tuple(fc.maxSafeInteger(), fc.integer({ min: 0, max: 16 })).map(([units, digits]) => units / 10 ** digits);
  const near = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.double({ min: 0.5, max: 2, noNaN: true }), fc.boolean()).map(([f, factor, negative]) => ((negative ? -1 : 1) * factor * 2 ** 47) / 10 ** f);
  fc.assert(fc.property(fc.oneof(scaled, near), (n) => same(n)), { numRuns: 5000 });
  for (const n of [0.1, 0.7, 1.005, 2.675, 1e-12, 5e-13, 4.9e-13, 123456.789, -0.000001, 140.737488355328, 140.7374883553279, 1407374883553.28]) same(n);
  // String(x) in exponential form: large magnitudes and tiny fractions.
  for (const n of [1e21, -1.2345678901234568e25, 9.999999999999999e25, 1e26, 1.5e-7, 1.2345678901234567e-7, 5.5e-12, 4.9999999999999996e-13, 5e-13, 5e-14, 5e-324]) same(n);
  const exponential = fc.tuple(fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: -20, max: 27 }), fc.boolean()).map(([m, e, negative]) => (negative ? -1 : 1) * m * 10 ** e);
  fc.assert(fc.property(exponential, (n) => same(n)), { numRuns: 3000 });
});

test('bigints inside and outside the safe-integer range: same bytes or the same refusal', () => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 27n), max: 10n ** 27n }), (n) => same(n)), { numRuns: 3000 });
  for (const n of [0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 10n ** 26n - 1n, 10n ** 26n, -(10n ** 26n)]) same(n);
});

test('edges: rounding at the 13th digit, the 26-digit limit, signs, text the fast path leaves to the exact one', () => {
  for (const value of [
    '0',
    '-0',
    '0.0000000000005',
    '0.0000000000004999',
    '-0.0000000000005',
    '99999999999999999999999999.9999999999994',
    '99999999999999999999999999.9999999999995',
    '123456789012345678901234567',
    '1e5',
    '',
    '.',
    '-',
    '.5',
    '5.',
    ' 5',
    'NaN',
    new Decimal('5e-13'),
    new Decimal('-5.5e-12'),
    new Decimal('1e25'),
    new Decimal('1e26'),
    new Decimal('Infinity'),
    1e21,
    1e-7,
    -Number.MAX_SAFE_INTEGER,
  ]) {
    same(value);
  }
});

function words128(value: bigint): Uint32Array {
  const bits = value < 0n ? value + (1n << 128n) : value;
  return Uint32Array.from({ length: 4 }, (_, w) => Number((bits >> BigInt(32 * w)) & 0xffffffffn));
}

test('Arrow Decimal128 words at scale 12 and at other scales', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 20 }), (unscaled, scale) => {
      const out = Buffer.alloc(16);
      const problem = writeDecimal128(out, 0, words128(unscaled), 0, scale);
      const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
      const text = `${unscaled < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}0`;
      const expected = toUnscaledDecimal(text);
      if (typeof expected === 'string') {
        assert.equal(problem, expected);
        return;
      }
      assert.equal(problem, null);
      assert.equal(readUnscaledDecimal(out, 0), expected);
    }),
    { numRuns: 2000 },
  );
  const out = Buffer.alloc(16);
  // Around the top word's fast range check: within 2^96 of ±(10^38 − 1) the full value decides.
  const limit = 10n ** 38n - 1n;
  for (const unscaled of [limit, -limit, limit - (1n << 96n), -limit + (1n << 96n), (limit >> 96n) << 96n, -((limit >> 96n) << 96n), ((limit >> 96n) << 96n) - 1n]) {
    assert.equal(writeDecimal128(out, 0, words128(unscaled), 0, 12), null, String(unscaled));
    assert.equal(readUnscaledDecimal(out, 0), unscaled);
  }
  for (const unscaled of [limit + 1n, -limit - 1n, (1n << 127n) - 1n]) assert.match(writeDecimal128(out, 0, words128(unscaled), 0, 12) ?? '', /more than 26 integer digits/, String(unscaled));
  assert.match(writeDecimal128(out, 0, words128(10n ** 38n), 0, 12) ?? '', /more than 26 integer digits/);
  assert.match(writeDecimal128(out, 0, words128(-(1n << 127n)), 0, 12) ?? '', /more than 26 integer digits/);
});
