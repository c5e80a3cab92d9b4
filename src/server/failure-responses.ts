/**
 * Failure responses worded and coded as a real VoltDB 11.4 server words them (the texts come
 * from the `fixtures/real` captures where one exists).
 *
 * A failure is data, not a second error taxonomy: deep code throws the library's own
 * {@link ProcedureError} carrying the status and status string, and the dispatcher turns it
 * into a response frame ({@link failureResponse}). Anything else a procedure throws becomes
 * UNEXPECTED_FAILURE.
 */
import { Buffer } from 'node:buffer';
import { ProcedureError, VoltError } from '../errors.js';
import { APP_STATUS_UNSET, STATUS } from '../protocol/constants.js';
import type { NodeInfo } from './procedure.js';

export interface FailureDetails {
  status: number;
  statusString: string;
  appStatus?: number;
  appStatusString?: string | null;
}

/** A response-shaped failure to throw from anywhere inside a procedure. */
export function failure(procedure: string, details: FailureDetails): ProcedureError<null> {
  return new ProcedureError(details.statusString, {
    procedure,
    status: details.status,
    statusString: details.statusString,
    appStatus: details.appStatus ?? APP_STATUS_UNSET,
    appStatusString: details.appStatusString ?? null,
    exception: null,
    response: null,
  });
}

/** `NoSuchProcedure()` → −3 "Procedure NoSuchProcedure was not found" (real capture). */
export function procedureNotFound(name: string): ProcedureError<null> {
  return failure(name, { status: STATUS.UNEXPECTED_FAILURE, statusString: `Procedure ${name} was not found` });
}

/** `Vote(5551234567)` → −2 "VOLTDB ERROR: PROCEDURE Vote EXPECTS 3 PARAMS, BUT RECEIVED 1" (real capture). */
export function wrongParameterCount(name: string, expected: number, received: number): ProcedureError<null> {
  return failure(name, {
    status: STATUS.GRACEFUL_FAILURE,
    statusString: `VOLTDB ERROR: PROCEDURE ${name} EXPECTS ${expected} PARAMS, BUT RECEIVED ${received}`,
  });
}

/**
 * A parameter that cannot be converted to the declared type (real capture):
 * "VOLTDB ERROR: PROCEDURE CAP_KV.insert TYPE ERROR FOR PARAMETER 0: org.voltdb.VoltTypeException: Unable to convert string notanumber to long value for target parameter."
 */
export function parameterTypeError(name: string, index: number, detail: string): ProcedureError<null> {
  return failure(name, {
    status: STATUS.GRACEFUL_FAILURE,
    statusString: `VOLTDB ERROR: PROCEDURE ${name} TYPE ERROR FOR PARAMETER ${index}: org.voltdb.VoltTypeException: ${detail}`,
  });
}

/** `SELEC nonsense` → −2 'SQL error while compiling query: SQL Syntax error in "SELEC nonsense" unexpected token: SELEC'. */
export function sqlSyntaxError(statement: string, detail: string): ProcedureError<null> {
  return failure('@AdHoc', {
    status: STATUS.GRACEFUL_FAILURE,
    statusString: `SQL error while compiling query: SQL Syntax error in "${statement}" ${detail}`,
  });
}

/** SQL that parses but cannot be planned (unknown table or column, outside the subset, …). */
export function sqlPlanningError(detail: string): ProcedureError<null> {
  return failure('@AdHoc', { status: STATUS.GRACEFUL_FAILURE, statusString: `SQL error while compiling query: ${detail}` });
}

/**
 * DDL the schema compiler refuses, as `@AdHoc` reports it:
 * `[Ad Hoc DDL Input]: VoltDB DDL Error: "Invalid use of UNIQUE. …"`.
 */
export function ddlError(detail: string): ProcedureError<null> {
  return failure('@AdHoc', { status: STATUS.GRACEFUL_FAILURE, statusString: `[Ad Hoc DDL Input]: VoltDB DDL Error: "${detail}"` });
}

/** An unknown table or column, in the words of VoltDB's HSQL front end. */
export function objectNotFound(name: string): ProcedureError<null> {
  return sqlPlanningError(`user lacks privilege or object not found: ${name}`);
}

/** A runtime SQL error, e.g. "VOLTDB ERROR: SQL ERROR The size 40 of the value '…' exceeds the size of the VARCHAR(16) column 'V'". */
export function sqlError(procedure: string, detail: string): ProcedureError<null> {
  return failure(procedure, { status: STATUS.GRACEFUL_FAILURE, statusString: `VOLTDB ERROR: SQL ERROR ${detail}` });
}

/** The value refused for a sized column, in VoltDB's words. */
export function valueTooLong(procedure: string, kind: 'VARCHAR' | 'VARBINARY', size: number, bytes: number, shown: string, column: string): ProcedureError<null> {
  return sqlError(procedure, `The size ${bytes} of the value '${shown}' exceeds the size of the ${kind}(${size}) column '${column}'`);
}

/** Constraint types of a CONSTRAINT VIOLATION (PROTOCOL.md 5.2). */
export type ConstraintType = 'UNIQUE' | 'PRIMARY_KEY' | 'NOT_NULL' | 'PARTITIONING';

/**
 * −2 "VOLTDB ERROR: CONSTRAINT VIOLATION Attempted violation of constraint\nConstraint Type
 * UNIQUE, Table CatalogId CAP_KV\nRelevant Tuples:\n<the offending and the existing row>".
 * The tuples are rendered like VoltTable.toFormattedString: each column as wide as its longest
 * text plus one, numbers right-aligned, text left-aligned (matches the real captures).
 */
export function constraintViolation(
  procedure: string,
  table: string,
  type: ConstraintType,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): ProcedureError<null> {
  return failure(procedure, {
    status: STATUS.GRACEFUL_FAILURE,
    statusString:
      `VOLTDB ERROR: CONSTRAINT VIOLATION Attempted violation of constraint\n` +
      `Constraint Type ${type}, Table CatalogId ${table}\nRelevant Tuples:\n${formatTuples(columns, rows)}`,
  });
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function formatTuples(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map(cellText));
  const numeric = columns.map((_, c) => rows.every((row) => typeof row[c] === 'number' || typeof row[c] === 'bigint' || row[c] === null));
  const widths = columns.map((name, c) => Math.max(name.length, ...cells.map((row) => row[c]!.length)) + 1);
  const lines = [
    columns.map((name, c) => name.padEnd(widths[c]!)).join(' '),
    widths.map((w) => '-'.repeat(w)).join(' '),
    ...cells.map((row) => row.map((text, c) => (numeric[c] ? text.padStart(widths[c]!) : text.padEnd(widths[c]!))).join(' ')),
  ];
  // VoltTable.toFormattedString pads every line; the server's message ends without the last padding.
  return lines.join('\n').replace(/\s+$/, '');
}

/** −1 USER_ABORT: the procedure rolled itself back. `appStatus` / `appStatusString` travel with it. */
export function userAbort(message: string, appStatus: number = APP_STATUS_UNSET, appStatusString: string | null = null, procedure = ''): ProcedureError<null> {
  return failure(procedure, { status: STATUS.USER_ABORT, statusString: `VOLTDB ERROR: USER ABORT\n  ${message}`, appStatus, appStatusString });
}

/** −3 for an error the procedure did not expect (a JS exception in a handler). */
export function unexpectedFailure(procedure: string, message: string): ProcedureError<null> {
  return failure(procedure, { status: STATUS.UNEXPECTED_FAILURE, statusString: `VOLTDB ERROR: UNEXPECTED FAILURE:\n  ${message}` });
}

/** −3 for an invocation whose header could not be read (answered with the connection id as handle). */
export function malformedInvocation(detail: string): ProcedureError<null> {
  return failure('', { status: STATUS.UNEXPECTED_FAILURE, statusString: `Error deserializing the procedure invocation: ${detail}` });
}

/**
 * −5 SERVER_UNAVAILABLE (not executed, safe to retry) for work on a partition whose leader runs
 * in another process of a per-process embedded cluster. A real VoltDB node would forward it; an
 * embedded node has no link to the other processes, so it says where the partition lives.
 */
export function partitionInAnotherProcess(procedure: string, partition: number, leader: NodeInfo): ProcedureError<null> {
  return failure(procedure, {
    status: STATUS.SERVER_UNAVAILABLE,
    statusString:
      `Partition ${partition} is led by host ${leader.hostId} (${leader.host}:${leader.port}), which runs in another process: ` +
      'this embedded node cannot forward work to it. Send single-partition calls to their leader (client affinity).',
  });
}

/** A status-carrying failure as it leaves the server; any other thrown value becomes UNEXPECTED_FAILURE. */
export function asFailure(procedure: string, error: unknown): ProcedureError<null> {
  if (error instanceof ProcedureError) return error as ProcedureError<null>;
  if (VoltError.is(error) || error instanceof Error) return unexpectedFailure(procedure, error.message);
  return unexpectedFailure(procedure, String(error));
}
