/**
 * Which host leads which partition, and the site ids `@Statistics('TOPO')` reports.
 *
 * Partitions are dealt to hosts round-robin (partition p → host p mod hosts); each host numbers
 * its sites 0, 1, … in partition order, and the multi-partition initiator (partition 16383) is
 * the next site of host 0 — a single-node, 8-partition cluster therefore reports partitions
 * 0..7 at `0:0`..`0:7` and 16383 at `0:8`, exactly as the real capture.
 */
import { MP_PARTITION_ID } from '../protocol/constants.js';

export class Topology {
  private readonly leaders: Int32Array;
  private readonly sites: Int32Array;
  private readonly mpSiteId: number;

  constructor(
    readonly hostCount: number,
    readonly partitionCount: number,
  ) {
    if (!Number.isInteger(hostCount) || hostCount < 1) throw new RangeError(`nodes must be a positive integer, got ${hostCount}`);
    this.leaders = new Int32Array(partitionCount);
    this.sites = new Int32Array(partitionCount);
    const nextSite = new Array<number>(hostCount).fill(0);
    for (let p = 0; p < partitionCount; p++) {
      const host = p % hostCount;
      this.leaders[p] = host;
      this.sites[p] = nextSite[host]!++;
    }
    this.mpSiteId = nextSite[0]!;
  }

  /** Host id leading `partition` (the MP initiator lives on host 0). */
  leaderOf(partition: number): number {
    return partition === MP_PARTITION_ID ? 0 : this.leaders[partition]!;
  }

  /** Site id of `partition` on its leader host. */
  siteOf(partition: number): number {
    return partition === MP_PARTITION_ID ? this.mpSiteId : this.sites[partition]!;
  }

  /** `"hostId:siteId"` as TOPO's Sites and Leader columns spell it. */
  siteName(partition: number): string {
    return `${this.leaderOf(partition)}:${this.siteOf(partition)}`;
  }

  /** Partitions led by `hostId`, ascending. */
  partitionsOf(hostId: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.partitionCount; p++) if (this.leaders[p] === hostId) out.push(p);
    return out;
  }
}
