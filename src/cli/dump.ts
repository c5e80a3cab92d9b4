/**
 * `voltwire dump FILE`: print a wire dump (written by the client's `dumpFile` option)
 * readably — one line per frame with time, connection, direction and a decoded summary.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { readWireDump } from '../connection/wire-dump.js';
import { formatWireDump } from '../connection/wire-dump-format.js';
import type { CliContext } from './context.js';
import { integerOption } from './options.js';

interface DumpFlags {
  hex?: boolean;
  connection?: number;
}

export function dumpCommand(ctx: CliContext): Command {
  return new Command('dump')
    .summary('print a wire dump readably')
    .description(
      'Print a wire dump recorded with the client option { dumpFile } (or --dump FILE on any command): one line per ' +
        'record with its time (UTC), connection, direction (> sent, < received, + opened, - closed), size and a ' +
        'decoded summary. The login password hash is masked in the file.',
    )
    .argument('<file>', 'the dump file')
    .option('-x, --hex', 'add a hex dump of every frame')
    .option('--connection <n>', 'only this connection (0-based, in opening order, as printed: #0, #1…)', integerOption('--connection', 0, 65535))
    .action(async (file: string, flags: DumpFlags) => {
      const dump = readWireDump(await readFile(file));
      if (flags.connection !== undefined && !dump.records.some((record) => record.connection === flags.connection)) {
        const held = [...new Set(dump.records.map((record) => `#${record.connection}`))];
        throw new RangeError(`${file} holds no connection #${flags.connection} (${held.length === 0 ? 'it has no records' : `it holds ${held.join(', ')}`})`);
      }
      const text = formatWireDump(dump, { hex: flags.hex === true, connection: flags.connection });
      ctx.stdout.write(text.endsWith('\n') ? text : text + '\n');
    });
}
