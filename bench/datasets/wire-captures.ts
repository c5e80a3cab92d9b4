/**
 * `wire-captures`: the official C++ client suite's invocation requests and responses
 * (fixtures/wire) — small frames, GEOGRAPHY, DATE, every parameter type. Read in place.
 */
import { registerDataset } from '../harness/registry.js';
import { CAPTURES_PRESENT, capturesOf, warnMissing } from './capture-files.js';

if (CAPTURES_PRESENT) {
  registerDataset({
    name: 'wire-captures',
    family: 'wire',
    description: 'fixtures/wire: the official C++ client suite’s invocation requests and responses (small frames, GEOGRAPHY, DATE)',
    profiles: ['tiny', 'quick', 'full'],
    build: () => capturesOf('wire', (n) => n.startsWith('invocation_') && n.endsWith('.msg')),
  });
} else {
  warnMissing('wire-captures');
}
