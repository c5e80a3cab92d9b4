/**
 * Workload construction from plain options — the same in the main thread and in a load worker,
 * which receives the options through a structured clone.
 */
import { KvWorkload, type KvOptions } from './kv-workload.js';
import { VoterWorkload, type VoterOptions } from './voter-workload.js';
import type { Workload } from './workload.js';

export const WORKLOAD_NAMES = ['voter', 'kv'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface WorkloadSpec {
  name: WorkloadName;
  voter?: VoterOptions;
  kv?: KvOptions;
  seed: number;
}

/** Worker `index` draws from its own seed, so workers do not send identical call streams. */
export function createWorkload(spec: WorkloadSpec, index = 0): Workload {
  const seed = (spec.seed + index * 0x9e3779b1) >>> 0;
  if (spec.name === 'kv') return new KvWorkload({ ...spec.kv, seed });
  return new VoterWorkload({ ...spec.voter, seed });
}
