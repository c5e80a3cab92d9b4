/**
 * The system procedures the embedded server answers, in the shapes of the real 11.4 captures:
 * `@Ping`, `@SystemInformation`, `@Statistics` (TOPO, PROCEDURE, PARTITIONCOUNT, and the
 * embedded server's own EMBEDDED),
 * `@SystemCatalog`, `@GetPartitionKeys`, `@Quiesce`, `@Subscribe`, `@AdHoc`, and the two
 * bulk-load procedures of `load-procedures.ts`.
 */
import { Buffer } from 'node:buffer';
import { hostname, cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { MP_PARTITION_ID, STATUS, VOLT_TYPE } from '../protocol/constants.js';
import type { TableInput } from '../protocol/response-writer.js';
import { CATALOG_COMPONENTS } from './catalog.js';
import { LOAD_PROCEDURES } from './load-procedures.js';
import { failure, wrongParameterCount } from './failure-responses.js';
import { partitionKeys } from './partition-keys.js';
import type { ClusterContext, ProcedureCall, ProcedureDefinition, ProcedureOutcome } from './procedure.js';
import { ddlStatus, encodeTable, resultSet, toTableInput } from './result-set.js';
import { executeBatch, prepareBatch } from './sql/executor.js';

const S = VOLT_TYPE.STRING;

function tables(...results: Parameters<typeof toTableInput>[0][]): ProcedureOutcome {
  return { tables: results.map((r) => toTableInput(r)) };
}

function invalid(procedure: string, message: string): never {
  throw failure(procedure, { status: STATUS.GRACEFUL_FAILURE, statusString: message });
}

function selector(call: ProcedureCall, index: number, fallback?: string): string {
  const value = call.params[index] ?? fallback;
  if (typeof value !== 'string') {
    if (value === undefined) throw wrongParameterCount(call.name, index + 1, call.params.length);
    invalid(call.name, `VOLTDB ERROR: PROCEDURE ${call.name} TYPE ERROR FOR PARAMETER ${index}: org.voltdb.VoltTypeException: The provided value: (${String(value)}) is not a match for the target parameter type: java.lang.String`);
  }
  return value.toUpperCase();
}

// --- @Ping -----------------------------------------------------------------------------------

/** The @Ping table, encoded once: STATUS BIGINT 0. */
const PING_TABLE: TableInput = encodeTable(ddlStatus());

// --- @SystemInformation ------------------------------------------------------------------------

function uptime(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = new Date(ms % 86_400_000).toISOString().slice(11, 23);
  return `${days} days ${rest}`;
}

function overview(cluster: ClusterContext): ProcedureOutcome {
  const now = Date.now();
  const rows: unknown[][] = [];
  const cores = String(cpus().length);
  for (const node of cluster.runningNodes()) {
    const entries: [string, string | null][] = [
      ['IPADDRESS', node.host],
      ['HOSTNAME', hostname()],
      ['CLIENTINTERFACE', node.host],
      ['CLIENTPORT', String(node.port)],
      ['ADMININTERFACE', node.host],
      ['ADMINPORT', '-1'],
      ['HTTPINTERFACE', ''],
      ['HTTPPORT', '-1'],
      ['INTERNALINTERFACE', node.host],
      ['INTERNALPORT', '-1'],
      ['ZKINTERFACE', node.host],
      ['ZKPORT', '-1'],
      ['DRINTERFACE', node.host],
      ['DRPORT', '0'],
      ['PUBLICINTERFACE', ''],
      ['DRPUBLICINTERFACE', ''],
      ['DRPUBLICPORT', '-1'],
      ['BUILDSTRING', cluster.buildString],
      ['VERSION', cluster.version],
      ['CATALOG', null],
      ['DEPLOYMENT', 'embedded'],
      ['CLUSTERSTATE', 'RUNNING'],
      ['CLUSTERSAFETY', 'FULL'],
      ['INITIALIZED', 'true'],
      ['REPLICATIONROLE', 'NONE'],
      ['CATALOGCRC', String(cluster.database.catalogVersion)],
      ['IV2ENABLED', 'true'],
      ['STARTTIME', String(cluster.clusterStartMs)],
      ['CREATIONTIME', String(cluster.clusterStartMs)],
      ['HOSTSTARTTIME', String(cluster.clusterStartMs)],
      ['UPTIME', uptime(now - cluster.clusterStartMs)],
      ['LAST_UPDATECORE_DURATION', '0'],
      ['LOG4JPORT', '0'],
      ['PLACEMENTGROUP', '0'],
      ['PARTITIONGROUP', '0'],
      ['VOLTDBROOT', 'embedded'],
      ['FULLCLUSTERSIZE', String(cluster.topology.hostCount)],
      ['CLUSTERID', '0'],
      ['TOPICSPUBLICINTERFACE', ''],
      ['TOPICSPUBLICPORT', '-1'],
      ['TOPICSPORT', '-1'],
      ['CPUCORES', cores],
      ['CPUTHREADS', cores],
      ['MEMORY', `${Math.round(totalmem() / 1048576)} MB`],
      ['KUBERNETES', 'false'],
    ];
    for (const [key, value] of entries) rows.push([node.hostId, key, value]);
  }
  return tables(resultSet([{ name: 'HOST_ID', type: VOLT_TYPE.INTEGER }, { name: 'KEY', type: S }, { name: 'VALUE', type: S }], rows));
}

function systemInformation(call: ProcedureCall): ProcedureOutcome {
  const which = selector(call, 0, 'OVERVIEW');
  if (which === 'OVERVIEW') return overview(call.cluster);
  if (which === 'DEPLOYMENT') {
    const rows = [
      ['hostcount', String(call.cluster.topology.hostCount)],
      ['sitesperhost', String(Math.ceil(call.cluster.topology.partitionCount / call.cluster.topology.hostCount))],
      ['kfactor', '0'],
      ['elastic', 'enabled'],
      ['users', ''],
    ];
    return tables(resultSet([{ name: 'PROPERTY', type: S }, { name: 'VALUE', type: S }], rows));
  }
  return invalid(call.name, `Invalid @SystemInformation selector ${which}.`);
}

// --- @Statistics -------------------------------------------------------------------------------

function topo(call: ProcedureCall, jsonFlag: boolean): ProcedureOutcome {
  const { topology, database } = call.cluster;
  const rows: unknown[][] = [];
  for (let p = 0; p < topology.partitionCount; p++) rows.push([p, topology.siteName(p), topology.siteName(p)]);
  rows.push([MP_PARTITION_ID, topology.siteName(MP_PARTITION_ID), topology.siteName(MP_PARTITION_ID)]);
  const ring = database.hashinator;
  let config: Uint8Array = ring.toConfig();
  if (jsonFlag) {
    const json: Record<string, number> = {};
    for (let i = 0; i < ring.tokens.length; i++) json[String(ring.tokens[i])] = ring.owners[i]!;
    config = gzipSync(Buffer.from(JSON.stringify(json), 'utf8'));
  }
  return tables(
    resultSet([{ name: 'Partition', type: VOLT_TYPE.INTEGER }, { name: 'Sites', type: S }, { name: 'Leader', type: S }], rows),
    resultSet([{ name: 'HASHTYPE', type: S }, { name: 'HASHCONFIG', type: VOLT_TYPE.VARBINARY }], [['ELASTIC', config]]),
  );
}

const PROCEDURE_STAT_COLUMNS: [string, number][] = [
  ['TIMESTAMP', VOLT_TYPE.BIGINT],
  ['HOST_ID', VOLT_TYPE.INTEGER],
  ['HOSTNAME', S],
  ['SITE_ID', VOLT_TYPE.INTEGER],
  ['PARTITION_ID', VOLT_TYPE.INTEGER],
  ['PROCEDURE', S],
  ['INVOCATIONS', VOLT_TYPE.BIGINT],
  ['TIMED_INVOCATIONS', VOLT_TYPE.BIGINT],
  ['MIN_EXECUTION_TIME', VOLT_TYPE.BIGINT],
  ['MAX_EXECUTION_TIME', VOLT_TYPE.BIGINT],
  ['AVG_EXECUTION_TIME', VOLT_TYPE.BIGINT],
  ['MIN_RESULT_SIZE', VOLT_TYPE.INTEGER],
  ['MAX_RESULT_SIZE', VOLT_TYPE.INTEGER],
  ['AVG_RESULT_SIZE', VOLT_TYPE.INTEGER],
  ['MIN_PARAMETER_SET_SIZE', VOLT_TYPE.INTEGER],
  ['MAX_PARAMETER_SET_SIZE', VOLT_TYPE.INTEGER],
  ['AVG_PARAMETER_SET_SIZE', VOLT_TYPE.INTEGER],
  ['ABORTS', VOLT_TYPE.BIGINT],
  ['FAILURES', VOLT_TYPE.BIGINT],
  ['TRANSACTIONAL', VOLT_TYPE.TINYINT],
  ['COMPOUND', VOLT_TYPE.TINYINT],
];

const EMBEDDED_STAT_COLUMNS: [string, number][] = [
  ['TIMESTAMP', VOLT_TYPE.BIGINT],
  ['HOST_ID', VOLT_TYPE.INTEGER],
  ['HOSTNAME', S],
  ['CLIENT_PORT', VOLT_TYPE.INTEGER],
  ['CONNECTIONS', VOLT_TYPE.INTEGER],
  ['CALLS', VOLT_TYPE.BIGINT],
  ['MISROUTED_CALLS', VOLT_TYPE.BIGINT],
  ['LOGINS', VOLT_TYPE.BIGINT],
  ['BYTES_RECEIVED', VOLT_TYPE.BIGINT],
  ['BYTES_SENT', VOLT_TYPE.BIGINT],
];

function procedureStatistics(call: ProcedureCall, delta: boolean): ProcedureOutcome {
  const { topology, database } = call.cluster;
  const now = BigInt(Date.now());
  const host = hostname();
  const rows = database.statistics.snapshot(delta).map((c) => {
    const n = Math.max(1, c.invocations);
    return [
      now,
      topology.leaderOf(c.partition),
      host,
      topology.siteOf(c.partition),
      c.partition,
      c.procedure,
      BigInt(c.invocations),
      BigInt(c.invocations),
      BigInt(Math.round(c.minNs)),
      BigInt(Math.round(c.maxNs)),
      BigInt(Math.round(c.totalNs / n)),
      c.minResult,
      c.maxResult,
      Math.round(c.totalResult / n),
      c.minParams,
      c.maxParams,
      Math.round(c.totalParams / n),
      BigInt(c.aborts),
      BigInt(c.failures),
      c.transactional ? 1 : 0,
      0,
    ];
  });
  return tables(resultSet(PROCEDURE_STAT_COLUMNS.map(([name, type]) => ({ name, type })), rows));
}

/**
 * `@Statistics('EMBEDDED')` — not a VoltDB component: the counters of the embedded nodes
 * running in this process (one row each; in per-process mode, just this node), so a test or a
 * benchmark can read `misroutedCalls` from a server in another process. Always since start.
 */
function embeddedStatistics(call: ProcedureCall): ProcedureOutcome {
  const now = BigInt(Date.now());
  const host = hostname();
  const rows = call.cluster.localStatistics().map((n) => [
    now,
    n.hostId,
    host,
    n.port,
    n.connections,
    BigInt(n.calls),
    BigInt(n.misroutedCalls),
    BigInt(n.logins),
    BigInt(n.bytesReceived),
    BigInt(n.bytesSent),
  ]);
  return tables(resultSet(EMBEDDED_STAT_COLUMNS.map(([name, type]) => ({ name, type })), rows));
}

function statistics(call: ProcedureCall): ProcedureOutcome {
  const component = selector(call, 0);
  const flag = call.params[1] ?? 0;
  const delta = flag === 1 || flag === 1n || flag === true;
  switch (component) {
    case 'TOPO':
      return topo(call, delta);
    case 'PROCEDURE':
      return procedureStatistics(call, delta);
    case 'EMBEDDED':
      return embeddedStatistics(call);
    case 'PARTITIONCOUNT':
      return tables(
        resultSet(
          [
            { name: 'TIMESTAMP', type: VOLT_TYPE.BIGINT },
            { name: 'HOST_ID', type: VOLT_TYPE.INTEGER },
            { name: 'HOSTNAME', type: S },
            { name: 'PARTITION_COUNT', type: VOLT_TYPE.INTEGER },
          ],
          [[BigInt(Date.now()), 0, hostname(), call.cluster.topology.partitionCount]],
        ),
      );
    default:
      return invalid(call.name, `Invalid @Statistics selector ${component}.`);
  }
}

// --- @GetPartitionKeys -------------------------------------------------------------------------

function getPartitionKeys(call: ProcedureCall): ProcedureOutcome {
  const which = selector(call, 0);
  const kind = which === 'VARCHAR' ? 'STRING' : which;
  if (kind !== 'INTEGER' && kind !== 'STRING' && kind !== 'VARBINARY') {
    return invalid(call.name, `Type ${which} is not a supported type of partition key, supported types are INTEGER, STRING, VARCHAR and VARBINARY.`);
  }
  const keys = partitionKeys(call.cluster.database.hashinator, kind);
  const keyType = kind === 'INTEGER' ? VOLT_TYPE.INTEGER : kind === 'STRING' ? S : VOLT_TYPE.VARBINARY;
  const rows = keys.map(([partition, key]) => {
    if (kind === 'INTEGER') return [partition, key];
    if (kind === 'STRING') return [partition, String(key)];
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, key, false);
    return [partition, b];
  });
  return tables(resultSet([{ name: 'PARTITION_ID', type: VOLT_TYPE.INTEGER }, { name: 'PARTITION_KEY', type: keyType }], rows));
}

// --- @AdHoc ------------------------------------------------------------------------------------

function adHoc(call: ProcedureCall): ProcedureOutcome {
  const sql = call.params[0];
  if (typeof sql !== 'string') {
    if (sql === undefined) throw wrongParameterCount(call.name, 1, 0);
    return invalid(call.name, 'VOLTDB ERROR: PROCEDURE @AdHoc TYPE ERROR FOR PARAMETER 0: the SQL text must be a STRING');
  }
  const results = executeBatch(call.database, sql, call.params.slice(1), { partition: MP_PARTITION_ID, procedure: call.name });
  return { tables: results.map((r) => toTableInput(r, call.name, call.database.maxResultBytes)) };
}

function adHocStatisticsName(call: ProcedureCall): string {
  const sql = call.params[0];
  try {
    const batch = prepareBatch(typeof sql === 'string' ? sql : '');
    return batch.readOnly ? 'org.voltdb.sysprocs.AdHoc_RO_MP' : 'org.voltdb.sysprocs.AdHoc_RW_MP';
  } catch {
    return 'org.voltdb.sysprocs.AdHoc_RW_MP';
  }
}

// --- registry ----------------------------------------------------------------------------------

function system(name: string, run: ProcedureDefinition['run'], options: Partial<ProcedureDefinition> = {}): ProcedureDefinition {
  return { name, kind: 'system', readOnly: true, transactional: false, run, ...options };
}

/** System procedures by name. */
export const SYSTEM_PROCEDURES: ReadonlyMap<string, ProcedureDefinition> = new Map(
  [
    system('@Ping', () => ({ statusString: 'SUCCESS', tables: [PING_TABLE] })),
    system('@SystemInformation', systemInformation),
    system('@Statistics', statistics),
    system('@SystemCatalog', (call) => {
      const component = selector(call, 0);
      const build = CATALOG_COMPONENTS[component];
      if (build === undefined) return invalid(call.name, `Invalid @SystemCatalog selector ${component}.`);
      return tables(build(call.database));
    }),
    system('@GetPartitionKeys', getPartitionKeys),
    system('@Quiesce', () => tables(ddlStatus())),
    system('@Subscribe', (call) => {
      const topic = selector(call, 0);
      if (topic !== 'TOPOLOGY') return invalid(call.name, `Invalid subscription request: ${topic}`);
      call.connection.subscribe(topic);
      return { tables: [] };
    }),
    system('@AdHoc', adHoc, { readOnly: false, transactional: true, statisticsName: adHocStatisticsName }),
    ...LOAD_PROCEDURES,
  ].map((definition) => [definition.name, definition]),
);
