import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMemo, PairCache } from '../../src/model/bounded-cache.js';

test('a pair cache computes each pair once, and forgets everything when it is full rather than grow', () => {
  const computed: string[] = [];
  const cache = new PairCache<number, string, string>(3);
  const shout = (times: number, word: string) => {
    computed.push(`${times}${word}`);
    return word.repeat(times);
  };
  assert.equal(cache.get(2, 'a', shout), 'aa');
  assert.equal(cache.get(2, 'a', shout), 'aa');
  assert.equal(cache.get(3, 'a', shout), 'aaa');
  assert.equal(cache.get(2, 'b', shout), 'bb');
  assert.deepEqual(computed, ['2a', '3a', '2b']);
  // Full: the next new pair empties the cache first, so what was known is computed again.
  cache.get(1, 'c', shout);
  cache.get(2, 'a', shout);
  assert.deepEqual(computed, ['2a', '3a', '2b', '1c', '2a']);
});

test('a bounded memo computes each key once, remembers undefined too, and forgets everything when it is full', () => {
  const computed: string[] = [];
  const memo = new BoundedMemo<string, string | undefined>(2);
  const upper = (key: string) => {
    computed.push(key);
    return key === 'none' ? undefined : key.toUpperCase();
  };
  assert.equal(memo.get('a', upper), 'A');
  assert.equal(memo.get('a', upper), 'A');
  assert.equal(memo.get('none', upper), undefined);
  assert.equal(memo.get('none', upper), undefined);
  assert.deepEqual(computed, ['a', 'none']);
  // Full: the next new key empties the memo first.
  assert.equal(memo.get('b', upper), 'B');
  assert.equal(memo.get('a', upper), 'A');
  assert.deepEqual(computed, ['a', 'none', 'b', 'a']);
});
