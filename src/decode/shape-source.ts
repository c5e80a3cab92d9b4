/**
 * The source of a decoder generated for one table shape (DESIGN.md, "Decoding at memory
 * speed"): one pass over the rows, every column of a row read at a constant offset, written
 * for that sequence of column types.
 *
 * The source is assembled **only** from the column type codes and numbers — offsets, widths,
 * NULL sentinels taken from {@link FIXED_WIDTH_TYPES} — out of the fixed snippets below. No
 * column name, no string of the frame and no byte of it ever reaches the source: the function
 * receives the frame and its output arrays as arguments.
 *
 * The generated function, `decodeRows(v, b, s, o, m, d, t)`:
 *
 * ```
 * v  DataView over the frame (big-endian reads)        b  the frame's bytes
 * s  Int32Array state: [row, at, end, rowCount, nulls per column…, bytes so far per column…]
 * o  per column: its values as the loop writes them (Int8/Int16/Int32 words) or, for a
 *    variable-width column, its Int32Array offsets (n + 1)
 * m  per column: its validity bitmap (all valid on entry; a NULL clears its bit)
 * d  per variable-width column: its data bytes; t: a DataView over them
 * ```
 *
 * It decodes rows `s[0]..rowCount−1` from frame offset `s[1]` and returns 0 (done), 1 (a
 * variable-width column's data is full: grow it and call again — the row is not started) or
 * 2 (the bytes are wrong somewhere: the caller hands the table to the general decoder, which
 * names the fault). It writes its progress back into `s` either way.
 *
 * Each value is checked exactly as the general decoder checks it (`decode-table.ts`): a row is
 * at least its fixed-width bytes long and inside the table (all fixed: exactly that long), a
 * variable-width length leaves room for the columns after it, and a row is consumed exactly.
 */
import { VOLT_TYPE } from '../protocol/constants.js';
import { FIXED_WIDTH_TYPES, type FixedWidthType } from './fixed-width-builders.js';

/** Bytes of slack after a variable-width column's data: a value is copied a whole word at a time. */
export const WORD_PAD = 3;

/** How a column is read: its fixed width, or −1 for `i32 length` + bytes. */
export function wireWidth(type: number): number {
  const fixed = FIXED_WIDTH_TYPES.get(type);
  if (fixed !== undefined) return fixed.bytes;
  return type === VOLT_TYPE.STRING || type === VOLT_TYPE.VARBINARY || type === VOLT_TYPE.GEOGRAPHY ? -1 : -2;
}

/** A 32-bit word as a source literal (numbers only). */
function int(value: number): string {
  return String(value | 0);
}

function uint(value: number): string {
  return String(value >>> 0);
}

const CLEAR = (c: number): string => `m${c}[r >> 3] &= ~(1 << (r & 7)); z${c}++;`;

/**
 * The snippet that decodes column `c` of fixed-width type `type` at `at` (a source expression
 * of the frame offset). The loops of `fixed-width-builders.ts`, one value at a time.
 */
function fixedSnippet(c: number, type: FixedWidthType, at: string): string {
  const [a, b, cw, d] = type.nullArgs;
  switch (type.bytes) {
    case 0:
      return '';
    case 1:
      return `{ const x = v.getInt8(${at}); if (x === ${int(a)}) { ${CLEAR(c)} o${c}[r] = 0; } else o${c}[r] = x; }`;
    case 2:
      return `{ const x = v.getInt16(${at}); if (x === ${int(a)}) { ${CLEAR(c)} o${c}[r] = 0; } else o${c}[r] = x; }`;
    case 4:
      return `{ const x = v.getInt32(${at}); if (x === ${int(a)}) { ${CLEAR(c)} o${c}[r] = 0; } else o${c}[r] = x; }`;
    case 8: {
      // A single sentinel: both words equal; a range (FLOAT): the loop of decode8.
      const isNull =
        b === 0 && uint(cw) === uint(d)
          ? `h === ${int(a)} && l === ${int(cw)}`
          : `((h - ${int(a)}) | 0) >>> 0 <= ${uint(b)} && (h !== ${int(a)} || l >>> 0 >= ${uint(cw)}) && (((h - ${int(a)}) | 0) >>> 0 !== ${uint(b)} || l >>> 0 <= ${uint(d)})`;
      return `{ const h = v.getInt32(${at}); const l = v.getInt32(${at} + 4); const w = r << 1; if (${isNull}) { ${CLEAR(c)} o${c}[w] = 0; o${c}[w + 1] = 0; } else { o${c}[w] = l; o${c}[w + 1] = h; } }`;
    }
    default: {
      // 16 bytes: one number (DECIMAL, words reversed) or two doubles (GEOGRAPHY_POINT, each swapped).
      const order = type.element === 8 ? ['x1', 'x0', 'x3', 'x2'] : ['x3', 'x2', 'x1', 'x0'];
      return (
        `{ const x0 = v.getInt32(${at}); const x1 = v.getInt32(${at} + 4); const x2 = v.getInt32(${at} + 8); const x3 = v.getInt32(${at} + 12); const w = r << 2; ` +
        `if (((x0 ^ ${int(a)}) | (x1 ^ ${int(b)}) | (x2 ^ ${int(cw)}) | (x3 ^ ${int(d)})) === 0) { ${CLEAR(c)} o${c}[w] = 0; o${c}[w + 1] = 0; o${c}[w + 2] = 0; o${c}[w + 3] = 0; } ` +
        `else { o${c}[w] = ${order[0]}; o${c}[w + 1] = ${order[1]}; o${c}[w + 2] = ${order[2]}; o${c}[w + 3] = ${order[3]}; } }`
      );
    }
  }
}

/**
 * The snippet of a variable-width column at `p`: `tail` = the fewest bytes the columns after it
 * take. Values are gathered a word at a time (as variable-width-builder.ts does, and why).
 */
function variableSnippet(c: number, tail: number): string {
  return (
    `{ const l = v.getInt32(p); p += 4; ` +
    `if (l === -1) { ${CLEAR(c)} } else { ` +
    `if (l < 0 || l > e - p - ${tail}) { code = 2; break rows; } ` +
    `const q = n${c} + l; ` +
    `if (p + l <= wordLimit) { for (let x = n${c}, y = p; x < q; x += 4, y += 4) t${c}.setInt32(x, v.getInt32(y)); } ` +
    `else { for (let x = n${c}, y = p; x < q; x++, y++) d${c}[x] = b[y]; } ` +
    `n${c} = q; p += l; } o${c}[r + 1] = n${c}; }`
  );
}

/** The function body for the column types `types` (each a wire type code a table may hold). */
export function shapeSource(types: readonly number[]): string {
  const C = types.length;
  const widths = types.map(wireWidth);
  const variable = widths.map((width, c) => (width < 0 ? c : -1)).filter((c) => c >= 0);
  const need = new Array<number>(C + 1).fill(0);
  for (let c = C - 1; c >= 0; c--) need[c] = need[c + 1]! + (widths[c]! < 0 ? 4 : widths[c]!);
  const minRow = need[0]!;

  const lines: string[] = ['"use strict";', 'return function decodeRows(v, b, s, o, m, d, t) {'];
  lines.push('let r = s[0], at = s[1], code = 0; const end = s[2], n = s[3], wordLimit = b.length - 3;');
  for (let c = 0; c < C; c++) {
    lines.push(`const o${c} = o[${c}], m${c} = m[${c}]; let z${c} = s[${4 + c}];`);
    if (widths[c]! < 0) lines.push(`const d${c} = d[${c}], t${c} = t[${c}], cap${c} = d${c}.length - ${WORD_PAD}; let n${c} = s[${4 + C + c}];`);
  }
  lines.push('rows: for (; r < n; r++) {');
  if (variable.length === 0) {
    // Every row exactly minRow bytes; the caller checked that the table holds exactly n such rows.
    lines.push(`if (v.getInt32(at) !== ${minRow}) { code = 2; break; } const p = at + 4;`);
    let offset = 0;
    for (let c = 0; c < C; c++) {
      lines.push(fixedSnippet(c, FIXED_WIDTH_TYPES.get(types[c]!)!, offset === 0 ? 'p' : `p + ${offset}`));
      offset += widths[c]!;
    }
    lines.push(`at = p + ${minRow};`);
  } else {
    lines.push('if (end - at < 4) { code = 2; break; } const len = v.getInt32(at);');
    lines.push(`if (len < ${minRow} || len > end - at - 4) { code = 2; break; }`);
    // Room for the whole row in every variable-width column's data, checked before the row starts.
    lines.push(`if (${variable.map((c) => `n${c} + len > cap${c}`).join(' || ')}) { code = 1; break; }`);
    lines.push('let p = at + 4; const e = p + len;');
    let run = 0;
    for (let c = 0; c < C; c++) {
      if (widths[c]! >= 0) {
        lines.push(fixedSnippet(c, FIXED_WIDTH_TYPES.get(types[c]!)!, run === 0 ? 'p' : `p + ${run}`));
        run += widths[c]!;
      } else {
        if (run > 0) lines.push(`p += ${run};`);
        run = 0;
        lines.push(variableSnippet(c, need[c + 1]!));
      }
    }
    if (run > 0) lines.push(`p += ${run};`);
    lines.push('if (p !== e) { code = 2; break; } at = e;');
  }
  lines.push('}');
  lines.push('s[0] = r; s[1] = at;');
  for (let c = 0; c < C; c++) {
    lines.push(`s[${4 + c}] = z${c};`);
    if (widths[c]! < 0) lines.push(`s[${4 + C + c}] = n${c};`);
  }
  lines.push('return code;', '};');
  return lines.join('\n');
}
