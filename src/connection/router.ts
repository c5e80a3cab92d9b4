/**
 * The seam between the client and its connections: the client asks a {@link Router} which
 * connection a call goes to. The cluster layer's PartitionRouter implements it (partition-aware
 * routing, weights, backups); the connection layer needs nothing more than this shape.
 */
import type { Connection } from './connection.js';

/** Chooses the connection for each call. */
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
