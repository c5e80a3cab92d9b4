/**
 * Procedures registered from JS with `server.define(name, options, handler)`.
 *
 * The handler receives the decoded parameters (converted to `parameterTypes` when declared) and
 * a context, and returns what the procedure answers:
 * - nothing → no tables;
 * - a number or bigint → one table with one unnamed BIGINT column (like a Java `long` result);
 * - a table `{ columns, rows }` (column types as names or codes) or an array of them;
 * - `{ tables, appStatus, appStatusString }` for full control.
 * Throwing `userAbort(message)` answers USER_ABORT (−1); any other throw is UNEXPECTED_FAILURE.
 */
import { ParameterError } from '../errors.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../protocol/constants.js';
import type { TableInput } from '../protocol/response-writer.js';
import { userAbort as userAbortFailure } from './failure-responses.js';
import type { ProcedureCall, ProcedureDefinition, ProcedureOutcome } from './procedure.js';
import { toTableInput, resultSet, type ResultSet } from './result-set.js';
import { executeBatch } from './sql/executor.js';

/** A column type by name (`'BIGINT'`, `'VARCHAR'`/`'STRING'`, …) or by wire code. */
export type ColumnTypeSpec = number | keyof typeof VOLT_TYPE | 'VARCHAR';

/** A table a JS procedure returns: columns by name and type, and rows of values. */
export interface ResultTable {
  columns: readonly { name: string; type: ColumnTypeSpec }[];
  rows: readonly (readonly unknown[])[];
}

/** A JS procedure's full answer: its tables plus an application status. */
export interface ProcedureReturn {
  tables?: readonly ResultTable[];
  appStatus?: number;
  appStatusString?: string | null;
}

/** What a JS procedure may return: nothing, a count, a table, tables, or a `ProcedureReturn`. */
export type ProcedureResult = void | null | undefined | number | bigint | ResultTable | readonly ResultTable[] | ProcedureReturn;

/** What a JS procedure sees while it runs: its partition and host, and SQL on the embedded store. */
export interface ProcedureContext {
  /** The executing partition, or 16383 for a multi-partition call. */
  readonly partition: number;
  readonly hostId: number;
  readonly procedure: string;
  /** Run SQL of the embedded subset in this procedure's partition scope; one result per statement. */
  sql(text: string, ...params: unknown[]): ResultTable[];
}

/** The body of a procedure defined with `define()`: parameters in, result (or a promise of it) out. */
export type ProcedureHandler = (params: readonly unknown[], context: ProcedureContext) => ProcedureResult | Promise<ProcedureResult>;

/** How `define()` declares a JS procedure: partitioning, parameter types and whether it only reads. */
export interface DefineOptions {
  /** Makes the procedure single-partition on this parameter (catalog `partitionParameter`). */
  partitionParameter?: number;
  /** Type of the partition column (default: the declared parameter type, else BIGINT). */
  partitionParameterType?: ColumnTypeSpec;
  /** Name of the partition column, for the server's messages (default `PARAMETER<n>`). */
  partitionColumn?: string;
  readOnly?: boolean;
  /** Declared parameter types: the count is checked and values converted as VoltDB does. */
  parameterTypes?: readonly ColumnTypeSpec[];
}

/** Turn a type name or code into a wire code. */
export function typeCode(spec: ColumnTypeSpec): number {
  if (typeof spec === 'number') return spec;
  const name = spec === 'VARCHAR' ? 'STRING' : spec;
  const code = (VOLT_TYPE as Record<string, number>)[name];
  if (code === undefined || name === 'ARRAY') throw new ParameterError(`unknown column type ${JSON.stringify(spec)}`);
  return code;
}

/** Throw this from a handler to answer USER_ABORT with an optional app status. */
export function userAbort(message: string, appStatus?: number, appStatusString?: string): Error {
  return userAbortFailure(message, appStatus, appStatusString ?? null);
}

function tableOf(table: ResultTable): TableInput {
  return toTableInput(resultSet(table.columns.map((c) => ({ name: c.name, type: typeCode(c.type) })), table.rows as unknown[][]));
}

function isTable(value: unknown): value is ResultTable {
  return typeof value === 'object' && value !== null && Array.isArray((value as ResultTable).columns) && Array.isArray((value as ResultTable).rows);
}

const LONG_COLUMN = [{ name: '', type: VOLT_TYPE.BIGINT }];

/** Normalise what a handler returned. */
export function outcomeOf(result: ProcedureResult): ProcedureOutcome {
  if (result === undefined || result === null) return {};
  if (typeof result === 'number' || typeof result === 'bigint') {
    return { tables: [toTableInput(resultSet(LONG_COLUMN, [[BigInt(result)]]))] };
  }
  if (Array.isArray(result)) return { tables: (result as readonly ResultTable[]).map(tableOf) };
  if (isTable(result)) return { tables: [tableOf(result)] };
  const full = result as ProcedureReturn;
  return {
    tables: (full.tables ?? []).map(tableOf),
    ...(full.appStatus === undefined ? {} : { appStatus: full.appStatus }),
    ...(full.appStatusString === undefined ? {} : { appStatusString: full.appStatusString }),
  };
}

function asResultTable(result: ResultSet): ResultTable {
  const rows: unknown[][] = [];
  for (let i = 0; i < result.rowCount; i++) rows.push(result.row(i));
  return { columns: result.columns, rows };
}

/** The definition of a JS procedure. */
export function userProcedure(name: string, options: DefineOptions, handler: ProcedureHandler): ProcedureDefinition {
  const parameterTypes = options.parameterTypes?.map(typeCode);
  const partitionParameter = options.partitionParameter;
  let partitionParameterType: number | undefined;
  if (partitionParameter !== undefined) {
    partitionParameterType =
      options.partitionParameterType !== undefined ? typeCode(options.partitionParameterType) : (parameterTypes?.[partitionParameter] ?? VOLT_TYPE.BIGINT);
  }
  return {
    name,
    kind: 'user',
    ...(parameterTypes === undefined ? {} : { parameterTypes }),
    ...(partitionParameter === undefined ? {} : { partitionParameter, partitionParameterType }),
    ...(options.partitionColumn === undefined ? {} : { partitionColumnName: options.partitionColumn }),
    readOnly: options.readOnly ?? false,
    transactional: true,
    run(call: ProcedureCall) {
      const context: ProcedureContext = {
        partition: call.partition,
        hostId: call.node.hostId,
        procedure: name,
        sql: (text, ...params) =>
          executeBatch(call.database, text, params, { partition: call.partition === undefined ? MP_PARTITION_ID : call.partition, procedure: name }).map(asResultTable),
      };
      const result = handler(call.params, context);
      if (result instanceof Promise) return result.then(outcomeOf);
      return outcomeOf(result);
    },
  };
}
