/**
 * What a figure was measured on. A number without its machine is not a result: the report
 * carries Node and V8 versions, the CPU model, the core count and the load average around
 * the run, the last being how a reader tells a quiet machine from a busy one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { MachineInfo } from './types.js';

function tinybenchVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('tinybench');
    // The package.json sits above dist/ in the package folder.
    const text = readFileSync(path.replace(/dist[\\/][^\\/]*$/, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The machine as it is now; call {@link finishMachineInfo} at the end of the run. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    loadAverageStart: os.loadavg()[0] ?? 0,
    loadAverageEnd: os.loadavg()[0] ?? 0,
    gcExposed: typeof globalThis.gc === 'function',
    tinybench: tinybenchVersion(),
  };
}

export function finishMachineInfo(info: MachineInfo): MachineInfo {
  return { ...info, loadAverageEnd: os.loadavg()[0] ?? 0 };
}

/** Notes a reader needs before trusting the figures (busy machine, no forced GC). */
export function machineNotes(info: MachineInfo): string[] {
  const notes: string[] = [];
  const load = Math.max(info.loadAverageStart, info.loadAverageEnd);
  if (load > info.cores * 0.5) {
    notes.push(
      `The machine was busy (1-minute load average ${info.loadAverageStart.toFixed(2)} at the start, ` +
        `${info.loadAverageEnd.toFixed(2)} at the end, on ${info.cores} cores): figures are noisy; compare ` +
        'strategies within one dataset and re-run on a quiet machine before quoting absolute numbers.',
    );
  }
  if (!info.gcExposed) notes.push('global.gc was not exposed: garbage was not collected before each task.');
  return notes;
}
