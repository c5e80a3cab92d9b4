/**
 * `voltwire call PROC [args…]`: call a stored procedure and print what it returns.
 */
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import type { ParameterType } from '../protocol/invocation-writer.js';
import { convertArguments, parseTypeList } from './arguments.js';
import type { CliContext } from './context.js';
import { addConnectionOptions, connectClient, durationOption, resolveTarget, type ConnectionFlags } from './options.js';
import { outputFormat, printResponse } from './response-output.js';

interface CallFlags extends ConnectionFlags {
  types?: ParameterType[];
  json?: boolean;
  csv?: boolean;
  timeout: number;
}

export function callCommand(ctx: CliContext): Command {
  const command = new Command('call')
    .summary('call a stored procedure')
    .description(
      'Call a stored procedure and print its result tables. Arguments are converted to the types given with --types; ' +
        'without it, NULL is NULL, whole numbers are INTEGER (BIGINT when larger), decimals FLOAT and anything else ' +
        'STRING, and the server converts them to the types the procedure declares.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  voltwire call Vote 6175551234 3 2 --types BIGINT,INTEGER,BIGINT\n' +
        '  voltwire call @SystemInformation OVERVIEW --json\n\n' +
        'Text forms: TIMESTAMP as ISO-8601 or integer microseconds, DATE as YYYY-MM-DD, VARBINARY as hex, ' +
        'geography as WKT, arrays (INTEGER[]) as [1,2,3] or 1,2,3. Put -- before arguments that start with "-" ' +
        'and are not numbers.',
    )
    .argument('<procedure>', 'procedure name, e.g. Vote or @SystemInformation')
    .argument('[args...]', 'parameters, in order')
    .option('-T, --types <types>', 'comma-separated parameter types, e.g. BIGINT,STRING,INTEGER[]', parseTypeList)
    .option('--json', 'print the response as JSON')
    .option('--csv', 'print the result tables as CSV')
    .addOption(new Option('-t, --timeout <duration>', 'call timeout').argParser(durationOption('--timeout', false)).default(120_000, '2m'));
  addConnectionOptions(command).action(async (procedure: string, args: string[], flags: CallFlags) => {
    const params = convertArguments(procedure, args, flags.types);
    const format = outputFormat(flags);
    const client = await connectClient(resolveTarget(flags, ctx.env));
    try {
      const started = performance.now();
      const response =
        flags.types === undefined
          ? await client.call(procedure, params, { timeoutMs: flags.timeout })
          : await client.procedure(procedure, flags.types).call(params, { timeoutMs: flags.timeout });
      await printResponse(ctx, response, format, performance.now() - started);
    } finally {
      await client.close();
    }
  });
  return command;
}
