import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impliedDecimal, paddedDecimal, plainDecimal } from '../../src/model/decimal-notation.js';
import { Money } from '../../src/model/money.js';

/**
 * The text paths of decimal-notation are held to decimal.js, the reference, on the spellings
 * invoices use and on every odd one: signs, leading and trailing zeros, negative zero, no
 * integer part, no fraction digits, long amounts.
 */
const SPELLINGS = ['0', '-0', '+0', '0.00', '-0.00', '.5', '-.5', '5.', '007', '007.500', '12.50', '-12.50', '+12.5', '1234.5', '0.001', '-0.001', '100', '1000000.10', '99999999999999999.99', '12345678901234567890.123456789', '0.1234567890123'];

/** Decimal strings of every shape, from a seeded generator: the same cases on every run. */
function generatedSpellings(count: number): string[] {
  let seed = 20261123;
  const next = (limit: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % limit;
  };
  const digits = (length: number) => Array.from({ length }, () => String(next(10))).join('');
  return Array.from({ length: count }, () => `${['', '-', '+'][next(3)]}${digits(next(8))}${next(4) === 0 ? '' : `.${digits(next(6))}`}`).filter((text) => /\d/.test(text));
}

const CASES = [...SPELLINGS, ...generatedSpellings(5000)];

test('plainDecimal writes what Decimal#toFixed() writes', () => {
  for (const text of CASES) assert.equal(plainDecimal(text), new Money(text).toFixed(), text);
});

test('impliedDecimal writes what Decimal#times(10^p).toFixed(0) writes, and calls an amount with more decimals inexact', () => {
  for (const places of [0, 2, 3]) {
    for (const text of CASES) {
      const scaled = new Money(text).times(new Money(10).pow(places));
      assert.equal(impliedDecimal(text, places), scaled.isInteger() ? scaled.toFixed(0) : 'inexact', `${text} with ${places}`);
    }
  }
});

test('paddedDecimal writes what Decimal#toFixed(places) writes when nothing is rounded, and leaves rounding to decimal.js', () => {
  for (const places of [0, 2, 3]) {
    for (const text of CASES) {
      const decimal = new Money(text);
      const exact = decimal.decimalPlaces() <= places;
      assert.equal(paddedDecimal(text, places), exact ? decimal.toFixed(places) : undefined, `${text} with ${places}`);
    }
  }
});

test('what is not a plain decimal string is left to decimal.js', () => {
  for (const value of ['1e3', 'abc', '', '1.2.3', '--1', 12.5, undefined, null, '1'.repeat(41)]) {
    assert.equal(plainDecimal(value), undefined, String(value));
    assert.equal(impliedDecimal(value, 2), undefined, String(value));
    assert.equal(paddedDecimal(value, 2), undefined, String(value));
  }
});
