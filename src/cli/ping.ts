/**
 * `voltwire ping`: connect, log in, and time `@Ping` round trips — the quickest way to see
 * that a server is up and the credentials work.
 */
import { Command, Option } from 'commander';
import type { CliContext } from './context.js';
import { writeJson } from './context.js';
import { addConnectionOptions, connectClient, durationOption, integerOption, resolveTarget, type ConnectionFlags } from './options.js';

interface PingFlags extends ConnectionFlags {
  count: number;
  interval: number;
  timeout: number;
  json?: boolean;
}

export function pingCommand(ctx: CliContext): Command {
  const command = new Command('ping')
    .summary('check that a server answers')
    .description('Connect, log in and time @Ping round trips (one by default).')
    .option('-n, --count <n>', 'pings to send', integerOption('--count', 1), 1)
    .addOption(new Option('-i, --interval <duration>', 'pause between pings').argParser(durationOption('--interval', true)).default(200, '200ms'))
    .addOption(new Option('-t, --timeout <duration>', 'timeout of connecting and of each ping').argParser(durationOption('--timeout', false)).default(10_000, '10s'))
    .option('--json', 'print the result as JSON');
  addConnectionOptions(command).action(async (flags: PingFlags) => {
    const target = resolveTarget(flags, ctx.env);
    const client = await connectClient(target, 1, { connectTimeoutMs: flags.timeout });
    try {
      const info = client.serverInfo;
      if (flags.json !== true) {
        ctx.stdout.write(`connected to ${info.host}:${info.port} — ${info.buildString}, host id ${info.hostId}, connection id ${info.connectionId}\n`);
      }
      const times: number[] = [];
      for (let i = 0; i < flags.count; i++) {
        if (i > 0 && flags.interval > 0) await new Promise((resolve) => setTimeout(resolve, flags.interval));
        const ms = await client.ping({ timeoutMs: flags.timeout });
        times.push(ms);
        if (flags.json !== true) ctx.stdout.write(`@Ping ${info.host}:${info.port}: ${ms.toFixed(3)} ms\n`);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const summary = {
        host: `${info.host}:${info.port}`,
        build: info.buildString,
        hostId: info.hostId,
        pings: times.length,
        minMs: round(sorted[0]!),
        avgMs: round(times.reduce((a, b) => a + b, 0) / times.length),
        maxMs: round(sorted[sorted.length - 1]!),
      };
      if (flags.json === true) writeJson(ctx.stdout, summary);
      else if (times.length > 1) ctx.stdout.write(`${times.length} pings: min ${summary.minMs} ms, avg ${summary.avgMs} ms, max ${summary.maxMs} ms\n`);
    } finally {
      await client.close();
    }
  });
  return command;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
