/**
 * How a failed call is counted in a load report: by server status for a procedure error
 * (`GRACEFUL_FAILURE`, `USER_ABORT`, …), otherwise by the client error's kind (`CALL_TIMEOUT`,
 * `CONNECTION_LOST`, `BACKPRESSURE`, …) — the stable error code without its `ERR_VOLT_` prefix.
 */
import { ERROR_CODE, VoltError } from '../../errors.js';
import { statusName } from '../../protocol/constants.js';

export function errorKind(error: unknown): string {
  if (VoltError.is(error)) {
    if (error.code === ERROR_CODE.PROCEDURE) {
      const status = (error as VoltError & { status?: unknown }).status;
      return typeof status === 'number' ? statusName(status) : 'PROCEDURE';
    }
    return error.code.replace(/^ERR_VOLT_/, '');
  }
  if (error instanceof Error && error.name === 'AbortError') return 'ABORTED';
  return 'ERROR';
}
