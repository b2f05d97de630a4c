import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeenKeys } from '../../src/model/seen-keys.js';
import { seededRandom } from '../support/corpus.js';

/** SeenKeys must answer exactly as a Map would: first sighting undefined, later ones where it was first seen. */
test('SeenKeys answers as a Map does over 200,000 claims, through many rehashes, with Latin-1 and wider keys', () => {
  const random = seededRandom(7);
  const alphabet = ['A', 'B', '7', '-', '/', 'é', 'ß', '\u0000', 'Ω', '€', '😀'];
  const pool: string[] = [''];
  for (let index = 0; index < 60_000; index += 1) {
    const length = 1 + Math.floor(random() * 14);
    let key = `INV-${index % 997}`;
    for (let character = 0; character < length; character += 1)
      key += alphabet[Math.floor(random() * (random() < 0.9 ? 5 : alphabet.length))];
    pool.push(key);
  }
  const seen = new SeenKeys();
  const reference = new Map<string, { first: number; second: number }>();
  let repeats = 0;
  for (let claim = 0; claim < 200_000; claim += 1) {
    const key = pool[Math.floor(random() * pool.length)] as string;
    const first = Math.floor(random() * 50);
    const second = Math.floor(random() * 2_000_000) - 1_000_000;
    const expected = reference.get(key);
    if (expected === undefined) reference.set(key, { first, second });
    else repeats += 1;
    assert.deepEqual(seen.claim(key, first, second), expected, `claim ${claim} of ${JSON.stringify(key)}`);
  }
  assert.equal(seen.size, reference.size);
  assert.ok(repeats > 50_000 && reference.size > 50_000, `${repeats} repeats, ${reference.size} keys: the test must exercise both`);
});

test('keys that differ only past their hash are told apart', () => {
  const seen = new SeenKeys();
  assert.equal(seen.claim('ab', 1, 1), undefined);
  assert.equal(seen.claim('ba', 2, 2), undefined);
  assert.equal(seen.claim('abc', 3, 3), undefined);
  assert.deepEqual(seen.claim('ab', 9, 9), { first: 1, second: 1 });
  assert.deepEqual(seen.claim('abc', 9, 9), { first: 3, second: 3 });
  assert.equal(seen.claim('a', 4, 4), undefined);
});
