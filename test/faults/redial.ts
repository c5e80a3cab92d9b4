/**
 * A test-side reconnector for the plain `Client` (the cluster layer brings its own): when a
 * connection closes, dial the host again every `intervalMs` until it answers or the client
 * closes. Uses `Client.openConnection`, the hook the cluster layer reconnects through.
 */
import type { Client } from '../../src/client.js';
import type { ResolvedHost } from '../../src/options.js';

export class Redialer {
  reconnects = 0;
  attempts = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private dialing = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly host: ResolvedHost,
    private readonly intervalMs = 50,
  ) {
    client.on('disconnect', () => this.schedule());
  }

  private schedule(): void {
    if (this.stopped || this.timer !== null || this.dialing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.dial();
    }, this.intervalMs);
  }

  private async dial(): Promise<void> {
    if (this.stopped || this.client.connections.some((c) => c.state === 'open')) return;
    this.dialing = true;
    this.attempts++;
    try {
      await this.client.openConnection(this.host);
      this.reconnects++;
    } catch {
      // Still down (or the client is closing): try again later.
    } finally {
      this.dialing = false;
    }
    if (!this.client.connections.some((c) => c.state === 'open')) this.schedule();
  }

  /** Stop dialing (before `client.close()`); resolves when a dial in progress has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return this.current;
  }
}
