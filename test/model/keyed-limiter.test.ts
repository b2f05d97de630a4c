import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedLimiter } from '../../src/model/keyed-limiter.js';

/** Work that ends when the test says so, recording when it started. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

test('no more than a key’s limit hold it at once; the others start as slots free, in the order they asked', async () => {
  const limiter = new KeyedLimiter((key) => (key === 'customer:a' ? 2 : 10));
  const started: number[] = [];
  const gates = Array.from({ length: 5 }, gate);
  const runs = gates.map((g, index) =>
    limiter.run(['customer:a', 'run'], async () => {
      started.push(index);
      await g.opened;
      return index;
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.busy('customer:a'), 2);
  gates[1]?.open();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1, 2]);
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(limiter.busy('customer:a'), 0);
  assert.equal(limiter.busy('run'), 0);
});

test('keys are independent: a full key holds back only the work that names it', async () => {
  const limiter = new KeyedLimiter(() => 1);
  const a = gate();
  const first = limiter.run(['customer:a'], () => a.opened);
  let otherRan = false;
  await limiter.run(['customer:b'], async () => {
    otherRan = true;
  });
  assert.equal(otherRan, true);
  assert.equal(limiter.busy('customer:a'), 1);
  a.open();
  await first;
});

test('a failing piece of work frees its slots and its error reaches the caller', async () => {
  const limiter = new KeyedLimiter(() => 1);
  await assert.rejects(
    limiter.run(['k'], async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await limiter.run(['k'], async () => 'next'), 'next');
});

test('a limit below 1 is refused', async () => {
  const limiter = new KeyedLimiter(() => 0);
  await assert.rejects(
    limiter.run(['k'], async () => undefined),
    /at least 1/,
  );
});
