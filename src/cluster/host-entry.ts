/** A host of the cluster client: what is known of it, and how it looks from outside. */
import type { Connection } from '../connection/connection.js';
import type { Reconnector } from './reconnector.js';

/** One host's outcome at connect time. */
export type ConnectResult =
  | { host: string; port: number; ok: true; discovered?: true }
  | { host: string; port: number; ok: false; error: Error; discovered?: true };

/** What a host looks like now (`set.hosts`). */
export interface HostStatus {
  host: string;
  port: number;
  weight: number;
  backup: boolean;
  discovered: boolean;
  /** From the login response; −1 before the first connection. */
  hostId: number;
  connected: boolean;
  /** Reconnect attempts since the last success. */
  reconnectAttempts: number;
  lastError: Error | null;
}

/** One host of the set: its address and settings, its connection and its reconnect loop. */
export class HostEntry {
  connection: Connection | null = null;
  hostId = -1;
  lastError: Error | null = null;
  everConnected = false;
  reconnector: Reconnector | null = null;
  constructor(
    readonly host: string,
    readonly port: number,
    readonly weight: number,
    readonly backup: boolean,
    readonly discovered: boolean,
  ) {}

  /** What the host looks like now. */
  status(): HostStatus {
    return {
      host: this.host,
      port: this.port,
      weight: this.weight,
      backup: this.backup,
      discovered: this.discovered,
      hostId: this.hostId,
      connected: this.connection !== null && this.connection.state === 'open',
      reconnectAttempts: this.reconnector?.attempts ?? 0,
      lastError: this.lastError,
    };
  }
}
