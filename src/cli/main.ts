#!/usr/bin/env node
/**
 * The `voltwire` executable (package.json `bin` → dist/src/cli/main.js).
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
