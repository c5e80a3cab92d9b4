/**
 * Piscina entry of the decode pool (`src/decode/dispatch.ts`): decodes a response's tables to
 * columns with the same decoder the main thread uses, and moves the column buffers back.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runDecodeTask, type DecodeTask } from '../src/decode/decode-task.js';

export default function decodeTableTask(task: DecodeTask): unknown {
  const { result, transfer } = runDecodeTask(task);
  // A Transferable (piscina's protocol): the value is posted, the listed buffers are moved.
  return move({ [transferableSymbol]: transfer, [valueSymbol]: result });
}
