/**
 * The cluster layer's own test rig: a {@link ConnectionSet} whose opener is a bare
 * `Connection.open` with one shared tracker and an inline decoder, and a `call()` that picks a
 * connection (or waits for one unless failFast) and runs the call there. It exposes what the
 * public Client hides (the router, the keepalive counters, a seeded random for exact backoff
 * delays), so these tests look inside the layer; client-cluster.test.ts proves the same
 * behaviour end to end through the public Client.
 */
import { CallTracker } from '../../src/calls/call-tracker.js';
import { Connection } from '../../src/connection/connection.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { ConnectionSet } from '../../src/cluster/connection-set.js';
import { resolveClusterOptions, type ClusterOptions, type ResolvedClusterOptions } from '../../src/cluster/cluster-options.js';
import { callOn } from '../../src/cluster/internal-call.js';
import { RetryPolicy } from '../../src/cluster/retry.js';
import { NoConnectionsError } from '../../src/errors.js';
import type { DecodedResponse } from '../../src/decode/decode-response.js';

export interface HarnessOptions extends ClusterOptions {
  /** Overrides of resolved options (e.g. `resubscribeDelayMs`). */
  resolved?: Partial<ResolvedClusterOptions>;
  random?: () => number;
}

export interface Harness {
  set: ConnectionSet;
  tracker: CallTracker;
  retry: RetryPolicy;
  /** Route and run one call (waiting for a connection unless failFast). */
  call(procedure: string, params?: readonly unknown[], options?: { timeoutMs?: number; retryOnConnectionLoss?: boolean }): Promise<DecodedResponse>;
  /** Close the set and every connection it opened. */
  close(): Promise<void>;
}

/** Build a set (not started). */
export function createHarness(options: HarnessOptions): Harness {
  const resolved = { ...resolveClusterOptions(options), resubscribeDelayMs: 0, ...options.resolved };
  const tracker = new CallTracker({ timerResolutionMs: 5 });
  const decoder = createResponseDecoder({ workers: 0 });
  const opened: Connection[] = [];
  const set = new ConnectionSet(
    resolved,
    async (host) => {
      const connection = await Connection.open({ host: host.host, port: host.port, decoder, tracker, connectTimeoutMs: resolved.connectTimeoutMs });
      opened.push(connection);
      return connection;
    },
    options.random,
  );
  const retry = new RetryPolicy(resolved.retry, (p) => set.procedure(p)?.readOnly === true);
  const once = async (procedure: string, params: readonly unknown[], timeoutMs: number): Promise<DecodedResponse> => {
    let connection = set.router.pick(procedure, params);
    if (connection === null) {
      if (resolved.failFast) throw new NoConnectionsError(`${procedure} not sent: no connection is open`);
      await set.whenConnected(timeoutMs, null, procedure);
      connection = set.router.pick(procedure, params);
      if (connection === null) throw new NoConnectionsError(`${procedure} not sent: no connection is open`);
    }
    return callOn(connection, procedure, params, timeoutMs);
  };
  return {
    set,
    tracker,
    retry,
    call(procedure, params = [], o = {}) {
      // A hang guard, not a subject: a batch of thousands of calls on a loaded 2-core machine can take seconds.
      const timeoutMs = o.timeoutMs ?? 60_000;
      const attempts = retry.attemptsFor(procedure, o.retryOnConnectionLoss);
      if (attempts <= 1) return once(procedure, params, timeoutMs);
      return retry.run(attempts, () => once(procedure, params, timeoutMs));
    },
    async close() {
      set.close();
      await Promise.all(opened.map((c) => c.close()));
      tracker.close();
      await decoder.close();
    },
  };
}

/** Build and start a set; on a failed start, close what was opened and rethrow. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const harness = createHarness(options);
  try {
    await harness.set.start();
  } catch (error) {
    await harness.close();
    throw error;
  }
  return harness;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
