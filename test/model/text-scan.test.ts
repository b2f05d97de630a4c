import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  everyCharacterIn, hasIrregularSpacing, isCanonicalMoney, isDecimalText, isShortestDecimal, latin1Table, SCAN_AT_MOST,
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

test('isCanonicalMoney accepts exactly an amount as toFixed writes it with the currency\'s decimals, for 0 to 4 of them', () => {
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
    assert.equal(everyCharacterIn(table, text), [...text].every((one) => character.test(one)), JSON.stringify(text));
  }
});
