import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breakLongWords, SHORT_WORD } from '../../src/render/break-long-words.js';

/** Every character one unit wide. */
const units = (text: string): number => [...text].length;

test('a word wider than the box is cut into pieces that fill it, each on a line of its own; the words around it stay', () => {
  const word = 'x'.repeat(100);
  assert.equal(breakLongWords(word, 30, units), ['x'.repeat(30), 'x'.repeat(30), 'x'.repeat(30), 'x'.repeat(10)].join('\n'));
  assert.equal(
    breakLongWords(`see ${word} end`, 30, units),
    `see ${'x'.repeat(30)}\n${'x'.repeat(30)}\n${'x'.repeat(30)}\n${'x'.repeat(10)} end`,
  );
});

test('ordinary text, short words and long words that fit are left to pdfkit untouched', () => {
  const long = 'y'.repeat(SHORT_WORD + 5);
  for (const text of ['Hose clamp 5/8 inch, stainless', 'z'.repeat(SHORT_WORD), `fits: ${long}`])
    assert.equal(breakLongWords(text, 60, units), text);
  // A short word wider than a narrow box is pdfkit's to break, as it always was.
  assert.equal(breakLongWords('w'.repeat(SHORT_WORD), 10, units), 'w'.repeat(SHORT_WORD));
});

test('pieces are measured whole (kerning can widen them), a character wider than the box is a piece of its own, and no surrogate pair is split', () => {
  // A made-up font where "AV" kerns wider than its letters.
  const kerned = (text: string): number => text.length + (text.match(/AV/g)?.length ?? 0);
  const word = 'AV'.repeat(60);
  const pieces = breakLongWords(word, 11, kerned).split('\n');
  assert.equal(pieces.join(''), word);
  for (const piece of pieces) assert.ok(kerned(piece) <= 11, `${piece}: ${kerned(piece)}`);
  assert.deepEqual(
    breakLongWords('q'.repeat(50), 0.5, units).split('\n'),
    Array.from({ length: 50 }, () => 'q'),
  );
  const faces = breakLongWords('😀'.repeat(50), 7, units).split('\n');
  assert.equal(faces.join(''), '😀'.repeat(50));
  for (const piece of faces) assert.doesNotMatch(piece, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
});
