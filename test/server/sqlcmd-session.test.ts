/**
 * What VoltDB's own sqlcmd (the Java client inside it) asks at start-up, replayed frame by frame
 * from `../shared/fixtures/real/sqlcmd-session` against the embedded server: the login, the
 * start-up burst (`@Subscribe`, `@Statistics TOPO`, `@SystemCatalog PROCEDURES`,
 * `@GetPartitionKeys`), PROCEDURECOLUMNS, CLASSES (sqlcmd refuses `exec` until it answers),
 * `exec Results;`, the SQL statements (GROUP BY, IN, LIKE, a join, HAVING), INDEXINFO and
 * PRIMARYKEYS. Each answer must have the real status and the real column shapes (`C2` for an
 * unnamed COUNT(*), its BIGINT type); rows of the voter schema must be the real rows.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR, readFixture, SKIP_WITHOUT_FIXTURES } from '../helpers/fixtures.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { decodeLoginResponse } from '../../src/protocol/login.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { decodeFrame, FrameSocket, TestClient, type Reply } from './test-client.js';

const SESSION = 'real/sqlcmd-session';
/** Tables of the voter schema (the real database also held test tables RC_*, VW_*). */
const VOTER_TABLES = new Set(['AREA_CODE_STATE', 'CONTESTANTS', 'VOTES', 'V_VOTES_BY_PHONE_NUMBER', 'V_VOTES_BY_CONTESTANT_NUMBER_STATE']);

interface Exchange {
  request: string;
  procedure: string;
  params: unknown[];
  real: Reply;
  ours?: Reply;
}

describe('sqlcmd start-up, replayed from the real session', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  let server: EmbeddedServer;
  let socket: FrameSocket;
  const exchanges: Exchange[] = [];

  before(async () => {
    server = await startServer({ workloads: ['voter'] });
    const setup = await TestClient.connect(server.port);
    await setup.ok('Initialize', [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman']);
    for (let i = 0; i < 30; i++) await setup.ok('Vote', [6175550000n + BigInt(i), (i % 6) + 1, 1000n]);
    setup.close();
    const files = readdirSync(join(FIXTURES_DIR, SESSION)).filter((f) => f.endsWith('.bin')).sort();
    const realByHandle = new Map<bigint, Reply>();
    for (const file of files.filter((f) => f.endsWith('-s2c.bin') && f !== '0002-s2c.bin')) {
      const reply = decodeFrame(readFixture(`${SESSION}/${file}`));
      realByHandle.set(reply.handle, reply);
    }
    socket = await FrameSocket.open(server.port);
    socket.send(readFixture(`${SESSION}/0001-c2s.bin`));
    const login = decodeLoginResponse(await socket.next());
    if (login.resultCode !== 0) throw new Error(`login refused: ${login.resultCode}`);
    for (const file of files.filter((f) => f.endsWith('-c2s.bin') && f !== '0001-c2s.bin')) {
      const frame = readFixture(`${SESSION}/${file}`);
      const invocation = decodeInvocation(frame);
      exchanges.push({ request: file, procedure: invocation.procedure, params: invocation.params, real: realByHandle.get(invocation.handle)! });
      socket.send(frame);
    }
    // Answers may come in any order (pipelined): match them by handle.
    for (let i = 0; i < exchanges.length; i++) {
      const reply = decodeFrame(await socket.next());
      const exchange = exchanges.find((e) => e.real.handle === reply.handle && e.ours === undefined);
      if (exchange !== undefined) exchange.ours = reply;
    }
  });

  after(async () => {
    socket.close();
    await server.close();
  });

  test('every request of the session gets an answer with the real status and column shapes', (t: TestContext) => {
    t.assert.ok(exchanges.length >= 10, `replayed ${exchanges.length} requests`);
    for (const { request, procedure, params, real, ours } of exchanges) {
      const what = `${request} ${procedure}(${params.join(', ')})`;
      t.assert.ok(ours !== undefined, `${what}: answered`);
      t.assert.strictEqual(ours.status, real.status, `${what}: status (${ours.statusString})`);
      t.assert.strictEqual(ours.tables.length, real.tables.length, `${what}: table count`);
      real.tables.forEach((table, i) => t.assert.deepStrictEqual(ours.tables[i]!.columns, table.columns, `${what}: table ${i} columns`));
    }
  });

  const answer = (selector: string): Exchange => exchanges.find((e) => e.procedure === '@SystemCatalog' && e.params[0] === selector)!;
  const key = (row: unknown[]): string => JSON.stringify(row);

  test('CLASSES answers, so sqlcmd will exec procedures: voter classes as the real server lists them', (t: TestContext) => {
    const { real, ours } = answer('CLASSES');
    const procedures = (reply: Reply): string[] => reply.tables[0]!.rows.filter((r) => String(r[0]).startsWith('voter.') && r[1] === 1).map((r) => String(r[0])).sort();
    t.assert.deepStrictEqual(procedures(ours!), procedures(real));
  });

  test('INDEXINFO and PRIMARYKEYS: the real rows of the voter schema', (t: TestContext) => {
    for (const selector of ['INDEXINFO', 'PRIMARYKEYS']) {
      const { real, ours } = answer(selector);
      const voter = (reply: Reply): string[] => reply.tables[0]!.rows.filter((r) => VOTER_TABLES.has(String(r[2]))).map(key);
      t.assert.deepStrictEqual(voter(ours!), voter(real), selector);
    }
  });

  test('the SQL statements answer as the real server: LIKE finds the same contestants; GROUP BY, IN, the join and HAVING count our votes', (t: TestContext) => {
    const sql = (fragment: string): Exchange => exchanges.find((e) => e.procedure === '@AdHoc' && String(e.params[0]).includes(fragment))!;
    const like = sql('LIKE');
    t.assert.deepStrictEqual(like.ours!.tables[0]!.rows, like.real.tables[0]!.rows);
    t.assert.deepStrictEqual(sql('GROUP BY CONTESTANT_NUMBER ORDER BY').ours!.tables[0]!.rows, [1, 2, 3, 4, 5, 6].map((n) => [n, 5n]));
    t.assert.deepStrictEqual(sql('IN (1, 2)').ours!.tables[0]!.rows, [[10n]]);
    t.assert.deepStrictEqual(sql('INNER JOIN').ours!.tables[0]!.rows.map((r) => r[0]), sql('INNER JOIN').real.tables[0]!.rows.map((r) => r[0]));
    t.assert.strictEqual(sql('HAVING').ours!.tables[0]!.rows.length, 6);
  });

  test('exec Results; answers like the real procedure', (t: TestContext) => {
    const results = exchanges.find((e) => e.procedure === 'Results')!;
    t.assert.deepStrictEqual(results.ours!.tables[0]!.columns, results.real.tables[0]!.columns);
  });
});
