/**
 * The cluster layer's pure parts: host lists, options, backoff, weighted choice, retry policy,
 * keepalive and routing decisions over stand-in connections, and the topology parsers over the
 * real server's captures.
 */
import { EventEmitter } from 'node:events';
import { describe, test, type TestContext } from 'node:test';
import { resolveClusterOptions } from '../../src/cluster/cluster-options.js';
import { hostKey, parseClusterHost, parseHostList } from '../../src/cluster/host-list.js';
import { Keepalive } from '../../src/cluster/keepalive.js';
import { NO_PARTITION, PartitionRouter } from '../../src/cluster/partition-router.js';
import { Reconnector, backoffDelay } from '../../src/cluster/reconnector.js';
import { RetryPolicy, isConnectionLoss, resolveRetryOptions } from '../../src/cluster/retry.js';
import { parseOverview, parsePartitionKeys, parseProcedures, parseTopology, partitionKeyKind, sameTopology, type ClusterTopology, type ProcedureInfo } from '../../src/cluster/topology.js';
import { pickWeighted } from '../../src/cluster/index.js';
import type { Connection } from '../../src/connection/connection.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { ConnectionLostError, ProcedureError, ProtocolError } from '../../src/errors.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Hashinator } from '../../src/protocol/hashinator.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { SKIP_WITHOUT_FIXTURES, readFixture } from '../helpers/fixtures.js';
import { sleep } from './harness.js';

/** A stand-in with the fields the router and the keepalive read. */
class FakeConnection extends EventEmitter {
  state: 'open' | 'closed' = 'open';
  backpressured = false;
  bytesIn = 0;
  readingPaused = false;
  destroyed: Error | undefined;
  constructor(
    readonly host = '127.0.0.1',
    readonly port = 1,
  ) {
    super();
  }
  get address(): string {
    return `${this.host}:${this.port}`;
  }
  destroy(error?: Error): void {
    this.destroyed = error;
    this.state = 'closed';
  }
}
const fake = (port = 1): FakeConnection & Connection => new FakeConnection('127.0.0.1', port) as FakeConnection & Connection;

const S = VOLT_TYPE.STRING;
function table(columns: [string, number][], rows: unknown[][]) {
  const frame = encodeResponse({ handle: 1n, status: 1, tables: [{ columns: columns.map(([name, type]) => ({ name, type })), rows }] });
  return decodeResponse(frame).tables[0]!;
}
function topoResponse(leaders: string[], ring: Uint8Array | null = Hashinator.uniform(leaders.length).toConfig(), mp = '0:9') {
  const rows = leaders.map((leader, p) => [p, leader, leader]);
  rows.push([MP_PARTITION_ID, mp, mp]);
  const tables = [{ columns: [{ name: 'Partition', type: VOLT_TYPE.INTEGER }, { name: 'Sites', type: S }, { name: 'Leader', type: S }], rows }];
  if (ring !== null) tables.push({ columns: [{ name: 'HASHTYPE', type: S }, { name: 'HASHCONFIG', type: VOLT_TYPE.VARBINARY }], rows: [['ELASTIC', ring]] } as never);
  return decodeResponse(encodeResponse({ handle: 1n, status: 1, tables }));
}

describe('host list and options', () => {
  test('host forms, weights, backups, duplicates', (t: TestContext) => {
    t.assert.deepStrictEqual(parseClusterHost('a'), { host: 'a', port: 21212, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost(' b:7 '), { host: 'b', port: 7, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost('[::1]:9'), { host: '::1', port: 9, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost('[::1]'), { host: '::1', port: 21212, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost('fe80::1'), { host: 'fe80::1', port: 21212, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost({ host: 'c', port: 3, weight: 9, backup: true }), { host: 'c', port: 3, weight: 9, backup: true });
    t.assert.deepStrictEqual(parseClusterHost({ host: 'd:4' }), { host: 'd', port: 4, weight: 1, backup: false });
    t.assert.deepStrictEqual(parseClusterHost({ host: '[::2]', port: 5 }), { host: '::2', port: 5, weight: 1, backup: false });
    t.assert.strictEqual(hostKey('::1', 5), '[::1]:5');
    t.assert.strictEqual(hostKey('a', 5), 'a:5');
    t.assert.deepStrictEqual(parseHostList(['a:1', { host: 'a', port: 1, weight: 5 }, 'b:1']).map((h) => [h.host, h.weight]), [['a', 1], ['a', 5], ['b', 1]], 'listed twice: two connections');
    for (const bad of ['', ':5', 'a:x', 'a:0', 'a:70000', { host: '' }, { host: 'a', weight: 0 }, { host: 'a', weight: 10 }, { host: 'a', weight: 1.5 }, { host: 'a', port: 0 }, { host: 'a', backup: 'yes' }, 5, null]) {
      t.assert.throws(() => parseClusterHost(bad as never), /host|port|weight|backup/, JSON.stringify(bad));
    }
    t.assert.throws(() => parseHostList([]), /at least one host/);
    t.assert.throws(() => parseHostList(5 as never), { code: 'ERR_VOLT_INVALID_ARGUMENT', message: /must be an array/ });
    // A string is a list too: one host, or several separated by commas.
    t.assert.deepStrictEqual(parseHostList('a:1').map((h) => [h.host, h.port]), [['a', 1]]);
    t.assert.deepStrictEqual(parseHostList('a:1,b').map((h) => [h.host, h.port]), [['a', 1], ['b', 21212]]);
  });

  test('cluster options: defaults and refusals', (t: TestContext) => {
    const o = resolveClusterOptions();
    t.assert.deepStrictEqual(o.hosts, [{ host: 'localhost', port: 21212, weight: 1, backup: false }]);
    t.assert.deepStrictEqual(
      [o.discover, o.clientAffinity, o.requireAll, o.reconnect, o.failFast, o.reconnectDelayMs, o.maxReconnectDelayMs, o.pingIntervalMs, o.connectionTimeoutMs, o.retry],
      [true, true, false, true, false, 1000, 90_000, 10_000, 30_000, null],
    );
    t.assert.strictEqual(resolveClusterOptions({ reconnectDelayMs: 200_000 }).maxReconnectDelayMs, 200_000);
    t.assert.throws(() => resolveClusterOptions({ discover: 'yes' as never }), /discover must be a boolean/);
    t.assert.throws(() => resolveClusterOptions({ pingIntervalMs: -1 }), /pingIntervalMs/);
    t.assert.throws(() => resolveClusterOptions({ reconnectDelayMs: 0 }), /reconnectDelayMs/);
    t.assert.throws(() => resolveClusterOptions({ reconnectDelayMs: 500, maxReconnectDelayMs: 100 }), /must be >= reconnectDelayMs/);
    t.assert.throws(() => resolveClusterOptions({ pingIntervalMs: 100, connectionTimeoutMs: 100 }), /greater than pingIntervalMs/);
    t.assert.strictEqual(resolveClusterOptions({ pingIntervalMs: 0, connectionTimeoutMs: 5 }).connectionTimeoutMs, 5);
  });

  test('retry options and policy', async (t: TestContext) => {
    t.assert.strictEqual(resolveRetryOptions(undefined), null);
    t.assert.strictEqual(resolveRetryOptions(false), null);
    t.assert.deepStrictEqual(resolveRetryOptions(true), { readOnly: true, procedures: [], attempts: 2 });
    t.assert.deepStrictEqual(resolveRetryOptions({ procedures: ['A'], attempts: 3, readOnly: false }), { readOnly: false, procedures: ['A'], attempts: 3 });
    t.assert.throws(() => resolveRetryOptions({ attempts: 1 }), /attempts must be an integer 2..100/);
    t.assert.throws(() => resolveRetryOptions({ procedures: [1 as never] }), /array of procedure names/);
    t.assert.throws(() => resolveRetryOptions({ readOnly: 1 as never }), /readOnly must be a boolean/);
    t.assert.throws(() => resolveRetryOptions('x' as never), /must be a boolean or/);

    const none = new RetryPolicy(null, () => true);
    t.assert.strictEqual(none.attemptsFor('R', undefined), 1, 'never by default');
    t.assert.strictEqual(none.attemptsFor('R', true), 2);
    const policy = new RetryPolicy(resolveRetryOptions({ procedures: ['Idem'], attempts: 3 }), (p) => p === 'R');
    t.assert.deepStrictEqual(['R', 'Idem', 'W'].map((p) => policy.attemptsFor(p, undefined)), [3, 3, 1]);
    t.assert.strictEqual(policy.attemptsFor('R', false), 1);

    const lost = new ConnectionLostError('lost', { sent: true });
    t.assert.ok(isConnectionLoss(lost));
    t.assert.ok(!isConnectionLoss(new Error('x')));
    let n = 0;
    const seen: number[] = [];
    t.assert.strictEqual(await policy.run(3, async () => (++n < 3 ? Promise.reject(lost) : n), (k) => seen.push(k)), 3);
    t.assert.deepStrictEqual(seen, [1, 2]);
    n = 0;
    await t.assert.rejects(policy.run(2, async () => (++n, Promise.reject(lost))), ConnectionLostError);
    t.assert.strictEqual(n, 2);
    const procedureError = new ProcedureError('no', { procedure: 'W', status: -2, statusString: 'x', appStatus: 0, appStatusString: null, exception: null, response: null });
    n = 0;
    await t.assert.rejects(policy.run(3, async () => (++n, Promise.reject(procedureError))), ProcedureError);
    t.assert.strictEqual(n, 1, 'only connection losses are retried');
    n = 0;
    await t.assert.rejects(policy.run(3, async () => (++n, Promise.reject(lost)), undefined, performance.now() - 1), ConnectionLostError);
    t.assert.strictEqual(n, 1, 'no retry once the deadline has passed');
  });
});

describe('backoff and reconnects', () => {
  test('1, 2, 4 … capped, jitter only takes off', (t: TestContext) => {
    const o = { initialDelayMs: 1000, maxDelayMs: 90_000, jitter: 0.2, random: () => 0 };
    t.assert.deepStrictEqual([1, 2, 3, 4, 7, 8, 20, 5000].map((a) => backoffDelay(a, o)), [1000, 2000, 4000, 8000, 64_000, 90_000, 90_000, 90_000]);
    t.assert.strictEqual(backoffDelay(0, o), 1000);
    t.assert.strictEqual(backoffDelay(3, { ...o, random: () => 0.5 }), 3600);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(10, { initialDelayMs: 1000, maxDelayMs: 90_000, jitter: 0.2 });
      t.assert.ok(d >= 72_000 && d <= 90_000, String(d));
    }
  });

  test('Reconnector: schedules until success, resets, cancels', async (t: TestContext) => {
    const outcomes = [false, false, true];
    const scheduled: [number, number][] = [];
    const r = new Reconnector({ initialDelayMs: 5, maxDelayMs: 10, jitter: 0 }, async () => outcomes.shift() ?? true, (a, d) => scheduled.push([a, d]));
    r.hold(true);
    r.schedule();
    r.hold(false);
    r.hold(true);
    r.schedule(); // already pending: no-op
    t.assert.ok(r.active);
    while (outcomes.length > 0 || r.active) await sleep(2);
    t.assert.deepStrictEqual(scheduled, [[1, 5], [2, 10], [3, 10]]);
    t.assert.strictEqual(r.attempts, 0);
    const throwing = new Reconnector({ initialDelayMs: 5, maxDelayMs: 5, jitter: 0 }, () => Promise.reject(new Error('x')), () => {});
    throwing.schedule();
    while (throwing.attempts < 2) await sleep(2);
    throwing.succeeded();
    t.assert.strictEqual(throwing.attempts, 0);
    throwing.cancel();
    throwing.schedule();
    t.assert.ok(!throwing.active, 'cancelled for good');
  });
});

describe('weighted choice and routing decisions', () => {
  test('smooth weighted round-robin: exact shares, interleaved, skips refused items', (t: TestContext) => {
    const items = [{ weight: 1, score: 0, name: 'a' }, { weight: 3, score: 0, name: 'b' }];
    t.assert.deepStrictEqual(Array.from({ length: 8 }, () => pickWeighted(items, () => true)!.name).join(''), 'babbbabb');
    t.assert.strictEqual(pickWeighted(items, (i) => i.name === 'a')!.name, 'a');
    t.assert.strictEqual(pickWeighted(items, () => false), null);
  });

  test('PartitionRouter: leaders, MP, no preference, backups, backpressure, affinity off', (t: TestContext) => {
    const [c0, c1, c2] = [fake(10), fake(11), fake(12)];
    const router = new PartitionRouter();
    t.assert.strictEqual(router.pick('X', []), null, 'nothing routed');
    router.add(c0);
    t.assert.deepStrictEqual(router.connections, [c0]);
    t.assert.strictEqual(router.pick('X', []), null, 'added, not attached');
    router.attach(c0, { weight: 1, backup: false, hostId: 0 });
    router.attach(c0, { weight: 1, backup: false, hostId: 0 });
    router.attach(c1, { weight: 1, backup: false, hostId: 1 });
    router.attach(c2, { weight: 1, backup: true, hostId: 2 });
    const procedures = new Map<string, ProcedureInfo>([
      ['SP', { name: 'SP', readOnly: false, singlePartition: true, partitionParameter: 0, partitionParameterType: VOLT_TYPE.BIGINT, compound: false }],
      ['Directed', { name: 'Directed', readOnly: false, singlePartition: true, partitionParameter: 0, partitionParameterType: -1, compound: false }],
      ['MP', { name: 'MP', readOnly: true, singlePartition: false, partitionParameter: -1, partitionParameterType: -1, compound: false }],
      ['Compound', { name: 'Compound', readOnly: false, singlePartition: false, partitionParameter: -1, partitionParameterType: -1, compound: true }],
    ]);
    router.setProcedures(procedures);
    t.assert.strictEqual(router.partitionOf('SP', [1n]), NO_PARTITION, 'no topology yet');
    const topology = parseTopology(topoResponse(['0:0', '1:0', '2:0'], Hashinator.uniform(3).toConfig(), '1:1'));
    router.setTopology(topology);
    const ring = topology.hashinator!;
    const keyOf = (partition: number): bigint => {
      for (let k = 0n; ; k++) if (ring.partitionFor(k, VOLT_TYPE.BIGINT) === partition) return k;
    };
    t.assert.strictEqual(router.pick('SP', [keyOf(0)]), c0);
    t.assert.strictEqual(router.pick('SP', [keyOf(1)]), c1);
    t.assert.strictEqual(router.leaderOf(2), null, 'partition 2 is led by a backup while primaries are open');
    t.assert.strictEqual(router.partitionOf('MP', []), MP_PARTITION_ID);
    t.assert.deepStrictEqual(Array.from({ length: 4 }, () => router.pick('MP', [])).map((c) => c!.port), [10, 11, 10, 11], 'multi-partition: by weight');
    t.assert.strictEqual(router.leaderOf(MP_PARTITION_ID), null);
    t.assert.strictEqual(router.partitionOf('Compound', []), NO_PARTITION);
    t.assert.strictEqual(router.partitionOf('Directed', [1]), NO_PARTITION);
    t.assert.strictEqual(router.partitionOf('Unknown', [1]), NO_PARTITION);
    t.assert.deepStrictEqual(Array.from({ length: 4 }, () => router.pick('X', [])).map((c) => c!.port), [10, 11, 10, 11], 'backup idle');
    c1.backpressured = true;
    t.assert.deepStrictEqual(Array.from({ length: 3 }, () => router.pick('X', [])).map((c) => c!.port), [10, 10, 10], 'skip backpressured');
    t.assert.strictEqual(router.pick('SP', [keyOf(1)]), c1, 'single-partition calls stay with a backpressured leader');
    c0.backpressured = true;
    t.assert.ok(([c0, c1] as Connection[]).includes(router.pick('X', [])!), 'all primaries backpressured: still a primary');
    c0.state = 'closed';
    c1.state = 'closed';
    t.assert.strictEqual(router.pick('SP', [keyOf(0)]), c2, 'no primary: the backup');
    t.assert.strictEqual(router.leaderOf(2), c2, 'a backup leader is used while no primary is open');
    t.assert.ok(!router.primaryOpen && router.anyOpen);
    router.remove(c0);
    router.detach(c0);
    t.assert.ok(!router.connections.includes(c0));
    router.setTopology(null);
    t.assert.strictEqual(router.leaderOf(0), null);
    // Several connections to one leader: taken in turn, a free one first; a backup route last.
    const twice = new PartitionRouter();
    const [d0, d1, d2] = [fake(20), fake(21), fake(22)];
    twice.attach(d2, { weight: 1, backup: true, hostId: 0 });
    twice.attach(d0, { weight: 1, backup: false, hostId: 0 });
    twice.attach(d1, { weight: 1, backup: false, hostId: 0 });
    twice.setTopology(parseTopology(topoResponse(['0:0'], Hashinator.uniform(1).toConfig())));
    t.assert.deepStrictEqual([0, 0, 0].map((p) => twice.leaderOf(p)!.port), [20, 21, 20]);
    d0.backpressured = true;
    t.assert.deepStrictEqual([0, 0].map((p) => twice.leaderOf(p)!.port), [21, 21]);
    d1.backpressured = true;
    t.assert.ok([20, 21].includes(twice.leaderOf(0)!.port), 'all backpressured: still a primary');
    d0.state = 'closed';
    d1.state = 'closed';
    t.assert.strictEqual(twice.leaderOf(0)!.port, 22, 'the backup route once no primary is open');
    d2.state = 'closed';
    t.assert.strictEqual(twice.leaderOf(0), null);
    const off = new PartitionRouter(false);
    off.attach(c2, { weight: 1, backup: false, hostId: 2 });
    off.attach(fake(13), { weight: 1, backup: false, hostId: 0 });
    off.setTopology(topology);
    off.setProcedures(procedures);
    t.assert.deepStrictEqual([off.pick('SP', [keyOf(0)]), off.pick('SP', [keyOf(0)])].map((c) => c!.port), [12, 13], 'clientAffinity off: weighted');
  });
});

describe('keepalive', () => {
  test('pings idle connections once at a time, destroys silent ones, suspends while reading is paused', async (t: TestContext) => {
    let now = 0;
    const pings: Connection[] = [];
    let answer: () => void = () => {};
    const dead: number[] = [];
    const k = new Keepalive(
      { pingIntervalMs: 100, connectionTimeoutMs: 300, now: () => now },
      (c) => {
        pings.push(c);
        return new Promise<void>((resolve) => (answer = resolve));
      },
      (_c, silent) => dead.push(silent),
    );
    t.assert.strictEqual(k.periodMs, 10);
    const c = fake();
    const closed = fake(2);
    k.watch(c);
    k.watch(closed);
    closed.state = 'closed';
    now = 50;
    k.check();
    t.assert.strictEqual(pings.length, 0);
    now = 100;
    k.check();
    k.check();
    t.assert.deepStrictEqual(pings, [c], 'one ping at a time');
    answer();
    await sleep(0);
    c.bytesIn += 30; // the answer
    now = 150;
    k.check();
    now = 260;
    k.check();
    t.assert.strictEqual(pings.length, 2, 'idle again: pinged again');
    c.readingPaused = true;
    now = 1000;
    k.check();
    t.assert.strictEqual(c.destroyed, undefined, 'paused: no verdict');
    c.readingPaused = false;
    now = 1299;
    k.check();
    t.assert.strictEqual(c.destroyed, undefined);
    now = 1300;
    k.check();
    t.assert.match(c.destroyed!.message, /127\.0\.0\.1:1 sent no bytes for 300 ms \(connectionTimeoutMs 300\): declared dead/);
    t.assert.deepStrictEqual(dead, [300]);
    t.assert.strictEqual(k.deaths, 1);
    const other = fake(3);
    k.watch(other);
    k.unwatch(other);
    k.close();
    const off = new Keepalive({ pingIntervalMs: 0, connectionTimeoutMs: 0 }, async () => {});
    t.assert.strictEqual(off.periodMs, 0);
    off.watch(fake());
    off.check();
    const pingsOnly = new Keepalive({ pingIntervalMs: 50_000, connectionTimeoutMs: 0 }, async () => {});
    t.assert.strictEqual(pingsOnly.periodMs, 1000);
  });
});

describe('keepalive after a stall', () => {
  test('a late check gives no verdict: bytes that came during the stall are read first; still silent at the next check, dead', (t: TestContext) => {
    let now = 0;
    const dead: number[] = [];
    const k = new Keepalive({ pingIntervalMs: 0, connectionTimeoutMs: 200, now: () => now }, async () => {}, (_c, silent) => dead.push(silent));
    t.assert.strictEqual(k.periodMs, 20);
    const healthy = fake();
    const gone = fake(2);
    k.watch(healthy);
    k.watch(gone);
    now = 20;
    k.check();
    // The loop stood still for 400 ms: this check is late (over two periods after the last one).
    now = 420;
    k.check();
    t.assert.deepStrictEqual(dead, [], 'no verdict from a late check');
    // The poll after it reads what came in meanwhile, on one connection only.
    healthy.bytesIn += 30;
    now = 440;
    k.check();
    t.assert.strictEqual(healthy.destroyed, undefined, 'the healthy connection lives');
    t.assert.match(gone.destroyed!.message, /sent no bytes for 440 ms \(connectionTimeoutMs 200\): declared dead/);
    t.assert.deepStrictEqual(dead, [440]);
    // A check on time judges at once: silent 200 ms since the bytes at 440.
    for (now = 460; now <= 640; now += 20) k.check();
    t.assert.match(String(healthy.destroyed), /127\.0\.0\.1:1 sent no bytes for 200 ms \(connectionTimeoutMs 200\): declared dead/);
    // Late checks in a row: the second one decides, so a starved process still finds the dead.
    now = 700;
    const starved = fake(3);
    k.watch(starved);
    now = 720;
    k.check();
    now = 1000;
    k.check();
    t.assert.strictEqual(starved.destroyed, undefined, 'late: suspect only');
    now = 1300;
    k.check();
    t.assert.match(String(starved.destroyed), /127\.0\.0\.1:3 sent no bytes for 600 ms/);
    t.assert.deepStrictEqual(dead, [440, 200, 600]);
    k.close();
  });
});

describe('topology parsers', () => {
  test('synthetic TOPO: leaders, replicas, MP, ring; comparisons', (t: TestContext) => {
    const a = parseTopology(topoResponse(['0:0', '1:0', '0:1']));
    t.assert.deepStrictEqual(a.partitions.map((p) => p.leaderHostId), [0, 1, 0]);
    t.assert.strictEqual(a.mpLeaderHostId, 0);
    t.assert.deepStrictEqual(a.hostIds, [0, 1]);
    t.assert.strictEqual(a.hashinator!.partitionCount, 3);
    t.assert.ok(sameTopology(a, parseTopology(topoResponse(['0:0', '1:0', '0:1']))));
    t.assert.ok(!sameTopology(a, parseTopology(topoResponse(['0:0', '1:0', '1:1']))));
    t.assert.ok(!sameTopology(a, parseTopology(topoResponse(['0:0', '1:0']))));
    t.assert.ok(!sameTopology(a, parseTopology(topoResponse(['0:0', '1:0', '0:1'], Hashinator.uniform(3, 64).toConfig()))));
    t.assert.ok(!sameTopology(a, parseTopology(topoResponse(['0:0', '1:0', '0:1'], null))));
    t.assert.ok(!sameTopology(a, null) && sameTopology(null, null));
    const x = parseTopology(topoResponse(['0:0', '1:0', '0:1'], Hashinator.uniform(3, 64).toConfig()));
    const y = parseTopology(topoResponse(['0:0', '1:0', '0:1'], Hashinator.fromConfig(Buffer.concat([Buffer.from([0, 0, 0, 64]), Hashinator.uniform(3, 64).toConfig().subarray(4).map((b, i) => (i === 7 ? b ^ 1 : b))])).toConfig()));
    t.assert.ok(!sameTopology(x, y), 'one owner differs');
    const noRing = parseTopology(topoResponse(['0:0'], null));
    t.assert.strictEqual(noRing.hashinator, null);
    t.assert.throws(() => parseTopology({ tables: [] }), /no tables/);
    t.assert.throws(() => parseTopology({ tables: [table([['Partition', VOLT_TYPE.INTEGER]], [[0]])] }), ProtocolError);
    t.assert.throws(() => parseTopology({ tables: [table([['Partition', VOLT_TYPE.INTEGER], ['Sites', S], ['Leader', S]], [[0, 'x', 'x']])] }), /site "x" is not "hostId:siteId"/);
    t.assert.throws(() => parseTopology({ tables: [table([['Partition', VOLT_TYPE.INTEGER], ['Sites', S], ['Leader', S]], [[0, null, '0:0']])] }), /is not \(INTEGER, STRING, STRING\)/);
  });

  test('procedures, overview, keys: synthetic edge cases', (t: TestContext) => {
    const procs = parseProcedures(
      table([['PROCEDURE_NAME', S], ['REMARKS', S]], [
        ['A', '{"readOnly":true,"singlePartition":true,"partitionParameter":1,"partitionParameterType":9,"compound":false}'],
        ['B', null],
        ['C', '{"singlePartition":true}'],
        ['D', '[1]'],
      ]),
    );
    t.assert.deepStrictEqual(procs.get('A'), { name: 'A', readOnly: true, singlePartition: true, partitionParameter: 1, partitionParameterType: 9, compound: false });
    t.assert.deepStrictEqual([procs.get('B')!.singlePartition, procs.get('C')!.partitionParameter, procs.get('D')!.readOnly], [false, -1, false]);
    t.assert.throws(() => parseProcedures(table([['PROCEDURE_NAME', S], ['REMARKS', S]], [['A', '{oops']])), /REMARKS of A is not JSON/);
    t.assert.throws(() => parseProcedures(table([['PROCEDURE_NAME', S], ['REMARKS', S]], [[null, '{}']])), /has no PROCEDURE_NAME/);
    const overview = parseOverview(
      table([['HOST_ID', VOLT_TYPE.INTEGER], ['KEY', S], ['VALUE', S]], [
        [0, 'IPADDRESS', '10.0.0.1'],
        [0, 'CLIENTPORT', '21212'],
        [1, 'IPADDRESS', '10.0.0.2'],
        [1, 'CLIENTPORT', 'x'],
        [2, 'CATALOG', null],
      ]),
    );
    t.assert.deepStrictEqual([...overview.values()], [{ hostId: 0, host: '10.0.0.1', port: 21212 }]);
    t.assert.throws(() => parseOverview(table([['HOST_ID', VOLT_TYPE.INTEGER], ['KEY', S], ['VALUE', S]], [[0, null, 'x']])), /not \(HOST_ID, KEY, VALUE\)/);
    t.assert.throws(() => parsePartitionKeys(table([['PARTITION_ID', S], ['PARTITION_KEY', S]], [['x', 'y']])), /no integer PARTITION_ID/);
    t.assert.deepStrictEqual(['INTEGER', 'BIGINT', 'TINYINT', 'STRING', 'VARBINARY'].map((n) => partitionKeyKind(VOLT_TYPE[n as 'BIGINT'])), ['INTEGER', 'INTEGER', 'INTEGER', 'STRING', 'VARBINARY']);
    t.assert.strictEqual(partitionKeyKind(-1), 'INTEGER');
  });

  test('the real server’s captures: TOPO, PROCEDURES, OVERVIEW, partition keys', { skip: SKIP_WITHOUT_FIXTURES }, (t: TestContext) => {
    const topology: ClusterTopology = parseTopology(decodeResponse(readFixture('real/stats_topo.response.bin')));
    t.assert.strictEqual(topology.partitions.length, 8);
    t.assert.deepStrictEqual(topology.hostIds, [0]);
    t.assert.strictEqual(topology.mpLeaderHostId, 0);
    t.assert.strictEqual(topology.hashType, 'ELASTIC');
    t.assert.strictEqual(topology.hashinator!.partitionCount, 8);
    const procedures = parseProcedures(decodeResponse(readFixture('real/catalog_procedures.response.bin')).tables[0]!);
    const vote = procedures.get('Vote')!;
    t.assert.deepStrictEqual([vote.singlePartition, vote.partitionParameter, vote.partitionParameterType, vote.readOnly], [true, 0, VOLT_TYPE.BIGINT, false]);
    const results = procedures.get('Results')!;
    t.assert.deepStrictEqual([results.singlePartition, results.readOnly], [false, true]);
    const overview = parseOverview(decodeResponse(readFixture('real/sysinfo_overview.response.bin')).tables[0]!);
    t.assert.strictEqual(overview.size, 1);
    t.assert.strictEqual(overview.get(0)!.port, 21212);
    // (That these keys hash to their partitions with the real ring is the hashinator's own test, test/protocol/hashinator-real.)
    for (const [name, kind] of [['integer', 'number'], ['string', 'string']] as const) {
      const keys = parsePartitionKeys(decodeResponse(readFixture(`real/partition_keys_${name}.response.bin`)).tables[0]!);
      t.assert.deepStrictEqual(keys.map((k) => k.partition), [0, 1, 2, 3, 4, 5, 6, 7]);
      for (const { key } of keys) t.assert.strictEqual(typeof key, kind);
    }
  });
});
