import { Decimal } from 'decimal.js';
import { minorUnits } from './currency.js';

/**
 * Decimal arithmetic for money, quantities and rates. Values arrive as decimal strings and
 * stay decimal: no binary float ever holds an amount.
 */
/**
 * The one Decimal of firstpass: 40 significant digits (a quantity × price never loses a
 * digit), half-up rounding, never exponent notation in text.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type DecimalValue = InstanceType<typeof Money>;

export const ZERO: DecimalValue = new Money(0);

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
