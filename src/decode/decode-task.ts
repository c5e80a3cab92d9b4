/**
 * The message a decode worker receives and the one it sends back. Kept apart from the
 * worker entry so the same code runs (and is tested) on the main thread.
 *
 * The task carries the whole frame, in shared memory, and where the tables start; the header
 * was already read on the main thread. The answer carries the decoded columns, also in shared
 * memory: nothing is transferred, so no ArrayBuffer is ever detached in either thread (see
 * `column-memory.ts` for why that matters). An error crosses as
 * `{ code, message }`, because structured clone keeps neither the class nor the brand;
 * the pool rebuilds it with `errorFromCode`.
 */
import { ERROR_CODE, VoltError } from '../errors.js';
import { sharedMemory } from './column-memory.js';
import { decodeTables } from './decode-response.js';
import type { TableParts } from './volt-table.js';

export interface DecodeTask {
  /** The frame; over a SharedArrayBuffer when it comes from the pool. */
  frame: Uint8Array;
  tableCount: number;
  tablesOffset: number;
  /** False: the general decoder only (the client's `decode: { codegen: false }`). */
  codegen?: boolean;
}

export type DecodeTaskResult =
  | { ok: true; tables: TableParts[] }
  | { ok: false; code: string; message: string };

/** Decode the task's tables into shared memory; never throws. */
export function runDecodeTask(task: DecodeTask): DecodeTaskResult {
  try {
    return { ok: true, tables: decodeTables(task.frame, task, { codegen: task.codegen ?? true, memory: sharedMemory }) };
  } catch (error) {
    const code = VoltError.is(error) ? error.code : ERROR_CODE.DECODE_POOL;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, code, message: VoltError.is(error) ? message : `decode worker failed: ${message}` };
  }
}
