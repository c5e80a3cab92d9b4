/**
 * Piscina entry of the decode pool (`src/decode/dispatch.ts`): decodes a response's tables to
 * columns with the same decoders the main thread uses. The columns are in the worker's private
 * memory and the answer is posted as is, which copies them: nothing is transferred, nothing
 * detached.
 */
import { runDecodeTask, type DecodeTask, type DecodeTaskResult } from '../src/decode/decode-task.js';

export default function decodeTableTask(task: DecodeTask): DecodeTaskResult {
  return runDecodeTask(task);
}
