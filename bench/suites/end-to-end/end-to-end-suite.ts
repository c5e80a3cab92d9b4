/**
 * The end-to-end suite: calls per second and per-call latency through the real `Client`,
 * against the embedded server running in another process (`dist/scripts/serve.js`, which
 * prints its ports as one JSON line), so client and server do not share an event loop.
 *
 * Workloads, per dataset:
 * - a dataset with `calls` (the `ping` dataset: `@Ping`) runs those calls, and its
 *   `responses` are the expected answers;
 * - a generated table of at most {@link MAX_TABLE_ROWS} rows and a response of at most
 *   {@link MAX_RESPONSE_BYTES} is created on the server
 *   (`@AdHoc` DDL, rows through `T.insert`, outside timing) and the workload is
 *   `SELECT * FROM T`: every call brings the whole table back and decodes it.
 *
 * One iteration is a batch of calls (32 tiny, 200 quick, 1000 full; fewer for large results,
 * about 256 KiB / 2 MiB / 8 MiB of responses per iteration). A correct output is every
 * response of the batch with the expected status and rows (row order ignored for SELECT,
 * values compared as in the encode suite: an integer is an integer, polygons to 1e-9°).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Client, type Response } from '../../../src/client.js';
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { registerStrategy, registerSuite } from '../../harness/registry.js';
import type { Profile, RunContext, Strategy, TableData } from '../../harness/types.js';
import { canonicalParameter } from '../encode/encode-suite.js';

export const MAX_TABLE_ROWS = 10_000;
/** Larger results are extraction, not call rate: the decode suite measures them (and the server would dominate). */
export const MAX_RESPONSE_BYTES = 1 << 20;
/** Calls per iteration, at most… */
export const BATCH: Record<Profile, number> = { tiny: 32, quick: 200, full: 1000 };
/** …and at most about this many response bytes per iteration (a 200 KB result: 10 calls in quick). */
export const BATCH_BYTES: Record<Profile, number> = { tiny: 256 * 1024, quick: 2 << 20, full: 8 << 20 };

function batchFor(profile: Profile, responseBytes: number): number {
  return Math.max(4, Math.min(BATCH[profile], Math.floor(BATCH_BYTES[profile] / Math.max(1, responseBytes))));
}
const SERVER_START_MS = 20_000;

export interface Call {
  procedure: string;
  params: unknown[];
}

export interface EndToEndInput {
  calls: Call[];
  /** Canonical answer of each call in `calls`. */
  expected: string[][];
  /** Calls per iteration (cycling through `calls`). */
  batch: number;
  /** Bytes of one response frame, for the MB/s column. */
  responseBytes: number;
}

export interface Server {
  process: ChildProcess;
  port: number;
  client: Client;
}

let server: Server | null = null;

/** The shared client (strategies call through it); throws before the suite opened. */
export function client(): Client {
  if (server === null) throw new Error('the end-to-end server is not running');
  return server.client;
}

/** A response as compared: status, then each table's rows (sorted when order is not guaranteed). */
export function canonicalResponse(response: Response, unordered: boolean): string[] {
  const out = [`status:${response.status}`];
  for (const table of response.tables) {
    const rows = Array.from(table.rows(), (row) => row.map(canonicalParameter).join('|'));
    if (unordered) rows.sort();
    out.push(`table:${table.rowCount}`, ...rows);
  }
  return out;
}


const SQL_TYPE: Record<number, string> = {
  [VOLT_TYPE.TINYINT]: 'TINYINT',
  [VOLT_TYPE.SMALLINT]: 'SMALLINT',
  [VOLT_TYPE.INTEGER]: 'INTEGER',
  [VOLT_TYPE.BIGINT]: 'BIGINT',
  [VOLT_TYPE.FLOAT]: 'FLOAT',
  [VOLT_TYPE.DECIMAL]: 'DECIMAL',
  [VOLT_TYPE.STRING]: 'VARCHAR(1048576 BYTES)',
  [VOLT_TYPE.VARBINARY]: 'VARBINARY(1048576)',
  [VOLT_TYPE.TIMESTAMP]: 'TIMESTAMP',
  [VOLT_TYPE.GEOGRAPHY_POINT]: 'GEOGRAPHY_POINT',
  [VOLT_TYPE.GEOGRAPHY]: 'GEOGRAPHY(1048576)',
};

/** Create the table on the server and fill it; returns the SELECT workload. */
async function loadTable(name: string, table: TableData): Promise<Call> {
  const c = client();
  const columns = table.columns.map((column) => `${column.name} ${SQL_TYPE[column.type]}`).join(', ');
  await c.call('@AdHoc', [`DROP TABLE ${name} IF EXISTS;`]);
  await c.call('@AdHoc', [`CREATE TABLE ${name} (${columns});`]);
  const insert = `${name}.insert`;
  for (let at = 0; at < table.rows.length; at += 100) {
    await Promise.all(table.rows.slice(at, at + 100).map((row) => c.call(insert, row)));
  }
  return { procedure: '@AdHoc', params: [`SELECT * FROM ${name};`] };
}

async function startServer(context: RunContext): Promise<Server> {
  const child = spawn(process.execPath, [join(context.root, 'dist', 'scripts', 'serve.js'), '--port', '0'], {
    cwd: context.root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the server behind, even when the run is interrupted (it may be busy, so SIGKILL).
  const killServer = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killServer);
  child.once('exit', () => process.off('exit', killServer));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.js printed no port within ${SERVER_START_MS} ms`)), SERVER_START_MS);
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`serve.js exited (${code}) before printing its port`)));
    lines.on('line', (line) => {
      try {
        // {"event":"listening","host":"127.0.0.1","ports":[21212],…}
        const parsed = JSON.parse(line) as { ports?: unknown; port?: unknown };
        const port = Array.isArray(parsed.ports) ? (parsed.ports[0] as unknown) : parsed.port;
        if (typeof port === 'number') {
          clearTimeout(timer);
          resolve(port);
        }
      } catch {
        // not the JSON line: the server may log before it
      }
    });
  }).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  // Keep reading stdout so the server never blocks on a full pipe.
  child.stdout!.resume();
  const connected = await Client.connect({ hosts: [`127.0.0.1:${port}`], callTimeoutMs: 60_000 }).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return { process: child, port, client: connected };
}

async function stopServer(): Promise<void> {
  const running = server;
  server = null;
  if (running === null) return;
  await running.client.close();
  if (running.process.exitCode === null && running.process.signalCode === null) {
    const exited = new Promise((resolve) => running.process.once('exit', resolve));
    running.process.kill('SIGTERM');
    // A server still busy answering after 5 s is not worth waiting for.
    const force = setTimeout(() => running.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  }
}

export const endToEndSuite = registerSuite<EndToEndInput>({
  name: 'end-to-end',
  description:
    'Calls through the Client to the embedded server in another process: @Ping, and SELECT of a generated table. Calls per second.',
  metric: 'units/s',
  async open(context) {
    server = await startServer(context);
  },
  close: stopServer,
  async input(data, dataset, context) {
    if (data.calls !== undefined && data.calls.length > 0) {
      // The dataset's responses are the expected answers, call for call.
      const responses = data.responses ?? [];
      if (responses.length !== data.calls.length) throw new Error(`${dataset.name}: ${data.calls.length} calls but ${responses.length} expected responses`);
      const calls = data.calls.map(({ procedure, params }) => ({ procedure, params }));
      const expected = responses.map((frame) => canonicalResponse(decodeResponse(frame), false));
      const responseBytes = Math.max(...responses.map((r) => r.length));
      return { calls, expected, batch: batchFor(context.profile, responseBytes), responseBytes };
    }
    const table = data.tables?.length === 1 ? data.tables[0]! : undefined;
    const frame = data.responses?.length === 1 ? data.responses[0]! : undefined;
    if (table === undefined || frame === undefined) return undefined;
    if (table.rows.length > MAX_TABLE_ROWS || frame.length > MAX_RESPONSE_BYTES) return undefined;
    if (table.columns.some((c) => SQL_TYPE[c.type] === undefined)) return undefined;
    const name = `BENCH_${dataset.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    const call = await loadTable(name, table);
    // The dataset's own frame, through the reference decoder, is what SELECT * must bring back (in any order).
    const expected = canonicalResponse(decodeResponse(frame), true);
    return { calls: [call], expected: [expected], batch: batchFor(context.profile, frame.length), responseBytes: frame.length };
  },
  work: (input) => ({ bytes: input.batch * input.responseBytes, units: { count: input.batch, name: 'calls' } }),
  reference: (input) => Array.from({ length: input.batch }, (_, i) => input.expected[i % input.expected.length]!),
});

export function endToEndStrategy<Prepared, Output>(
  strategy: Omit<Strategy<EndToEndInput, Prepared, Output>, 'suite'>,
): Strategy<EndToEndInput, Prepared, Output> {
  return registerStrategy({ ...strategy, suite: endToEndSuite.name });
}
