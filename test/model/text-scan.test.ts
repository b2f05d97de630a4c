import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countDigits,
  everyCharacterIn,
  hasIrregularSpacing,
  isCanonicalMoney,
  isDecimalText,
  isShortestDecimal,
  latin1Table,
  offsetPastDepth,
  SCAN_AT_MOST,
  someCharacterIn,
} from '../../src/model/text-scan.js';

/** Texts of the given characters, of every length up to `longest`, drawn by a seeded generator: the same on every run. */
function texts(alphabet: readonly string[], longest: number, count: number): string[] {
  let seed = 20261207;
  const next = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % below;
  };
  const drawn = [''];
  for (let index = 0; index < count; index += 1) {
    const length = 1 + next(longest);
    let text = '';
    for (let position = 0; position < length; position += 1) text += alphabet[next(alphabet.length)];
    drawn.push(text);
  }
  return drawn;
}

const NUMBER_CHARACTERS = ['0', '0', '1', '5', '9', '.', '-', '+', 'e', ' '];

test('isDecimalText accepts exactly what its regular expression accepts', () => {
  const pattern = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  for (const text of texts(NUMBER_CHARACTERS, 8, 20_000)) assert.equal(isDecimalText(text), pattern.test(text), JSON.stringify(text));
  for (const value of [12, null, undefined, ['1']]) assert.equal(isDecimalText(value), false);
});

test('isShortestDecimal accepts exactly the shortest writing of a decimal of at most 15 characters, not "-0"', () => {
  const pattern = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
  const edges = ['123456789012345', '1234567890123456', '-12345678901234', '0.5', '-0', '-0.5', '10', '1.10'];
  for (const text of [...texts(NUMBER_CHARACTERS, 8, 20_000), ...edges]) {
    assert.equal(isShortestDecimal(text), pattern.test(text) && text !== '-0' && text.length <= 15, JSON.stringify(text));
  }
});

test("isCanonicalMoney accepts exactly an amount as toFixed writes it with the currency's decimals, for 0 to 4 of them", () => {
  for (let places = 0; places <= 4; places += 1) {
    const pattern = places === 0 ? /^(0|[1-9]\d*)$/ : new RegExp(`^(0|[1-9]\\d*)\\.\\d{${places}}$`);
    for (const text of texts(NUMBER_CHARACTERS, 8, 10_000)) {
      assert.equal(isCanonicalMoney(text, places), pattern.test(text), `${JSON.stringify(text)} with ${places}`);
    }
  }
  assert.equal(isCanonicalMoney('1.00000', 5), false, 'more than 4 decimals are left to the arithmetic');
});

test('hasIrregularSpacing finds a space at either end, two in a row or other white space, in short and long texts alike', () => {
  const pattern = /\s\s|^\s|\s$|[^\S ]/;
  const alphabet = ['a', 'B', '1', ' ', ' ', '\t', '\n', '\u00a0', 'é', '\u2003'];
  const drawn = texts(alphabet, SCAN_AT_MOST * 2, 20_000);
  assert.ok(drawn.some((text) => text.length <= SCAN_AT_MOST) && drawn.some((text) => text.length > SCAN_AT_MOST));
  for (const text of drawn) assert.equal(hasIrregularSpacing(text), pattern.test(text), JSON.stringify(text));
});

test('everyCharacterIn agrees with the one-character pattern its Latin-1 table was made from', () => {
  const character = /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]$/;
  const table = latin1Table(character);
  const alphabet = ['A', 'z', '9', ' ', '-', '\u00e9', '\u00ff', '\u0100', '\u20ac', '#', '\u{1f600}'];
  for (const text of texts(alphabet, 10, 10_000)) {
    assert.equal(
      everyCharacterIn(table, text),
      [...text].every((one) => character.test(one)),
      JSON.stringify(text),
    );
  }
});

test('someCharacterIn agrees with its one-character pattern, in short and long texts, past U+00FF too', () => {
  // X12's separators and a character outside its basic set, as the segment writer's care pattern is made.
  const pattern = /[^A-Z0-9 !"&'()*+,\-./:;?=]|\*|~|\^/;
  const table = latin1Table(pattern);
  const alphabet = ['A', '9', ' ', '*', '~', '^', 'a', '\u00e9', '\u20ac', '\u{1f600}', '-'];
  const drawn = texts(alphabet, SCAN_AT_MOST * 2, 20_000);
  assert.ok(drawn.some((text) => text.length <= SCAN_AT_MOST && !pattern.test(text)) && drawn.some((text) => text.length > SCAN_AT_MOST));
  for (const text of drawn) assert.equal(someCharacterIn(table, pattern, text), pattern.test(text), JSON.stringify(text));
});

test('countDigits counts what /\\d/g matches', () => {
  for (const text of texts([...NUMBER_CHARACTERS, '\u0663', 'x'], 12, 10_000)) {
    assert.equal(countDigits(text), (text.match(/\d/g) ?? []).length, JSON.stringify(text));
  }
});

/** offsetPastDepth written another way: JSON's strings and brackets as the tokens of one regular expression. */
function referenceOffsetPastDepth(text: string, limit: number): number {
  let depth = 0;
  for (const token of text.matchAll(/"(?:[^"\\]|\\[\s\S])*"?|[[{]|[\]}]/g)) {
    if (token[0] === '[' || token[0] === '{') {
      depth += 1;
      if (depth > limit) return token.index;
    } else if (token[0] === ']' || token[0] === '}') depth -= 1;
  }
  return -1;
}

test('offsetPastDepth finds the bracket that nests past the limit, brackets inside strings (escaped quotes too) not counted', () => {
  const alphabet = ['[', '[', '{', '{', ']', '}', '"', '\\', 'a', ','];
  const drawn = texts(alphabet, 40, 20_000);
  let found = 0;
  for (const text of drawn) {
    const offset = offsetPastDepth(text, 3);
    if (offset !== -1) found += 1;
    assert.equal(offset, referenceOffsetPastDepth(text, 3), JSON.stringify(text));
  }
  assert.ok(found > 100 && found < drawn.length - 100, `both kinds drawn (${found} too deep)`);
  assert.equal(offsetPastDepth('[[["[[[["]]]]', 3), -1);
  assert.equal(offsetPastDepth('[[["\\"[[]]]', 3), -1, 'an escaped quote does not end the string');
  assert.equal(offsetPastDepth('[[["\\\\"[[]]]', 3), 7, 'an escaped backslash does not escape the quote after it');
});
