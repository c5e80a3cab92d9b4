/**
 * The embedded server encoding mid-size results: up to 4096 rows are encoded straight into the
 * connection's response slab, which must grow past its pooled 64 KiB. Times `SELECT *` of a
 * table of `rows` rows × ~`width` bytes through the public client (inline decoding), server in
 * this process, after a warm-up call.
 *
 *   npx tsc -p . && node dist/bench/server-slab-growth.js [--rows 500,2000,4000] [--width 1000] [--calls 5]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';
import { startServer } from '../src/server/index.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500,2000,4000' },
    width: { type: 'string', default: '1000' },
    calls: { type: 'string', default: '5' },
  },
});
const WIDTH = Number(args.width);
const CALLS = Number(args.calls);

const server = await startServer({ workloads: [] });
const client = await Client.connect({ hosts: [server.address], decode: { workers: 0 } });
console.log(`server slab growth: rows of ~${WIDTH} bytes, median of ${CALLS} calls, load ${loadavg()[0]!.toFixed(1)}`);
try {
  for (const rows of args.rows!.split(',').map(Number)) {
    await client.call('@AdHoc', ['DROP TABLE W IF EXISTS']);
    await client.call('@AdHoc', [`CREATE TABLE W (ID INTEGER NOT NULL, PAD VARCHAR(${WIDTH}), PRIMARY KEY (ID))`]);
    const pad = 'x'.repeat(WIDTH - 8);
    for (let i = 0; i < rows; i += 500) {
      await client.callMany(Array.from({ length: Math.min(500, rows - i) }, (_, j) => ({ procedure: 'W.insert', params: [i + j, pad] })));
    }
    const select = (): Promise<unknown> => client.call('@AdHoc', ['SELECT * FROM W']);
    await select();
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      await select();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(`${String(rows).padStart(5)} rows (~${((rows * (WIDTH + 4)) / 1048576).toFixed(1)} MiB): median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
  }
} finally {
  await client.close();
  await server.close();
}
