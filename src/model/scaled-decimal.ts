import { Money, type DecimalValue } from './money.js';

/**
 * Exact decimal arithmetic for the figures worked out for every invoice (line amounts, tax,
 * totals, what is left on a PO), at a fraction of decimal.js's cost.
 *
 * A value is `units × 10^-scale`, with `units` an integer no larger than 2^53 − 1: "149.99" is
 * 14999 at scale 2. On such integers a double is exact, and so is every sum, difference and
 * product whose result stays within 2^53 (a result past it is detected, see `fits`). Rounding
 * divides by a power of ten with an exact remainder. So as long as values fit, the results are
 * the exact decimal results, which is also what decimal.js computes with its 40 significant
 * digits (a fitting value has at most 16).
 *
 * A value that does not fit (too many digits, too many decimals, a product past 2^53) is held as
 * a decimal.js `Money` and every operation involving it is done by decimal.js, exactly as
 * before. Either way a result is the same as decimal.js's, digit for digit; a differential test
 * (test/model/scaled-decimal.test.ts) holds the two to that.
 *
 * Zero has no sign here; decimal.js's −0 never shows in its toString or toFixed either.
 */
export class ScaledDecimal {
  private constructor(
    /** A safe integer; meaningless when `big` is set. */
    private readonly units: number,
    /** Decimals: 0 to MAX_SCALE; meaningless when `big` is set. */
    private readonly scale: number,
    /** The value as decimal.js holds it, when it does not fit in units and scale. */
    private readonly big: DecimalValue | undefined,
  ) {}

  static readonly ZERO = new ScaledDecimal(0, 0, undefined);

  /**
   * The value of a decimal string, a Money (or decimal.js Decimal) or a finite number, as
   * toDecimal reads them; undefined for anything else.
   */
  static from(value: unknown): ScaledDecimal | undefined {
    if (typeof value === 'string') return ScaledDecimal.parse(value);
    if (value instanceof ScaledDecimal) return value;
    if (typeof value === 'number') return Number.isFinite(value) ? ScaledDecimal.ofBig(new Money(value)) : undefined;
    if (Money.isDecimal(value)) return ScaledDecimal.parse((value as DecimalValue).toFixed());
    return undefined;
  }

  /**
   * A decimal string as isDecimalText accepts it (optional sign, digits, optional point and
   * digits, no exponent), read in one pass; anything else is undefined. A string with too many
   * digits or decimals to fit is read by decimal.js.
   */
  private static parse(text: string): ScaledDecimal | undefined {
    const length = text.length;
    const first = text.charCodeAt(0);
    const negative = first === 45; /* - */
    let position = negative || first === 43 /* + */ ? 1 : 0;
    let units = 0;
    let significantDigits = 0;
    let scale = 0;
    let seenDigit = false;
    let seenPoint = false;
    for (; position < length; position += 1) {
      const code = text.charCodeAt(position);
      if (code >= 48 /* 0 */ && code <= 57 /* 9 */) {
        seenDigit = true;
        if (seenPoint) scale += 1;
        // Leading zeros add nothing; every other digit counts towards what must fit.
        if (units !== 0 || code !== 48) significantDigits += 1;
        units = units * 10 + (code - 48);
      } else if (code === 46 /* . */ && !seenPoint) {
        seenPoint = true;
      } else {
        return undefined;
      }
    }
    if (!seenDigit) return undefined;
    if (significantDigits > MAX_DIGITS || scale > MAX_SCALE) return ScaledDecimal.ofBig(new Money(text));
    return ScaledDecimal.of(negative ? -units : units, scale);
  }

  private static of(units: number, scale: number): ScaledDecimal {
    return units === 0 ? ScaledDecimal.ZERO : new ScaledDecimal(units, scale, undefined);
  }

  private static ofBig(value: DecimalValue): ScaledDecimal {
    return new ScaledDecimal(0, 0, value);
  }

  /** The same value as a decimal.js Money. */
  toDecimal(): DecimalValue {
    return this.big ?? new Money(this.units === 0 ? 0 : `${this.units}e-${this.scale}`);
  }

  isZero(): boolean {
    return this.big === undefined ? this.units === 0 : this.big.isZero();
  }

  isNegative(): boolean {
    return this.big === undefined ? this.units < 0 : this.big.isNegative() && !this.big.isZero();
  }

  plus(other: ScaledDecimal): ScaledDecimal {
    if (this.big === undefined && other.big === undefined) {
      if (other.units === 0) return this;
      if (this.units === 0) return other;
      const scale = Math.max(this.scale, other.scale);
      const sum = alignedUnits(this.units, this.scale, scale) + alignedUnits(other.units, other.scale, scale);
      if (fits(sum)) return ScaledDecimal.of(sum, scale);
    }
    return ScaledDecimal.ofBig(this.toDecimal().plus(other.toDecimal()));
  }

  minus(other: ScaledDecimal): ScaledDecimal {
    if (this.big === undefined && other.big === undefined) {
      if (other.units === 0) return this;
      const scale = Math.max(this.scale, other.scale);
      const difference = alignedUnits(this.units, this.scale, scale) - alignedUnits(other.units, other.scale, scale);
      if (fits(difference)) return ScaledDecimal.of(difference, scale);
    }
    return ScaledDecimal.ofBig(this.toDecimal().minus(other.toDecimal()));
  }

  times(other: ScaledDecimal): ScaledDecimal {
    if (this.big === undefined && other.big === undefined) {
      const product = this.units * other.units;
      const scale = this.scale + other.scale;
      if (fits(product) && scale <= MAX_SCALE) return ScaledDecimal.of(product, scale);
    }
    return ScaledDecimal.ofBig(this.toDecimal().times(other.toDecimal()));
  }

  /** This ÷ 10^exponent: per cent is dividedByPowerOfTen(2). */
  dividedByPowerOfTen(exponent: number): ScaledDecimal {
    if (this.big === undefined && this.scale + exponent <= MAX_SCALE) return ScaledDecimal.of(this.units, this.scale + exponent);
    return ScaledDecimal.ofBig(this.toDecimal().dividedBy(new Money(10).pow(exponent)));
  }

  negated(): ScaledDecimal {
    return this.big === undefined ? ScaledDecimal.of(-this.units, this.scale) : ScaledDecimal.ofBig(this.big.negated());
  }

  abs(): ScaledDecimal {
    return this.isNegative() ? this.negated() : this;
  }

  /** −1, 0 or 1 as this is less than, equal to or greater than other (decimal.js comparedTo). */
  compareTo(other: ScaledDecimal): number {
    if (this.big === undefined && other.big === undefined) {
      const scale = Math.max(this.scale, other.scale);
      const left = alignedUnits(this.units, this.scale, scale);
      const right = alignedUnits(other.units, other.scale, scale);
      if (fits(left) && fits(right)) return left === right ? 0 : left < right ? -1 : 1;
    }
    return this.toDecimal().comparedTo(other.toDecimal());
  }

  /** Rounded to `places` decimals, half away from zero (decimal.js ROUND_HALF_UP). */
  roundHalfUp(places: number): ScaledDecimal {
    if (this.big !== undefined) return ScaledDecimal.ofBig(this.big.toDecimalPlaces(places, Money.ROUND_HALF_UP));
    if (this.scale <= places) return this;
    return ScaledDecimal.of(roundedUnits(this.units, this.scale - places), places);
  }

  /**
   * Written with exactly `places` decimals, rounded half away from zero: decimal.js's
   * toFixed(places, ROUND_HALF_UP), which keeps the minus sign of a negative value that rounds
   * to zero ("-0.00").
   */
  toFixed(places: number): string {
    if (this.big !== undefined) return this.big.toFixed(places, Money.ROUND_HALF_UP);
    const units = this.scale <= places ? alignedUnits(this.units, this.scale, places) : roundedUnits(this.units, this.scale - places);
    // Padding with zeros can pass 2^53 (or MAX_SCALE): decimal.js writes those digits.
    if (!fits(units)) return this.toDecimal().toFixed(places, Money.ROUND_HALF_UP);
    const text = plainDigits(Math.abs(units), places);
    return this.units < 0 ? `-${text}` : text;
  }

  /** The shortest plain writing, as decimal.js's toString: no trailing zeros, "0" for zero. */
  toString(): string {
    if (this.big !== undefined) return this.big.toString();
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % 10 === 0) {
      units /= 10;
      scale -= 1;
    }
    const text = plainDigits(Math.abs(units), scale);
    return units < 0 ? `-${text}` : text;
  }
}

/**
 * More decimals than this go to decimal.js. It keeps powers of ten exact as doubles (up to
 * 10^22) and keeps toString's plain notation, which decimal.js gives up at 30 decimals.
 */
const MAX_SCALE = 20;
const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_SCALE + 1 }, (_, exponent) => 10 ** exponent);
/** A decimal string of at most this many digits always fits: 10^15 < 2^53. */
const MAX_DIGITS = 15;

/**
 * Whether an integer result is exact. A double sum or product of safe integers whose exact
 * value passes 2^53 − 1 rounds to a double at least 2^53, never back inside the range, so
 * this check cannot be fooled by the rounding it guards against.
 */
function fits(units: number): boolean {
  return units <= Number.MAX_SAFE_INTEGER && units >= -Number.MAX_SAFE_INTEGER;
}

/** units at scale written at a larger scale: (15, 1) at 3 → 1500. NaN past MAX_SCALE, which `fits` rejects. */
function alignedUnits(units: number, scale: number, targetScale: number): number {
  return scale === targetScale ? units : units * (POWERS_OF_TEN[targetScale - scale] ?? Number.NaN);
}

/** units ÷ 10^drop, rounded half away from zero; the remainder is exact (fmod of integers). */
function roundedUnits(units: number, drop: number): number {
  const divisor = POWERS_OF_TEN[drop] ?? Number.NaN;
  const magnitude = Math.abs(units);
  const remainder = magnitude % divisor;
  const quotient = (magnitude - remainder) / divisor + (remainder * 2 >= divisor ? 1 : 0);
  return units < 0 ? -quotient : quotient;
}

/** A non-negative safe integer written with `places` decimals: (14999, 2) → "149.99". */
function plainDigits(magnitude: number, places: number): string {
  if (places === 0) return String(magnitude);
  // Whole part and decimals apart: two short conversions, no slicing of the digits.
  const divisor = POWERS_OF_TEN[places] as number;
  const fraction = magnitude % divisor;
  const fractionDigits = String(fraction);
  return `${(magnitude - fraction) / divisor}.${fractionDigits.length < places ? '0'.repeat(places - fractionDigits.length) + fractionDigits : fractionDigits}`;
}
