import { isDecimalText } from './decimal-text.js';

/**
 * A decimal string written in another notation without arithmetic: the documents write the
 * same amounts over and over ("12.50" as "12.5" in X12 R and EDIFACT n, as "1250" in X12 N2),
 * and moving digits is exact and far cheaper than a Decimal round trip. Each function gives
 * exactly what decimal.js gives for the same text (test/model/decimal-notation.test.ts holds
 * them to it), and undefined for what it does not handle, so the caller falls back to
 * decimal.js: text that is not a plain decimal, or longer than the 40 significant digits of
 * the project's Decimal.
 */
interface Digits {
  readonly negative: boolean;
  /** Without leading zeros ('' for zero). */
  readonly integer: string;
  /** Without trailing zeros. */
  readonly fraction: string;
}

const MAX_LENGTH = 40;

function digitsOf(text: unknown): Digits | undefined {
  if (typeof text !== 'string' || text.length > MAX_LENGTH || !isDecimalText(text)) return undefined;
  let start = 0;
  let negative = false;
  const sign = text.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) {
    negative = sign === 45;
    start = 1;
  }
  const dot = text.indexOf('.', start);
  const integerEnd = dot < 0 ? text.length : dot;
  let integerStart = start;
  while (integerStart < integerEnd && text.charCodeAt(integerStart) === 48 /* 0 */) integerStart += 1;
  let fractionEnd = text.length;
  if (dot >= 0) while (fractionEnd > dot + 1 && text.charCodeAt(fractionEnd - 1) === 48) fractionEnd -= 1;
  const integer = text.slice(integerStart, integerEnd);
  const fraction = dot < 0 ? '' : text.slice(dot + 1, fractionEnd);
  // decimal.js writes negative zero as "0".
  return { negative: negative && (integer !== '' || fraction !== ''), integer, fraction };
}

/** As Decimal#toFixed(): no trailing zeros, no exponent ("12.50" → "12.5", "-0.00" → "0"). */
export function plainDecimal(text: unknown): string | undefined {
  const digits = digitsOf(text);
  if (!digits) return undefined;
  const { negative, integer, fraction } = digits;
  return `${negative ? '-' : ''}${integer || '0'}${fraction ? `.${fraction}` : ''}`;
}

/**
 * The amount as a whole number of 1/10^places ("12.50" with 2 → "1250", X12 N2), or `inexact`
 * when it has more decimals than that: as Decimal#times(10^places).toFixed(0) when that is an
 * integer.
 */
export function impliedDecimal(text: unknown, places: number): string | 'inexact' | undefined {
  const digits = digitsOf(text);
  if (!digits) return undefined;
  const { negative, integer, fraction } = digits;
  if (fraction.length > places) return 'inexact';
  const whole = `${integer}${fraction.padEnd(places, '0')}`.replace(/^0+/, '');
  return whole === '' ? '0' : `${negative ? '-' : ''}${whole}`;
}

/**
 * The amount with exactly `places` decimals, when that needs no rounding: as
 * Decimal#toFixed(places) ("12.5" with 2 → "12.50"); undefined when digits would be cut.
 */
export function paddedDecimal(text: unknown, places: number): string | undefined {
  const digits = digitsOf(text);
  if (!digits || digits.fraction.length > places) return undefined;
  const { negative, integer, fraction } = digits;
  return `${negative ? '-' : ''}${integer || '0'}${places > 0 ? `.${fraction.padEnd(places, '0')}` : ''}`;
}
