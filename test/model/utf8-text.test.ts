import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { test } from 'node:test';
import { firstInvalidUtf8, unfinishedTail } from '../../src/model/utf8-text.js';

/** Random bytes, mostly ASCII with lead and continuation bytes mixed in: every kind of bad sequence turns up. */
function randomBytes(seed: number, length: number): Buffer {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  const pool = [0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xc0, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x90, 0x8f];
  return Buffer.from(Array.from({ length }, () => pool[next() % pool.length] as number));
}

test('firstInvalidUtf8 agrees with Buffer.isUtf8 and a fatal TextDecoder on where valid text ends', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let seed = 1; seed <= 3000; seed += 1) {
    const bytes = randomBytes(seed, 1 + (seed % 9));
    const at = firstInvalidUtf8(bytes);
    assert.equal(at === -1, isUtf8(bytes), bytes.toString('hex'));
    if (at === -1) continue;
    assert.ok(isUtf8(bytes.subarray(0, at)), `the bytes before ${at} are valid: ${bytes.toString('hex')}`);
    assert.throws(() => decoder.decode(bytes.subarray(0, Math.min(at + 4, bytes.length))), bytes.toString('hex'));
  }
});

test('unfinishedTail carries exactly the bytes of a character cut at the end of a chunk', () => {
  const text = Buffer.from('a€é😀', 'utf8');
  const cuts = [...Array(text.length + 1).keys()].map((end) => unfinishedTail(text.subarray(0, end)));
  // a | € (3 bytes) | é (2) | 😀 (4)
  assert.deepEqual(cuts, [0, 0, 1, 2, 0, 1, 0, 1, 2, 3, 0]);
});
