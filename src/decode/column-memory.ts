/**
 * Where decoded columns live. Inline, in private memory; in a decode worker, in shared memory
 * (`SharedArrayBuffer`), so that the columns reach the main thread without a transfer.
 *
 * Why not transfer: once any ArrayBuffer has been detached in a thread, V8 checks for detached
 * buffers on every typed-array and DataView access there, and the decoder ran 13–34 % slower
 * in every later decode (bench/RESULTS.md, "a detached ArrayBuffer anywhere in the isolate").
 * A `SharedArrayBuffer` is never detached: posting it shares the memory.
 */

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
