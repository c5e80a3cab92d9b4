/**
 * `client.callMany`: a batch of calls settled one by one — never rejected because some failed.
 * At the client queue's hard limit the batch waits for `'drain'` (or a `'disconnect'`, which
 * fails calls and so frees room) instead of letting calls fail with BackpressureError.
 */
import type { DecodedResponse as Response } from './decode/decode-response.js';
import type { CallOptions, CallSpec } from './options.js';

/** The outcome of one call of a batch. */
export type SettledCall = { ok: true; procedure: string; response: Response } | { ok: false; procedure: string; error: Error };

/** What `Client.callMany` resolves with: one entry per call, in order. */
export interface CallManyResult {
  succeeded: number;
  failed: number;
  results: SettledCall[];
}

/** What the batch needs from the client. */
export interface BatchClient {
  /** Send one call of the batch (with `response: true`). */
  send(spec: CallSpec, options: CallOptions | undefined): Promise<Response>;
  /** Resolves when the next call may go, or null when it may go now (queue below its hard limit). */
  roomForNext(): Promise<void> | null;
}

/** Run `calls` through `client`, in order. */
export async function callMany(client: BatchClient, calls: readonly CallSpec[], options: CallOptions | undefined): Promise<CallManyResult> {
  const promises: Promise<SettledCall>[] = [];
  for (const spec of calls) {
    const room = client.roomForNext();
    if (room !== null) await room;
    // A batch wants every answer: fire-and-forget does not apply here.
    let callOptions = spec.options ?? options;
    if (callOptions?.response === false) callOptions = { ...callOptions, response: true };
    const promise = client.send(spec, callOptions);
    promises.push(
      promise.then(
        (response): SettledCall => ({ ok: true, procedure: spec.procedure, response }),
        (error: unknown): SettledCall => ({ ok: false, procedure: spec.procedure, error: error instanceof Error ? error : new Error(String(error)) }),
      ),
    );
  }
  const results = await Promise.all(promises);
  let succeeded = 0;
  for (const result of results) if (result.ok) succeeded++;
  return { succeeded, failed: results.length - succeeded, results };
}
