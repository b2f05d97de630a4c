import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMemo, LastPairResult, LastResult, PairCache } from '../../src/model/bounded-cache.js';

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
  memo.get('b', upper);
  memo.get('a', upper);
  assert.deepEqual(computed, ['a', 'none', 'b', 'a']);
});

test('a last-result memo keeps only the key asked last, so asking again in a row costs no computation', () => {
  const computed: string[] = [];
  const last = new LastResult<string, number>();
  const length = (key: string) => {
    computed.push(key);
    return key.length;
  };
  assert.equal(last.get('EUR', length), 3);
  assert.equal(last.get('EUR', length), 3);
  assert.equal(last.get('JP', length), 2);
  assert.equal(last.get('EUR', length), 3);
  assert.deepEqual(computed, ['EUR', 'JP', 'EUR']);
  // undefined is a key like any other, not "nothing asked yet".
  const optional = new LastResult<string | undefined, string>();
  assert.equal(
    optional.get(undefined, (key) => `[${String(key)}]`),
    '[undefined]',
  );
});

test('a last-pair memo keeps only the pair asked last: the same first key with another second is computed again', () => {
  const computed: string[] = [];
  const last = new LastPairResult<string, number, string>();
  const cut = (text: string, width: number) => {
    computed.push(`${text}/${width}`);
    return text.slice(0, width);
  };
  assert.equal(last.get('abcdef', 3, cut), 'abc');
  assert.equal(last.get('abcdef', 3, cut), 'abc');
  assert.equal(last.get('abcdef', 2, cut), 'ab');
  assert.equal(last.get('xyz', 2, cut), 'xy');
  assert.equal(last.get('abcdef', 2, cut), 'ab');
  assert.deepEqual(computed, ['abcdef/3', 'abcdef/2', 'xyz/2', 'abcdef/2']);
});
