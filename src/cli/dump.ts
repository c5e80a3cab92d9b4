/**
 * `voltwire dump FILE`: print a wire dump (written by the client's `dumpFile` option)
 * readably — one line per frame with time, connection, direction and a decoded summary.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
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
    .option('-c, --connection <n>', 'only this connection (0-based, in opening order)', integerOption('--connection', 0, 65535))
    .action(async (file: string, flags: DumpFlags) => {
      const bytes = await readFile(file);
      const text = formatWireDump(bytes, { hex: flags.hex === true, connection: flags.connection });
      ctx.stdout.write(text.endsWith('\n') ? text : text + '\n');
    });
}
