import { Money, type DecimalValue } from './money.js';
import { ScaledDecimal } from './scaled-decimal.js';

/**
 * Decimals as the rules meet them: strings such as "30.00". Comparing two of them is done on
 * ScaledDecimal (exact, and far cheaper than building two Decimal objects); parsing for
 * decimal.js arithmetic goes through a bounded cache, because prices, quantities and rates
 * repeat from invoice to invoice.
 */

/**
 * Whether the value is a decimal string: /^[+-]?(\d+(\.\d*)?|\.\d+)$/, that is an optional sign,
 * then digits with at most one point among them and at least one digit. Checked by hand: the
 * operators ask it several times per line, and the regular expression cost more than the rest.
 */
export function isDecimalText(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  let position = 0;
  const first = value.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) position = 1;
  let seenDigit = false;
  let seenPoint = false;
  for (; position < length; position += 1) {
    const code = value.charCodeAt(position);
    if (code >= 48 /* 0 */ && code <= 57 /* 9 */) seenDigit = true;
    else if (code === 46 /* . */ && !seenPoint) seenPoint = true;
    else return false;
  }
  return seenDigit;
}

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

const CACHE_LIMIT = 10_000;
const cache = new Map<string, DecimalValue>();

/** The Decimal a decimal string (or finite number, or Decimal) holds, else undefined. */
export function toDecimal(value: unknown): DecimalValue | undefined {
  if (value instanceof Money) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Money(value) : undefined;
  if (!isDecimalText(value)) return undefined;
  let parsed = cache.get(value);
  if (!parsed) {
    // Bounded so that memory stays flat over a long batch of distinct amounts.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    parsed = new Money(value);
    cache.set(value, parsed);
  }
  return parsed;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in characters (code points), as people and portals count them. */
export function characterCount(text: string): number {
  return SURROGATE.test(text) ? [...text].length : text.length;
}
