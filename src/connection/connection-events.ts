/** The events and states of a `Connection` (connection.ts): a leaf, so the response handler and the options can share them. */

/** Events of a `Connection`. */
export interface ConnectionEvents {
  /** The connection is closed; `error` says why when it was not closed on purpose. */
  close: [error: Error | undefined];
  /** A response for a call that already timed out or was aborted was dropped. */
  'late-response': [handle: bigint];
  /** A frame with a reserved handle (topology / catalog push, keepalive ping answer). */
  unsolicited: [frame: Buffer, handle: bigint];
}

/** Life of a connection: connecting (TCP + login) → open → closing (draining) → closed. */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';
