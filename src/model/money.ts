import { Decimal } from 'decimal.js';
import { minorUnits } from './currency.js';

/**
 * Decimal arithmetic for money, quantities and rates. Values arrive as decimal strings and
 * stay decimal: no binary float ever holds an amount.
 */
const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type DecimalValue = InstanceType<typeof Money>;

export const ZERO: DecimalValue = new Money(0);

/** The decimal a string holds, or undefined when the string is absent or not a decimal. */
export function toDecimal(text: string | undefined): DecimalValue | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return new Money(text);
  } catch {
    return undefined;
  }
}

export function decimal(value: string | number): DecimalValue {
  return new Money(value);
}

/** Round half-up to the currency's minor unit (JPY 0, USD 2, KWD 3). */
export function roundToCurrency(amount: DecimalValue, currency: string): DecimalValue {
  return amount.toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** The amount written with exactly the currency's number of decimals: "12.50", "1200", "1.250". */
export function formatMoney(amount: DecimalValue, currency: string): string {
  return amount.toFixed(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** A decimal written without exponent and without trailing zeros: "12.5", "3". */
export function formatDecimal(amount: DecimalValue): string {
  return amount.toFixed();
}
