import { describe, test, type TestContext } from 'node:test';
import { TimerWheel, type TimerEntry } from '../../src/calls/timer-wheel.js';
import { until } from '../helpers/until.js';
import { InvalidArgumentError } from '../../src/errors.js';

class Entry implements TimerEntry {
  deadline = 0;
  timerNext: TimerEntry | null = null;
  timerPrev: TimerEntry | null = null;
  timerSlot = -1;
  firedAt = -1;
  constructor(readonly name: string) {}
}

function fakeWheel(resolutionMs = 10, slots = 8) {
  let now = 1000;
  const fired: Entry[] = [];
  const wheel = new TimerWheel<Entry>(
    (entry) => {
      entry.firedAt = now;
      fired.push(entry);
    },
    { resolutionMs, slots, now: () => now },
  );
  return {
    wheel,
    fired,
    advance(ms: number) {
      now += ms;
      wheel.tick();
    },
    get now() {
      return now;
    },
  };
}

describe('TimerWheel', () => {
  test('fires at or after the deadline, within one resolution', (t: TestContext) => {
    const w = fakeWheel(10);
    const a = new Entry('a');
    w.wheel.add(a, 25);
    t.assert.strictEqual(w.wheel.size, 1);
    w.advance(20);
    t.assert.strictEqual(w.fired.length, 0);
    w.advance(10);
    t.assert.deepStrictEqual(w.fired.map((e) => e.name), ['a']);
    t.assert.ok(a.firedAt >= a.deadline && a.firedAt < a.deadline + 10);
    t.assert.strictEqual(a.timerSlot, -1);
    t.assert.strictEqual(w.wheel.size, 0);
    w.wheel.clear();
  });

  test('remove is O(1) from any position and idempotent', (t: TestContext) => {
    const w = fakeWheel(10);
    const entries = ['a', 'b', 'c', 'd'].map((n) => new Entry(n));
    for (const e of entries) w.wheel.add(e, 15); // same slot
    w.wheel.remove(entries[1]!);
    w.wheel.remove(entries[3]!);
    w.wheel.remove(entries[0]!);
    w.wheel.remove(entries[0]!);
    t.assert.strictEqual(w.wheel.size, 1);
    w.advance(30);
    t.assert.deepStrictEqual(w.fired.map((e) => e.name), ['c']);
    w.wheel.clear();
  });

  test('deadlines beyond one turn of the wheel wait for their turn', (t: TestContext) => {
    const w = fakeWheel(10, 8); // one turn = 80 ms
    const far = new Entry('far');
    const near = new Entry('near');
    w.wheel.add(far, 250);
    w.wheel.add(near, 5);
    for (let i = 0; i < 24; i++) w.advance(10);
    t.assert.deepStrictEqual(w.fired.map((e) => e.name), ['near']);
    w.advance(20);
    t.assert.deepStrictEqual(w.fired.map((e) => e.name), ['near', 'far']);
    w.wheel.clear();
  });

  test('a stalled loop fires everything due in one pass', (t: TestContext) => {
    const w = fakeWheel(10, 8);
    for (let i = 0; i < 20; i++) w.wheel.add(new Entry(`e${i}`), i * 13);
    w.advance(10_000);
    t.assert.strictEqual(w.fired.length, 20);
    t.assert.strictEqual(w.wheel.size, 0);
  });

  test('an already-due entry added to an idle wheel fires on the next tick', (t: TestContext) => {
    const w = fakeWheel(10);
    w.advance(5000); // idle wheel, clock moved on
    const e = new Entry('due');
    w.wheel.add(e, 0);
    w.advance(10);
    t.assert.deepStrictEqual(w.fired.map((x) => x.name), ['due']);
  });

  test('re-adding moves an entry; callbacks may add and remove entries', (t: TestContext) => {
    let now = 0;
    const names: string[] = [];
    const b = new Entry('b');
    const c = new Entry('c');
    const wheel: TimerWheel<Entry> = new TimerWheel<Entry>(
      (entry) => {
        names.push(entry.name);
        if (entry.name === 'a') {
          wheel.remove(b); // same slot, fired later in this pass otherwise
          wheel.add(c, 5);
        }
      },
      { resolutionMs: 10, now: () => now },
    );
    const a = new Entry('a');
    wheel.add(a, 100);
    wheel.add(b, 10);
    wheel.add(a, 10); // moved; the newest entry of a slot is visited first
    now = 10;
    wheel.tick();
    // a and b were both due; a fired first and removed b, so b never fires.
    t.assert.deepStrictEqual(names, ['a']);
    t.assert.strictEqual(b.timerSlot, -1);
    now = 30;
    wheel.tick();
    t.assert.deepStrictEqual(names, ['a', 'c']);
    t.assert.strictEqual(wheel.size, 0);
    wheel.clear();
  });

  test('the real timer fires and stops when the wheel is empty', async (t: TestContext) => {
    const fired: string[] = [];
    const wheel = new TimerWheel<Entry>((e) => fired.push(e.name), { resolutionMs: 5 });
    const start = performance.now();
    wheel.add(new Entry('x'), 20);
    await until(() => fired.length === 1, 'x to fire');
    t.assert.deepStrictEqual(fired, ['x']);
    t.assert.ok(performance.now() - start >= 20);
    t.assert.strictEqual(wheel.size, 0);
    // Add again after the timer stopped: it restarts.
    wheel.add(new Entry('y'), 5);
    await until(() => fired.length === 2, 'y to fire');
    t.assert.deepStrictEqual(fired, ['x', 'y']);
  });

  test('clear drops every entry without firing', (t: TestContext) => {
    const w = fakeWheel(10);
    const entries = [new Entry('a'), new Entry('b'), new Entry('c')];
    w.wheel.add(entries[0]!, 5);
    w.wheel.add(entries[1]!, 5);
    w.wheel.add(entries[2]!, 500);
    w.wheel.clear();
    t.assert.strictEqual(w.wheel.size, 0);
    t.assert.ok(entries.every((e) => e.timerSlot === -1 && e.timerNext === null));
    w.advance(1000);
    t.assert.strictEqual(w.fired.length, 0);
  });

  test('rejects a resolution below 1 ms', (t: TestContext) => {
    t.assert.throws(() => new TimerWheel(() => undefined, { resolutionMs: 0 }), InvalidArgumentError);
  });
});
