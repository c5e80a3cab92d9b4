/**
 * `client.callMany`: a batch of calls settled one by one — never rejected because some failed.
 * At the client queue's hard limit the batch waits for `'drain'` (or a `'disconnect'`, which
 * fails calls and so frees room) instead of letting calls fail with BackpressureError.
 */
import type { Client, Response } from './client.js';
import type { CallOptions, CallSpec } from './options.js';

/** The outcome of one call of a batch. */
export type SettledCall = { ok: true; procedure: string; response: Response } | { ok: false; procedure: string; error: Error };

/** What {@link Client.callMany} resolves with: one entry per call, in order. */
export interface CallManyResult {
  succeeded: number;
  failed: number;
  results: SettledCall[];
}

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** Run `calls` on `client`; `atHardLimit` says whether the next call must wait for room. */
export async function callMany(
  client: Pick<Client, 'call' | 'procedure' | 'on' | 'off'>,
  calls: readonly CallSpec[],
  options: CallOptions | undefined,
  atHardLimit: () => boolean,
): Promise<CallManyResult> {
  const promises: Promise<SettledCall>[] = [];
  for (const spec of calls) {
    if (atHardLimit()) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          client.off('drain', done);
          client.off('disconnect', done);
          resolve();
        };
        client.on('drain', done);
        client.on('disconnect', done);
      });
    }
    // A batch wants every answer: fire-and-forget does not apply here.
    let callOptions = spec.options ?? options;
    if (callOptions?.response === false) callOptions = { ...callOptions, response: true };
    const promise =
      spec.types === undefined
        ? client.call(spec.procedure, spec.params ?? NO_PARAMS, callOptions)
        : client.procedure(spec.procedure, spec.types).call(spec.params ?? NO_PARAMS, callOptions);
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
