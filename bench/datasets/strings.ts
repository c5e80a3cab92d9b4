/**
 * strings: a BIGINT key and four STRING columns — short codes, names, e-mail-like text, and
 * free text of 0–120 characters of which a third carry non-ASCII UTF-8 — 5 % NULL, about
 * 140 bytes a row. Where decoding is about strings: the columnar layout keeps UTF-8 bytes and
 * offsets; row values must build JS strings.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { Prng } from './prng.js';
import { asciiText, generateFrame, generateTable, type RawValue, type TableGenerator } from './raw-frame.js';
import { registerTableFamily } from './table-family.js';

const ACCENTED = ['é', 'ü', 'ñ', 'ø', 'ß', '☃', '中', '€'];

function freeText(prng: Prng): string {
  const text = asciiText(prng, prng.below(120));
  if (!prng.chance(1 / 3) || text.length === 0) return text;
  const at = prng.below(text.length);
  return `${text.slice(0, at)}${ACCENTED[prng.below(ACCENTED.length)]}${text.slice(at + 1)}`;
}

const maybe =
  (make: (prng: Prng) => string) =>
  (prng: Prng): RawValue =>
    prng.chance(0.05) ? null : make(prng);

export const STRINGS: TableGenerator = {
  seed: 0x5791,
  columns: [
    { name: 'ID', type: VOLT_TYPE.BIGINT, next: (_, row) => BigInt(row) },
    { name: 'CODE', type: VOLT_TYPE.STRING, next: maybe((p) => asciiText(p, 2 + p.below(6))) },
    { name: 'NAME', type: VOLT_TYPE.STRING, next: maybe((p) => asciiText(p, 8 + p.below(25))) },
    { name: 'EMAIL', type: VOLT_TYPE.STRING, next: maybe((p) => `${asciiText(p, 6 + p.below(20))}@example.com`) },
    { name: 'NOTE', type: VOLT_TYPE.STRING, next: maybe(freeText) },
  ],
};

/** Average bytes a strings row takes (length prefix included), measured on 10 000 rows. */
export const STRINGS_ROW_BYTES = 140;

export const stringsTable = (rows: number) => generateTable(STRINGS, rows);
export const stringsFrame = (rows: number) => generateFrame(STRINGS, rows, rows * STRINGS_ROW_BYTES);

registerTableFamily({
  family: 'strings',
  description: 'BIGINT key + 4 STRING columns (codes, names, e-mails, free text with UTF-8); 5% NULL',
  rows: { tiny: [16], quick: [100, 10_000], full: [100, 10_000, 50_000] },
  generate: stringsTable,
});
