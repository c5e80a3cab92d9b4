/**
 * A procedure handle: a procedure name with declared parameter types, checked once when the
 * handle is made (the count and the values per call, before anything is sent), and its
 * statistics counters looked up once instead of per call.
 */
import type { DecodedResponse } from './decode/decode-response.js';
import type { RowObject } from './decode/decode-response.js';
import type { ParameterType } from './protocol/parameters.js';
import type { CallOptions } from './options.js';
import type { ProcedureCounters } from './calls/stats.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** What a procedure handle needs from the client's engine. */
export interface CallSubmitter {
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
  ): Promise<DecodedResponse>;
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
    return this.#engine.submit(this.name, params, this.types, options, this.#counters);
  }
}
