import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import {
  Decimal,
  DECIMAL_MAX_UNSCALED,
  DECIMAL_NULL_UNSCALED,
  decimalFromUnscaled,
  readUnscaledDecimal,
  toUnscaledDecimal,
  unscaledFromInteger,
  writeUnscaledDecimal,
} from '../../src/protocol/decimal.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('the worked examples of PROTOCOL.md 4.2 encode byte for byte', (t: TestContext) => {
  const cases: [string, string][] = [
    ['3', '0000000000000000000002ba7def3000'],
    ['3.1459', '0000000000000000000002dc76408300'],
    ['-1', 'ffffffffffffffffffffff172b5af000'],
  ];
  for (const [value, expected] of cases) {
    const bytes = new Uint8Array(16);
    writeUnscaledDecimal(bytes, 0, toUnscaledDecimal(new Decimal(value)) as bigint);
    t.assert.equal(hex(bytes), expected, value);
    t.assert.equal(decimalFromUnscaled(readUnscaledDecimal(bytes, 0)).toString(), new Decimal(value).toString());
  }
  const nullBytes = new Uint8Array(16);
  writeUnscaledDecimal(nullBytes, 0, DECIMAL_NULL_UNSCALED);
  t.assert.equal(hex(nullBytes), '80' + '00'.repeat(15));
  t.assert.equal(readUnscaledDecimal(nullBytes, 0), DECIMAL_NULL_UNSCALED);
});

test('more than 12 fractional digits round HALF_UP (ties away from zero)', (t: TestContext) => {
  t.assert.equal(toUnscaledDecimal('0.0000000000005'), 1n);
  t.assert.equal(toUnscaledDecimal('-0.0000000000005'), -1n);
  t.assert.equal(toUnscaledDecimal('0.0000000000004999'), 0n);
  t.assert.equal(toUnscaledDecimal('1.2345678901235'), 1234567890124n);
});

test('inputs of every accepted kind, and the refusals', (t: TestContext) => {
  t.assert.equal(toUnscaledDecimal(5n), unscaledFromInteger(5n));
  t.assert.equal(toUnscaledDecimal(2.5), 2_500_000_000_000n);
  t.assert.equal(toUnscaledDecimal('99999999999999999999999999.999999999999'), DECIMAL_MAX_UNSCALED);
  t.assert.match(toUnscaledDecimal('100000000000000000000000000') as string, /more than 26 integer digits/);
  t.assert.match(toUnscaledDecimal(Number.NaN) as string, /finite/);
  t.assert.match(toUnscaledDecimal('abc') as string, /not a decimal/);
  t.assert.match(toUnscaledDecimal(new Decimal(Infinity)) as string, /finite/);
  t.assert.match(toUnscaledDecimal({} as unknown as string) as string, /not a Decimal/);
});

test('property: every 38-digit value round-trips through 16 bytes exactly', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -DECIMAL_MAX_UNSCALED, max: DECIMAL_MAX_UNSCALED }), (unscaled) => {
      const bytes = new Uint8Array(20);
      writeUnscaledDecimal(bytes, 3, unscaled);
      const back = readUnscaledDecimal(bytes, 3);
      if (back !== unscaled) throw new Error(`${unscaled} came back as ${back}`);
      if (toUnscaledDecimal(decimalFromUnscaled(unscaled)) !== unscaled) throw new Error(`Decimal text of ${unscaled} differs`);
    }),
  );
});
