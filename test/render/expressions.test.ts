import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fill } from '../../src/render/expressions.js';
import { Money } from '../../src/model/money.js';

/** Filters compute with ScaledDecimal; decimal.js is the reference they are held to. */
test('percent: value × rate / 100 rounded half up to the currency, as decimal.js computes it', () => {
  const cases: [string, string | undefined, string][] = [
    ['1052.50', '19', 'EUR'],
    ['-1052.50', '19', 'EUR'],
    ['0.05', '50', 'EUR'],
    ['0.05', '10', 'EUR'],
    ['-0.05', '10', 'EUR'],
    ['12345', '8.25', 'JPY'],
    ['12.345', '5', 'KWD'],
    ['12.3456', '19', 'EUR'],
    ['100.00', '7.125', 'USD'],
    ['100.00', undefined, 'EUR'],
    ['100', 'abc', 'EUR'],
  ];
  for (const [value, rate, currency] of cases) {
    const places = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
    const expected = new Money(value)
      .times(rate !== undefined && /^\d/.test(rate) ? rate : 0)
      .dividedBy(100)
      .toFixed(places, Money.ROUND_HALF_UP);
    assert.equal(
      fill('{{ v | percent:r }}', { scope: { v: value, r: rate, invoice: { currency } }, codes: {} }),
      expected,
      `${value} × ${rate} % in ${currency}`,
    );
  }
});
