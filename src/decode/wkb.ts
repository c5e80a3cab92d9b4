/**
 * GEOGRAPHY polygons as OGC Well-Known Binary, the encoding GeoArrow (`geoarrow.wkb`),
 * GeoParquet, DuckDB spatial, GDAL and shapely read. Little-endian (ISO) WKB of a 2-D polygon:
 *
 * | bytes | field                                               |
 * | ----- | --------------------------------------------------- |
 * | 1     | byte order: 1 = little-endian                       |
 * | 4     | u32 geometry type: 3 = Polygon                      |
 * | 4     | u32 ring count                                      |
 * | per ring: 4 + 16 × n | u32 point count n, then n × (f64 x = longitude, f64 y = latitude) |
 *
 * Rings are written closed (the first point repeated last), the shell first, as WKT lists them.
 * A polygon is a fixed header and a list of doubles; the writer and reader are a few lines each,
 * where a WKB library would build an object per point.
 */
import { VoltError } from '../errors.js';
import { Geography, type LngLat } from '../protocol/geography.js';

const LITTLE_ENDIAN = 1;
const BIG_ENDIAN = 0;
const POLYGON = 3;
const HEADER_BYTES = 9;
const RING_HEADER_BYTES = 4;
const POINT_BYTES = 16;

/** The WKB size of a polygon. */
export function wkbByteLength(geography: Geography): number {
  let length = HEADER_BYTES;
  for (const ring of geography.rings) length += RING_HEADER_BYTES + POINT_BYTES * ring.length;
  return length;
}

/** Write `geography` as little-endian WKB at `view[offset…]`; returns the offset after it. */
export function writeWkb(view: DataView, offset: number, geography: Geography): number {
  let at = offset;
  view.setUint8(at, LITTLE_ENDIAN);
  view.setUint32(at + 1, POLYGON, true);
  view.setUint32(at + 5, geography.rings.length, true);
  at += HEADER_BYTES;
  for (const ring of geography.rings) {
    view.setUint32(at, ring.length, true);
    at += RING_HEADER_BYTES;
    for (const [lng, lat] of ring) {
      view.setFloat64(at, lng, true);
      view.setFloat64(at + 8, lat, true);
      at += POINT_BYTES;
    }
  }
  return at;
}

/** A polygon as a fresh WKB byte array. */
export function geographyToWkb(geography: Geography): Uint8Array {
  const bytes = new Uint8Array(wkbByteLength(geography));
  writeWkb(new DataView(bytes.buffer), 0, geography);
  return bytes;
}

/**
 * Read a WKB polygon (either byte order; 2-D only) that fills `bytes` exactly. Anything else —
 * another geometry type, Z/M coordinates, a truncated or over-long body — is a VoltError naming
 * what was found where.
 */
export function geographyFromWkb(bytes: Uint8Array): Geography {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string, offset: number): never => {
    throw new VoltError(`WKB polygon of ${bytes.byteLength} bytes: ${what} at byte ${offset}`);
  };
  if (bytes.byteLength < HEADER_BYTES) fail('too short for the header', 0);
  const order = view.getUint8(0);
  if (order !== LITTLE_ENDIAN && order !== BIG_ENDIAN) fail(`byte order ${order} is neither 0 nor 1`, 0);
  const little = order === LITTLE_ENDIAN;
  const type = view.getUint32(1, little);
  if (type !== POLYGON) fail(`geometry type ${type} is not 3 (Polygon)`, 1);
  const ringCount = view.getUint32(5, little);
  let at = HEADER_BYTES;
  if (ringCount > (bytes.byteLength - at) / RING_HEADER_BYTES) fail(`ring count ${ringCount} overruns the body`, 5);
  const rings: LngLat[][] = [];
  for (let r = 0; r < ringCount; r++) {
    if (at + RING_HEADER_BYTES > bytes.byteLength) fail(`ring ${r} is truncated`, at);
    const count = view.getUint32(at, little);
    at += RING_HEADER_BYTES;
    if (count > (bytes.byteLength - at) / POINT_BYTES) fail(`ring ${r} point count ${count} overruns the body`, at - RING_HEADER_BYTES);
    const ring: LngLat[] = new Array<LngLat>(count);
    for (let k = 0; k < count; k++) {
      ring[k] = [view.getFloat64(at, little), view.getFloat64(at + 8, little)];
      at += POINT_BYTES;
    }
    rings.push(ring);
  }
  if (at !== bytes.byteLength) fail(`${bytes.byteLength - at} bytes follow the polygon`, at);
  return new Geography(rings);
}
