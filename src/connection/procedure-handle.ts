/**
 * A procedure handle: a procedure name with declared parameter types, checked before anything
 * is sent (the count at once, the values while encoding), and its statistics counters looked up
 * once instead of per call.
 */
import { ParameterError } from '../errors.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import type { RowObject } from '../decode/procedure-response.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { parameterCountError, type ParameterType } from '../protocol/parameters.js';
import type { CallOptions } from '../options.js';
import { FAILURE_KIND } from './call-tracker.js';
import type { ProcedureCounters } from './stats.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);
const TYPE_NAMES = new Set<string>(Object.keys(VOLT_TYPE).filter((name) => name !== 'ARRAY'));

/** Check a declared type list (`'BIGINT'`, `'STRING[]'`, `'DECIMAL_STRING'`, …). */
export function checkTypes(procedure: string, types: readonly ParameterType[]): void {
  if (!Array.isArray(types)) throw new ParameterError(`types of ${procedure} must be an array of VoltDB type names`, { procedure });
  types.forEach((type, index) => {
    const base = typeof type === 'string' && type.endsWith('[]') ? type.slice(0, -2) : type;
    if (type !== 'DECIMAL_STRING' && (typeof base !== 'string' || !TYPE_NAMES.has(base))) {
      throw new ParameterError(`parameter ${index + 1} of ${procedure}: ${JSON.stringify(type)} is not a VoltDB type name`, { procedure, index, type: String(type) });
    }
  });
}

/** What a procedure handle needs from the client (implemented by `Client`). */
export interface CallSubmitter {
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
  ): Promise<DecodedResponse>;
  refuse(counters: ProcedureCounters, error: unknown, kind: string): Promise<never>;
}

/** A procedure with declared parameter types (from `Client.procedure`). */
export class ProcedureHandle {
  /** @internal */
  constructor(
    private readonly client: CallSubmitter,
    readonly name: string,
    readonly types: readonly ParameterType[] | undefined,
    private readonly counters: ProcedureCounters,
  ) {}

  /**
   * Call the procedure; the parameters are checked against the declared types before anything is sent.
   * With `{ response: false }` it resolves `null` once the request is written (fire and forget).
   */
  call<Row = RowObject>(params: readonly unknown[] | undefined, options: CallOptions & { response: boolean }): Promise<DecodedResponse<Row> | null>;
  call<Row = RowObject>(params?: readonly unknown[], options?: CallOptions): Promise<DecodedResponse<Row>>;
  call(params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<DecodedResponse | null> {
    const types = this.types;
    if (types !== undefined && params.length !== types.length) {
      return this.client.refuse(
        this.counters,
        parameterCountError(this.name, types, params.length),
        FAILURE_KIND.PARAMETER,
      );
    }
    return this.client.submit(this.name, params, types, options, this.counters);
  }
}

