import { isDecimalText } from './decimal-text.js';

/**
 * Money as a whole number of minor units (cents), in a plain JavaScript number: exact while it
 * stays a safe integer (below 2^53, ninety trillion euros in cents). Most invoices write every
 * amount with at most the currency's decimals, and for them sums and tax need no decimal
 * library at all. Anything else gives undefined, and the caller uses decimal.js, the reference
 * (test/model/minor-units.test.ts holds the two to the same results).
 */

/** "1234.5" with 2 places → 123450; undefined for more decimals than that, or an unsafe size. */
export function toMinorUnits(text: unknown, places: number): number | undefined {
  if (typeof text !== 'string' || text.length > 17 || !isDecimalText(text)) return undefined;
  const dot = text.indexOf('.');
  const fraction = dot < 0 ? '' : text.slice(dot + 1);
  if (fraction.length > places) return undefined;
  const integer = dot < 0 ? text : text.slice(0, dot);
  const units = Number(`${integer}${fraction.padEnd(places, '0')}`);
  return Number.isSafeInteger(units) ? units + 0 : undefined; // + 0: no negative zero
}

/** 123450 with 2 places → "1234.50": the amount as Decimal#toFixed(places) writes it. */
export function minorUnitsText(units: number, places: number): string {
  const digits = String(Math.abs(units)).padStart(places + 1, '0');
  const sign = units < 0 ? '-' : '';
  return places === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** A tax rate as an integer and its number of decimals: "19" → [19, 0], "7.5" → [75, 1]. */
export function scaledRate(text: string | undefined): readonly [number, number] | undefined {
  if (text === undefined) return [0, 0];
  if (text.length > 12 || !isDecimalText(text)) return undefined;
  const dot = text.indexOf('.');
  const decimals = dot < 0 ? 0 : text.length - dot - 1;
  const scaled = Number(dot < 0 ? text : `${text.slice(0, dot)}${text.slice(dot + 1)}`);
  return Number.isSafeInteger(scaled) ? [scaled, decimals] : undefined;
}

/**
 * taxable × rate / 100, rounded half up (away from zero, as ROUND_HALF_UP), in minor units;
 * undefined when the product would leave the safe integers.
 */
export function taxInMinorUnits(taxable: number, [rate, rateDecimals]: readonly [number, number]): number | undefined {
  const product = taxable * rate;
  if (!Number.isSafeInteger(product)) return undefined;
  const divisor = 100 * 10 ** rateDecimals;
  const magnitude = Math.abs(product);
  // Float division of large integers can land one off; the remainder puts it right.
  let quotient = Math.floor(magnitude / divisor);
  let remainder = magnitude - quotient * divisor;
  if (remainder < 0) {
    quotient -= 1;
    remainder += divisor;
  } else if (remainder >= divisor) {
    quotient += 1;
    remainder -= divisor;
  }
  const rounded = remainder * 2 >= divisor ? quotient + 1 : quotient;
  return product < 0 ? -rounded : rounded;
}
