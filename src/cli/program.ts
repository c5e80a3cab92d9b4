/**
 * The `voltwire` command line: one commander program with a sub-command per job.
 *
 * `runCli(argv, io)` runs it in-process and returns the exit code, so tests drive every
 * command without spawning a process; `main.ts` passes the real streams and sets the exit code.
 */
import { Command, CommanderError } from 'commander';
import { benchCommand } from './bench.js';
import { bulkLoadCommand } from './bulk-load.js';
import { callCommand } from './call.js';
import type { CliContext, Output } from './context.js';
import { dumpCommand } from './dump.js';
import { extractCommand } from './extract.js';
import { EXIT_CODE, reportError } from './exit.js';
import { pingCommand } from './ping.js';
import { queryCommand } from './query.js';
import { reportCommand } from './report.js';
import { serveCommandLine } from './serve.js';

export const VERSION = '0.1.0';

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env?: NodeJS.ProcessEnv;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('voltwire')
    .description('voltwire — a fast VoltDB client for Node.js: load tests, calls, queries and an embedded server')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 the server refused or failed the request, 2 usage error, 3 cannot connect or log in.\n' +
        'Environment: VOLTWIRE_SERVERS, VOLTWIRE_USER, VOLTWIRE_PASSWORD give defaults for --servers/--user/--password;\n' +
        'VOLTWIRE_DEBUG=1 prints stack traces.',
    );
  for (const command of [
    benchCommand(ctx),
    callCommand(ctx),
    queryCommand(ctx),
    pingCommand(ctx),
    serveCommandLine(ctx),
    extractCommand(ctx),
    bulkLoadCommand(ctx),
    dumpCommand(ctx),
    reportCommand(ctx),
  ]) {
    program.addCommand(command);
  }
  // Every command reports errors the same way and writes to the context's streams.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => void ctx.stdout.write(text),
      writeErr: (text) => void ctx.stderr.write(text),
      // Errors are printed once, by runCli, in the one-line format.
      outputError: () => undefined,
    });
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Run `voltwire` with `argv` (the arguments after the program name); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { stdout: io.stdout, stderr: io.stderr, env: io.env ?? process.env, exitCode: EXIT_CODE.OK };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with a "error" whose exit code is 0.
      if (error.exitCode === 0) return EXIT_CODE.OK;
      if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') return EXIT_CODE.USAGE;
      return reportError(error, ctx.stderr, ctx.env, ` (see voltwire ${commandPath(argv)}--help)`);
    }
    return reportError(error, ctx.stderr, ctx.env);
  }
}

/** `bench ` when argv names a known command, else ''. */
function commandPath(argv: readonly string[]): string {
  const first = argv.find((arg) => !arg.startsWith('-'));
  return first !== undefined && ['bench', 'call', 'query', 'ping', 'serve', 'extract', 'load', 'dump', 'report'].includes(first) ? `${first} ` : '';
}
