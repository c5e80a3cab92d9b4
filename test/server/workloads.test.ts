import { after, before, describe, test, type TestContext } from 'node:test';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { eventCell, eventRow } from '../../src/server/workloads/analytics.js';
import { formatKey } from '../../src/server/workloads/kv.js';
import { PhoneVoteCounter } from '../../src/server/workloads/phone-vote-counter.js';
import { areaCodes } from '../../src/server/workloads/voter.js';
import { TestClient } from './test-client.js';

const NAMES = 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman';

describe('voter workload', () => {
  let server: EmbeddedServer;
  let client: TestClient;
  before(async () => {
    server = await startServer({ workloads: ['voter'] });
    client = await TestClient.connect(server.port);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test('Initialize loads contestants and area codes once', async (t: TestContext) => {
    t.assert.deepStrictEqual((await client.ok('Initialize', [6, NAMES]))[0]!.rows, [[6n]]);
    t.assert.deepStrictEqual((await client.ok('Initialize', [3, 'A,B,C']))[0]!.rows, [[6n]], 'a second call changes nothing');
    const [contestants] = await client.ok('@AdHoc', ['SELECT CONTESTANT_NUMBER, CONTESTANT_NAME FROM CONTESTANTS ORDER BY CONTESTANT_NUMBER']);
    t.assert.deepStrictEqual(contestants!.rows[0], [1, 'Edwina Burnam']);
    t.assert.strictEqual(contestants!.rows.length, 6);
    const [codes] = await client.ok('@AdHoc', ['SELECT COUNT(*) FROM AREA_CODE_STATE']);
    t.assert.deepStrictEqual(codes!.rows, [[BigInt(new Set(areaCodes().map(([c]) => c)).size)]]);
    t.assert.strictEqual(areaCodes().length, 305);
  });

  test('Vote: 0 accepted, 1 invalid contestant, 2 over the limit; one unnamed BIGINT', async (t: TestContext) => {
    const vote = async (phone: bigint, contestant: number, max: bigint): Promise<unknown> => {
      const [table] = await client.ok('Vote', [phone, contestant, max]);
      t.assert.deepStrictEqual(table!.columns, [{ name: '', type: VOLT_TYPE.BIGINT }]);
      return table!.rows[0]![0];
    };
    t.assert.strictEqual(await vote(6175551234n, 3, 2n), 0n);
    t.assert.strictEqual(await vote(6175551234n, 99, 2n), 1n);
    t.assert.strictEqual(await vote(6175551234n, 4, 2n), 0n);
    t.assert.strictEqual(await vote(6175551234n, 4, 2n), 2n);
    t.assert.strictEqual(await vote(9995550000n, 1, 5n), 0n, 'unknown area code');
    const [states] = await client.ok('@AdHoc', ['SELECT STATE FROM VOTES WHERE PHONE_NUMBER = ? ORDER BY STATE', 9995550000n]);
    t.assert.deepStrictEqual(states!.rows, [['XX']]);
    const [ma] = await client.ok('@AdHoc', ['SELECT STATE FROM VOTES WHERE PHONE_NUMBER = 6175551234']);
    t.assert.deepStrictEqual(ma!.rows, [['MA'], ['MA']]);
    const typeError = await client.call('Vote', ['notanumber', 1, 2n]);
    t.assert.strictEqual(typeError.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(typeError.statusString), /PROCEDURE Vote TYPE ERROR FOR PARAMETER 0/);
  });

  test('Results, the views, GetStateHeatmap and ContestantWinningStates', async (t: TestContext) => {
    for (let i = 0; i < 5; i++) await client.ok('Vote', [2015550000n + BigInt(i), 1, 10n]);
    await client.ok('Vote', [2125550000n, 2, 10n]);
    const [results] = await client.ok('Results');
    // ORDER BY total_votes DESC, contestant_number ASC, contestant_name ASC — as the Java procedure
    t.assert.deepStrictEqual(results!.rows, [
      ['Edwina Burnam', 1, 6n],
      ['Tabatha Gehling', 2, 1n],
      ['Kelly Clauss', 3, 1n],
      ['Jessie Alloway', 4, 1n],
    ]);
    const [byPhone] = await client.ok('@AdHoc', ['SELECT NUM_VOTES FROM V_VOTES_BY_PHONE_NUMBER WHERE PHONE_NUMBER = 6175551234']);
    t.assert.deepStrictEqual(byPhone!.rows, [[2n]]);
    const [byState] = await client.ok('@AdHoc', ["SELECT CONTESTANT_NUMBER, NUM_VOTES FROM V_VOTES_BY_CONTESTANT_NUMBER_STATE WHERE STATE = 'NJ'"]);
    t.assert.deepStrictEqual(byState!.rows, [[1, 5n]]);
    const [winners, totals] = await client.ok('GetStateHeatmap');
    t.assert.deepStrictEqual(winners!.rows.find((r) => r[0] === 'NJ'), ['NJ', 1, 5n]);
    t.assert.deepStrictEqual(totals!.columns.map((c) => c.name), ['CONTESTANT_NUMBER', 'C2']);
    const [states] = await client.ok('ContestantWinningStates', [1, 5]);
    t.assert.deepStrictEqual(states!.rows, [
      ['NJ', 5n],
      ['XX', 1n],
    ]);
    // A vote through the generated VOTES.insert keeps the views current too; deleting removes it.
    await client.ok('VOTES.insert', [2125550001n, 'NY', 2]);
    const [ny] = await client.ok('@AdHoc', ["SELECT NUM_VOTES FROM V_VOTES_BY_CONTESTANT_NUMBER_STATE WHERE STATE = 'NY'"]);
    t.assert.deepStrictEqual(ny!.rows, [[2n]]);
    await client.ok('@AdHoc', ['DELETE FROM VOTES WHERE PHONE_NUMBER = 2125550001']);
    const [after] = await client.ok('@AdHoc', ["SELECT NUM_VOTES FROM V_VOTES_BY_CONTESTANT_NUMBER_STATE WHERE STATE = 'NY'"]);
    t.assert.deepStrictEqual(after!.rows, [[1n]]);
    t.assert.strictEqual(server.voter!.byPhone.get(2125550001), 0);
    const drop = await client.call('@AdHoc', ['DROP TABLE VOTES']);
    t.assert.strictEqual(drop.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(drop.statusString), /Unable to drop table VOTES: it is used by procedure Vote/);
    const repartition = await client.call('@AdHoc', ['PARTITION TABLE CONTESTANTS ON COLUMN CONTESTANT_NUMBER']);
    t.assert.match(String(repartition.statusString), /Unable to partition table CONTESTANTS/);
  });

  test('Vote with a partition destination: its BIGINT phone number must hash there, as on a real server', async (t: TestContext) => {
    const phone = 3125550000n;
    const partition = server.database.partitionFor(phone, VOLT_TYPE.BIGINT);
    t.assert.deepStrictEqual((await client.ok('Vote', [phone, 1, 10n], { partitionDestination: partition }))[0]!.rows, [[0n]]);
    const wrong = await client.call('Vote', [phone, 1, 10n], { partitionDestination: (partition + 1) % 8 });
    t.assert.strictEqual(wrong.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(
      wrong.statusString,
      'Error sending procedure Vote to the correct partition. Make sure parameter values are correct. Parameter value 3125550000, partition column PHONE_NUMBER type 6 Message: Cannot invoke "org.voltdb.VoltTable.getBuffer()" because "origTable" is null',
    );
    const outOfRange = await client.call('Vote', [phone, 1, 10n], { partitionDestination: 9000 });
    t.assert.strictEqual(outOfRange.status, STATUS.UNEXPECTED_FAILURE);
  });

  test('Initialize with fewer names than contestants fails like the Java procedure', async (t: TestContext) => {
    const fresh = await startServer({ workloads: ['voter'] });
    t.after(() => fresh.close());
    const c = await TestClient.connect(fresh.port);
    t.after(() => c.close());
    const reply = await c.call('Initialize', [3, 'A,B']);
    t.assert.strictEqual(reply.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(String(reply.statusString), /ArrayIndexOutOfBoundsException/);
  });

  test('PhoneVoteCounter grows, keeps counts, and handles numbers outside the safe range', (t: TestContext) => {
    const counter = new PhoneVoteCounter();
    for (let i = 0; i < 5000; i++) counter.add(2015550000 + i * 7, 1);
    counter.add(2015550000, 2);
    counter.add(2e20, 1);
    counter.add(2e20, -5);
    t.assert.strictEqual(counter.get(2015550000), 3);
    t.assert.strictEqual(counter.get(2015550007), 1);
    t.assert.strictEqual(counter.get(12), 0);
    t.assert.strictEqual(counter.get(2e20), 0);
    t.assert.strictEqual(counter.size, 5001);
    t.assert.strictEqual(counter.entries().length, 5000);
  });
});

describe('key-value workload', () => {
  test('Put, Get, Remove, InitializeStore', async (t: TestContext) => {
    const server = await startServer({ workloads: ['kv'] });
    t.after(() => server.close());
    const client = await TestClient.connect(server.port);
    t.after(() => client.close());
    t.assert.deepStrictEqual((await client.ok('Put', ['k1', Uint8Array.of(1, 2, 3)]))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('Put', ['k1', Uint8Array.of(9)]))[0]!.rows, [[1n]]);
    const [got] = await client.ok('Get', ['k1']);
    t.assert.deepStrictEqual(got!.columns.map((c) => c.name), ['KEY', 'VALUE']);
    t.assert.deepStrictEqual(got!.rows, [['k1', Uint8Array.of(9)]]);
    t.assert.deepStrictEqual((await client.ok('Get', ['none']))[0]!.rows, []);
    t.assert.deepStrictEqual((await client.ok('Remove', ['k1']))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('Remove', ['k1']))[0]!.rows, [[0n]]);
    t.assert.deepStrictEqual((await client.ok('InitializeStore', [0, 100, 'K%08d', Uint8Array.of(7)]))[0]!.rows, [[100n]]);
    t.assert.deepStrictEqual((await client.ok('Get', ['K00000042']))[0]!.rows, [['K00000042', Uint8Array.of(7)]]);
    t.assert.deepStrictEqual((await client.ok('@AdHoc', ['SELECT COUNT(*) FROM STORE']))[0]!.rows, [[100n]]);
    t.assert.deepStrictEqual((await client.ok('STORE.select', ['K00000001']))[0]!.rows.length, 1);
    const tooLong = await client.call('Put', ['x'.repeat(251), Uint8Array.of(1)]);
    t.assert.strictEqual(tooLong.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(tooLong.statusString), /VARCHAR\(250\) column 'KEY'/);
    t.assert.strictEqual(formatKey('key-%d-%5d-%%', 42), 'key-42-   42-%');
  });
});

describe('analytics workload', () => {
  test('EVENTS: one column of every type, NULLs in each nullable column, deterministic', (t: TestContext) => {
    const seenNull = new Set<number>();
    const seenValue = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const row = eventRow(i);
      row.forEach((v, c) => (v === null ? seenNull : seenValue).add(c));
      t.assert.deepStrictEqual(eventRow(i), row);
      t.assert.strictEqual(eventCell(i, 0), BigInt(i + 1));
    }
    t.assert.deepStrictEqual([...seenValue].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    t.assert.deepStrictEqual([...seenNull].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    t.assert.ok(eventCell(0, 6) instanceof Decimal);
    t.assert.ok(eventCell(1, 10) instanceof GeographyPoint);
    t.assert.ok(eventCell(0, 11) instanceof Geography);
    t.assert.strictEqual(eventCell(0, 12), undefined);
  });

  test('a large SELECT is streamed and decodes to the generated rows; ID ranges page', async (t: TestContext) => {
    const server = await startServer({ workloads: ['analytics'], rows: 20_000 });
    t.after(() => server.close());
    const client = await TestClient.connect(server.port);
    t.after(() => client.close());
    const [all] = await client.ok('@AdHoc', ['SELECT * FROM EVENTS']);
    t.assert.strictEqual(all!.rows.length, 20_000);
    t.assert.strictEqual(all!.columns.length, 12);
    for (const i of [0, 1, 5, 100, 19_999]) {
      const expected = eventRow(i);
      const got = all!.rows[i]!;
      t.assert.strictEqual(got[0], expected[0]);
      t.assert.strictEqual(got[3], expected[3]);
      t.assert.strictEqual(got[7], expected[7]);
      t.assert.strictEqual(got[9], expected[9]);
      t.assert.strictEqual(got[5], expected[5], 'a NULL FLOAT goes out as the engine writes it and reads back as NULL');
    }
    const [page] = await client.ok('@AdHoc', ['SELECT ID, NAME FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT 3', 500n]);
    t.assert.deepStrictEqual(page!.rows, [
      [501n, eventCell(500, 7)],
      [502n, eventCell(501, 7)],
      [503n, eventCell(502, 7)],
    ]);
    t.assert.strictEqual(eventCell(500, 7), null, 'row 500 has a NULL name');
    t.assert.strictEqual(eventCell(501, 7), 'event-501');
    const [range] = await client.ok('@AdHoc', ['SELECT COUNT(*) FROM EVENTS WHERE ID >= 10 AND ID <= 19 AND ID < 100']);
    t.assert.deepStrictEqual(range!.rows, [[10n]]);
    const [exact] = await client.ok('@AdHoc', ['SELECT ID FROM EVENTS WHERE ID = 7']);
    t.assert.deepStrictEqual(exact!.rows, [[7n]]);
    const [last] = await client.ok('@AdHoc', ['SELECT ID FROM EVENTS ORDER BY ID DESC LIMIT 2']);
    t.assert.deepStrictEqual(last!.rows, [[20_000n], [19_999n]]);
    const [filtered] = await client.ok('@AdHoc', ['SELECT COUNT(*) FROM EVENTS WHERE TINY IS NULL']);
    t.assert.ok((filtered!.rows[0]![0] as bigint) > 1000n);
    server.analytics!.setRows(5);
    t.assert.deepStrictEqual((await client.ok('@AdHoc', ['SELECT COUNT(*) FROM EVENTS']))[0]!.rows, [[5n]]);
    t.assert.throws(() => server.analytics!.setRows(-1), RangeError);
    const readOnly = await client.call('@AdHoc', ['DELETE FROM EVENTS']);
    t.assert.strictEqual(readOnly.status, STATUS.GRACEFUL_FAILURE);
    const drop = await client.call('@AdHoc', ['DROP TABLE EVENTS']);
    t.assert.strictEqual(drop.status, STATUS.GRACEFUL_FAILURE);
  });

  test('a result over the network buffer limit is refused as VoltDB refuses it; pages are not', async (t: TestContext) => {
    const server = await startServer({ workloads: ['analytics'], rows: 30_000, maxResultBytes: 1_000_000 });
    t.after(() => server.close());
    const client = await TestClient.connect(server.port);
    t.after(() => client.close());
    const all = await client.call('@AdHoc', ['SELECT * FROM EVENTS']);
    t.assert.strictEqual(all.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(all.statusString), /^VOLTDB ERROR: SQL ERROR Output from SQL stmt overflowed output\/network buffer of 50mb/);
    const [page] = await client.ok('@AdHoc', ['SELECT * FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT 5000 OFFSET 10', 20_000n]);
    t.assert.strictEqual(page!.rows.length, 5000);
    t.assert.strictEqual(page!.rows[0]![0], 20_011n);
    const [ids] = await client.ok('@AdHoc', ['SELECT ID FROM EVENTS LIMIT 2']);
    t.assert.deepStrictEqual(ids!.rows, [[1n], [2n]]);
  });
});
