/**
 * Arrow output says what it holds: every field's VoltDB type in its metadata, GEOGRAPHY as WKB
 * with GeoArrow's extension metadata (GEOGRAPHY_POINT as `geoarrow.point`), and fields
 * non-nullable where the catalog says NOT NULL — written by the built `voltwire extract`, read
 * back with apache-arrow, the WKB decoded here by the OGC layout (not by the writer's code).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { tableFromIPC, type Table } from 'apache-arrow';
import { Client } from '../../src/client.js';
import { tableToArrow } from '../../src/decode/arrow.js';
import { Column } from '../../src/decode/column.js';
import { geographyFromWkb, geographyToWkb } from '../../src/decode/wkb.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { voltwire } from '../cli/binary.js';
import { wkbPolygonRings } from './readback.js';

let server: EmbeddedServer;
let dir: string;

const DDL =
  'CREATE TABLE PLACES (ID BIGINT NOT NULL, NAME VARCHAR(32) NOT NULL, SEEN TIMESTAMP, PAYLOAD VARBINARY(8), ' +
  'AMOUNT DECIMAL, LOCATION GEOGRAPHY_POINT, AREA GEOGRAPHY, PRIMARY KEY (ID))';
const HOLED = Geography.fromWKT('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voltwire-arrow-metadata-'));
  server = await startServer({ workloads: [] });
  const client = await Client.connect(server.address);
  try {
    await client.query(DDL);
    const insert = client.procedure('PLACES.insert', ['BIGINT', 'STRING', 'TIMESTAMP', 'VARBINARY', 'DECIMAL', 'GEOGRAPHY_POINT', 'GEOGRAPHY']);
    await insert.call([1n, 'square with a hole', 1n, new Uint8Array([1]), null, new GeographyPoint(1.5, -2.25), HOLED]);
    await insert.call([2n, 'nothing', null, null, null, null, null]);
  } finally {
    await client.close();
  }
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function extracted(t: TestContext, name: string): Promise<Table> {
  const file = join(dir, name);
  const run = await voltwire(['extract', '--table', 'PLACES', '--out', file, '--no-progress', '--servers', server.address]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  return tableFromIPC(await readFile(file));
}

test('extract to Arrow: VoltDB types in field metadata, NOT NULL fields non-nullable, GEOGRAPHY as GeoArrow WKB', async (t: TestContext) => {
  for (const name of ['places.arrow', 'places.arrows']) {
    const table = await extracted(t, name);
    const fields = new Map(table.schema.fields.map((f) => [f.name, f]));
    t.assert.deepStrictEqual(
      table.schema.fields.map((f) => [f.name, f.metadata.get('voltdb.type'), f.nullable]),
      [
        ['ID', 'BIGINT', false],
        ['NAME', 'STRING', false],
        ['SEEN', 'TIMESTAMP', true],
        ['PAYLOAD', 'VARBINARY', true],
        ['AMOUNT', 'DECIMAL', true],
        ['LOCATION', 'GEOGRAPHY_POINT', true],
        ['AREA', 'GEOGRAPHY', true],
      ],
      name,
    );
    const area = fields.get('AREA')!;
    t.assert.strictEqual(area.metadata.get('ARROW:extension:name'), 'geoarrow.wkb');
    t.assert.deepStrictEqual(JSON.parse(area.metadata.get('ARROW:extension:metadata')!), { crs: 'OGC:CRS84', crs_type: 'authority_code', edges: 'spherical' });
    const location = fields.get('LOCATION')!;
    t.assert.strictEqual(location.metadata.get('ARROW:extension:name'), 'geoarrow.point');
    t.assert.strictEqual((location.type as { children: { name: string }[] }).children[0]!.name, 'xy');

    const rows = table.toArray().map((row) => row.toJSON() as Record<string, unknown>);
    const rings = wkbPolygonRings(rows[0]!['AREA'] as Uint8Array);
    t.assert.strictEqual(rings.length, 2);
    HOLED.rings.forEach((ring, r) => {
      t.assert.strictEqual(rings[r]!.length, ring.length, `ring ${r} closed, as WKT writes it`);
      ring.forEach(([lng, lat], k) => t.assert.ok(Math.abs(rings[r]![k]![0]! - lng) < 1e-12 && Math.abs(rings[r]![k]![1]! - lat) < 1e-12, `ring ${r} point ${k}`));
    });
    t.assert.strictEqual(rows[1]!['AREA'], null);
    t.assert.deepStrictEqual([...(rows[0]!['LOCATION'] as Iterable<number>)], [1.5, -2.25]);
  }
});

test('a query result in Arrow: the same metadata and WKB, every field nullable (no catalog)', async (t: TestContext) => {
  const client = await Client.connect(server.address);
  try {
    const table = await (await client.query('SELECT ID, AREA FROM PLACES ORDER BY ID')).tables[0]!.toArrow();
    t.assert.deepStrictEqual(table.schema.fields.map((f) => [f.name, f.metadata.get('voltdb.type'), f.nullable, f.metadata.get('ARROW:extension:name')]), [
      ['ID', 'BIGINT', true, undefined],
      ['AREA', 'GEOGRAPHY', true, 'geoarrow.wkb'],
    ]);
    t.assert.ok(geographyFromWkb(table.get(0)!.toJSON()['AREA'] as Uint8Array).equals(HOLED, 1e-12));
  } finally {
    await client.close();
  }
});

test('a column declared NOT NULL that holds NULL is refused by name', async (t: TestContext) => {
  const column = new Column({ name: 'ID', type: VOLT_TYPE.INTEGER, length: 2, nullCount: 1, values: new Int32Array(2), offsets: null, validity: new Uint8Array([1]) });
  await t.assert.rejects(tableToArrow([column], { nullable: [false] }), /column ID is declared NOT NULL but 1 of its 2 values are NULL/);
  t.assert.strictEqual((await tableToArrow([column], { nullable: [true] })).schema.fields[0]!.nullable, true);
});

test('WKB: both byte orders read, anything else refused with the byte it stopped at', (t: TestContext) => {
  const wkb = geographyToWkb(HOLED);
  t.assert.ok(geographyFromWkb(wkb).equals(HOLED));
  // The same polygon big-endian.
  const big = new Uint8Array(wkb.length);
  const from = new DataView(wkb.buffer);
  const to = new DataView(big.buffer);
  big[0] = 0;
  to.setUint32(1, 3);
  to.setUint32(5, from.getUint32(5, true));
  let at = 9;
  for (const ring of HOLED.rings) {
    to.setUint32(at, ring.length);
    at += 4;
    for (let i = 0; i < ring.length * 2; i++, at += 8) to.setFloat64(at, from.getFloat64(at, true));
  }
  t.assert.ok(geographyFromWkb(big).equals(HOLED));
  t.assert.throws(() => geographyFromWkb(wkb.subarray(0, 5)), /too short for the header at byte 0/);
  t.assert.throws(() => geographyFromWkb(Uint8Array.of(2, 3, 0, 0, 0, 0, 0, 0, 0)), /byte order 2/);
  t.assert.throws(() => geographyFromWkb(Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0, 0)), /geometry type 1 is not 3 \(Polygon\) at byte 1/);
  t.assert.throws(() => geographyFromWkb(wkb.subarray(0, wkb.length - 8)), /point count 5 overruns the body/);
  t.assert.throws(() => geographyFromWkb(Uint8Array.of(...wkb, 0)), /1 bytes follow the polygon/);
  t.assert.throws(() => geographyFromWkb(Uint8Array.of(1, 3, 0, 0, 0, 255, 255, 0, 0)), /ring count 65535 overruns the body at byte 5/);
  const secondRingCut = new Uint8Array(32);
  secondRingCut.set([1, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]);
  t.assert.throws(() => geographyFromWkb(secondRingCut), /ring 1 is truncated at byte 29/);
});
