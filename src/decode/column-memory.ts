/**
 * Where decoded columns live: in private memory, inline and in a decode worker alike; a
 * worker's columns reach the main thread copied by the post (structured clone), not transferred.
 *
 * Why not transfer: once any ArrayBuffer has been detached in a thread, V8 checks for detached
 * buffers on every typed-array and DataView access there, and the decoder ran 13–34 % slower
 * in every later decode (bench/RESULTS.md, "a detached ArrayBuffer anywhere in the isolate").
 * Why not shared memory in the worker: V8 does not count a `SharedArrayBuffer` as external
 * memory of any isolate, so the worker's collector never ran for it and the buffers piled up
 * (see `decode-task.ts`). The decoders still accept `sharedMemory` (tested with it).
 */
import { Buffer } from 'node:buffer';

/** Allocates the memory of `bytes` bytes that one output array is built over. */
export type ColumnMemory = (bytes: number) => ArrayBuffer | SharedArrayBuffer;

/**
 * Private output memory, uninitialised (`allocUnsafeSlow`: malloc, no zeroing, its own
 * ArrayBuffer): every slot is written, NULL slots with 0 — about 10 % faster on the narrow
 * table than zero-filled arrays.
 */
export const privateMemory: ColumnMemory = (bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;

/** Shared output memory: what a decode worker writes its columns into. */
export const sharedMemory: ColumnMemory = (bytes) => new SharedArrayBuffer(bytes);
