/**
 * An embedded server (or cluster) and a client connected to it, shared by the tests of one
 * `describe`: `useServerAndClient()` / `useClusterAndClient()` register `before` (start, connect,
 * run the DDL) and `after` (close the client, then the server) in the calling suite, and return
 * a handle whose `server` / `cluster` / `client` exist once `before` has run. `count` and
 * `clear` are the two queries the loading tests keep writing.
 */
import { after, before } from 'node:test';
import { Client } from '../../src/client.js';
import type { ClientOptions } from '../../src/options.js';
import { startCluster, startServer, type ClusterOptions, type EmbeddedCluster, type EmbeddedServer, type ServerOptions } from '../../src/server/index.js';

interface Setup {
  /** SQL run once the client is connected (DDL, several statements separated by `;`). */
  ddl?: string;
  /** Client options besides `hosts` (default: `decode: { workers: 0 }`). */
  client?: Omit<ClientOptions, 'hosts'>;
}

/** What every handle offers. */
export interface SharedClient {
  readonly client: Client;
  /** `SELECT COUNT(*)` of a table, as a number. */
  count(table: string): Promise<number>;
  /** `DELETE FROM` a table. */
  clear(table: string): Promise<void>;
}

export interface ServerAndClient extends SharedClient {
  readonly server: EmbeddedServer;
}

export interface ClusterAndClient extends SharedClient {
  readonly cluster: EmbeddedCluster;
}

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is there once the suite's before hook has run`);
  return value;
}

class Shared implements SharedClient {
  connected: Client | undefined;
  get client(): Client {
    return started(this.connected, 'the client');
  }
  async count(table: string): Promise<number> {
    return Number((await this.client.query(`SELECT COUNT(*) FROM ${table}`)).tables[0]!.get(0, 0));
  }
  async clear(table: string): Promise<void> {
    await this.client.query(`DELETE FROM ${table}`);
  }
}

function share(setup: Setup, start: () => Promise<{ address: string; close(): Promise<void> }>, shared: Shared): void {
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    const node = await start();
    stop = () => node.close();
    shared.connected = await Client.connect({ decode: { workers: 0 }, ...setup.client, hosts: [node.address] });
    if (setup.ddl !== undefined) await shared.connected.query(setup.ddl);
  });
  after(async () => {
    await shared.connected?.close();
    await stop?.();
  });
}

/** One embedded server and a client, for the calling suite. */
export function useServerAndClient(options: ServerOptions & Setup = {}): ServerAndClient {
  const { ddl, client, ...serverOptions } = options;
  const shared = new (class extends Shared implements ServerAndClient {
    running: EmbeddedServer | undefined;
    get server(): EmbeddedServer {
      return started(this.running, 'the server');
    }
  })();
  share({ ddl, client }, async () => (shared.running = await startServer(serverOptions)), shared);
  return shared;
}

/** An embedded cluster (one process) and a client connected to its first node, for the calling suite. */
export function useClusterAndClient(options: ClusterOptions & Setup = {}): ClusterAndClient {
  const { ddl, client, ...clusterOptions } = options;
  const shared = new (class extends Shared implements ClusterAndClient {
    running: EmbeddedCluster | undefined;
    get cluster(): EmbeddedCluster {
      return started(this.running, 'the cluster');
    }
  })();
  share(
    { ddl, client },
    async () => {
      const cluster = (shared.running = await startCluster(clusterOptions));
      return { address: cluster.addresses[0]!, close: () => cluster.close() };
    },
    shared,
  );
  return shared;
}
