/**
 * A procedure handle: a procedure name with declared parameter types, checked once when the
 * handle is made (the count and the values per call, before anything is sent), and its
 * statistics counters looked up once instead of per call.
 */
import type { DecodedResponse, RowObject } from './decode/decode-response.js';
import type { ParameterType } from './protocol/invocation-writer.js';
import type { CallOptions } from './options.js';
import type { ProcedureCounters } from './calls/stats.js';
import { runCallback, type CallCallback } from './calls/pending-call.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** What a procedure handle needs from the client's engine (`ClientEngine.submit`). */
export interface CallSubmitter {
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
    callback?: CallCallback,
  ): Promise<DecodedResponse> | undefined;
}

/** A procedure with declared parameter types (from `Client.procedure`). */
export class ProcedureHandle {
  readonly #engine: CallSubmitter;
  readonly #counters: ProcedureCounters;

  /** @internal Made by `Client.procedure`. */
  constructor(engine: CallSubmitter, readonly name: string, readonly types: readonly ParameterType[] | undefined, counters: ProcedureCounters) {
    this.#engine = engine;
    this.#counters = counters;
  }

  /**
   * Call the procedure; the parameters are checked against the declared types before anything is sent.
   * With `{ response: false }` it resolves `null` once the request is written (fire and forget).
   */
  call<Row = RowObject>(params: readonly unknown[] | undefined, options: CallOptions & { response: boolean }): Promise<DecodedResponse<Row> | null>;
  call<Row = RowObject>(params?: readonly unknown[], options?: CallOptions): Promise<DecodedResponse<Row>>;
  call(params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<DecodedResponse | null> {
    return this.#engine.submit(this.name, params, this.types, options, this.#counters)!;
  }

  /**
   * {@link call} without a promise, for loops that keep thousands of calls in flight (a load
   * generator): `callback(error, response)` is called exactly once — `error` null and the
   * response, or the error `call` would have rejected with and a null response — and never from
   * inside `send`. It saves the promise and its reaction jobs, about a tenth of a call's client CPU.
   * What the callback throws is not caught: it becomes an uncaught exception, as from any Node
   * callback, and the other calls go on.
   */
  send<Row = RowObject>(params: readonly unknown[], callback: CallCallback<DecodedResponse<Row>>, options?: CallOptions): void {
    const done = callback as CallCallback;
    const promise = this.#engine.submit(this.name, params, this.types, options, this.#counters, done);
    // Refused, waiting for a connection or retried: the promise path, called back the same way.
    promise?.then(
      (response) => runCallback(done, null, response),
      (error: unknown) => runCallback(done, error, null),
    );
  }
}
