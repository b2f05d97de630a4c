import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { invoiceTotalsByDecimal, invoiceTotalsInMinorUnits } from '../../src/model/invoice-totals.js';
import { minorUnitsText, taxInMinorUnits, toMinorUnits } from '../../src/model/minor-units.js';
import { Money } from '../../src/model/money.js';

/**
 * Totals in integer minor units are a fast path: decimal.js is the reference. On generated
 * invoices of every shape both must give the same totals, and the fast path must step aside
 * (undefined) rather than round where decimal.js would.
 */
function seeded(seed: number): (limit: number) => number {
  let state = seed;
  return (limit) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % limit;
  };
}

const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD'];
const RATES = ['19', '7', '0', '20.0', '7.5', '8.25', '5.125', undefined];

function generatedInvoice(next: (limit: number) => number): Invoice {
  const currency = CURRENCIES[next(CURRENCIES.length)] ?? 'EUR';
  const decimals = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
  // Mostly the currency's decimals; sometimes fewer, sometimes one too many (the fast path must step aside).
  const amount = (size: number) => {
    const places = next(50) === 0 ? decimals + 1 : next(4) === 0 ? Math.max(0, decimals - 1) : decimals;
    const units = next(size) - (next(12) === 0 ? Math.floor(size / 2) : 0);
    return new Money(units).dividedBy(10 ** places).toFixed(places);
  };
  const tax = () => ({ taxCode: ['S', 'Z', 'E', 'AE'][next(4)], taxRate: RATES[next(RATES.length)] });
  const lines = Array.from({ length: 1 + next(12) }, () => ({ lineNumber: '1', lineAmount: next(40) === 0 ? undefined : amount(10_000_000), quantity: '1', unitPrice: '1.00', ...tax() }));
  const charges = Array.from({ length: next(3) }, () => ({ amount: amount(100_000), ...tax() }));
  const allowances = Array.from({ length: next(3) }, () => ({ amount: amount(100_000), ...tax() }));
  const stated = next(3);
  return JSON.parse(JSON.stringify({ currency, lines, charges, allowances, ...(stated === 0 ? {} : { taxTotal: amount(1_000_000), totalAmount: amount(100_000_000) }) })) as Invoice;
}

test('totals in minor units equal decimal.js totals on 5,000 generated invoices, and step aside when rounding would be needed', () => {
  const next = seeded(20261123);
  let fast = 0;
  let aside = 0;
  for (let index = 0; index < 5000; index += 1) {
    const invoice = generatedInvoice(next);
    const inMinorUnits = invoiceTotalsInMinorUnits(invoice);
    if (inMinorUnits === undefined) {
      aside += 1;
      continue;
    }
    fast += 1;
    assert.deepEqual(inMinorUnits, invoiceTotalsByDecimal(invoice), JSON.stringify(invoice));
  }
  // Both paths are exercised: a test where one of them never runs would prove nothing.
  assert.ok(fast > 1000 && aside > 1000, `fast ${fast}, aside ${aside}`);
});

test('tax is rounded half up, away from zero, as decimal.js ROUND_HALF_UP rounds', () => {
  for (const [taxable, rate, decimals] of [[250, 2, 0], [-250, 2, 0], [249, 2, 0], [1, 50, 0], [-1, 50, 0], [12345, 825, 2], [3, 5125, 3], [9_007_199_254_740, 19, 0]] as const) {
    const expected = new Money(taxable).times(new Money(rate).dividedBy(10 ** decimals)).dividedBy(100).toDecimalPlaces(0, Money.ROUND_HALF_UP).toNumber();
    assert.equal(taxInMinorUnits(taxable, [rate, decimals]), expected, `${taxable} × ${rate}e-${decimals} %`);
  }
  assert.equal(taxInMinorUnits(Number.MAX_SAFE_INTEGER, [19, 0]), undefined, 'a product past 2^53 is left to decimal.js');
});

test('amounts convert to minor units and back exactly, or not at all', () => {
  assert.equal(toMinorUnits('1234.5', 2), 123450);
  assert.equal(toMinorUnits('-0.00', 2), 0);
  assert.equal(Object.is(toMinorUnits('-0.00', 2), -0), false);
  assert.equal(toMinorUnits('1.005', 2), undefined);
  assert.equal(toMinorUnits('99999999999999.99', 2), undefined, 'past 2^53 in cents');
  assert.equal(toMinorUnits('1e3', 2), undefined);
  assert.equal(minorUnitsText(-5, 2), '-0.05');
  assert.equal(minorUnitsText(123450, 3), '123.450');
  assert.equal(minorUnitsText(7, 0), '7');
});
