import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import {
  Geography,
  GeographyPoint,
  formatCoordinate,
  geographyByteLength,
  geographyProblem,
  readGeography,
  readGeographyPoint,
  writeGeography,
  writeGeographyPoint,
} from '../../src/protocol/geography.js';
import { SKIP_WITHOUT_FIXTURES, readFixture } from '../helpers/fixtures.js';

const SQUARE_WITH_HOLE = 'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (0.1 0.1, 0.1 0.9, 0.9 0.9, 0.9 0.1, 0.1 0.1))';

function encode(g: Geography): Buffer {
  const w = new BufferWriter(Buffer.alloc(8));
  writeGeography(w, g);
  return Buffer.from(w.message());
}

test('WKT round-trips text → value → text', (t: TestContext) => {
  t.assert.equal(Geography.fromWKT(SQUARE_WITH_HOLE).toWKT(), SQUARE_WITH_HOLE);
  t.assert.equal(GeographyPoint.fromWKT('point ( -71.06   42.36 )').toWKT(), 'POINT(-71.06 42.36)');
  t.assert.equal(String(GeographyPoint.fromWKT('POINT(1e-7 -2.5E1)')), 'POINT(0.0000001 -25)');
  const polygon = Geography.fromWKT(' polygon (( 0 0 ,1 0,1 1,0 1,0 0 )) ');
  t.assert.deepStrictEqual(polygon.rings, [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]);
  t.assert.equal(String(polygon), 'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))');
});

test('WKT syntax errors are ParameterErrors that say where', (t: TestContext) => {
  const bad = ['POINT 1 2', 'POINT(1 2', 'POINT(1 2) x', 'LINESTRING(1 2, 3 4)', 'POLYGON(0 0, 1 1)', 'POLYGON((0 0, 1 0, 1 1))', 'POINT(200 0)', 'POINT(a b)'];
  for (const text of bad) t.assert.throws(() => (text.startsWith('POINT') ? GeographyPoint.fromWKT(text) : Geography.fromWKT(text)), ParameterError, text);
  t.assert.throws(() => GeographyPoint.fromWKT(5 as unknown as string), /WKT must be a string/);
  t.assert.throws(() => Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 0)'), /expected "\)" at character/);
  t.assert.throws(() => Geography.fromWKT(`POLYGON((0 0, 1 0, 1 1, 0 0)) ${'x'.repeat(80)}`), /\.\.\."/);
});

test('formatCoordinate writes the shortest exact decimal without an exponent', (t: TestContext) => {
  t.assert.equal(formatCoordinate(0.1), '0.1');
  t.assert.equal(formatCoordinate(-1.5e-10), '-0.00000000015');
  t.assert.equal(formatCoordinate(1.2345e-7), '0.00000012345');
  t.assert.equal(formatCoordinate(1e21), '1000000000000000000000');
  t.assert.equal(formatCoordinate(1.5e21), '1500000000000000000000');
  t.assert.equal(formatCoordinate(0.9999999999999998), '0.9999999999999998');
  for (const value of [1e-7, 3.14159e-9, -2.2250738585072014e-308]) t.assert.equal(Number(formatCoordinate(value)), value);
});

test('polygon body layout: lengths, placeholders, closing vertex dropped, hole reversed', (t: TestContext) => {
  const g = Geography.fromWKT(SQUARE_WITH_HOLE);
  const bytes = encode(g);
  t.assert.equal(geographyByteLength(g), 318);
  t.assert.equal(bytes.readInt32BE(0), 318);
  t.assert.deepStrictEqual([...bytes.subarray(4, 11)], [0, 1, 1, 0, 0, 0, 2]);
  t.assert.equal(bytes.readInt32BE(12), 4); // loop 0: 4 vertices on the wire
  // Loop 0 vertex 1 is (1, 0): x = cos(π/180), y = sin(π/180), z = 0.
  t.assert.equal(bytes.readDoubleBE(16 + 24), Math.cos(Math.PI / 180));
  t.assert.equal(bytes.readDoubleBE(16 + 24 + 8), Math.sin(Math.PI / 180));
  t.assert.equal(bytes.readDoubleBE(bytes.length - 8), 360);
  const back = readGeography(bytes, 4, 318);
  t.assert.ok(back.equals(g, 1e-14));
  t.assert.ok(!back.equals(g));
  t.assert.deepStrictEqual(back.rings[1]![1]!.map((v) => Math.round(v * 10) / 10), [0.1, 0.9]);
  // A single triangle is the server's minimum: 155 bytes.
  t.assert.equal(geographyByteLength(Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))')), 155);
  t.assert.equal(encode(Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))'))[6], 0, 'hasHoles 0 for one loop');
});

test('the Java-generated polygon of insert_geo is reproduced byte for byte', { skip: SKIP_WITHOUT_FIXTURES }, (t: TestContext) => {
  const frame = readFixture('wire/invocation_request_insert_geo.msg');
  const at = frame.indexOf(Buffer.from([0x1b, 0x00, 0x00, 0x01, 0x3e])); // type 27, length 318
  t.assert.deepStrictEqual(encode(Geography.fromWKT(SQUARE_WITH_HOLE)), frame.subarray(at + 1, at + 1 + 4 + 318));
});

test('server-form polygons decode, ignoring version, depth and real bounds', { skip: SKIP_WITHOUT_FIXTURES }, (t: TestContext) => {
  const frame = readFixture('wire/invocation_response_select_geo_both_mid.msg');
  const at = frame.indexOf(Buffer.from([0x00, 0x00, 0x01, 0x3e, 0x01])); // length 318, version 1
  const g = readGeography(frame, at + 4, 318);
  const expected = Geography.fromWKT('POLYGON((0 0, 45 0, 45 45, 0 45, 0 0), (10 10, 10 30, 30 30, 30 10, 10 10))');
  t.assert.ok(g.equals(expected, 1e-12), g.toWKT());
});

test('equals compares structure and coordinates', (t: TestContext) => {
  const a = Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))');
  t.assert.ok(a.equals(Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))')));
  t.assert.ok(!a.equals(Geography.fromWKT(SQUARE_WITH_HOLE)));
  t.assert.ok(!a.equals(Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))')));
  t.assert.ok(!a.equals(Geography.fromWKT('POLYGON((0 0, 2 0, 0 1, 0 0))')));
  t.assert.ok(new GeographyPoint(1, 2).equals(new GeographyPoint(1 + 1e-15, 2), 1e-14));
  t.assert.ok(!new GeographyPoint(1, 2).equals(new GeographyPoint(1, 2.1)));
});

test('points: 16 bytes, NULL as 360/360', (t: TestContext) => {
  const w = new BufferWriter(Buffer.alloc(4));
  writeGeographyPoint(w, new GeographyPoint(-71.06, 42.36));
  writeGeographyPoint(w, null);
  const bytes = w.message();
  t.assert.equal(bytes.length, 32);
  t.assert.deepStrictEqual(readGeographyPoint(bytes, 0), new GeographyPoint(-71.06, 42.36));
  t.assert.equal(readGeographyPoint(bytes, 16), null);
  t.assert.equal(bytes.subarray(16).toString('hex'), '4076800000000000'.repeat(2));
  t.assert.throws(() => readGeographyPoint(bytes, 20), ProtocolError);
});

test('malformed polygon bodies are ProtocolErrors', (t: TestContext) => {
  const good = encode(Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))')).subarray(4);
  const mutate = (at: number, value: number): Buffer => {
    const copy = Buffer.from(good);
    copy.writeInt32BE(value, at);
    return copy;
  };
  t.assert.throws(() => readGeography(good, 0, 40), ProtocolError, 'too short');
  t.assert.throws(() => readGeography(good, 0, 200), ProtocolError, 'overruns');
  t.assert.throws(() => readGeography(mutate(3, 0), 0, 155), /loop count 0/);
  t.assert.throws(() => readGeography(mutate(3, 1 << 30), 0, 155), /loop count/);
  t.assert.throws(() => readGeography(mutate(8, 2), 0, 155), /vertex count 2/);
  t.assert.throws(() => readGeography(mutate(8, 5), 0, 155), /overruns/);
  t.assert.throws(() => readGeography(Buffer.concat([good, Buffer.alloc(1)]), 0, 156), /after its loops/);
  const twoLoops = mutate(3, 2);
  t.assert.throws(() => readGeography(Buffer.concat([twoLoops, Buffer.alloc(80)]), 0, 235), ProtocolError);
});

test('geographyProblem accepts valid polygons', (t: TestContext) => {
  t.assert.equal(geographyProblem(Geography.fromWKT(SQUARE_WITH_HOLE)), undefined);
  t.assert.match(geographyProblem(new Geography([[[0, 0], [0, 0], [0, 0], [0, 0]]]))!, /fewer than 3 distinct/);
  t.assert.match(geographyProblem(new Geography([[]]))!, /not closed/);
});
