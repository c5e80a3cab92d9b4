#!/usr/bin/env node
/**
 * The `voltwire` executable (package.json `bin` → dist/src/cli/main.js).
 */
import { runCli } from './program.js';

// `voltwire query … | head -3`: once the reader has gone, what is left to print has no one to
// read it. That is how pipes end, not a failure: stop at once, quietly, with success (as the
// reader got what it asked for). Any other error on the streams is left to crash loudly.
const onOutputError = (error: NodeJS.ErrnoException): void => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
};
process.stdout.on('error', onOutputError);
process.stderr.on('error', onOutputError);

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
