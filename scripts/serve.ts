/**
 * Run the embedded server in its own process (for benchmarks and manual tests):
 *
 *   node dist/scripts/serve.js [--port N] [--nodes N] [--partitions N] [--rows N]
 *        [--user name:password]… [--workloads voter,kv,analytics] [--contestants N]
 *        [--host-id N --peers host:port,host:port,… [--cluster-start-ms T]]
 *        [--delay-ms N] [--stop-reading] [--close-after-frames N] [--close-mid-frame]
 *        [--send-garbage] [--send-oversized] [--refuse-logins] [--ignore-pings]
 *
 * `--host-id` and `--peers` run one node of a cluster whose nodes run in separate processes:
 * start one process per peer, each with the same `--peers` (and options) and its own host id.
 *
 * Prints one JSON line with the ports once listening; stops cleanly on SIGINT/SIGTERM.
 */
import { parseServeArgs, serveCommand } from '../src/server/cli.js';

try {
  const handle = await serveCommand(parseServeArgs(process.argv.slice(2)));
  await handle.closed;
} catch (error) {
  process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
