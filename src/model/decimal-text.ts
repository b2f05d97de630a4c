import { Money, type DecimalValue } from './money.js';

/**
 * Decimals as the rules meet them: strings such as "30.00". Comparing two of them needs no
 * arithmetic, so it is done on the digits (exact, and ~20× cheaper than building two
 * Decimal objects); parsing for arithmetic goes through a bounded cache, because prices,
 * quantities and rates repeat from invoice to invoice.
 */
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function isDecimalText(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_TEXT.test(value);
}

interface DecimalParts {
  readonly negative: boolean;
  readonly integer: string;
  readonly fraction: string;
}

function parts(text: string): DecimalParts {
  let start = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    start = 1;
  } else if (text.charCodeAt(0) === 43 /* + */) {
    start = 1;
  }
  const dot = text.indexOf('.', start);
  let integerStart = start;
  const integerEnd = dot < 0 ? text.length : dot;
  while (integerStart < integerEnd && text.charCodeAt(integerStart) === 48 /* 0 */) integerStart += 1;
  let fractionEnd = text.length;
  if (dot >= 0) while (fractionEnd > dot + 1 && text.charCodeAt(fractionEnd - 1) === 48) fractionEnd -= 1;
  const integer = text.slice(integerStart, integerEnd);
  const fraction = dot < 0 ? '' : text.slice(dot + 1, fractionEnd);
  if (integer === '' && fraction === '') negative = false;
  return { negative, integer, fraction };
}

function compareMagnitude(a: DecimalParts, b: DecimalParts): number {
  if (a.integer.length !== b.integer.length) return a.integer.length < b.integer.length ? -1 : 1;
  if (a.integer !== b.integer) return a.integer < b.integer ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const left = a.fraction.padEnd(width, '0');
  const right = b.fraction.padEnd(width, '0');
  return left === right ? 0 : left < right ? -1 : 1;
}

/** −1, 0 or 1 as a is less than, equal to or greater than b; undefined when either is no decimal. */
export function compareDecimals(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'string' && a === b) return isDecimalText(a) ? 0 : undefined;
  if (isDecimalText(a) && isDecimalText(b)) {
    const left = parts(a);
    const right = parts(b);
    if (left.negative !== right.negative) return left.negative ? -1 : 1;
    const order = compareMagnitude(left, right);
    return left.negative ? -order : order;
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
