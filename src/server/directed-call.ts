/**
 * A single-partition procedure called with a partition destination (the v2 ALL_PARTITION +
 * PARTITION_DESTINATION extensions: the client's `partition` option), as the real 11.4 server
 * runs it:
 *
 * - partition column TINYINT / SMALLINT / INTEGER or VARCHAR (and VARBINARY): the server
 *   *replaces* the partitioning parameter with that partition's key — the one
 *   `@GetPartitionKeys` reports (INTEGER keys for the integer types, STRING keys for VARCHAR,
 *   VARBINARY keys for VARBINARY). A real server was seen passing 15, 7 or 11 to a procedure
 *   called with 123456;
 * - partition column BIGINT: the value is kept, and a value that does not hash to the
 *   destination fails with the server's UNEXPECTED_FAILURE text (a server bug: it looks for a
 *   BIGINT key table that does not exist). VoltDB's Java client avoids it by always passing
 *   the INTEGER key from `@GetPartitionKeys`, which hashes there whatever the column type.
 */
import { Buffer } from 'node:buffer';
import { STATUS, VOLT_TYPE } from '../protocol/constants.js';
import type { Database } from './database.js';
import { failure } from './failure-responses.js';
import { partitionKeyValue, type PartitionKeyKind } from './partition-keys.js';
import type { ProcedureDefinition } from './procedure.js';

function keyKind(type: number): PartitionKeyKind | null {
  switch (type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
      return 'INTEGER';
    case VOLT_TYPE.STRING:
      return 'STRING';
    case VOLT_TYPE.VARBINARY:
      return 'VARBINARY';
    default:
      return null;
  }
}

/** The message the real server sends when a directed BIGINT-partitioned call's value hashes elsewhere. */
function misdirected(definition: ProcedureDefinition, value: unknown, type: number): string {
  // As Java's toString shows the parameter: 0, abc, null.
  const shown = value instanceof Uint8Array ? `[B@${Buffer.from(value).toString('hex')}` : String(value);
  const column = definition.partitionColumnName ?? `PARAMETER${definition.partitionParameter}`;
  return (
    `Error sending procedure ${definition.name} to the correct partition. Make sure parameter values are correct. ` +
    `Parameter value ${shown}, partition column ${column} type ${type} Message: Cannot invoke "org.voltdb.VoltTable.getBuffer()" because "origTable" is null`
  );
}

/**
 * The parameters a directed call of a single-partition procedure runs with at `partition`:
 * the partitioning parameter replaced by that partition's key, or kept (BIGINT) when it hashes
 * there. Throws the real server's failure when it does not.
 */
export function directedParameters(database: Database, definition: ProcedureDefinition, params: readonly unknown[], partition: number): readonly unknown[] {
  const index = definition.partitionParameter;
  if (index === undefined || index < 0 || index >= params.length) return params;
  const type = definition.partitionParameterType ?? VOLT_TYPE.BIGINT;
  const kind = keyKind(type);
  if (kind !== null) {
    const key = partitionKeyValue(database.hashinator, kind, partition);
    if (key === undefined) return params;
    const replaced = [...params];
    replaced[index] = key;
    return replaced;
  }
  const value = params[index];
  if (database.partitionFor(value, type) !== partition) {
    throw failure(definition.name, { status: STATUS.UNEXPECTED_FAILURE, statusString: misdirected(definition, value, type) });
  }
  return params;
}
