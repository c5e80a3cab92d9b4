/**
 * What the cluster tells a client about itself (PROTOCOL.md 8), parsed from result tables:
 *
 * - `@Statistics('TOPO', 0)` table 0: `Partition` INTEGER, `Sites` STRING (`"hostId:siteId"`
 *   joined by `", "`), `Leader` STRING (`"hostId:siteId"`), one row per partition plus the
 *   multi-partition initiator 16383; table 1: `HASHTYPE` STRING (`"ELASTIC"`), `HASHCONFIG`
 *   VARBINARY (`i32 n`, then `n × (i32 token, i32 partition)`, big-endian);
 * - `@SystemCatalog('PROCEDURES')`: `PROCEDURE_NAME` (column 2) and `REMARKS` (column 6), a
 *   JSON object `{"readOnly","singlePartition","partitionParameter","partitionParameterType","compound"}`;
 * - `@SystemInformation('OVERVIEW')`: `HOST_ID`, `KEY`, `VALUE` rows; `IPADDRESS` and
 *   `CLIENTPORT` say where to connect to a host;
 * - `@GetPartitionKeys(type)`: `PARTITION_ID`, `PARTITION_KEY`.
 *
 * Everything here is pure: tables in, plain objects out; malformed tables are `ProtocolError`s.
 */
import { ProtocolError, VoltError } from '../errors.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import type { VoltTable } from '../decode/volt-table.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../protocol/constants.js';
import { Hashinator } from '../protocol/hashinator.js';

/** One partition: its leader host and every host holding a replica. */
export interface PartitionPlacement {
  partition: number;
  leaderHostId: number;
  hostIds: number[];
}

/** The cluster's partitions, leaders and token ring. */
export interface ClusterTopology {
  /** Ordinary partitions, ascending (the MP initiator is in `mpLeaderHostId`). */
  partitions: PartitionPlacement[];
  /** Host of the multi-partition initiator (partition 16383), when reported. */
  mpLeaderHostId: number | null;
  /** Every host id holding a site, ascending. */
  hostIds: number[];
  /** `"ELASTIC"` on every current server. */
  hashType: string;
  /** The token ring, or null when the server sent none this client understands. */
  hashinator: Hashinator | null;
}

/** What `@SystemCatalog('PROCEDURES')` says about one procedure. */
export interface ProcedureInfo {
  name: string;
  readOnly: boolean;
  singlePartition: boolean;
  /** Index of the partitioning parameter (single-partition procedures), else −1. */
  partitionParameter: number;
  /** VoltDB type code of the partition column; −1 for "directed" procedures or none. */
  partitionParameterType: number;
  compound: boolean;
}

/** Where to reach one host (from OVERVIEW). */
export interface HostLocation {
  hostId: number;
  host: string;
  port: number;
}

/** One partition's key, as `@GetPartitionKeys` reports it. */
export interface PartitionKey {
  partition: number;
  key: unknown;
}

/** Read a value and wrap the decode layer's errors with where we were. */
function cell(table: VoltTable, row: number, column: string, what: string): unknown {
  try {
    return table.get(row, column);
  } catch (error) {
    throw new ProtocolError(`${what}: ${VoltError.is(error) ? error.message : String(error)}`, { cause: error });
  }
}

function hostIdOf(site: string, what: string): number {
  const id = Number(site.trim().split(':')[0]);
  if (!Number.isInteger(id) || id < 0) throw new ProtocolError(`${what}: site "${site}" is not "hostId:siteId"`);
  return id;
}

/** Parse the two tables of `@Statistics('TOPO', 0)` (a response or a topology push). */
export function parseTopology(response: Pick<DecodedResponse, 'tables'>): ClusterTopology {
  const what = '@Statistics TOPO';
  const [sites, hash] = response.tables;
  if (sites === undefined) throw new ProtocolError(`${what}: the response has no tables`);
  const partitions: PartitionPlacement[] = [];
  const hosts = new Set<number>();
  let mpLeaderHostId: number | null = null;
  for (let row = 0; row < sites.rowCount; row++) {
    const partition = Number(cell(sites, row, 'Partition', what));
    const leaderText = cell(sites, row, 'Leader', what);
    const sitesText = cell(sites, row, 'Sites', what);
    if (!Number.isInteger(partition) || typeof leaderText !== 'string' || typeof sitesText !== 'string') {
      throw new ProtocolError(`${what}: row ${row} is not (INTEGER, STRING, STRING)`);
    }
    const leaderHostId = hostIdOf(leaderText, what);
    const hostIds = [...new Set(sitesText.split(',').filter((s) => s.trim() !== '').map((s) => hostIdOf(s, what)))].sort((a, b) => a - b);
    hosts.add(leaderHostId);
    for (const id of hostIds) hosts.add(id);
    if (partition === MP_PARTITION_ID) mpLeaderHostId = leaderHostId;
    else partitions.push({ partition, leaderHostId, hostIds });
  }
  partitions.sort((a, b) => a.partition - b.partition);
  let hashType = '';
  let hashinator: Hashinator | null = null;
  if (hash !== undefined && hash.rowCount > 0) {
    hashType = String(cell(hash, 0, 'HASHTYPE', what));
    const config = cell(hash, 0, 'HASHCONFIG', what);
    // Only the binary elastic ring (flag 0) is understood; anything else routes without hashing.
    if (hashType === 'ELASTIC' && config instanceof Uint8Array) hashinator = Hashinator.fromConfig(config);
  }
  return { partitions, mpLeaderHostId, hostIds: [...hosts].sort((a, b) => a - b), hashType, hashinator };
}

function remarksOf(name: string, text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    throw new ProtocolError(`@SystemCatalog PROCEDURES: REMARKS of ${name} is not JSON: ${JSON.stringify(text.slice(0, 80))}`, { cause: error });
  }
}

/** Parse `@SystemCatalog('PROCEDURES')` into procedure name → info. */
export function parseProcedures(table: VoltTable): Map<string, ProcedureInfo> {
  const what = '@SystemCatalog PROCEDURES';
  const out = new Map<string, ProcedureInfo>();
  for (let row = 0; row < table.rowCount; row++) {
    const name = cell(table, row, 'PROCEDURE_NAME', what);
    if (typeof name !== 'string') throw new ProtocolError(`${what}: row ${row} has no PROCEDURE_NAME`);
    const remarks = remarksOf(name, cell(table, row, 'REMARKS', what));
    const singlePartition = remarks['singlePartition'] === true;
    const parameter = remarks['partitionParameter'];
    const type = remarks['partitionParameterType'];
    out.set(name, {
      name,
      readOnly: remarks['readOnly'] === true,
      singlePartition,
      partitionParameter: singlePartition && typeof parameter === 'number' && Number.isInteger(parameter) && parameter >= 0 ? parameter : -1,
      partitionParameterType: singlePartition && typeof type === 'number' && Number.isInteger(type) ? type : -1,
      compound: remarks['compound'] === true,
    });
  }
  return out;
}

/** Parse `@SystemInformation('OVERVIEW')` into host id → where its client port listens. */
export function parseOverview(table: VoltTable): Map<number, HostLocation> {
  const what = '@SystemInformation OVERVIEW';
  const fields = new Map<number, Map<string, string>>();
  for (let row = 0; row < table.rowCount; row++) {
    const hostId = Number(cell(table, row, 'HOST_ID', what));
    const key = cell(table, row, 'KEY', what);
    const value = cell(table, row, 'VALUE', what);
    if (!Number.isInteger(hostId) || typeof key !== 'string') throw new ProtocolError(`${what}: row ${row} is not (HOST_ID, KEY, VALUE)`);
    let map = fields.get(hostId);
    if (map === undefined) fields.set(hostId, (map = new Map()));
    if (typeof value === 'string') map.set(key, value);
  }
  const out = new Map<number, HostLocation>();
  for (const [hostId, map] of fields) {
    const host = map.get('IPADDRESS') ?? '';
    const port = Number(map.get('CLIENTPORT'));
    if (host !== '' && Number.isInteger(port) && port > 0 && port <= 65535) out.set(hostId, { hostId, host, port });
  }
  return out;
}

/** Parse `@GetPartitionKeys(type)`, ascending by partition. */
export function parsePartitionKeys(table: VoltTable): PartitionKey[] {
  const what = '@GetPartitionKeys';
  const out: PartitionKey[] = [];
  for (let row = 0; row < table.rowCount; row++) {
    const partition = Number(cell(table, row, 'PARTITION_ID', what));
    if (!Number.isInteger(partition)) throw new ProtocolError(`${what}: row ${row} has no integer PARTITION_ID`);
    out.push({ partition, key: cell(table, row, 'PARTITION_KEY', what) });
  }
  return out.sort((a, b) => a.partition - b.partition);
}

/** The kind of `@GetPartitionKeys` key that hashes like a partition column of `type`. */
export function partitionKeyKind(type: number): 'INTEGER' | 'STRING' | 'VARBINARY' {
  if (type === VOLT_TYPE.STRING) return 'STRING';
  if (type === VOLT_TYPE.VARBINARY) return 'VARBINARY';
  return 'INTEGER';
}

/** Two topologies route the same (same leaders, same ring). */
export function sameTopology(a: ClusterTopology | null, b: ClusterTopology | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.mpLeaderHostId !== b.mpLeaderHostId || a.partitions.length !== b.partitions.length || a.hostIds.join() !== b.hostIds.join()) return false;
  for (let i = 0; i < a.partitions.length; i++) {
    const x = a.partitions[i]!;
    const y = b.partitions[i]!;
    if (x.partition !== y.partition || x.leaderHostId !== y.leaderHostId || x.hostIds.join() !== y.hostIds.join()) return false;
  }
  const ra = a.hashinator;
  const rb = b.hashinator;
  if (ra === null || rb === null) return ra === rb;
  if (ra.tokens.length !== rb.tokens.length) return false;
  for (let i = 0; i < ra.tokens.length; i++) if (ra.tokens[i] !== rb.tokens[i] || ra.owners[i] !== rb.owners[i]) return false;
  return true;
}
