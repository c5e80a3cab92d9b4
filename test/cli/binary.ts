/**
 * The built `voltwire` executable run as a child process, as a user runs it: its exit code and
 * everything it printed. CLI behaviours that depend on the real process (pipes, signals, exit
 * codes) are tested through these helpers.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** dist/src/cli/main.js: the file package.json's `bin` points at. */
export const VOLTWIRE = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
  /** Close the reading end of stdout once this many bytes have come, as `| head -c N` does. */
  closeStdoutAfter?: number;
}

/** Run `script args…` with node and wait for it to end. */
export function runScript(script: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

/** Run `voltwire args…` as a child process. */
export function voltwire(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return runScript(VOLTWIRE, args, options);
}
