/**
 * `voltwire serve`: the embedded VoltDB-protocol server (or a small cluster of them) on the
 * command line, until Ctrl-C / SIGTERM. It prints its address as one JSON line on stdout
 * (what scripts and `voltwire bench` read) and a sentence for people on stderr.
 *
 * The embedded server is for tests, demos and benchmarks; production runs a real VoltDB
 * cluster, which voltwire connects to the same way.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parsePeer } from '../server/cluster.js';
import type { FaultState } from '../server/faults.js';
import { serveCommand, type ServeOptions } from '../server/index.js';
import type { CliContext } from './context.js';
import { integerOption } from './options.js';

interface ServeFlags {
  host: string;
  port: number;
  nodes: number;
  partitions?: number;
  rows?: number;
  user: string[];
  workloads?: string;
  contestants?: number;
  hostId?: number;
  peers?: string[];
  clusterStartMs?: number;
  delayMs?: number;
  stopReading?: boolean;
  closeAfterFrames?: number;
  closeMidFrame?: boolean;
  sendGarbage?: boolean;
  sendOversized?: boolean;
  refuseLogins?: boolean;
  ignorePings?: boolean;
}

const WORKLOADS = ['voter', 'kv', 'analytics'] as const;

function collectUser(spec: string, previous: string[]): string[] {
  if (spec.indexOf(':') <= 0) throw new InvalidArgumentError(`must be name:password, got "${spec}"`);
  return [...previous, spec];
}

function peerList(text: string): string[] {
  const peers = text.split(',').map((p) => p.trim());
  for (const peer of peers) {
    try {
      parsePeer(peer);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  return peers;
}

function workloadList(text: string): string {
  const names = text.split(',').map((w) => w.trim()).filter((w) => w !== '');
  for (const name of names) {
    if (!(WORKLOADS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown workload "${name}" (${WORKLOADS.join(', ')})`);
  }
  return names.join(',');
}

/** The serve options of `flags` (exported for tests). */
export function serveOptions(flags: ServeFlags): ServeOptions {
  const faults: Partial<FaultState> = {};
  if (flags.delayMs !== undefined) faults.delayMs = flags.delayMs;
  if (flags.stopReading === true) faults.stopReading = true;
  if (flags.closeAfterFrames !== undefined) faults.closeAfterFrames = flags.closeAfterFrames;
  if (flags.closeMidFrame === true) faults.closeMidFrame = true;
  if (flags.sendGarbage === true) faults.sendGarbage = true;
  if (flags.sendOversized === true) faults.sendOversized = true;
  if (flags.refuseLogins === true) faults.refuseLogins = true;
  if (flags.ignorePings === true) faults.ignorePings = true;
  // A per-process cluster node listens on its --peers entry, not on --host/--port.
  const options: ServeOptions = flags.peers === undefined ? { host: flags.host, port: flags.port, nodes: flags.nodes } : { peers: flags.peers };
  if (flags.hostId !== undefined) options.hostId = flags.hostId;
  if (flags.clusterStartMs !== undefined) options.clusterStartMs = flags.clusterStartMs;
  if (flags.contestants !== undefined) options.contestants = flags.contestants;
  if (flags.partitions !== undefined) options.partitions = flags.partitions;
  if (flags.rows !== undefined) options.rows = flags.rows;
  if (flags.user.length > 0) {
    options.users = flags.user.map((spec) => {
      const at = spec.indexOf(':');
      return { username: spec.slice(0, at), password: spec.slice(at + 1) };
    });
  }
  if (flags.workloads !== undefined) options.workloads = flags.workloads.split(',') as ServeOptions['workloads'];
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options;
}

export function serveCommandLine(ctx: CliContext): Command {
  return new Command('serve')
    .summary('run the embedded VoltDB-protocol server')
    .description(
      'Run the embedded VoltDB-protocol server until Ctrl-C or SIGTERM. It speaks the real wire protocol and has ' +
        "VoltDB's voter and voltkv examples and an analytics table EVENTS built in, and prints its address as one JSON " +
        'line on stdout. It is for tests, demos and benchmarks: production runs a real VoltDB cluster, which voltwire ' +
        'connects to the same way.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  voltwire serve                       # 127.0.0.1:21212; then: voltwire bench --servers localhost\n' +
        '  voltwire serve --nodes 3 --port 0    # a 3-node cluster on free ports\n' +
        '  voltwire serve --host-id 1 --peers 127.0.0.1:21212,127.0.0.1:21213,127.0.0.1:21214\n' +
        '                                       # node 1 of a 3-node cluster, one process per node\n' +
        '  voltwire serve --rows 1000000        # one million EVENTS rows to extract\n' +
        '  voltwire serve --user admin:secret   # security on: only this user may log in',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port of the first node (0 = any free port; a cluster uses the next ones)', integerOption('--port', 0, 65535), 21212)
    .option('--nodes <n>', 'nodes in the cluster (sharing one store)', integerOption('--nodes', 1, 64), 1)
    .option('--partitions <n>', 'partitions', integerOption('--partitions', 1, 1024))
    .option('--rows <n>', 'rows of the analytics table EVENTS (default 1000)', integerOption('--rows', 0))
    .addOption(new Option('--user <name:password>', 'a user allowed to log in (repeat for more)').argParser(collectUser).default([] as string[], 'none: security off'))
    .option('--workloads <list>', `demo schemas to load (default all: ${WORKLOADS.join(',')})`, workloadList)
    .option('--contestants <n>', 'voter contestants to load at start, as Initialize would', integerOption('--contestants', 1, 12))
    .option('--host-id <n>', 'per-process cluster: this node\'s host id (its entry in --peers)', integerOption('--host-id', 0, 63))
    .option('--peers <list>', 'per-process cluster: host:port of every node by host id, comma-separated (same list in every process)', peerList)
    .option('--cluster-start-ms <ms>', 'per-process cluster: the cluster start time every process reports (same in every process)', integerOption('--cluster-start-ms', 0))
    .addOption(new Option('--delay-ms <ms>', 'fault: delay every response').argParser(integerOption('--delay-ms', 0)))
    .addOption(new Option('--stop-reading', 'fault: stop reading from sockets (clients see backpressure)'))
    .addOption(new Option('--close-after-frames <n>', 'fault: close a connection after n frames').argParser(integerOption('--close-after-frames', 0)))
    .addOption(new Option('--close-mid-frame', 'fault: close connections in the middle of a response frame'))
    .addOption(new Option('--send-garbage', 'fault: answer with a garbage frame'))
    .addOption(new Option('--send-oversized', 'fault: answer with an oversized frame'))
    .addOption(new Option('--refuse-logins', 'fault: refuse every login'))
    .addOption(new Option('--ignore-pings', 'fault: never answer @Ping (socket stays open)'))
    .action(async (flags: ServeFlags, command: Command) => {
      if (flags.peers !== undefined) {
        const placed = ['host', 'port', 'nodes'].filter((name) => command.getOptionValueSource(name) === 'cli');
        if (placed.length > 0) throw new InvalidArgumentError(`--peers gives this node its address and the node count: leave out --${placed.join(', --')}`);
      }
      const options = serveOptions(flags);
      const handle = await serveCommand({ ...options, print: (line) => void ctx.stdout.write(line + '\n') });
      const host = flags.peers === undefined ? flags.host : parsePeer(flags.peers[flags.hostId ?? 0]!).host;
      const where = handle.ports.map((port) => `${host}:${port}`).join(', ');
      const shape =
        flags.peers === undefined
          ? `${flags.nodes} node${flags.nodes === 1 ? '' : 's'}`
          : `host ${flags.hostId ?? '?'} of a ${flags.peers.length}-node cluster, one process per node`;
      ctx.stderr.write(
        `voltwire embedded server listening on ${where} (${shape}` +
          `${options.faults === undefined ? '' : `, faults: ${Object.keys(options.faults).join(', ')}`}); Ctrl-C to stop\n`,
      );
      await handle.closed;
      ctx.stderr.write('voltwire embedded server stopped\n');
    });
}
