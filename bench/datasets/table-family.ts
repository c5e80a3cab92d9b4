/**
 * Registers one generated table at several row counts as datasets named `FAMILY-ROWS`
 * (`decimal-heavy-10k`). Each builds, outside any timed task:
 *
 * - `tables`: the generated columns and rows (JS values per DESIGN.md's mapping);
 * - `responses`: one response frame holding that table, encoded by the project's encoder;
 * - `invocations`: every row as the parameter set of one call, with the column types as the
 *   declared types (only up to {@link MAX_INVOCATION_ROWS} rows: the encode suite measures a
 *   parameter set, and more rows would repeat the same figure slower).
 */
import { VOLT_TYPE, typeName } from '../../src/protocol/constants.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { registerDataset } from '../harness/registry.js';
import type { DatasetData, Profile, TableData } from '../harness/types.js';

export const MAX_INVOCATION_ROWS = 10_000;

export interface TableFamily {
  family: string;
  description: string;
  /** Row counts per profile; a count listed under several profiles is one dataset. */
  rows: Record<Profile, readonly number[]>;
  /** Deterministic: the same row count always gives the same table. */
  generate(rows: number): TableData;
  /**
   * Optional: the same table as a response frame written without the project's encoder (a
   * raw writer), so that an encoder and decoder sharing one mistake cannot agree on bad bytes.
   * Default: `encodeResponse` of `generate(rows)`.
   */
  frame?(rows: number): Buffer;
}

/** `100` → `100`, `10000` → `10k`, `1000000` → `1m`. */
export function rowLabel(rows: number): string {
  if (rows >= 1_000_000 && rows % 1_000_000 === 0) return `${rows / 1_000_000}m`;
  if (rows >= 1000 && rows % 1000 === 0) return `${rows / 1000}k`;
  return String(rows);
}

/** The frame, tables and parameter sets of one generated table. */
export function tableDatasetData(family: string, table: TableData, frame: Buffer = encodeResponse({ handle: 1n, status: 1, tables: [table] })): DatasetData {
  const types = table.columns.map((c) => typeName(c.type) ?? 'NULL');
  const declarable = table.columns.every((c) => c.type !== VOLT_TYPE.NULL);
  const data: DatasetData = { tables: [table], responses: [frame] };
  if (declarable && table.rows.length <= MAX_INVOCATION_ROWS) {
    const procedure = `${family.toUpperCase().replace(/-/g, '_')}.insert`;
    data.invocations = table.rows.map((row) => ({ procedure, params: row, types }));
  }
  return data;
}

export function registerTableFamily(family: TableFamily): void {
  const profilesOf = new Map<number, Profile[]>();
  for (const [profile, counts] of Object.entries(family.rows) as [Profile, readonly number[]][]) {
    for (const count of counts) profilesOf.set(count, [...(profilesOf.get(count) ?? []), profile]);
  }
  for (const [rows, profiles] of profilesOf) {
    registerDataset({
      name: `${family.family}-${rowLabel(rows)}`,
      family: family.family,
      description: `${family.description}, ${rows.toLocaleString('en-US')} rows`,
      rows,
      profiles,
      build: () => tableDatasetData(family.family, family.generate(rows), family.frame?.(rows)),
    });
  }
}
