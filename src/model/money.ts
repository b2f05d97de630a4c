import { Decimal } from 'decimal.js';

/**
 * Decimal arithmetic for money, quantities and rates. Values arrive as decimal strings and
 * stay decimal: no binary float ever holds an amount. The one Decimal of firstpass has 40
 * significant digits (a quantity × price never loses a digit), rounds half-up, and never
 * writes exponent notation. Rounding and formatting to a currency are in invoice-totals.ts.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type DecimalValue = InstanceType<typeof Money>;

export const ZERO: DecimalValue = new Money(0);
