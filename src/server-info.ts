/** `client.serverInfo`: what the server said at login, in the client's terms. */
import type { Connection } from './connection/connection.js';

/** What the server said at login (the first connection's login response). */
export interface ServerInfo {
  host: string;
  port: number;
  /** Server build string (spaces replaced by underscores by the server). */
  buildString: string;
  hostId: number;
  connectionId: bigint;
  /** Cluster start time, ms since the Unix epoch (with `leaderAddress`, the cluster instance id). */
  clusterStartMs: bigint;
  clusterStart: Date;
  /** IPv4 address of the cluster's founding leader. */
  leaderAddress: string;
}

/** The login answer of an open connection as a ServerInfo (null before a login answer). */
export function serverInfoOf(connection: Connection): ServerInfo | null {
  const login = connection.login;
  if (login === null) return null;
  return {
    host: connection.host,
    port: connection.port,
    buildString: login.buildString,
    hostId: login.hostId,
    connectionId: login.connectionId,
    clusterStartMs: login.clusterStartMs,
    clusterStart: new Date(Number(login.clusterStartMs)),
    leaderAddress: login.leaderAddress,
  };
}
