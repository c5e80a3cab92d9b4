/**
 * Typed helpers over the system procedures an operator reaches for (PROTOCOL.md 8.2, 8.3, 9):
 * host overview, topology, statistics, the procedure catalog, and the server version.
 *
 * ```ts
 * const admin = new AdminApi(client);          // or client.admin
 * const hosts = await admin.systemInformation(); // Map hostId → { HOSTNAME: …, VERSION: …, … }
 * ```
 *
 * Each helper is one ordinary call through the client (its routing, timeouts and errors) and
 * reads the answer through the result table's accessors; nothing here touches bytes.
 */
import type { CallOptions } from './options.js';
import type { ServerInfo } from './server-info.js';
import type { DecodedResponse } from './decode/decode-response.js';
import type { VoltTable } from './decode/volt-table.js';
import { ParameterError, ProtocolError } from './errors.js';
import { MP_PARTITION_ID, typeName } from './protocol/constants.js';

/** What the helpers need from a client: `call`, and the login answer for {@link AdminApi.version}. */
export interface AdminTarget {
  call(procedure: string, params?: readonly unknown[], options?: CallOptions): Promise<DecodedResponse>;
  readonly serverInfo: ServerInfo;
}

/** One host's `@SystemInformation('OVERVIEW')` entries: `KEY` → `VALUE` (IPADDRESS, HOSTNAME, CLIENTPORT, BUILDSTRING, VERSION, …). */
export type HostOverview = Record<string, string | null>;

/** A replica of a partition: `"hostId:siteId"` in `@Statistics('TOPO')`. */
export interface SiteRef {
  hostId: number;
  siteId: number;
}

/** One row of `@Statistics('TOPO')` table 0. */
export interface PartitionTopology {
  partition: number;
  /** The leader replica; null when the server reported none. */
  leader: SiteRef | null;
  /** Every replica, leader included, as the server lists them. */
  replicas: SiteRef[];
}

/** The cluster's partitions, their leaders and replicas, and the hash ring. */
export interface ClusterTopology {
  /** Data partitions, ascending by id. */
  partitions: PartitionTopology[];
  /** The multi-partition initiator (partition 16383), when reported. */
  multiPartition: PartitionTopology | null;
  /** Host ids that hold any replica, ascending. */
  hosts: number[];
  /** `HASHTYPE` of table 1 (`'ELASTIC'`), null when absent. */
  hashType: string | null;
  /** `HASHCONFIG` of table 1 (binary ring, PROTOCOL.md 8.2 flag 0), null when absent. */
  hashConfig: Uint8Array | null;
}

/** `@Statistics(component, delta)`: its tables, and the first table's rows as objects. */
export interface StatisticsResult {
  component: string;
  tables: VoltTable[];
  rows: Record<string, unknown>[];
}

/** A procedure of the catalog with its partitioning (`@SystemCatalog('PROCEDURES')`, REMARKS JSON). */
export interface ProcedureInfo {
  name: string;
  readOnly: boolean;
  singlePartition: boolean;
  /** Index of the partitioning parameter of a single-partition procedure, else null. */
  partitionParameter: number | null;
  /** VoltDB type code of the partition column; -1 for a directed procedure; null when multi-partition. */
  partitionParameterType: number | null;
  /** The type's name (`'BIGINT'`), or null. */
  partitionParameterTypeName: string | null;
  compound: boolean;
  /** The parsed REMARKS object as the server sent it. */
  remarks: Record<string, unknown>;
}

/** The server build and version, from the login answer. */
export interface ServerVersion {
  /** As the server sent it (spaces replaced by underscores by the server). */
  buildString: string;
  /**
   * The whole version as the server sent it (`'11.4.0'`, `'11.4.0.beta1'`), or the build string up
   * to its first `_` when it has none; `major`, `minor` and `patch` are its numeric parts.
   */
  version: string;
  major: number | null;
  minor: number | null;
  patch: number | null;
  hostId: number;
  connectionId: bigint;
  clusterStart: Date;
  leaderAddress: string;
}

/** Statistics flag: 0 = since start, 1 = since the last delta call (PROTOCOL.md 9). */
const SINCE_START = 0;
const DELTA = 1;

function parseSite(text: string, where: string): SiteRef {
  const match = /^\s*(\d+):(\d+)\s*$/.exec(text);
  if (match === null) throw new ProtocolError(`${where}: "${text}" is not a "hostId:siteId" site`);
  return { hostId: Number(match[1]), siteId: Number(match[2]) };
}

function parseSites(text: string | null, where: string): SiteRef[] {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((part) => parseSite(part, where));
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** The typed admin helpers over one client (see the file comment). */
export class AdminApi {
  constructor(private readonly target: AdminTarget) {}

  /** `@SystemInformation('OVERVIEW')` as one key/value map per host id. */
  async systemInformation(options?: CallOptions): Promise<Map<number, HostOverview>> {
    const table = await this.firstTable('@SystemInformation', ['OVERVIEW'], options);
    const hosts = new Map<number, HostOverview>();
    for (let r = 0; r < table.rowCount; r++) {
      const hostId = table.getNumber(r, 'HOST_ID') ?? -1;
      let entries = hosts.get(hostId);
      if (entries === undefined) {
        // No prototype: a KEY such as "__proto__" stays an ordinary entry.
        entries = Object.create(null) as HostOverview;
        hosts.set(hostId, entries);
      }
      entries[table.getString(r, 'KEY') ?? ''] = table.getString(r, 'VALUE');
    }
    return hosts;
  }

  /** `@Statistics('TOPO', 0)`: partitions with leader and replicas, hosts, and the hash ring. */
  async topology(options?: CallOptions): Promise<ClusterTopology> {
    const response = await this.target.call('@Statistics', ['TOPO', SINCE_START], awaited(options));
    const table = response.tables[0];
    if (table === undefined) throw new ProtocolError('@Statistics TOPO answered no table');
    const partitions: PartitionTopology[] = [];
    let multiPartition: PartitionTopology | null = null;
    const hosts = new Set<number>();
    for (let r = 0; r < table.rowCount; r++) {
      const partition = table.getNumber(r, 'Partition') ?? -1;
      const where = `@Statistics TOPO partition ${partition}`;
      const leaderText = table.getString(r, 'Leader');
      const entry: PartitionTopology = {
        partition,
        leader: leaderText === null || leaderText.trim() === '' ? null : parseSite(leaderText, where),
        replicas: parseSites(table.getString(r, 'Sites'), where),
      };
      for (const site of entry.replicas) hosts.add(site.hostId);
      if (entry.leader !== null) hosts.add(entry.leader.hostId);
      if (partition === MP_PARTITION_ID) multiPartition = entry;
      else partitions.push(entry);
    }
    partitions.sort((a, b) => a.partition - b.partition);
    const ring = response.tables[1];
    const hasRing = ring !== undefined && ring.rowCount > 0;
    return {
      partitions,
      multiPartition,
      hosts: [...hosts].sort((a, b) => a - b),
      hashType: hasRing ? ring.getString(0, 'HASHTYPE') : null,
      hashConfig: hasRing ? ring.getBytes(0, 'HASHCONFIG') : null,
    };
  }

  /** `@Statistics(component, delta ? 1 : 0)`: the tables, and the first one's rows as objects. */
  async statistics(component: string, options: CallOptions & { delta?: boolean } = {}): Promise<StatisticsResult> {
    if (typeof component !== 'string' || component.trim() === '') {
      throw new ParameterError('statistics needs a component name such as "PROCEDURE" or "TOPO"', { procedure: '@Statistics', index: 0 });
    }
    const { delta, ...callOptions } = options;
    const response = await this.target.call('@Statistics', [component, delta === true ? DELTA : SINCE_START], awaited(callOptions));
    const first = response.tables[0];
    return { component, tables: response.tables, rows: first === undefined ? [] : [...first.rowObjects()] };
  }

  /** The catalog's procedures (`@SystemCatalog('PROCEDURES')`) with the partitioning from their REMARKS JSON. */
  async procedures(options?: CallOptions): Promise<ProcedureInfo[]> {
    const table = await this.firstTable('@SystemCatalog', ['PROCEDURES'], options);
    const procedures: ProcedureInfo[] = [];
    for (let r = 0; r < table.rowCount; r++) {
      const name = table.getString(r, 'PROCEDURE_NAME') ?? '';
      const text = table.getString(r, 'REMARKS');
      let remarks: Record<string, unknown> = {};
      if (text !== null && text !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          throw new ProtocolError(`REMARKS of procedure ${name} is not JSON: ${text}`, { cause: error });
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ProtocolError(`REMARKS of procedure ${name} is not a JSON object: ${text}`);
        remarks = parsed as Record<string, unknown>;
      }
      const singlePartition = remarks['singlePartition'] === true;
      const partitionParameterType = singlePartition ? asNumber(remarks['partitionParameterType']) : null;
      procedures.push({
        name,
        readOnly: remarks['readOnly'] === true,
        singlePartition,
        partitionParameter: singlePartition ? asNumber(remarks['partitionParameter']) : null,
        partitionParameterType,
        partitionParameterTypeName: partitionParameterType === null ? null : (typeName(partitionParameterType) ?? null),
        compound: remarks['compound'] === true,
        remarks,
      });
    }
    return procedures;
  }

  /** The server build and version, from the first connection's login answer (no call). */
  version(): ServerVersion {
    const info = this.target.serverInfo;
    const build = info.buildString;
    // The version as the server names it — '11.4.0.beta1' in "11.4.0.beta1_…", '11.4.0' in
    // "11.4.0_voltwire…" or "voltdb-11.4.0-…" — with its numeric parts parsed separately.
    const match = /(\d+)\.(\d+)(?:\.(\d+))?(?:\.[0-9A-Za-z]+)*/.exec(build);
    const cut = build.indexOf('_');
    let version = cut === -1 ? build : build.slice(0, cut);
    if (match !== null) version = match[0];
    return {
      buildString: build,
      version,
      major: match === null ? null : Number(match[1]),
      minor: match === null ? null : Number(match[2]),
      patch: match === null || match[3] === undefined ? null : Number(match[3]),
      hostId: info.hostId,
      connectionId: info.connectionId,
      clusterStart: info.clusterStart,
      leaderAddress: info.leaderAddress,
    };
  }

  private async firstTable(procedure: string, params: readonly unknown[], options: CallOptions | undefined): Promise<VoltTable> {
    const response = await this.target.call(procedure, params, awaited(options));
    const table = response.tables[0];
    if (table === undefined) throw new ProtocolError(`${procedure}(${params.join(', ')}) answered no table`);
    return table;
  }
}

/** Admin helpers always need the answer: a `response: false` from a JS caller is overridden. */
function awaited(options: CallOptions | undefined): CallOptions | undefined {
  return options?.response === false ? { ...options, response: true } : options;
}
