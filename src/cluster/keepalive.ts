/**
 * Dead-peer detection. The connection layer tracks bytes but sends no keepalive, and the server
 * has no idle timeout and never pings (PROTOCOL.md 10), so a half-open socket (peer host gone,
 * no RST) or a hung server would hold calls until their own timeouts. Like VoltDB's Java
 * client, with one coarse timer for all connections:
 *
 * - a connection that received no bytes for `pingIntervalMs` gets a `@Ping` (one at a time);
 *   the answer is activity like any other frame;
 * - a connection that received no bytes for `connectionTimeoutMs` is declared dead and
 *   destroyed (its calls fail with `ConnectionLostError`; the cluster layer reconnects).
 *
 * The timer fires every `min(pingIntervalMs, connectionTimeoutMs) / 10` (5 ms … 1 s), so a dead
 * connection is found between `connectionTimeoutMs` and one period after it, measured from the
 * last byte received. While the client has paused reading a connection (its decode pool is
 * saturated: `connection.readingPaused`) no bytes can arrive on it, so its clock is suspended —
 * no ping, no verdict — and restarts when reading resumes. The timer is unref'd: open sockets keep the process alive, the keepalive never does.
 *
 * After the event loop stood still (a starved process, a long GC, long synchronous work), the
 * first check comes late, and libuv runs due timers before it polls the sockets: bytes that
 * arrived during the stall are still unread, so the silence that check sees may be the stall's,
 * not the peer's. A verdict from a check that came more than two periods after the previous one
 * therefore waits for the next check — after the sockets were read — and stands only if the
 * connection is still silent then. Only one check is skipped, so a starved process still finds a
 * dead peer.
 */
import { performance } from 'node:perf_hooks';
import { ConnectionError } from '../errors.js';
import type { Connection } from '../connection/connection.js';

/** Keepalive settings (0 turns a rule off). */
export interface KeepaliveOptions {
  pingIntervalMs: number;
  connectionTimeoutMs: number;
  now?: () => number;
}

interface Watched {
  bytesIn: number;
  lastActivity: number;
  pinging: boolean;
  /** Found silent past connectionTimeoutMs by a late check: the verdict waits for the next one. */
  suspect: boolean;
}

/** Watches connections for silence: pings the idle, destroys the dead (see the file comment). */
export class Keepalive {
  /** Pings sent. */
  pings = 0;
  /** Connections declared dead. */
  deaths = 0;
  readonly periodMs: number;
  private readonly watched = new Map<Connection, Watched>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** When the previous check ran (-1: none yet), to see a late one. */
  private lastCheck = -1;

  constructor(
    private readonly options: KeepaliveOptions,
    /** Send one `@Ping` on the connection (its outcome does not matter: bytes do). */
    private readonly ping: (connection: Connection) => Promise<unknown>,
    /** Told after a dead connection was destroyed. */
    private readonly onDead: (connection: Connection, silentMs: number) => void = () => {},
  ) {
    this.now = options.now ?? (() => performance.now());
    const rules = [options.pingIntervalMs, options.connectionTimeoutMs].filter((ms) => ms > 0);
    this.periodMs = rules.length === 0 ? 0 : Math.min(1000, Math.max(5, Math.floor(Math.min(...rules) / 10)));
  }

  /** Start watching an open connection. */
  watch(connection: Connection): void {
    if (this.periodMs === 0) return;
    this.watched.set(connection, { bytesIn: connection.bytesIn, lastActivity: this.now(), pinging: false, suspect: false });
    if (this.timer === null) {
      this.timer = setInterval(() => this.check(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Stop watching (the connection closed). */
  unwatch(connection: Connection): void {
    this.watched.delete(connection);
    if (this.watched.size === 0) this.stopTimer();
  }

  /** One round over the watched connections (the timer's body; public for tests). */
  check(): void {
    const now = this.now();
    const late = this.lastCheck >= 0 && now - this.lastCheck > 2 * this.periodMs;
    this.lastCheck = now;
    const { pingIntervalMs, connectionTimeoutMs } = this.options;
    for (const [connection, state] of this.watched) {
      if (connection.state !== 'open') {
        if (connection.state === 'closed') this.watched.delete(connection);
        continue;
      }
      // Bytes arrived, or none can (we paused reading it ourselves): the silence starts now.
      if (connection.bytesIn !== state.bytesIn || connection.readingPaused) {
        state.bytesIn = connection.bytesIn;
        state.lastActivity = now;
        state.suspect = false;
        continue;
      }
      const silent = now - state.lastActivity;
      if (connectionTimeoutMs > 0 && silent >= connectionTimeoutMs) {
        if (late && !state.suspect) {
          state.suspect = true;
          continue;
        }
        this.watched.delete(connection);
        this.deaths++;
        connection.destroy(
          new ConnectionError(`${connection.address} sent no bytes for ${Math.round(silent)} ms (connectionTimeoutMs ${connectionTimeoutMs}): declared dead`, {
            host: connection.host,
            port: connection.port,
          }),
        );
        this.onDead(connection, silent);
        continue;
      }
      if (pingIntervalMs > 0 && silent >= pingIntervalMs && !state.pinging) {
        state.pinging = true;
        this.pings++;
        const done = (): void => {
          state.pinging = false;
        };
        this.ping(connection).then(done, done);
      }
    }
    if (this.watched.size === 0) this.stopTimer();
  }

  /** Stop everything. */
  close(): void {
    this.watched.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.lastCheck = -1;
  }
}
