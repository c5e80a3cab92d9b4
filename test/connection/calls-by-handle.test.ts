/**
 * The handle table's calls by handle (an array slot per handle's low bits, a Map for calls that
 * outlive 1,024 newer handles) answer exactly as a plain Map would, whatever the order in which
 * calls are written and answered.
 */
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import type { CallAborter } from '../../src/calls/pending-call.js';
import { PendingCall } from '../../src/calls/pending-call.js';
import { CallsByHandle } from '../../src/connection/connection-calls.js';

const aborter: CallAborter = { abort: () => {} };

/** An operation: write the next handle, or answer (delete) / look up one of the last `back` handles. */
type Step = { write: true } | { write: false; back: number; lookOnly: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ write: true } as const) },
  { weight: 2, arbitrary: fc.record({ write: fc.constant(false as const), back: fc.nat({ max: 3000 }), lookOnly: fc.boolean() }) },
);

test('CallsByHandle agrees with a Map: get, delete, size and values in handle order', (t: TestContext) => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 6000 }), (steps) => {
      const table = new CallsByHandle();
      const model = new Map<number, PendingCall>();
      let next = 1;
      for (const s of steps) {
        if (s.write) {
          const call = new PendingCall(aborter);
          call.handle = next;
          table.set(next, call);
          model.set(next, call);
          next++;
        } else {
          const handle = next - 1 - s.back;
          if (s.lookOnly) t.assert.strictEqual(table.get(handle), model.get(handle));
          else t.assert.strictEqual(table.delete(handle), model.delete(handle));
        }
        t.assert.strictEqual(table.size, model.size);
      }
      t.assert.deepStrictEqual(table.values(), [...model.values()]);
      for (const [handle, call] of model) t.assert.strictEqual(table.get(handle), call);
    }),
    { numRuns: 60 },
  );
});

test('a call outliving 1,024 newer handles is still found, and freed once', (t: TestContext) => {
  const table = new CallsByHandle();
  const slow = new PendingCall(aborter);
  table.set(1, slow);
  for (let handle = 2; handle <= 5000; handle++) {
    table.set(handle, new PendingCall(aborter));
    t.assert.strictEqual(table.delete(handle), true);
  }
  t.assert.strictEqual(table.size, 1);
  t.assert.strictEqual(table.get(1), slow);
  t.assert.strictEqual(table.get(1 + 1024), undefined);
  t.assert.strictEqual(table.delete(1), true);
  t.assert.strictEqual(table.delete(1), false);
  t.assert.strictEqual(table.size, 0);
  t.assert.deepStrictEqual(table.values(), []);
});
