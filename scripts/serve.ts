/**
 * Run the embedded server in its own process (for benchmarks and manual tests):
 *
 *   node dist/scripts/serve.js [--port N] [--nodes N] [--partitions N] [--rows N]
 *        [--user name:password]… [--workloads voter,kv,analytics]
 *        [--delay-ms N] [--stop-reading] [--close-after-frames N] [--close-mid-frame]
 *        [--send-garbage] [--send-oversized] [--refuse-logins] [--ignore-pings]
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
