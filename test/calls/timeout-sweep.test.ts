/**
 * Call timeouts: a deadline on the call record and the tracker's periodic sweep (no timer per
 * call). Time is the subject, so the tracker runs on a fake clock and the tests call `sweep()`
 * where the timer would; one test lets the real (unref'd) timer run, asserting only order.
 */
import { describe, test, type TestContext } from 'node:test';
import { CallTracker } from '../../src/calls/call-tracker.js';
import { CALL_STATE, type CallCallback, type PendingCall } from '../../src/calls/pending-call.js';
import { startCall, type CallTarget } from '../../src/calls/start-call.js';
import { CallTimeoutError, InvalidArgumentError } from '../../src/errors.js';
import { until } from '../helpers/until.js';

/** A tracker on a fake clock and a target that only keeps what is submitted (calls stay queued). */
function fakeTracker(resolutionMs = 10) {
  let now = 1000;
  const tracker = new CallTracker({ timerResolutionMs: resolutionMs, now: () => now });
  const queued: PendingCall[] = [];
  const target: CallTarget = { host: 'fake', port: 1, tracker, submit: (call) => void queued.push(call) };
  const expired: string[] = [];
  const firedAt = new Map<string, number>();
  /** Start `name` with `timeoutMs` (0 = none); its timeout is recorded as it fires. */
  const start = (name: string, timeoutMs: number, callback: CallCallback | null = null): PendingCall => {
    const onEnd: CallCallback = (error) => {
      if (error instanceof CallTimeoutError) {
        expired.push(name);
        firedAt.set(name, now);
      }
    };
    const promise = startCall(target, name, [], undefined, { timeoutMs }, { timeoutMs: 0 }, null, true, false, callback ?? onEnd);
    if (promise !== undefined) throw new Error('a callback call returns no promise');
    return queued[queued.length - 1]!;
  };
  return {
    tracker,
    target,
    expired,
    firedAt,
    start,
    /** Move the clock and sweep, as the timer would. */
    advance(ms: number): number {
      now += ms;
      return tracker.sweep();
    },
    get now() {
      return now;
    },
  };
}

describe('timeout sweep', () => {
  test('fires at or after the deadline, within one resolution', (t: TestContext) => {
    const s = fakeTracker(10);
    const a = s.start('a', 25);
    const deadline = a.deadline;
    t.assert.strictEqual(deadline, s.now + 25);
    s.advance(20);
    t.assert.deepStrictEqual(s.expired, []);
    t.assert.strictEqual(s.advance(10), 1);
    t.assert.deepStrictEqual(s.expired, ['a']);
    const at = s.firedAt.get('a')!;
    t.assert.ok(at >= deadline && at < deadline + 10, `fired at ${at}, deadline ${deadline}`);
    t.assert.strictEqual(s.tracker.live, 0);
    t.assert.strictEqual(a.state, CALL_STATE.FREE, 'the record went back to the pool');
    t.assert.strictEqual(a.deadline, Infinity, 'a pooled record has no deadline');
    s.tracker.close();
  });

  test('the timeout error says whether the request was sent; queued and written calls both expire', (t: TestContext) => {
    const s = fakeTracker(10);
    const errors = new Map<string, CallTimeoutError>();
    const keep =
      (name: string): CallCallback =>
      (error) =>
        errors.set(name, error as CallTimeoutError);
    s.start('queued', 15, keep('queued'));
    const written = s.start('written', 15, keep('written'));
    // What a connection does when it writes the call.
    written.state = CALL_STATE.WRITTEN;
    written.handle = 7;
    t.assert.strictEqual(s.advance(20), 2);
    t.assert.ok(errors.get('queued') instanceof CallTimeoutError);
    t.assert.strictEqual(errors.get('queued')!.sent, false);
    t.assert.match(errors.get('queued')!.message, /^queued: no response within 15 ms \(waited 20 ms; the request was never sent\)$/);
    t.assert.strictEqual(errors.get('written')!.sent, true);
    t.assert.match(errors.get('written')!.message, /the server may still execute it/);
    s.tracker.close();
  });

  test('a settled call never fires, whatever settled it', (t: TestContext) => {
    const s = fakeTracker(10);
    const calls = ['a', 'b', 'c', 'd'].map((name) => s.start(name, 15));
    s.tracker.succeed(calls[1]!, { status: 1 });
    s.tracker.fail(calls[3]!, new Error('lost'), 'CONNECTION_LOST');
    s.tracker.abort(calls[0]!);
    t.assert.strictEqual(s.tracker.live, 1);
    s.advance(30);
    t.assert.deepStrictEqual(s.expired, ['c']);
    t.assert.strictEqual(s.advance(1000), 0, 'nothing fires twice');
    s.tracker.close();
  });

  test('a call without a timeout never expires; long deadlines wait for their time', (t: TestContext) => {
    const s = fakeTracker(10);
    const none = s.start('none', 0);
    s.start('far', 250);
    s.start('near', 5);
    t.assert.strictEqual(none.deadline, Infinity);
    for (let i = 0; i < 24; i++) s.advance(10);
    t.assert.deepStrictEqual(s.expired, ['near']);
    s.advance(20);
    t.assert.deepStrictEqual(s.expired, ['near', 'far']);
    s.advance(1_000_000);
    t.assert.deepStrictEqual(s.expired, ['near', 'far']);
    t.assert.strictEqual(s.tracker.live, 1, 'the call without a timeout is still live');
    s.tracker.succeed(none, { status: 1 });
    s.tracker.close();
  });

  test('a stalled loop expires everything due in one sweep', (t: TestContext) => {
    const s = fakeTracker(10);
    for (let i = 0; i < 20; i++) s.start(`e${i}`, 1 + i * 13);
    t.assert.strictEqual(s.advance(10_000), 20);
    t.assert.strictEqual(s.expired.length, 20);
    t.assert.strictEqual(s.tracker.live, 0);
    s.tracker.close();
  });

  test('a call already due when it starts on an idle tracker fires on the next sweep', (t: TestContext) => {
    const s = fakeTracker(10);
    s.advance(5000); // idle, the clock moved on
    s.start('due', 1);
    s.advance(10);
    t.assert.deepStrictEqual(s.expired, ['due']);
    s.tracker.close();
  });

  test('a record reused for another call is never expired for the old deadline', (t: TestContext) => {
    const s = fakeTracker(10);
    const first = s.start('first', 20);
    s.tracker.succeed(first, { status: 1 });
    const untimed = s.start('untimed', 0);
    t.assert.strictEqual(untimed, first, 'the same record, from the pool');
    s.advance(100);
    t.assert.deepStrictEqual(s.expired, []);
    s.tracker.succeed(untimed, { status: 1 });
    const later = s.start('later', 1000);
    t.assert.strictEqual(later, first);
    s.advance(100);
    t.assert.deepStrictEqual(s.expired, [], 'not at the first call’s deadline either');
    s.advance(1000);
    t.assert.deepStrictEqual(s.expired, ['later']);
    s.tracker.close();
  });

  test('a timeout callback may settle and start calls during the sweep', (t: TestContext) => {
    const s = fakeTracker(10);
    // Two records, pooled so that a takes the later one (visited first: the sweep runs backwards).
    const [low, high] = [s.start('p0', 0), s.start('p1', 0)];
    s.tracker.succeed(low!, { status: 1 });
    s.tracker.succeed(high!, { status: 1 });
    const names: string[] = [];
    let b: PendingCall | null = null;
    let c: PendingCall | null = null;
    const a = s.start('a', 10, (error) => {
      names.push(`a ${(error as Error).name}`);
      s.tracker.succeed(b!, { status: 1 }); // due in this sweep too: settled here, it must not fire
      // Takes b's record, just pooled and not yet visited by this sweep.
      c = s.start('c', 5, (e) => names.push(`c ${(e as Error).name}`));
    });
    b = s.start('b', 10, (error, response) => names.push(error === null ? `b ${JSON.stringify(response)}` : `b ${(error as Error).name}`));
    t.assert.strictEqual(a, high);
    t.assert.strictEqual(b, low);
    s.advance(10);
    t.assert.deepStrictEqual(names, ['a CallTimeoutError', 'b {"status":1}']);
    t.assert.strictEqual(c, low, "c reuses b's record");
    t.assert.strictEqual((c as PendingCall | null)?.state, CALL_STATE.QUEUED, 'the sweep met c after its start, not yet due: not expired');
    s.advance(10);
    t.assert.deepStrictEqual(names, ['a CallTimeoutError', 'b {"status":1}', 'c CallTimeoutError']);
    t.assert.strictEqual(s.tracker.live, 0);
    s.tracker.close();
  });

  test('the real timer runs only while a call is live and expires its calls', async (t: TestContext) => {
    const tracker = new CallTracker({ timerResolutionMs: 5 });
    // The sweep timer is unref'd: something else must keep this test's event loop alive.
    const keepAlive = setInterval(() => undefined, 1000);
    const target: CallTarget = { host: 'fake', port: 1, tracker, submit: () => undefined };
    t.assert.strictEqual(tracker.sweepTimer, null, 'no timer at rest');
    const started = performance.now();
    const first = startCall(target, 'x', [], undefined, { timeoutMs: 20 }, { timeoutMs: 0 }, null)!;
    const timer = tracker.sweepTimer!;
    t.assert.notStrictEqual(timer, null, 'the first live call starts it');
    t.assert.strictEqual(timer.hasRef(), false, 'the timer never keeps the process alive');
    const untimed = startCall(target, 'y', [], undefined, { timeoutMs: 0 }, { timeoutMs: 0 }, null)!;
    t.assert.strictEqual(tracker.sweepTimer, timer, 'one timer for every call');
    await t.assert.rejects(first, CallTimeoutError);
    t.assert.ok(performance.now() - started >= 20, 'not before its timeout');
    t.assert.strictEqual(tracker.sweepTimer, timer, 'still live: the untimed call');
    tracker.succeed(tracker.records.find((call) => call.procedure === 'y')!, { status: 1 });
    await untimed;
    t.assert.strictEqual(tracker.sweepTimer, null, 'the last live call cancelled it');
    // Started again by the next call.
    const second = startCall(target, 'z', [], undefined, { timeoutMs: 5 }, { timeoutMs: 0 }, null)!;
    t.assert.notStrictEqual(tracker.sweepTimer, null);
    await t.assert.rejects(second, CallTimeoutError);
    t.assert.strictEqual(tracker.sweepTimer, null);
    clearInterval(keepAlive);
    tracker.close();
  });

  test('rejects a resolution below 1 ms', (t: TestContext) => {
    t.assert.throws(() => new CallTracker({ timerResolutionMs: 0 }), InvalidArgumentError);
    t.assert.throws(() => new CallTracker({ timerResolutionMs: Number.NaN }), InvalidArgumentError);
  });
});
