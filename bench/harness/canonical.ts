/**
 * One comparable form for every value a strategy can produce, so that the runner can hold a
 * strategy's output against the reference decoder's without knowing either's types.
 *
 * Each value becomes a tagged string (`num:1`, `big:1`, `s:1` are three different values);
 * a row is an array of those, a table `{ columns?, rows }`. Tags keep `1`, `1n` and `'1'`
 * apart, `-0` apart from `0`, and NaN equal to itself.
 */
import { Decimal } from '../../src/protocol/decimal.js';

/** A decoded table in canonical form; `columns` lists the compared column indexes when a strategy decodes only some. */
export interface CanonicalTable {
  columns?: number[];
  rows: string[][];
}

export function canonicalValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'num:-0' : `num:${value}`;
    case 'bigint':
      return `big:${value}`;
    case 'string':
      return `s:${value}`;
    case 'boolean':
      return `bool:${value}`;
    default:
      break;
  }
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (Decimal.isDecimal(value)) return `dec:${(value as Decimal).toFixed(12)}`;
  if (value instanceof Uint8Array) return `bin:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  const withWkt = value as { toWKT?: () => string };
  if (typeof withWkt.toWKT === 'function') return `wkt:${withWkt.toWKT()}`;
  return `obj:${stableJson(value)}`;
}

function stableJson(value: unknown): string {
  if (typeof value === 'bigint') return `"${value}n"`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
}

export function canonicalRow(row: readonly unknown[]): string[] {
  return row.map(canonicalValue);
}

export function canonicalTable(rows: Iterable<readonly unknown[]>, columns?: number[]): CanonicalTable {
  const out: string[][] = [];
  for (const row of rows) out.push(canonicalRow(row));
  return columns === undefined ? { rows: out } : { columns, rows: out };
}

/** `table` reduced to `columns` (a strategy that decodes only some columns is compared on those). */
export function projectTable(table: CanonicalTable, columns: number[]): CanonicalTable {
  return { columns, rows: table.rows.map((row) => columns.map((c) => row[c] ?? 'missing')) };
}

/**
 * The first difference between `actual` and `expected`, described for a reader, or `undefined`
 * when they are equal. Arrays and plain objects are walked; everything else compares with
 * `Object.is` (canonical forms are strings and numbers).
 */
export function firstDifference(actual: unknown, expected: unknown, path = ''): string | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path || 'output'}: expected an array, got ${describe(actual)}`;
    if (actual.length !== expected.length) {
      const shared = Math.min(actual.length, expected.length);
      for (let i = 0; i < shared; i++) {
        const difference = firstDifference(actual[i], expected[i], `${path}[${i}]`);
        if (difference !== undefined) return difference;
      }
      return `${path || 'output'}: expected ${expected.length} entries, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const difference = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path || 'output'}: expected an object, got ${describe(actual)}`;
    }
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const difference = firstDifference(a[key], e[key], `${path}.${key}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return `${path || 'output'}: expected ${describe(expected)}, got ${describe(actual)}`;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : (stableJson(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
