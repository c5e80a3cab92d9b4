/**
 * The seam between the client and its connections. The client asks a {@link Router} which
 * connection a call goes to; this file has the simple one (round-robin over open connections,
 * preferring ones not under backpressure). The cluster layer supplies its own router
 * (partition-aware routing, weights, backups, reconnects) through the same interface.
 */
import type { Connection } from './connection.js';

/** Chooses the connection for each call; the cluster layer implements its own. */
export interface Router {
  /** The connection for a call, or `null` when no connection is open. */
  pick(procedure: string, params: readonly unknown[]): Connection | null;
  /** Every connection the router manages (open or not). */
  readonly connections: readonly Connection[];
  /** Start routing to `connection` (already open). */
  add(connection: Connection): void;
  /** Stop routing to `connection` (it closed). */
  remove(connection: Connection): void;
}

/** Round-robin among open connections, skipping backpressured ones while another is free. */
export class RoundRobinRouter implements Router {
  private readonly list: Connection[] = [];
  private next = 0;

  get connections(): readonly Connection[] {
    return this.list;
  }

  add(connection: Connection): void {
    if (!this.list.includes(connection)) this.list.push(connection);
  }

  remove(connection: Connection): void {
    const at = this.list.indexOf(connection);
    if (at !== -1) this.list.splice(at, 1);
  }

  pick(): Connection | null {
    const list = this.list;
    const count = list.length;
    if (count === 1) return list[0]!.state === 'open' ? list[0]! : null;
    let fallback: Connection | null = null;
    for (let i = 0; i < count; i++) {
      const connection = list[(this.next + i) % count]!;
      if (connection.state !== 'open') continue;
      if (!connection.backpressured) {
        this.next = (this.next + i + 1) % count;
        return connection;
      }
      fallback ??= connection;
    }
    return fallback;
  }
}
