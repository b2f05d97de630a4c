import { Money, type DecimalValue } from './money.js';
import { ScaledDecimal } from './scaled-decimal.js';
import { BoundedMemo } from './bounded-cache.js';
import { isDecimalText } from './text-scan.js';

export { isDecimalText };

/**
 * Decimals as the rules meet them: strings such as "30.00". Comparing two of them is done on
 * ScaledDecimal (exact, and far cheaper than building two Decimal objects); parsing for
 * decimal.js arithmetic goes through a bounded cache, because prices, quantities and rates
 * repeat from invoice to invoice.
 */

/** −1, 0 or 1 as a is less than, equal to or greater than b; undefined when either is no decimal. */
export function compareDecimals(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return isDecimalText(a) ? 0 : undefined;
    const left = ScaledDecimal.from(a);
    const right = ScaledDecimal.from(b);
    return left && right ? left.compareTo(right) : undefined;
  }
  const left = toDecimal(a);
  const right = toDecimal(b);
  return left && right ? left.comparedTo(right) : undefined;
}

/** Parsed decimal strings: prices, quantities and rates repeat from invoice to invoice. */
const parsedDecimals = new BoundedMemo<string, DecimalValue>(10_000);

/** The Decimal a decimal string (or finite number, or Decimal) holds, else undefined. */
export function toDecimal(value: unknown): DecimalValue | undefined {
  if (value instanceof Money) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Money(value) : undefined;
  if (!isDecimalText(value)) return undefined;
  return parsedDecimals.get(value, parseDecimal);
}

function parseDecimal(text: string): DecimalValue {
  return new Money(text);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in characters (code points), as people and portals count them. */
export function characterCount(text: string): number {
  return SURROGATE.test(text) ? [...text].length : text.length;
}
