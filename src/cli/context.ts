/**
 * Where a command writes and what it reads from its environment. `main.ts` passes the real
 * process streams; tests pass in-memory ones, so every command runs in-process under test.
 */
export type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliContext {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Set by a command to the exit code the process should end with (0 when unset). */
  exitCode: number;
}

export function writeJson(out: Output, value: unknown): void {
  out.write(JSON.stringify(value, null, 2) + '\n');
}
