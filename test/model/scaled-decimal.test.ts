import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import { compareDecimals, isDecimalText, toDecimal } from '../../src/model/decimal-text.js';
import { Money } from '../../src/model/money.js';
import { ScaledDecimal } from '../../src/model/scaled-decimal.js';
import { seededRandom } from '../support/corpus.js';

/**
 * ScaledDecimal is only allowed because it gives exactly decimal.js's results: the same digits
 * from toString and toFixed for every value and operation the rules use, whether a value fits
 * in its integer fast path or falls back to decimal.js.
 */

const EDGE_CASES = [
  '0',
  '-0',
  '+0',
  '0.00',
  '-0.00',
  '.5',
  '5.',
  '+.5',
  '-.5',
  '007.50',
  '-007.50',
  '0.005',
  '-0.005',
  '0.015',
  '0.0049999',
  '2.5',
  '-2.5',
  '0.5',
  '1.45',
  '1.4449',
  '99.995',
  '-99.995',
  '123456789012345',
  '-123456789012345',
  '999999999999999',
  '1234567890123456',
  '9007199254740991',
  '9007199254740993',
  '0.000000000000000000001',
  '0.00000000000000000001',
  '1e5',
  '12,50',
  '',
  '.',
  '-',
  '+',
  '1.2.3',
  ' 1',
  'NaN',
  'Infinity',
  '123456789012345678901234567890.123456789',
  '-98765432109876543210.5',
  '0.1234567890123456789012345',
];

/** Decimal strings of every shape: signs, leading zeros, 0 to 22 decimals, up to 20 integer digits. */
function randomDecimalText(random: () => number): string {
  const digits = (count: number) => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
  const small = random() < 0.7;
  const integer = digits(small ? Math.floor(random() * 7) : Math.floor(random() * 21));
  const fraction = digits(small ? Math.floor(random() * 5) : Math.floor(random() * 23));
  const sign = random() < 0.25 ? '-' : random() < 0.05 ? '+' : '';
  if (integer === '' && fraction === '') return `${sign}0`;
  if (fraction === '') return `${sign}${integer}${random() < 0.05 ? '.' : ''}`;
  return `${sign}${integer}.${fraction}`;
}

/** What each value is asked for in the rules: its writing, and its writing to 0–4 decimals. */
function writings(value: { toString(): string; toFixed(places: number, rounding?: number): string }): string[] {
  return [value.toString(), ...[0, 1, 2, 3, 4].map((places) => value.toFixed(places, Money.ROUND_HALF_UP))];
}

function assertSameValue(scaled: ScaledDecimal, reference: InstanceType<typeof Money>, what: string): void {
  assert.deepEqual(writings(scaled), writings(reference), what);
  assert.equal(scaled.isZero(), reference.isZero(), `${what}: isZero`);
  for (const places of [0, 2, 3]) {
    assert.deepEqual(
      writings(scaled.roundHalfUp(places)),
      writings(reference.toDecimalPlaces(places, Money.ROUND_HALF_UP)),
      `${what}: rounded to ${places}`,
    );
  }
  assert.deepEqual(writings(scaled.toDecimal()), writings(reference), `${what}: as a Decimal`);
}

test('reads exactly the strings toDecimal reads, as the same values', () => {
  const random = seededRandom(1);
  const texts = [...EDGE_CASES, ...Array.from({ length: 3000 }, () => randomDecimalText(random))];
  for (const text of texts) {
    const scaled = ScaledDecimal.from(text);
    const reference = toDecimal(text);
    assert.equal(scaled === undefined, reference === undefined, `${JSON.stringify(text)}: read by one and not the other`);
    assert.equal(scaled !== undefined, isDecimalText(text), JSON.stringify(text));
    if (scaled && reference) assertSameValue(scaled, reference, text);
  }
});

test('plus, minus, times, ÷ 100, negated and abs give decimal.js results, fitting or not', () => {
  const random = seededRandom(2);
  const values = [...EDGE_CASES.filter(isDecimalText), ...Array.from({ length: 600 }, () => randomDecimalText(random))];
  for (let index = 0; index < 6000; index += 1) {
    const aText = values[Math.floor(random() * values.length)] as string;
    const bText = values[Math.floor(random() * values.length)] as string;
    const [a, b] = [ScaledDecimal.from(aText) as ScaledDecimal, ScaledDecimal.from(bText) as ScaledDecimal];
    const [x, y] = [new Money(aText), new Money(bText)];
    assertSameValue(a.plus(b), x.plus(y), `${aText} + ${bText}`);
    assertSameValue(a.minus(b), x.minus(y), `${aText} − ${bText}`);
    assertSameValue(a.times(b), x.times(y), `${aText} × ${bText}`);
    assertSameValue(a.times(b).dividedByPowerOfTen(2), x.times(y).dividedBy(100), `${aText} × ${bText} ÷ 100`);
    assertSameValue(a.negated(), x.negated(), `−${aText}`);
    assertSameValue(a.abs(), x.abs(), `|${aText}|`);
  }
});

test('the invoice arithmetic: line amounts, tax per group, sums of many amounts, in 0, 2 and 3 decimal currencies', () => {
  const random = seededRandom(3);
  const amount = (places: number) => (Math.floor(random() * 10 ** (2 + Math.floor(random() * 8))) / 10 ** places).toFixed(places);
  for (let index = 0; index < 3000; index += 1) {
    const places = [0, 2, 3][index % 3] as number;
    const quantity = random() < 0.5 ? String(1 + Math.floor(random() * 500)) : amount(Math.floor(random() * 4));
    const price = amount(Math.floor(random() * 5));
    const rate = ['19', '7', '0', '20.5', '8.875', '5.5'][index % 6] as string;
    const line = ScaledDecimal.from(quantity)!.times(ScaledDecimal.from(price)!).roundHalfUp(places);
    const lineReference = new Money(quantity).times(price).toDecimalPlaces(places, Money.ROUND_HALF_UP);
    assertSameValue(line, lineReference, `${quantity} × ${price} to ${places}`);
    const tax = line.times(ScaledDecimal.from(rate)!).dividedByPowerOfTen(2).roundHalfUp(places);
    assertSameValue(
      tax,
      lineReference.times(rate).dividedBy(100).toDecimalPlaces(places, Money.ROUND_HALF_UP),
      `tax of ${line.toString()} at ${rate}%`,
    );
  }
  let sum = ScaledDecimal.ZERO;
  let sumReference = new Money(0);
  for (let index = 0; index < 20_000; index += 1) {
    const text = (index % 7 === 0 ? '-' : '') + amount(2);
    sum = sum.plus(ScaledDecimal.from(text)!);
    sumReference = sumReference.plus(text);
  }
  assertSameValue(sum, sumReference, 'a running total');
});

test('reads decimal.js values (of any Decimal class) and numbers as toDecimal does', () => {
  for (const value of [
    new Decimal('12.50'),
    new Decimal(8),
    new Money('-0.125'),
    new Decimal('1e-40'),
    new Decimal('123456789012345678901234567890'),
  ]) {
    assertSameValue(ScaledDecimal.from(value)!, new Money(value), value.toString());
  }
  for (const value of [0, 12.5, -3, 0.1, 1e21]) assertSameValue(ScaledDecimal.from(value)!, toDecimal(value)!, String(value));
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}, [], true])
    assert.equal(ScaledDecimal.from(value), undefined, String(value));
});

test('isDecimalText accepts exactly what the decimal pattern of the schemas accepts', () => {
  const pattern = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const random = seededRandom(4);
  const alphabet = ['0', '1', '9', '.', '-', '+', ' ', 'e', '\n', '٣', ','];
  const scrambled = Array.from({ length: 5000 }, () =>
    Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
  );
  for (const text of [...EDGE_CASES, '1\n', '\n1', '-.', '+.', '..1', '1..', ...scrambled]) {
    assert.equal(isDecimalText(text), pattern.test(text), JSON.stringify(text));
  }
  for (const value of [1, null, undefined, {}, ['1']]) assert.equal(isDecimalText(value), false);
});

test('compareDecimals and compareTo order decimals as decimal.js does, fitting or not', () => {
  const random = seededRandom(5);
  const values = [...EDGE_CASES, ...Array.from({ length: 400 }, () => randomDecimalText(random))];
  for (let index = 0; index < 20_000; index += 1) {
    const a = values[Math.floor(random() * values.length)] as string;
    const b = random() < 0.1 ? a : (values[Math.floor(random() * values.length)] as string);
    const expected = isDecimalText(a) && isDecimalText(b) ? new Money(a).comparedTo(b) : undefined;
    assert.equal(compareDecimals(a, b), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    if (expected !== undefined) assert.equal(ScaledDecimal.from(a)!.compareTo(ScaledDecimal.from(b)!), expected, `${a} compareTo ${b}`);
  }
  assert.equal(compareDecimals(5, '5.00'), 0);
  assert.equal(compareDecimals('abc', 'abc'), undefined);
});
