/**
 * Partition-aware routing (PROTOCOL.md 8.6), behind `ConnectionSet.pick`:
 *
 * 1. a single-partition procedure (catalog `singlePartition`, `partitionParameter = p`) called
 *    with more than `p` parameters: hash parameter `p` as the partition column's type with the
 *    elastic hashinator → partition → the connection to that partition's **leader** host;
 * 2. anything else — multi-partition, compound, unknown and system procedures, `@AdHoc`, a
 *    value that cannot be hashed, no topology yet, the leader not connected: no preference →
 *    smooth weighted round-robin among open primaries, skipping backpressured ones while
 *    another is free. (Every multi-partition transaction runs through one initiator in the
 *    cluster anyway; spreading them by weight keeps the user's weights meaningful for them and
 *    no single connection's queue carries them all.)
 *
 * A call that names its partition (the `partition` call option: PARTITION_DESTINATION) goes
 * to that partition's leader whatever the procedure and its parameters
 * ({@link PartitionRouter.pickPartition}), or by rule 3 when the leader is unknown.
 *
 * A single-partition call stays with its leader even when that connection is backpressured:
 * the leader has to run it anyway, and sending it elsewhere only adds a forwarding hop on the
 * server. Backup hosts take calls only while no primary connection is open — also calls whose
 * partition leader is a backup host.
 *
 * Correctness never depends on routing (the server forwards a mis-routed call); routing saves
 * the hop. Every decision on the hot path is a Map lookup, one hash and an array index: the
 * partition → connection table is rebuilt only when connections or the topology change.
 */
import type { Connection } from '../connection/connection.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../protocol/constants.js';
import type { Hashinator } from '../protocol/hashinator.js';
import type { ClusterTopology, ProcedureInfo } from './topology.js';
import { pickWeighted, type Weighted } from './weighted-picker.js';

/** Routing facts of one connection. */
export interface RouteInfo {
  /** 1–9. */
  weight: number;
  backup: boolean;
  /** The server's host id (login response); −1 when unknown. */
  hostId: number;
}

/** The connections to one host (several when the host is listed more than once), taken in turn. */
class HostRoutes {
  next = 0;
  constructor(readonly routes: Route[]) {}
}

/** A connection the router sends calls to. */
class Route implements Weighted {
  score = 0;
  constructor(
    readonly connection: Connection,
    readonly weight: number,
    readonly backup: boolean,
    readonly hostId: number,
  ) {}
}

/**
 * System procedures the catalog does not list that still route like single-partition calls:
 * `@LoadSinglepartitionTable`'s first parameter is the partitioning value's hashinator bytes
 * (VARBINARY), so hashing it raw finds the partition its rows belong to.
 */
const SYSTEM_ROUTES: ReadonlyMap<string, ProcedureInfo> = new Map([
  [
    '@LoadSinglepartitionTable',
    { name: '@LoadSinglepartitionTable', readOnly: false, singlePartition: true, partitionParameter: 0, partitionParameterType: VOLT_TYPE.VARBINARY, compound: false },
  ],
]);

/** No partition preference. */
export const NO_PARTITION = -1;

/** Which connection a call goes to: see the file comment. */
export class PartitionRouter {
  private readonly all: Connection[] = [];
  private routes: Route[] = [];
  private procedures = new Map<string, ProcedureInfo>();
  private topology: ClusterTopology | null = null;
  private hashinator: Hashinator | null = null;
  /** Leader route by partition id (index), rebuilt on change. */
  private leaders: (HostRoutes | null)[] = [];
  /** Which tier `pickAny` is looking at: false = primaries, true = backups. */
  private tier = false;
  private readonly acceptFree = (route: Route): boolean => route.backup === this.tier && route.connection.state === 'open' && !route.connection.backpressured;
  private readonly acceptOpen = (route: Route): boolean => route.backup === this.tier && route.connection.state === 'open';

  constructor(private readonly clientAffinity = true) {}

  /** Every connection handed to this router (routed or not). */
  get connections(): readonly Connection[] {
    return this.all;
  }

  /** A connection opened by the client (routed once {@link attach}ed). */
  add(connection: Connection): void {
    if (!this.all.includes(connection)) this.all.push(connection);
  }

  /** The connection closed; stop routing to it. */
  remove(connection: Connection): void {
    this.detach(connection);
    const at = this.all.indexOf(connection);
    if (at !== -1) this.all.splice(at, 1);
  }

  /** Start routing to an open connection. */
  attach(connection: Connection, info: RouteInfo): void {
    this.add(connection);
    if (this.routes.some((r) => r.connection === connection)) return;
    this.routes = [...this.routes, new Route(connection, info.weight, info.backup, info.hostId)];
    this.rebuild();
  }

  /** Stop routing to `connection`. */
  detach(connection: Connection): void {
    const next = this.routes.filter((r) => r.connection !== connection);
    if (next.length === this.routes.length) return;
    this.routes = next;
    this.rebuild();
  }

  /** New partitions, leaders and ring. */
  setTopology(topology: ClusterTopology | null): void {
    this.topology = topology;
    this.hashinator = topology?.hashinator ?? null;
    this.rebuild();
  }

  /** New procedure catalog. */
  setProcedures(procedures: Map<string, ProcedureInfo>): void {
    this.procedures = procedures;
  }

  /** What the catalog says about `procedure`. */
  procedure(name: string): ProcedureInfo | undefined {
    return this.procedures.get(name);
  }

  /** True when some routed primary connection is open. */
  get primaryOpen(): boolean {
    for (const route of this.routes) if (!route.backup && route.connection.state === 'open') return true;
    return false;
  }

  /** True when some routed connection is open. */
  get anyOpen(): boolean {
    for (const route of this.routes) if (route.connection.state === 'open') return true;
    return false;
  }

  /**
   * The partition a call goes to: a partition id, {@link MP_PARTITION_ID} for a
   * multi-partition procedure, or {@link NO_PARTITION}.
   */
  partitionOf(procedure: string, params: readonly unknown[]): number {
    const info = this.procedures.get(procedure) ?? SYSTEM_ROUTES.get(procedure);
    if (info === undefined || this.topology === null) return NO_PARTITION;
    if (!info.singlePartition) return info.compound ? NO_PARTITION : MP_PARTITION_ID;
    const index = info.partitionParameter;
    const ring = this.hashinator;
    // Directed procedures (type −1) name their partition in the invocation, not a parameter.
    if (ring === null || index < 0 || index >= params.length || info.partitionParameterType < 0) return NO_PARTITION;
    try {
      return ring.partitionFor(params[index], info.partitionParameterType);
    } catch {
      // A value that cannot be a key of that type: let the server say so in its own words.
      return NO_PARTITION;
    }
  }

  /**
   * An open connection to the leader of `partition` (respecting backups), or null. With several
   * connections to the leader they are taken in turn, a free one before a backpressured one.
   */
  leaderOf(partition: number): Connection | null {
    const host = this.leaders[partition] ?? null;
    if (host === null) return null;
    const routes = host.routes;
    if (routes.length === 1) {
      const only = routes[0]!;
      if (only.connection.state !== 'open' || (only.backup && this.primaryOpen)) return null;
      return only.connection;
    }
    let fallback: Route | null = null;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[(host.next + i) % routes.length]!;
      if (route.connection.state !== 'open' || (route.backup && this.primaryOpen)) continue;
      if (!route.connection.backpressured) {
        host.next = (host.next + i + 1) % routes.length;
        return route.connection;
      }
      fallback ??= route;
    }
    return fallback?.connection ?? null;
  }

  /**
   * The connection for one call, or null when none is open: the leader of `partition` when given
   * (PARTITION_DESTINATION), else of the partition its parameters hash to, else a weighted choice.
   */
  pick(procedure: string, params: readonly unknown[], partition?: number): Connection | null {
    if (partition !== undefined) return this.pickPartition(partition);
    if (this.clientAffinity && this.topology !== null) {
      const partition = this.partitionOf(procedure, params);
      if (partition >= 0 && partition !== MP_PARTITION_ID) {
        const leader = this.leaderOf(partition);
        if (leader !== null) return leader;
      }
    }
    return this.pickAny();
  }

  /**
   * The connection for a call directed at `partition` (PARTITION_DESTINATION, PROTOCOL.md
   * 8.6): its leader, else (no topology, affinity off, a partition the topology does not
   * know, the leader not connected) no preference.
   */
  pickPartition(partition: number): Connection | null {
    if (this.clientAffinity && this.topology !== null) {
      const leader = this.leaderOf(partition);
      if (leader !== null) return leader;
    }
    return this.pickAny();
  }

  /** A connection without partition preference: weighted among open primaries (backups while none). */
  pickAny(): Connection | null {
    const routes = this.routes;
    this.tier = false;
    let route = pickWeighted(routes, this.acceptFree) ?? pickWeighted(routes, this.acceptOpen);
    if (route === null) {
      this.tier = true;
      route = pickWeighted(routes, this.acceptFree) ?? pickWeighted(routes, this.acceptOpen);
    }
    return route === null ? null : route.connection;
  }

  /** Partition → leader route for the current routes and topology. */
  private rebuild(): void {
    const topology = this.topology;
    if (topology === null) {
      this.leaders = [];
      return;
    }
    const grouped = new Map<number, Route[]>();
    for (const route of this.routes) {
      if (route.hostId < 0) continue;
      const list = grouped.get(route.hostId);
      if (list === undefined) grouped.set(route.hostId, [route]);
      else list.push(route);
    }
    const byHost = new Map<number, HostRoutes>();
    // Primaries first: a backup route to the same host is used only while no primary is open.
    for (const [id, list] of grouped) byHost.set(id, new HostRoutes(list.sort((a, b) => Number(a.backup) - Number(b.backup))));
    const leaders: (HostRoutes | null)[] = [];
    for (const p of topology.partitions) leaders[p.partition] = byHost.get(p.leaderHostId) ?? null;
    this.leaders = leaders;
  }
}
