/** An in-memory output stream for running `voltwire` commands in-process. */
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export class Capture extends Writable {
  text = '';
  isTTY?: boolean;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `voltwire ...argv` in-process with captured output. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
