/**
 * The tracker's call records: taken from the free list when a call starts, given back when it
 * ends (or when its write queue lets go of it, whichever is later), cleared so a pooled record
 * keeps nothing alive, and dropped beyond `maxFreeCalls` — from the list the timeout sweep scans
 * too. The queue place a call holds is released as it ends, with 'drain' at the resume level.
 */
import { describe, test, type TestContext } from 'node:test';
import { CallTracker, releasePlace } from '../../src/calls/call-tracker.js';
import { CALL_STATE, FlowControl, NO_PARAMS, type PendingCall } from '../../src/calls/pending-call.js';
import { admitCall, startCall, type CallTarget } from '../../src/calls/start-call.js';

function fakeTracker(options: { maxFreeCalls?: number; flow?: FlowControl } = {}) {
  let now = 0;
  const tracker = new CallTracker({ ...options, now: () => now });
  const queued: PendingCall[] = [];
  const target: CallTarget = { host: 'fake', port: 1, tracker, submit: (call) => void queued.push(call) };
  const start = (procedure: string, timeoutMs = 1000): { call: PendingCall; promise: Promise<unknown> } => {
    const promise = startCall(target, procedure, [1, 2], undefined, { timeoutMs }, { timeoutMs: 0 }, null)!;
    promise.catch(() => undefined);
    return { call: queued[queued.length - 1]!, promise };
  };
  return {
    tracker,
    start,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('call records', () => {
  test('a record is reused once its call ended, cleared of everything the call held', async (t: TestContext) => {
    const s = fakeTracker();
    const first = s.start('First');
    t.assert.strictEqual(s.tracker.records.length, 1);
    t.assert.strictEqual(first.call.recordIndex, 0);
    t.assert.strictEqual(first.call.procedure, 'First');
    const generation = first.call.generation;
    s.tracker.succeed(first.call, { status: 1 });
    t.assert.deepStrictEqual(await first.promise, { status: 1 });
    t.assert.strictEqual(first.call.state, CALL_STATE.FREE);
    t.assert.strictEqual(first.call.procedure, '');
    t.assert.strictEqual(first.call.params, NO_PARAMS);
    t.assert.strictEqual(first.call.resolve, null);
    t.assert.strictEqual(first.call.deadline, Infinity);
    t.assert.strictEqual(first.call.generation, generation + 1, 'a stale reference can tell');
    t.assert.deepStrictEqual(s.tracker.freeCalls, [first.call]);
    const second = s.start('Second');
    t.assert.strictEqual(second.call, first.call, 'the same record');
    t.assert.strictEqual(s.tracker.records.length, 1, 'no new record');
    t.assert.strictEqual(s.tracker.freeCalls.length, 0);
    s.tracker.fail(second.call, new Error('x'), 'TEST');
    s.tracker.close();
  });

  test('a call that ended while still in a write queue is pooled only when the queue lets go', (t: TestContext) => {
    const s = fakeTracker();
    const { call } = s.start('Queued');
    call.inQueue = true; // what a connection's write queue does
    s.tracker.abort(call);
    t.assert.strictEqual(call.state, CALL_STATE.SETTLED);
    t.assert.strictEqual(call.procedure, '', 'cleared at once');
    t.assert.strictEqual(s.tracker.freeCalls.length, 0, 'not free while a queue references it');
    t.assert.notStrictEqual(s.start('Other').call, call);
    s.tracker.dequeued(call);
    t.assert.strictEqual(call.state, CALL_STATE.FREE);
    t.assert.deepStrictEqual(s.tracker.freeCalls, [call]);
    s.tracker.close();
  });

  test('beyond maxFreeCalls a record is dropped, from the records the sweep scans too', (t: TestContext) => {
    const s = fakeTracker({ maxFreeCalls: 2 });
    const calls = ['a', 'b', 'c', 'd'].map((name) => s.start(name).call);
    t.assert.deepStrictEqual(
      s.tracker.records.map((c) => c.recordIndex),
      [0, 1, 2, 3],
    );
    // End b and a first: they fill the free list; c and d are dropped.
    for (const call of [calls[1]!, calls[0]!, calls[2]!, calls[3]!]) s.tracker.succeed(call, { status: 1 });
    t.assert.strictEqual(s.tracker.freeCalls.length, 2);
    t.assert.strictEqual(s.tracker.records.length, 2);
    t.assert.deepStrictEqual(new Set(s.tracker.records), new Set([calls[0], calls[1]]));
    t.assert.ok(s.tracker.records.every((call, index) => call.recordIndex === index), 'indexes follow the swaps');
    t.assert.strictEqual(calls[2]!.recordIndex, -1);
    t.assert.strictEqual(calls[3]!.recordIndex, -1);
    // A dropped record is never scanned: a sweep after every deadline expires nothing.
    s.advance(5000);
    t.assert.strictEqual(s.tracker.sweep(), 0);
    s.tracker.close();
  });

  test('a call that ends gives its queue place back: drain at the resume level, idle waiters woken', async (t: TestContext) => {
    const events: string[] = [];
    const flow = new FlowControl({ warn: 2, resume: 0, hard: 3 }, { onBackpressure: (n) => events.push(`backpressure ${n}`), onDrain: (n) => events.push(`drain ${n}`) });
    const s = fakeTracker({ flow });
    t.assert.ok(admitCall(flow));
    const a = s.start('a');
    t.assert.ok(admitCall(flow));
    const b = s.start('b');
    t.assert.deepStrictEqual(events, ['backpressure 2']);
    let idle = false;
    void s.tracker.whenIdle().then(() => (idle = true));
    s.tracker.succeed(a.call, { status: 1 });
    t.assert.strictEqual(flow.pending, 1);
    t.assert.strictEqual(flow.needsDrain, true);
    s.tracker.fail(b.call, new Error('gone'), 'TEST');
    t.assert.deepStrictEqual(events, ['backpressure 2', 'drain 0']);
    await s.tracker.whenIdle();
    t.assert.ok(idle);
    // A place taken for a call that never started (it waited for a connection) is given back alone.
    t.assert.ok(admitCall(flow));
    releasePlace(flow);
    t.assert.strictEqual(flow.pending, 0);
    s.tracker.close();
  });
});
