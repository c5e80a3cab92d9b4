/**
 * The message a decode worker receives and the one it sends back. Kept apart from the
 * worker entry so the same code runs (and is tested) on the main thread.
 *
 * The task carries the whole frame (its ArrayBuffer transferred, not copied) and where the
 * tables start; the header was already read on the main thread. The answer carries the
 * decoded columns, whose buffers are listed for transfer back. An error crosses as
 * `{ code, message }`, because structured clone keeps neither the class nor the brand;
 * the pool rebuilds it with `errorFromCode`.
 */
import { ERROR_CODE, VoltError } from '../errors.js';
import { decodeTables, tableBuffers } from './decode-response.js';
import type { TableParts } from './volt-table.js';

export interface DecodeTask {
  frame: Uint8Array;
  tableCount: number;
  tablesOffset: number;
}

export type DecodeTaskResult =
  | { ok: true; tables: TableParts[] }
  | { ok: false; code: string; message: string };

/** Decode the task's tables; never throws. `transfer` lists the buffers to move with the result. */
export function runDecodeTask(task: DecodeTask): { result: DecodeTaskResult; transfer: ArrayBuffer[] } {
  try {
    const tables = decodeTables(task.frame, task);
    return { result: { ok: true, tables }, transfer: tableBuffers(tables) };
  } catch (error) {
    const code = VoltError.is(error) ? error.code : ERROR_CODE.DECODE_POOL;
    const message = error instanceof Error ? error.message : String(error);
    return { result: { ok: false, code, message: VoltError.is(error) ? message : `decode worker failed: ${message}` }, transfer: [] };
  }
}
