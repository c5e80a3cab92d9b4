/**
 * `voltwire query "SQL" [params…]`: run ad-hoc SQL (`@AdHoc`) and print the result tables.
 */
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import type { ParameterType } from '../protocol/invocation-writer.js';
import { convertArguments, parseTypeList } from './arguments.js';
import type { CliContext } from './context.js';
import { addConnectionOptions, connectClient, durationOption, resolveTarget, type ConnectionFlags } from './options.js';
import { outputFormat, printResponse } from './response-output.js';

interface QueryFlags extends ConnectionFlags {
  types?: ParameterType[];
  json?: boolean;
  csv?: boolean;
  timeout: number;
}

export function queryCommand(ctx: CliContext): Command {
  const command = new Command('query')
    .summary('run ad-hoc SQL')
    .description(
      'Run SQL through @AdHoc and print the result tables aligned (or as JSON or CSV). Parameters fill the ? ' +
        'placeholders in order, typed with --types or inferred as for "call". Several statements separated by ";" ' +
        'give several tables.',
    )
    .addHelpText('after', '\nExample:\n  voltwire query "SELECT * FROM VOTES WHERE PHONE_NUMBER = ?" 6175551234')
    .argument('<sql>', 'the SQL text (quote it)')
    .argument('[params...]', 'values for the ? placeholders, in order')
    .option('-T, --types <types>', 'comma-separated parameter types, e.g. BIGINT,STRING', parseTypeList)
    .option('--json', 'print the response as JSON')
    .option('--csv', 'print the result tables as CSV')
    .addOption(new Option('-t, --timeout <duration>', 'call timeout').argParser(durationOption('--timeout', false)).default(120_000, '2m'));
  addConnectionOptions(command).action(async (sql: string, args: string[], flags: QueryFlags) => {
    const params = convertArguments('@AdHoc', args, flags.types);
    const format = outputFormat(flags);
    const client = await connectClient(resolveTarget(flags, ctx.env));
    try {
      const started = performance.now();
      // With declared types the SQL text is parameter 0 (STRING) and the values follow.
      const response =
        flags.types === undefined
          ? await client.query(sql, params, { timeoutMs: flags.timeout })
          : await client.procedure('@AdHoc', ['STRING', ...flags.types]).call([sql, ...params], { timeoutMs: flags.timeout });
      await printResponse(ctx, response, format, performance.now() - started);
    } finally {
      await client.close();
    }
  });
  return command;
}
