/**
 * What the extraction learns about a table before it plans: its columns in declared order,
 * their types, its partition column, and its primary key — from `@SystemCatalog('COLUMNS')`
 * (REMARKS is `PARTITION_COLUMN` on the partition column, PROTOCOL.md 9) and, when the server
 * answers it, `@SystemCatalog('PRIMARYKEYS')` (the embedded server does not: the key then falls
 * back to the partition column or the first column, see options.ts).
 */
import { ParameterError, ProcedureError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import type { CallOptions } from '../options.js';
import type { ExtractClient } from './options.js';

export interface TableColumn {
  name: string;
  /** VOLT_TYPE code. */
  type: number;
  /** False when the column is declared NOT NULL (`IS_NULLABLE` `NO`). */
  nullable: boolean;
}

export interface TableInfo {
  name: string;
  columns: TableColumn[];
  /** The partition column, or `null` for a replicated table (every partition holds every row). */
  partitionColumn: string | null;
  /** Primary key columns in key order; `null` when the server does not say. */
  primaryKey: string[] | null;
}

/** JDBC TYPE_NAME as VoltDB writes it → wire type code. */
const TYPE_NAMES: Readonly<Record<string, number>> = {
  TINYINT: VOLT_TYPE.TINYINT,
  SMALLINT: VOLT_TYPE.SMALLINT,
  INTEGER: VOLT_TYPE.INTEGER,
  BIGINT: VOLT_TYPE.BIGINT,
  FLOAT: VOLT_TYPE.FLOAT,
  DECIMAL: VOLT_TYPE.DECIMAL,
  TIMESTAMP: VOLT_TYPE.TIMESTAMP,
  DATE: VOLT_TYPE.DATE,
  VARCHAR: VOLT_TYPE.STRING,
  VARBINARY: VOLT_TYPE.VARBINARY,
  GEOGRAPHY_POINT: VOLT_TYPE.GEOGRAPHY_POINT,
  GEOGRAPHY: VOLT_TYPE.GEOGRAPHY,
};

/** Integer key types: their key space can be split into ranges. */
export const INTEGER_KEY_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT]);

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Look `table` up in the catalog; a table the server does not know is a ParameterError naming
 * the ones it does (`who` — `extract`, `bulkLoad` — opens the message).
 */
export async function describeTable(client: ExtractClient, table: string, options: CallOptions, who = 'extract'): Promise<TableInfo> {
  const response = await client.call('@SystemCatalog', ['COLUMNS'], options);
  const wanted = table.toUpperCase();
  const found: { name: string; type: number; nullable: boolean; position: number; partition: boolean }[] = [];
  const tables = new Set<string>();
  let name = table;
  for (const row of response.tables[0]!.rowObjects()) {
    const owner = text(row['TABLE_NAME']) ?? '';
    tables.add(owner);
    if (owner.toUpperCase() !== wanted) continue;
    name = owner;
    const typeName = text(row['TYPE_NAME']) ?? '';
    found.push({
      name: text(row['COLUMN_NAME']) ?? '',
      type: TYPE_NAMES[typeName.toUpperCase()] ?? VOLT_TYPE.NULL,
      nullable: text(row['IS_NULLABLE'])?.toUpperCase() !== 'NO',
      position: Number(row['ORDINAL_POSITION']),
      partition: text(row['REMARKS']) === 'PARTITION_COLUMN',
    });
  }
  if (found.length === 0) {
    throw new ParameterError(`${who}: table ${table} not found; the server has ${[...tables].sort().join(', ') || 'no tables'}`, { procedure: who });
  }
  found.sort((a, b) => a.position - b.position);
  return {
    name,
    columns: found.map(({ name: column, type, nullable }) => ({ name: column, type, nullable })),
    partitionColumn: found.find((c) => c.partition)?.name ?? null,
    primaryKey: await primaryKey(client, name, options),
  };
}

/** The primary key from `@SystemCatalog('PRIMARYKEYS')`, or null when the server refuses the selector. */
async function primaryKey(client: ExtractClient, table: string, options: CallOptions): Promise<string[] | null> {
  let response;
  try {
    response = await client.call('@SystemCatalog', ['PRIMARYKEYS'], options);
  } catch (error) {
    if (error instanceof ProcedureError) return null;
    throw error;
  }
  const keys: { name: string; seq: number }[] = [];
  for (const row of response.tables[0]?.rowObjects() ?? []) {
    if ((text(row['TABLE_NAME']) ?? '').toUpperCase() !== table.toUpperCase()) continue;
    keys.push({ name: text(row['COLUMN_NAME']) ?? '', seq: Number(row['KEY_SEQ']) });
  }
  keys.sort((a, b) => a.seq - b.seq);
  return keys.map((k) => k.name);
}

/** The column named `name` (exact, then case-insensitive), or a ParameterError listing the columns. */
export function findColumn(info: TableInfo, name: string): TableColumn {
  const column = info.columns.find((c) => c.name === name) ?? info.columns.find((c) => c.name.toUpperCase() === name.toUpperCase());
  if (column === undefined) {
    throw new ParameterError(`extract: table ${info.name} has no column ${name}; its columns are ${info.columns.map((c) => c.name).join(', ')}`, { procedure: 'extract' });
  }
  return column;
}

/**
 * The paging key: the `key` option, else a one-column primary key, else the partition column,
 * else the first column. Only integer and VARCHAR keys can be paged.
 */
export function chooseKey(info: TableInfo, key: string | null): TableColumn {
  let column: TableColumn;
  if (key !== null) column = findColumn(info, key);
  else if (info.primaryKey !== null && info.primaryKey.length === 1) column = findColumn(info, info.primaryKey[0]!);
  else if (info.partitionColumn !== null) column = findColumn(info, info.partitionColumn);
  else column = info.columns[0]!;
  if (!INTEGER_KEY_TYPES.has(column.type) && column.type !== VOLT_TYPE.STRING) {
    throw new ParameterError(`extract: key column ${column.name} of ${info.name} must be an integer or VARCHAR column to page by; pass key: '<unique column>'`, { procedure: 'extract' });
  }
  return column;
}
