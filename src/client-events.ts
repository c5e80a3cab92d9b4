/** The events a Client emits: its queue's, its connections' and its cluster layer's. */
import type { ClusterEvents } from './cluster/connection-set.js';

/** Client events. */
export interface ClientEvents {
  /** Pending calls reached the queue's `warn` level (`needsDrain` is now true). */
  backpressure: [pending: number];
  /** Pending calls fell to the `resume` level after a backpressure. */
  drain: [];
  /** A response arrived after its call timed out or was aborted, and was dropped. */
  'late-response': [info: { host: string; port: number; handle: bigint }];
  /** A connection closed; `error` says why when it was lost; `reconnecting` when it will be reopened. */
  disconnect: ClusterEvents['disconnect'];
  /** A host connected (`reconnected` when not for the first time; `discovered` when found through the topology). */
  connect: ClusterEvents['connect'];
  /** A reconnect attempt to a lost host is scheduled in `delayMs` (attempt 1, 2, … since the loss). */
  reconnect: ClusterEvents['reconnect'];
  /** Partitions, leaders or the hash ring were learned or changed (`source`: bootstrap, push, refresh). */
  topology: ClusterEvents['topology'];
}
