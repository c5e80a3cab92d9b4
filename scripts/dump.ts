/**
 * Print a voltwire wire dump (the `dumpFile` client option) readably.
 *
 *   node dist/scripts/dump.js FILE [--hex] [--connection N]
 *
 * One line per record: time (UTC, µs), connection index, direction (> sent, < received,
 * + opened, - closed), frame size and a decoded summary; `--hex` adds a hex dump of each frame.
 */
import { readFileSync } from 'node:fs';
import { formatWireDump } from '../src/connection/wire-dump-format.js';

function main(argv: string[]): number {
  const files = argv.filter((a) => !a.startsWith('--'));
  const hex = argv.includes('--hex');
  const at = argv.indexOf('--connection');
  const connection = at === -1 ? undefined : Number(argv[at + 1]);
  if (at !== -1) files.splice(files.indexOf(argv[at + 1]!), 1);
  if (files.length !== 1 || (connection !== undefined && !Number.isInteger(connection))) {
    process.stderr.write('usage: node dist/scripts/dump.js FILE [--hex] [--connection N]\n');
    return 2;
  }
  process.stdout.write(formatWireDump(readFileSync(files[0]!), { hex, connection }) + '\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
