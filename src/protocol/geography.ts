/**
 * GEOGRAPHY_POINT and GEOGRAPHY (polygon) values: the JS classes, WKT, and the wire format
 * (PROTOCOL.md 4.1, 4.3).
 *
 * Users see rings as in WKT: longitude/latitude pairs in degrees, each ring closed (the first
 * point repeated last), ring 0 the shell (counter-clockwise) and the others holes (clockwise).
 * The wire differs in three ways, all undone on decode:
 * - each vertex is a unit-sphere vector (x, y, z), computed exactly as the official clients do
 *   (`degrees × (π/180)`, then `Math.cos`/`Math.sin`), which reproduces the official vectors bit
 *   for bit;
 * - loops carry no closing vertex;
 * - every loop is counter-clockwise, so a hole keeps vertex 0 and reverses the rest.
 *
 * Constructors do not validate (decoding builds millions of points); validation happens before
 * writing ({@link geographyProblem}, {@link pointProblem}) and when parsing WKT.
 */
import { ParameterError, ProtocolError } from '../errors.js';
import { MAX_VALUE_BYTES, NULL_VALUE } from './constants.js';
import type { BufferWriter } from './buffer-writer.js';

/** A longitude/latitude pair in degrees. */
export type LngLat = readonly [lng: number, lat: number];

const DEGREES_TO_RADIANS = Math.PI / 180;
const RADIANS_TO_DEGREES = 180 / Math.PI;
/** Java's client placeholder for every bound coordinate (the server recomputes bounds). */
const PLACEHOLDER_BOUND = 360;
/** Polygon header (3 × i8 + i32) + polygon bound (i8 + 4 × f64). */
const POLYGON_FIXED_BYTES = 40;
/** Per loop: i8 version + i32 count + i8 originInside + i32 depth + bound (i8 + 4 × f64). */
const LOOP_FIXED_BYTES = 43;
const VERTEX_BYTES = 24;

/** A GEOGRAPHY_POINT: longitude first, as on the wire and in WKT. */
export class GeographyPoint {
  constructor(
    readonly longitude: number,
    readonly latitude: number,
  ) {}

  /** `POINT(lng lat)` with each number in its shortest exact form. */
  toWKT(): string {
    return `POINT(${formatCoordinate(this.longitude)} ${formatCoordinate(this.latitude)})`;
  }

  toString(): string {
    return this.toWKT();
  }

  /** Parse `POINT(lng lat)` (case-insensitive, free whitespace); a bad text is a ParameterError. */
  static fromWKT(text: string): GeographyPoint {
    const parser = new WktParser(text);
    parser.keyword('POINT');
    parser.expect('(');
    const [lng, lat] = parser.pair();
    parser.expect(')');
    parser.finish();
    const point = new GeographyPoint(lng, lat);
    const problem = pointProblem(point);
    if (problem !== undefined) throw new ParameterError(`invalid WKT ${quote(text)}: ${problem}`);
    return point;
  }

  /** Same coordinates, each within `epsilon` degrees (default: exactly equal). */
  equals(other: GeographyPoint, epsilon = 0): boolean {
    return close(this.longitude, other.longitude, epsilon) && close(this.latitude, other.latitude, epsilon);
  }
}

/** A GEOGRAPHY polygon: a shell and zero or more holes, in user (WKT) order, each ring closed. */
export class Geography {
  readonly rings: ReadonlyArray<ReadonlyArray<LngLat>>;

  constructor(rings: ReadonlyArray<ReadonlyArray<LngLat>>) {
    this.rings = rings;
  }

  /** `POLYGON((lng lat, …), (…))` with each number in its shortest exact form. */
  toWKT(): string {
    const rings = this.rings.map((ring) => '(' + ring.map(([lng, lat]) => `${formatCoordinate(lng)} ${formatCoordinate(lat)}`).join(', ') + ')');
    return `POLYGON(${rings.join(', ')})`;
  }

  toString(): string {
    return this.toWKT();
  }

  /** Parse `POLYGON((…), (…))`; rings must be closed and valid, else a ParameterError. */
  static fromWKT(text: string): Geography {
    const parser = new WktParser(text);
    parser.keyword('POLYGON');
    parser.expect('(');
    const rings: LngLat[][] = [];
    do {
      parser.expect('(');
      const ring: LngLat[] = [];
      do ring.push(parser.pair());
      while (parser.accept(','));
      parser.expect(')');
      rings.push(ring);
    } while (parser.accept(','));
    parser.expect(')');
    parser.finish();
    const geography = new Geography(rings);
    const problem = geographyProblem(geography);
    if (problem !== undefined) throw new ParameterError(`invalid WKT ${quote(text)}: ${problem}`);
    return geography;
  }

  /** Same ring structure and every coordinate within `epsilon` degrees (default: exactly equal). */
  equals(other: Geography, epsilon = 0): boolean {
    if (this.rings.length !== other.rings.length) return false;
    for (let i = 0; i < this.rings.length; i++) {
      const a = this.rings[i]!;
      const b = other.rings[i]!;
      if (a.length !== b.length) return false;
      for (let j = 0; j < a.length; j++) {
        if (!close(a[j]![0], b[j]![0], epsilon) || !close(a[j]![1], b[j]![1], epsilon)) return false;
      }
    }
    return true;
  }
}

function close(a: number, b: number, epsilon: number): boolean {
  return a === b || Math.abs(a - b) <= epsilon;
}

/** Why a point cannot be sent (NaN, out of range), or undefined when it can. */
export function pointProblem(point: GeographyPoint): string | undefined {
  return coordinateProblem(point.longitude, point.latitude);
}

function coordinateProblem(lng: unknown, lat: unknown): string | undefined {
  if (typeof lng !== 'number' || typeof lat !== 'number' || Number.isNaN(lng) || Number.isNaN(lat)) {
    return `coordinates (${showCoordinate(lng)} ${showCoordinate(lat)}) are not numbers`;
  }
  if (!(lng >= -180 && lng <= 180)) return `longitude ${lng} is outside -180..180`;
  if (!(lat >= -90 && lat <= 90)) return `latitude ${lat} is outside -90..90`;
  return undefined;
}

/** A coordinate for an error message; never throws (String() of an object without a prototype, or of a symbol in a template, would). */
function showCoordinate(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'bigint') return `${value}n`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Why a polygon cannot be sent, or undefined when it can: at least one ring; each ring closed,
 * with at least 3 distinct vertices, every coordinate a number in range; encoded size ≤ 1 MiB.
 * Orientation and self-intersection are left to the server, which validates with S2.
 */
export function geographyProblem(geography: Geography): string | undefined {
  const rings = geography.rings;
  if (!Array.isArray(rings) || rings.length === 0) return 'a polygon needs at least one ring';
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r];
    if (!Array.isArray(ring)) return `ring ${r} is not an array of [lng, lat] points`;
    for (let i = 0; i < ring.length; i++) {
      const point: unknown = ring[i];
      if (!Array.isArray(point) || point.length !== 2) return `ring ${r} point ${i} is not a [lng, lat] pair`;
      const problem = coordinateProblem(point[0], point[1]);
      if (problem !== undefined) return `ring ${r} point ${i}: ${problem}`;
    }
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (first === undefined || last === undefined || first[0] !== last[0] || first[1] !== last[1]) {
      return `ring ${r} is not closed (its last point must repeat the first)`;
    }
    if (distinctVertices(ring) < 3) return `ring ${r} has fewer than 3 distinct vertices`;
  }
  if (geographyByteLength(geography) > MAX_VALUE_BYTES) return `the polygon encodes to more than ${MAX_VALUE_BYTES} bytes`;
  return undefined;
}

/** Distinct vertices of a closed ring, counting no further than 3. */
function distinctVertices(ring: ReadonlyArray<LngLat>): number {
  const a = ring[0]!;
  let b: LngLat | undefined;
  for (let i = 1; i < ring.length - 1; i++) {
    const p = ring[i]!;
    if (p[0] === a[0] && p[1] === a[1]) continue;
    if (b === undefined) {
      b = p;
      continue;
    }
    if (p[0] !== b[0] || p[1] !== b[1]) return 3;
  }
  return b === undefined ? 1 : 2;
}

/** Body length of an encoded polygon (the value of its i32 prefix): 40 + Σ (43 + 24 × vertices). */
export function geographyByteLength(geography: Geography): number {
  let length = POLYGON_FIXED_BYTES;
  for (const ring of geography.rings) length += LOOP_FIXED_BYTES + VERTEX_BYTES * (ring.length - 1);
  return length;
}

/**
 * The unit vectors a polygon was read with, per loop in wire order: writing it again sends
 * those same vectors, so a polygon read and written back (a server storing it, a bulk load of
 * extracted data) keeps its bytes — degrees → vectors rounds in the last bits.
 */
const wireVertices = new WeakMap<Geography, { rings: Geography['rings']; loops: Float64Array[] }>();

/**
 * Write `i32 length` + polygon body with Java's client placeholders: encoding version 0,
 * hasHoles = more than one loop, originInside 0, depth 0, all bounds 360.0 (the server
 * recomputes all of it). Depth 0 on holes matches the Java-generated official vectors.
 * The value must be valid ({@link geographyProblem}); `writeValue` checks before calling.
 */
export function writeGeography(w: BufferWriter, geography: Geography): void {
  const rings = geography.rings;
  const wire = wireVertices.get(geography);
  const length = geographyByteLength(geography);
  w.ensure(4 + length);
  const buffer = w.buffer;
  let at = w.offset;
  buffer.writeInt32BE(length, at);
  buffer[at + 4] = 0; // encoding version: "incomplete", as clients send
  buffer[at + 5] = 1; // owns loops
  buffer[at + 6] = rings.length > 1 ? 1 : 0;
  buffer.writeInt32BE(rings.length, at + 7);
  at += 11;
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r]!;
    const count = ring.length - 1; // the wire drops the closing vertex
    buffer[at] = 0;
    buffer.writeInt32BE(count, at + 1);
    at += 5;
    const vertices = wire !== undefined && wire.rings === rings ? wire.loops[r] : undefined;
    for (let k = 0; k < count; k++) {
      if (vertices !== undefined) {
        // Read from the wire: send back the very unit vectors (degrees → vectors is not exact).
        buffer.writeDoubleBE(vertices[3 * k]!, at);
        buffer.writeDoubleBE(vertices[3 * k + 1]!, at + 8);
        buffer.writeDoubleBE(vertices[3 * k + 2]!, at + 16);
        at += VERTEX_BYTES;
        continue;
      }
      // Holes: keep vertex 0, then the rest reversed (CW user order → CCW wire order).
      const point = ring[r === 0 || k === 0 ? k : count - k]!;
      const theta = point[0] * DEGREES_TO_RADIANS;
      const phi = point[1] * DEGREES_TO_RADIANS;
      const cosPhi = Math.cos(phi);
      buffer.writeDoubleBE(Math.cos(theta) * cosPhi, at);
      buffer.writeDoubleBE(Math.sin(theta) * cosPhi, at + 8);
      buffer.writeDoubleBE(Math.sin(phi), at + 16);
      at += VERTEX_BYTES;
    }
    buffer[at] = 0; // originInside
    buffer.writeInt32BE(0, at + 1); // depth
    at = writePlaceholderBound(buffer, at + 5);
  }
  at = writePlaceholderBound(buffer, at);
  w.offset = at;
}

function writePlaceholderBound(buffer: Buffer, at: number): number {
  buffer[at] = 0;
  buffer.writeDoubleBE(PLACEHOLDER_BOUND, at + 1);
  buffer.writeDoubleBE(PLACEHOLDER_BOUND, at + 9);
  buffer.writeDoubleBE(PLACEHOLDER_BOUND, at + 17);
  buffer.writeDoubleBE(PLACEHOLDER_BOUND, at + 25);
  return at + 33;
}

/**
 * Decode a polygon body (without its i32 prefix) at `bytes[offset, offset + length)`.
 * Version, originInside, depth and bounds are ignored; rings come back closed, holes in
 * user (clockwise) order. Malformed bytes are a ProtocolError naming the offset.
 */
export function readGeography(bytes: Buffer, offset: number, length: number): Geography {
  const end = offset + length;
  if (length < POLYGON_FIXED_BYTES + 4 || end > bytes.length) {
    throw new ProtocolError(`GEOGRAPHY body of ${length} bytes is too short or overruns its buffer`, { offset });
  }
  const loopCount = bytes.readInt32BE(offset + 3);
  // Each loop needs at least 43 + 3 × 24 bytes, which bounds loopCount before any allocation.
  if (loopCount < 1 || loopCount > (length - POLYGON_FIXED_BYTES) / (LOOP_FIXED_BYTES + 3 * VERTEX_BYTES)) {
    throw new ProtocolError(`GEOGRAPHY loop count ${loopCount} does not fit a ${length}-byte body`, { offset: offset + 3 });
  }
  const rings: LngLat[][] = [];
  const loops: Float64Array[] = [];
  let at = offset + 7;
  for (let r = 0; r < loopCount; r++) {
    if (at + LOOP_FIXED_BYTES > end) throw new ProtocolError(`GEOGRAPHY loop ${r} is truncated`, { offset: at });
    const count = bytes.readInt32BE(at + 1);
    if (count < 3 || count > (end - at - LOOP_FIXED_BYTES) / VERTEX_BYTES) {
      throw new ProtocolError(`GEOGRAPHY loop ${r} vertex count ${count} is invalid or overruns the body`, { offset: at + 1 });
    }
    at += 5;
    const wire: LngLat[] = new Array<LngLat>(count);
    const vectors = new Float64Array(3 * count);
    loops.push(vectors);
    for (let k = 0; k < count; k++) {
      const x = bytes.readDoubleBE(at);
      const y = bytes.readDoubleBE(at + 8);
      const z = bytes.readDoubleBE(at + 16);
      vectors[3 * k] = x;
      vectors[3 * k + 1] = y;
      vectors[3 * k + 2] = z;
      wire[k] = [Math.atan2(y, x) * RADIANS_TO_DEGREES, Math.atan2(z, Math.sqrt(x * x + y * y)) * RADIANS_TO_DEGREES];
      at += VERTEX_BYTES;
    }
    at += LOOP_FIXED_BYTES - 5; // originInside, depth, bound
    const ring: LngLat[] = new Array<LngLat>(count + 1);
    for (let k = 0; k < count; k++) ring[k] = wire[r === 0 || k === 0 ? k : count - k]!;
    ring[count] = ring[0]!;
    rings.push(ring);
  }
  if (at + 33 !== end) {
    throw new ProtocolError(`GEOGRAPHY body has ${end - at} bytes after its loops where the 33-byte bound belongs`, { offset: at });
  }
  const geography = new Geography(rings);
  wireVertices.set(geography, { rings: geography.rings, loops });
  return geography;
}

/** 16 bytes: f64 longitude, f64 latitude; `null` is 360.0 twice. Checked by `writeValue`. */
export function writeGeographyPoint(w: BufferWriter, point: GeographyPoint | null): void {
  w.ensure(16);
  const lng = point === null ? NULL_VALUE.POINT_COORDINATE : point.longitude;
  const lat = point === null ? NULL_VALUE.POINT_COORDINATE : point.latitude;
  w.buffer.writeDoubleBE(lng, w.offset);
  w.buffer.writeDoubleBE(lat, w.offset + 8);
  w.offset += 16;
}

/** Read 16 bytes at `offset`; both coordinates exactly 360.0 is NULL. */
export function readGeographyPoint(bytes: Buffer, offset: number): GeographyPoint | null {
  if (offset < 0 || offset + 16 > bytes.length) throw new ProtocolError('truncated GEOGRAPHY_POINT', { offset });
  const lng = bytes.readDoubleBE(offset);
  const lat = bytes.readDoubleBE(offset + 8);
  if (lng === NULL_VALUE.POINT_COORDINATE && lat === NULL_VALUE.POINT_COORDINATE) return null;
  return new GeographyPoint(lng, lat);
}

/**
 * The shortest text that parses back to exactly `value` (JS's shortest round-trip digits),
 * written without an exponent so every WKT reader accepts it: 1e-7 → "0.0000001".
 */
export function formatCoordinate(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  // Position of the decimal point relative to the start of `digits`.
  const position = (point < 0 ? mantissa.length : point) + exponent;
  let plain: string;
  if (position <= 0) plain = '0.' + '0'.repeat(-position) + digits;
  else if (position >= digits.length) plain = digits + '0'.repeat(position - digits.length);
  else plain = digits.slice(0, position) + '.' + digits.slice(position);
  return (negative ? '-' : '') + plain;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
}

/** A tiny recursive-descent reader for the two WKT shapes VoltDB has. */
class WktParser {
  private at = 0;

  constructor(private readonly text: string) {
    if (typeof text !== 'string') throw new ParameterError(`WKT must be a string, got ${typeof text}`);
  }

  keyword(word: string): void {
    this.space();
    if (this.text.slice(this.at, this.at + word.length).toUpperCase() !== word) this.fail(`expected ${word}`);
    this.at += word.length;
  }

  expect(char: string): void {
    if (!this.accept(char)) this.fail(`expected "${char}"`);
  }

  accept(char: string): boolean {
    this.space();
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  pair(): LngLat {
    const lng = this.number();
    const lat = this.number();
    return [lng, lat];
  }

  finish(): void {
    this.space();
    if (this.at !== this.text.length) this.fail('unexpected text after the shape');
  }

  private number(): number {
    this.space();
    const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.text.slice(this.at));
    if (match === null) this.fail('expected a number');
    this.at += match[0].length;
    return Number(match[0]);
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  private fail(reason: string): never {
    throw new ParameterError(`invalid WKT ${quote(this.text)}: ${reason} at character ${this.at}`);
  }
}
