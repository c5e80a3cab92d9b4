import { describe, test, type TestContext } from 'node:test';
import { releasePlace } from '../../src/calls/call-tracker.js';
import { FlowControl, checkQueueLevels } from '../../src/calls/pending-call.js';
import { admitCall } from '../../src/calls/start-call.js';
import { RateLimiter } from '../../src/calls/rate-limiter.js';
import { until } from '../helpers/until.js';
import { InvalidArgumentError } from '../../src/errors.js';

describe('queue accounting (admitCall, releasePlace)', () => {
  test('warn turns needsDrain on, resume turns it off with one drain, hard refuses', (t: TestContext) => {
    const events: string[] = [];
    const flow = new FlowControl(
      { warn: 5, resume: 2, hard: 7 },
      { onBackpressure: (n) => events.push(`backpressure ${n}`), onDrain: (n) => events.push(`drain ${n}`) },
    );
    for (let i = 0; i < 4; i++) t.assert.ok(admitCall(flow));
    t.assert.strictEqual(flow.needsDrain, false);
    t.assert.ok(admitCall(flow));
    t.assert.strictEqual(flow.needsDrain, true);
    t.assert.ok(admitCall(flow));
    t.assert.ok(admitCall(flow));
    t.assert.strictEqual(admitCall(flow), false, 'hard limit');
    t.assert.strictEqual(flow.pending, 7, 'a refused call is not counted');
    t.assert.strictEqual(flow.refused, 1);
    for (let i = 0; i < 4; i++) releasePlace(flow);
    t.assert.strictEqual(flow.needsDrain, true, 'still above resume');
    releasePlace(flow);
    t.assert.strictEqual(flow.needsDrain, false);
    releasePlace(flow);
    releasePlace(flow);
    t.assert.deepStrictEqual(events, ['backpressure 5', 'drain 2']);
    t.assert.strictEqual(flow.pending, 0);
  });

  test('levels are validated', (t: TestContext) => {
    t.assert.throws(() => checkQueueLevels({ warn: 5, resume: 5, hard: 10 }), /resume < warn <= hard/);
    t.assert.throws(() => checkQueueLevels({ warn: 50, resume: 5, hard: 10 }), /resume < warn <= hard/);
    t.assert.throws(() => checkQueueLevels({ warn: 1.5, resume: 0, hard: 10 }), /queue.warn/);
    t.assert.doesNotThrow(() => checkQueueLevels({ warn: 10, resume: 0, hard: 10 }));
  });
});

describe('RateLimiter', () => {
  test('a token bucket: burst of 50 ms worth, then one token per 1/rate s', (t: TestContext) => {
    let now = 0;
    const limiter = new RateLimiter(1000, () => now); // capacity 50
    let taken = 0;
    while (limiter.tryTake()) taken++;
    t.assert.strictEqual(taken, 50);
    now += 10; // 10 tokens
    taken = 0;
    while (limiter.tryTake()) taken++;
    t.assert.strictEqual(taken, 10);
    now += 10_000; // capped at capacity
    taken = 0;
    while (limiter.tryTake()) taken++;
    t.assert.strictEqual(taken, 50);
  });

  test('waiters are woken by one timer when a token is due; cancel stops it', async (t: TestContext) => {
    const limiter = new RateLimiter(100); // capacity 5, one token per 10 ms
    while (limiter.tryTake());
    let woken = 0;
    const wake = (): void => void woken++;
    limiter.waitForToken(wake);
    limiter.waitForToken(wake); // a Set: once
    await until(() => woken === 1, 'the wake-up');
    await new Promise((r) => setTimeout(r, 20));
    t.assert.strictEqual(woken, 1);
    t.assert.ok(limiter.tryTake());
    limiter.waitForToken(wake);
    limiter.cancel(wake);
    limiter.waitForToken(wake);
    limiter.cancelAll();
    await new Promise((r) => setTimeout(r, 30));
    t.assert.strictEqual(woken, 1);
  });

  test('rejects a non-positive rate', (t: TestContext) => {
    t.assert.throws(() => new RateLimiter(0), InvalidArgumentError);
    t.assert.throws(() => new RateLimiter(Infinity), InvalidArgumentError);
  });
});
