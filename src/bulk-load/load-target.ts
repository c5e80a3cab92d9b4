/**
 * What a load needs to know about its table before the first row: the columns in declared
 * order and their types (`@SystemCatalog('COLUMNS')`), the partition column, and the hash ring
 * that says which partition a row belongs to (the client's topology, else `@Statistics('TOPO')`).
 */
import { ParameterError } from '../errors.js';
import { parseTopology, type ClusterTopology } from '../cluster/topology.js';
import { describeTable } from '../extract/catalog.js';
import type { ExtractClient } from '../extract/options.js';
import type { CallOptions } from '../options.js';
import type { Hashinator } from '../protocol/hashinator.js';
import type { TableColumn } from '../protocol/value-writer.js';
import { VOLT_TYPE } from '../protocol/constants.js';

/** The client a load runs through: calls, plus the topology it learned (if any). */
export interface BulkLoadClient extends ExtractClient {
  readonly topology: ClusterTopology | null;
}

export interface LoadTarget {
  /** The table's name as the catalog spells it. */
  name: string;
  columns: TableColumn[];
  /** Index of the partition column in `columns`; −1 for a replicated table. */
  partitionIndex: number;
  /** The ring, for a partitioned table. */
  hashinator: Hashinator | null;
  /** Partitions on the ring (1 for a replicated table). */
  partitionCount: number;
}

/** Look the table and the ring up; an unknown table is a ParameterError naming the known ones. */
export async function loadTarget(client: BulkLoadClient, table: string, options: CallOptions): Promise<LoadTarget> {
  if (typeof table !== 'string' || table === '') throw new ParameterError(`bulkLoad: table must be a non-empty string, got ${String(table)}`, { procedure: 'bulkLoad' });
  const info = await describeTable(client, table, options, 'bulkLoad');
  const columns = info.columns.map((c) => ({ name: c.name, type: c.type }));
  const unknown = columns.find((c) => c.type === VOLT_TYPE.NULL);
  if (unknown !== undefined) throw new ParameterError(`bulkLoad: column ${unknown.name} of ${info.name} has a type the loader does not know`, { procedure: 'bulkLoad' });
  const partitionIndex = info.partitionColumn === null ? -1 : columns.findIndex((c) => c.name === info.partitionColumn);
  if (partitionIndex < 0) return { name: info.name, columns, partitionIndex: -1, hashinator: null, partitionCount: 1 };
  let topology = client.topology;
  if (topology?.hashinator == null) topology = parseTopology(await client.call('@Statistics', ['TOPO', 0], options));
  const hashinator = topology.hashinator;
  if (hashinator === null) throw new ParameterError(`bulkLoad: the server sent no elastic hash ring (HASHTYPE ${topology.hashType}); rows of ${info.name} cannot be split by partition`, { procedure: 'bulkLoad' });
  return { name: info.name, columns, partitionIndex, hashinator, partitionCount: hashinator.partitionCount };
}
