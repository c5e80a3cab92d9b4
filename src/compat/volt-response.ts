/**
 * The Python client's `VoltResponse`: the fields of a decoded response
 * (`src/decode/decode-response.ts`) under the documented names, tables as compat
 * {@link VoltTable} views over the same table objects, and a printout like the documented
 * example's.
 */
import type { DecodedResponse } from '../decode/decode-response.js';
import { STATUS, statusName } from '../protocol/constants.js';
import { VoltTable } from './volt-table.js';
import { VoltException } from './volt-types.js';

/** Human-friendly meanings of the status codes (PROTOCOL.md 5.1), for responses without a status string. */
const STATUS_TEXT: ReadonlyMap<number, string> = new Map([
  [STATUS.SUCCESS, 'Success'],
  [STATUS.USER_ABORT, 'User abort: the procedure rolled itself back'],
  [STATUS.GRACEFUL_FAILURE, 'Graceful failure: the transaction failed and was rolled back'],
  [STATUS.UNEXPECTED_FAILURE, 'Unexpected failure in the server'],
  [STATUS.CONNECTION_LOST, 'Connection lost before a response was received'],
  [STATUS.SERVER_UNAVAILABLE, 'Server unavailable: the call was not executed, it is safe to retry'],
  [STATUS.CONNECTION_TIMEOUT, 'No response received in the allotted time'],
  [STATUS.RESPONSE_UNKNOWN, 'Response unknown: a partition leader failed over while the transaction was in flight'],
  [STATUS.TXN_RESTART, 'Transaction restarted'],
  [STATUS.OPERATIONAL_FAILURE, 'Operational failure: part of the system operation failed'],
  [STATUS.UNSUPPORTED_DYNAMIC_CHANGE, 'The change needs a restart of the database'],
  [STATUS.COMPOUND_PROC_USER_ABORT, 'User abort: the compound procedure aborted itself'],
  [STATUS.COMPOUND_PROC_TIMEOUT, 'The compound procedure ran too long'],
]);

/** The documented meaning of `status`; unknown codes are named as `STATUS(<n>)`. */
export function statusText(status: number): string {
  return STATUS_TEXT.get(status) ?? `Status ${statusName(status)}`;
}

/** A procedure's response, under the Python client's names. */
export class VoltResponse {
  /** The status code (`1` SUCCESS; negative: a failure, PROTOCOL.md 5.1). */
  readonly status: number;
  /** The server's status string, or the status code's meaning when the server sent none. */
  readonly statusString: string;
  /** The status the procedure set (−128 when it set none). */
  readonly appStatus: number;
  readonly appStatusString: string | null;
  /** Milliseconds from the call to its response, measured by the client. */
  readonly roundtripTime: number;
  /** Milliseconds the server spent on it, as the server reported. */
  readonly clusterRoundtripTime: number;
  /** The serialized exception of a legacy server, or null. */
  readonly exception: VoltException | null;
  /** The result tables; null only for a response that carries no table section. */
  readonly tables: VoltTable[] | null;
  /** The client handle of the call. */
  readonly clientHandle: bigint;
  /** The voltwire response this wraps (tables are the same objects as `tables[i].table`). */
  readonly response: DecodedResponse;

  constructor(response: DecodedResponse, roundtripTime: number) {
    this.response = response;
    this.status = response.status;
    this.statusString = response.statusString !== null && response.statusString !== '' ? response.statusString : statusText(response.status);
    this.appStatus = response.appStatus;
    this.appStatusString = response.appStatusString;
    this.roundtripTime = roundtripTime;
    this.clusterRoundtripTime = response.clusterRoundTripMs;
    this.exception = response.exception === null ? null : new VoltException(response.exception);
    this.tables = Array.isArray(response.tables) ? response.tables.map((table) => new VoltTable(table)) : null;
    this.clientHandle = response.handle;
  }

  /** True when `status` is SUCCESS. */
  get ok(): boolean {
    return this.status === STATUS.SUCCESS;
  }

  /**
   * The documented example's printout: `Status: 1`, `Information: …`, then every table
   * (blank line between tables) and, when there is one, the exception.
   */
  toString(): string {
    const tables = this.tables === null ? '' : this.tables.map(String).join('\n\n');
    const text = `Status: ${this.status}\nInformation: ${this.statusString}\n${tables}`;
    return this.exception === null ? text : `${text}\nException: ${String(this.exception)}`;
  }
}
