/**
 * The Python client's `VoltProcedure`: a procedure name with declared parameter types, called
 * through a {@link FastSerializer}'s client.
 *
 * Types: each declared `VOLTTYPE_*` becomes the codec's type name; a parameter whose value is
 * an array (a JS array, or a typed array unless the type is VARBINARY) is an array of the
 * declared type, as in Python. One `ProcedureHandle` per distinct type list is kept, so a call
 * costs what `client.procedure(…).call(…)` costs.
 *
 * Failures: voltwire's client rejects a non-SUCCESS status with `ProcedureError`; Python returns
 * the response with its failure status. So a `ProcedureError` carrying a response becomes a
 * {@link VoltResponse} here; anything else (timeout, lost connection, refused parameter)
 * rejects as it does in voltwire.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '../client.js';
import type { ProcedureHandle } from '../procedure-handle.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import { ERROR_CODE, ParameterError, VoltError, type ProcedureError } from '../errors.js';
import { parameterCountError, type ParameterType } from '../protocol/invocation-writer.js';
import type { FastSerializer } from './fast-serializer.js';
import { VoltResponse } from './volt-response.js';
import { parameterTypeOf, type VoltTypeSpec } from './volt-types.js';

function isArrayValue(value: unknown, type: ParameterType): boolean {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && type !== 'VARBINARY';
}

/** The response a `ProcedureError` carries (the client attaches the decoded response), else null. */
function carriedResponse(error: unknown): DecodedResponse | null {
  if (!VoltError.is(error) || error.code !== ERROR_CODE.PROCEDURE) return null;
  const response = (error as ProcedureError).response as DecodedResponse | null;
  return typeof response === 'object' && response !== null && Array.isArray(response.tables) ? response : null;
}

/** A stored procedure and its declared parameter types (see the file comment). */
export class VoltProcedure {
  readonly fser: FastSerializer;
  readonly name: string;
  /** The types as declared. */
  readonly paramTypes: readonly VoltTypeSpec[];
  private readonly types: readonly ParameterType[];
  private readonly handles = new Map<string, ProcedureHandle>();
  private client: Client | null = null;

  constructor(fser: FastSerializer, name: string, paramTypes: readonly VoltTypeSpec[] = []) {
    if (typeof name !== 'string' || name === '') throw new ParameterError('procedure name must be a non-empty string');
    if (!Array.isArray(paramTypes)) throw new ParameterError(`parameter types of ${name} must be an array of VOLTTYPE_* constants`, { procedure: name });
    this.fser = fser;
    this.name = name;
    this.paramTypes = Object.freeze([...paramTypes]);
    this.types = Object.freeze(paramTypes.map((spec, index) => parameterTypeOf(spec, name, index)));
  }

  /**
   * Call the procedure. `params` must match the declared types (an array value for an array
   * parameter). Resolves with the response, whatever its status; with `response === false`,
   * resolves `null` as soon as the request is written (the reply is dropped when it comes).
   * `timeoutSeconds` overrides the FastSerializer's `procedureTimeout`; when it passes, the
   * call rejects with `CallTimeoutError`.
   */
  call(params?: readonly unknown[], response?: true, timeoutSeconds?: number): Promise<VoltResponse>;
  call(params: readonly unknown[] | undefined, response: false, timeoutSeconds?: number): Promise<null>;
  call(params?: readonly unknown[], response?: boolean, timeoutSeconds?: number): Promise<VoltResponse | null>;
  async call(params: readonly unknown[] = [], response = true, timeoutSeconds?: number): Promise<VoltResponse | null> {
    const types = this.typesFor(params);
    let timeoutMs: number | undefined;
    if (timeoutSeconds !== undefined) {
      if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds >= 0) || !Number.isFinite(timeoutSeconds)) {
        throw new ParameterError(`timeout of ${this.name} must be a number of seconds >= 0, got ${String(timeoutSeconds)}`, { procedure: this.name });
      }
      timeoutMs = timeoutSeconds * 1000;
    }
    const client = await this.fser.session();
    const handle = this.handleFor(client, types);
    if (response === false) return this.send(handle, params, timeoutMs);
    const start = performance.now();
    let decoded: DecodedResponse;
    try {
      decoded = await handle.call(params, timeoutMs === undefined ? undefined : { timeoutMs });
    } catch (error) {
      const carried = carriedResponse(error);
      if (carried === null) throw error;
      decoded = carried;
    }
    return new VoltResponse(decoded, performance.now() - start);
  }

  /** The codec type list for these values: the declared types, arrays where the value is one. */
  private typesFor(params: readonly unknown[]): readonly ParameterType[] {
    if (!Array.isArray(params)) throw new ParameterError(`parameters of ${this.name} must be an array`, { procedure: this.name });
    const declared = this.types;
    if (params.length !== declared.length) {
      throw parameterCountError(this.name, declared, params.length);
    }
    let types: ParameterType[] | null = null;
    for (let i = 0; i < declared.length; i++) {
      const type = declared[i]!;
      if (type.endsWith('[]') || !isArrayValue(params[i], type)) continue;
      if (type === 'DECIMAL_STRING') {
        throw new ParameterError(`parameter ${i + 1} of ${this.name}: DECIMAL_STRING has no array form; declare VOLTTYPE_DECIMAL for a DECIMAL array`, {
          procedure: this.name,
          index: i,
          type,
        });
      }
      types ??= [...declared];
      types[i] = `${type}[]` as ParameterType;
    }
    return types ?? declared;
  }

  /** One handle per type list (its statistics counters and checked types are reused). */
  private handleFor(client: Client, types: readonly ParameterType[]): ProcedureHandle {
    if (this.client !== client) {
      this.handles.clear();
      this.client = client;
    }
    const key = types.join(',');
    let handle = this.handles.get(key);
    if (handle === undefined) {
      handle = client.procedure(this.name, types);
      this.handles.set(key, handle);
    }
    return handle;
  }

  /**
   * Fire and forget (`response: false`): resolves null once the request is handed to the
   * socket; the connection keeps the handle, so the reply, when it comes, is ignored and the
   * stream stays in step. A call refused or timed out before it was written rejects.
   */
  private async send(handle: ProcedureHandle, params: readonly unknown[], timeoutMs: number | undefined): Promise<null> {
    await handle.call(params, timeoutMs === undefined ? { response: false } : { response: false, timeoutMs });
    return null;
  }
}
