/**
 * The message a decode worker receives and the one it sends back. Kept apart from the
 * worker entry so the same code runs (and is tested) on the main thread.
 *
 * The task carries the whole frame, in shared memory, and where the tables start; the header
 * was already read on the main thread. The answer carries the decoded columns in the worker's
 * private memory, and posting it copies them (structured clone) into private memory of the main
 * thread: nothing is transferred, so no ArrayBuffer is ever detached in either thread (see
 * `column-memory.ts` for why that matters).
 *
 * Why private and not shared column memory: V8 counts a SharedArrayBuffer as 0 bytes of an
 * isolate's external memory, so shared memory never makes a worker's garbage collector run. A
 * worker allocates little JS heap, so it collected rarely and kept every frame's and every
 * column's shared buffer alive in between: with one worker, an extraction's peak RSS grew with
 * the table (bench/RESULTS.md, "Decode worker memory"). Private columns are counted, so the
 * worker collects as it goes, and that also frees the frames it has finished with. An error crosses as
 * `{ code, message }`, because structured clone keeps neither the class nor the brand;
 * the pool rebuilds it with `errorFromCode`.
 */
import { ERROR_CODE, VoltError } from '../errors.js';
import { privateMemory } from './column-memory.js';
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

/** Decode the task's tables into private memory (copied to the caller by the post); never throws. */
export function runDecodeTask(task: DecodeTask): DecodeTaskResult {
  try {
    return { ok: true, tables: decodeTables(task.frame, task, { codegen: task.codegen ?? true, memory: privateMemory }) };
  } catch (error) {
    const code = VoltError.is(error) ? error.code : ERROR_CODE.DECODE_POOL;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, code, message: VoltError.is(error) ? message : `decode worker failed: ${message}` };
  }
}
