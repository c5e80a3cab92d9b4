/**
 * A WebAssembly SIMD module, written out byte by byte below, that gathers the big-endian
 * values of one fixed-width column from rows copied into its memory and stores them
 * little-endian, packed: `swap64 / swap32 / swap16 (src, stride, count, dst)`.
 *
 * Per value: `v128.load64_zero` (or `load32_zero`) at `src`, `i8x16.swizzle` with a constant
 * mask that reverses the value's bytes, `v128.store64_lane` (`store32_lane`, `store16_lane`) at
 * `dst`; then `src += stride`, `dst += width`. It is a strategy of the decode benchmarks (the
 * product decodes with generated JavaScript, which measured faster: bench/RESULTS.md).
 *
 * Hand-written rather than compiled from text: the module is 200 bytes, and every opcode is
 * named where it is written (WebAssembly core spec 5.4, SIMD opcodes `0xFD n`).
 */

/** The part of the WebAssembly JavaScript API used here (TypeScript declares it only with the DOM library). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
/** A compiled module. */
export type WasmModule = object;
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const vector = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (text: string): number[] => [...leb(text.length), ...Buffer.from(text, 'ascii')];

const I32 = 0x7f;
const OP = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Shl: 0x74,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  if: 0x04,
  loop: 0x03,
  brIf: 0x0d,
  return: 0x0f,
  end: 0x0b,
  void: 0x40,
  simd: 0xfd,
} as const;
const SIMD = { load32Zero: 0x5c, load64Zero: 0x5d, store16Lane: 0x59, store32Lane: 0x5a, store64Lane: 0x5b, const: 0x0c, swizzle: 0x0e } as const;

/** `swapN(src, stride, count, dst)` for a value of `width` bytes (2, 4 or 8). Locals: 0 src, 1 stride, 2 count, 3 dst, 4 end. */
function swapFunction(width: 2 | 4 | 8): number[] {
  const load = width === 8 ? SIMD.load64Zero : SIMD.load32Zero;
  const store = width === 8 ? SIMD.store64Lane : width === 4 ? SIMD.store32Lane : SIMD.store16Lane;
  // Lane bytes 0..width−1 reversed; the rest left in place (not stored).
  const mask = Array.from({ length: 16 }, (_, i) => (i < width ? width - 1 - i : i));
  const code = [
    // end = dst + (count << log2(width)); nothing to do for count = 0
    OP.localGet, 3, OP.localGet, 2, OP.i32Const, Math.log2(width), OP.i32Shl, OP.i32Add, OP.localSet, 4,
    OP.localGet, 2, OP.i32Eqz, OP.if, OP.void, OP.return, OP.end,
    OP.loop, OP.void,
    OP.localGet, 3, // store address
    OP.localGet, 0, OP.simd, load, 0, 0, // load the value's bytes (align hint 0, offset 0)
    OP.simd, SIMD.const, ...mask,
    OP.simd, SIMD.swizzle, // reverse them
    OP.simd, store, 0, 0, 0, // store lane 0
    OP.localGet, 0, OP.localGet, 1, OP.i32Add, OP.localSet, 0, // src += stride
    OP.localGet, 3, OP.i32Const, width, OP.i32Add, OP.localTee, 3, // dst += width
    OP.localGet, 4, OP.i32LtU, OP.brIf, 0, // while dst < end
    OP.end,
    OP.end,
  ];
  const body = [1, 1, I32, ...code]; // one group of one i32 local (end)
  return [...leb(body.length), ...body];
}

/** The module's bytes: imports its memory as `m.mem`, exports `swap64`, `swap32`, `swap16`. */
export function byteSwapModuleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector([[0x60, 4, I32, I32, I32, I32, 0]])), // type 0: (i32 i32 i32 i32) → ()
    ...section(2, vector([[...name('m'), ...name('mem'), 0x02, 0x00, 1]])), // import memory, min 1 page
    ...section(3, vector([[0], [0], [0]])), // three functions of type 0
    ...section(7, vector([[...name('swap64'), 0, 0], [...name('swap32'), 0, 1], [...name('swap16'), 0, 2]])),
    ...section(10, vector([swapFunction(8), swapFunction(4), swapFunction(2)])),
  ]);
}

/** The compiled module (compile once, instantiate per memory). */
export function byteSwapModule(): WasmModule {
  return new wasm.Module(byteSwapModuleBytes());
}

export interface ByteSwap {
  swap64(src: number, stride: number, count: number, dst: number): void;
  swap32(src: number, stride: number, count: number, dst: number): void;
  swap16(src: number, stride: number, count: number, dst: number): void;
}
