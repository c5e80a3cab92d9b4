/**
 * Turning failures into one clear line and an exit code.
 *
 * A command-line user made a mistake or the server said no: they need one sentence naming
 * what went wrong, never a stack trace (set `VOLTWIRE_DEBUG=1` to get one). Exit codes:
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | success |
 * | 1 | the server refused or failed the request (procedure error, timeout, lost connection) |
 * | 2 | usage: a bad option, argument, parameter value or file |
 * | 3 | could not connect or log in |
 * | 130 | interrupted (Ctrl-C) before anything could be reported |
 */
import { CommanderError } from 'commander';
import { ERROR_CODE, VoltError } from '../errors.js';
import { statusName } from '../protocol/constants.js';

export const EXIT_CODE = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  CONNECTION: 3,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

export interface ErrorReport {
  line: string;
  exitCode: ExitCode;
}

interface ProcedureErrorShape {
  procedure: string;
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
}

/** One line without the newline; messages may carry newlines (server text), which we fold. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof CommanderError) {
    return { line: oneLine(error.message.replace(/^error: /, '')), exitCode: EXIT_CODE.USAGE };
  }
  if (VoltError.is(error)) {
    switch (error.code) {
      case ERROR_CODE.PROCEDURE: {
        const p = error as VoltError & ProcedureErrorShape;
        const app = p.appStatusString !== null && p.appStatusString !== '' ? ` (app status ${p.appStatus}: ${p.appStatusString})` : '';
        const text = p.statusString !== null && p.statusString !== '' ? `: ${p.statusString}` : '';
        return { line: oneLine(`${p.procedure} failed with ${statusName(p.status)}${text}${app}`), exitCode: EXIT_CODE.FAILURE };
      }
      case ERROR_CODE.CONNECTION:
      case ERROR_CODE.AUTHENTICATION:
      case ERROR_CODE.TLS:
      case ERROR_CODE.NO_CONNECTIONS:
        return { line: oneLine(error.message), exitCode: EXIT_CODE.CONNECTION };
      case ERROR_CODE.PARAMETER:
      case ERROR_CODE.INVALID_ARGUMENT:
        return { line: oneLine(error.message), exitCode: EXIT_CODE.USAGE };
      default:
        return { line: oneLine(error.message), exitCode: EXIT_CODE.FAILURE };
    }
  }
  if (error instanceof RangeError) return { line: oneLine(error.message), exitCode: EXIT_CODE.USAGE };
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    // File-system mistakes (ENOENT, EACCES, EISDIR…) are the user's to fix.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (error as NodeJS.ErrnoException).syscall !== undefined) {
      return { line: oneLine(error.message), exitCode: EXIT_CODE.USAGE };
    }
    return { line: oneLine(`${error.name === 'Error' ? '' : error.name + ': '}${error.message}`), exitCode: EXIT_CODE.FAILURE };
  }
  return { line: oneLine(String(error)), exitCode: EXIT_CODE.FAILURE };
}

/** Print the error's line (and its stack when VOLTWIRE_DEBUG is set) and return the exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env, hint = ''): ExitCode {
  const { line, exitCode } = describeError(error);
  stderr.write(`error: ${line}${hint}\n`);
  if (env.VOLTWIRE_DEBUG !== undefined && env.VOLTWIRE_DEBUG !== '' && error instanceof Error && error.stack !== undefined) {
    stderr.write(error.stack + '\n');
  }
  return exitCode;
}
