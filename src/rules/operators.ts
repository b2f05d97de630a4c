import { characterCount, compareDecimals } from '../model/decimal-text.js';
import { linearPattern } from '../model/regexp-cache.js';

/**
 * The operators rules may use. json-rules-engine's built-ins are restated here with exactly
 * the engine's semantics (a fact-type check, then the comparison) so the compiled evaluator can
 * run them without the engine; the custom ones are registered on the engine with addOperator.
 * A differential test holds both evaluators to the same results.
 */
export interface OperatorDefinition {
  /** json-rules-engine's factValueValidator: a fact of the wrong type fails the condition. */
  readonly accepts: (factValue: unknown) => boolean;
  readonly test: (factValue: unknown, compareTo: unknown) => boolean;
}

/** The factValueValidator of operators that take a fact of any type. */
export const acceptsAnyFact = (): boolean => true;
const isNumberLike = (value: unknown): boolean => Number.parseFloat(value as string).toString() !== 'NaN';

/** json-rules-engine 7's default operators, same semantics. */
export const BUILT_IN_OPERATORS: Readonly<Record<string, OperatorDefinition>> = {
  equal: { accepts: acceptsAnyFact, test: (a, b) => a === b },
  notEqual: { accepts: acceptsAnyFact, test: (a, b) => a !== b },
  in: { accepts: acceptsAnyFact, test: (a, b) => (b as unknown[]).indexOf(a) > -1 },
  notIn: { accepts: acceptsAnyFact, test: (a, b) => (b as unknown[]).indexOf(a) === -1 },
  contains: { accepts: Array.isArray, test: (a, b) => (a as unknown[]).indexOf(b) > -1 },
  doesNotContain: { accepts: Array.isArray, test: (a, b) => (a as unknown[]).indexOf(b) === -1 },
  lessThan: { accepts: isNumberLike, test: (a, b) => (a as number) < (b as number) },
  lessThanInclusive: { accepts: isNumberLike, test: (a, b) => (a as number) <= (b as number) },
  greaterThan: { accepts: isNumberLike, test: (a, b) => (a as number) > (b as number) },
  greaterThanInclusive: { accepts: isNumberLike, test: (a, b) => (a as number) >= (b as number) },
};

/** Absent, or blank: null, text of spaces only, an empty list (what `present` and `empty` test, and required fields). */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/**
 * The order of two decimals, NaN when either is no decimal: every comparison with NaN is false,
 * so each decimal operator is one comparison (no callback to share between them).
 */
function decimalOrder(a: unknown, b: unknown): number {
  return compareDecimals(a, b) ?? Number.NaN;
}

const normaliseText = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase();
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (value: unknown): value is string => typeof value === 'string' && DATE.test(value);

/** firstpass's own operators, for what invoices need: decimals, dates, text, patterns. */
export const CUSTOM_OPERATORS: Readonly<Record<string, OperatorDefinition>> = {
  /** value true: present and not blank; value false: absent or blank. */
  present: { accepts: acceptsAnyFact, test: (a, b) => isBlank(a) !== (b === true) },
  /** An empty list (or nothing at all). */
  empty: { accepts: acceptsAnyFact, test: (a, b) => isBlank(a) === (b === true) },
  /** The text matches the pattern; no pattern configured means no constraint. */
  matches: {
    accepts: acceptsAnyFact,
    test: (a, b) => typeof a === 'string' && (b === undefined || b === null || linearPattern(String(b)).test(a)),
  },
  /** The text contains nothing the pattern matches; absent text or no pattern passes. */
  notMatches: {
    accepts: acceptsAnyFact,
    test: (a, b) => typeof a !== 'string' || b === undefined || b === null || !linearPattern(String(b)).test(a),
  },
  decimalEqual: { accepts: acceptsAnyFact, test: (a, b) => decimalOrder(a, b) === 0 },
  decimalLessThanInclusive: { accepts: acceptsAnyFact, test: (a, b) => decimalOrder(a, b) <= 0 },
  decimalGreaterThan: { accepts: acceptsAnyFact, test: (a, b) => decimalOrder(a, b) > 0 },
  decimalGreaterThanInclusive: { accepts: acceptsAnyFact, test: (a, b) => decimalOrder(a, b) >= 0 },
  /** Calendar dates written YYYY-MM-DD compare as text. */
  dateOnOrBefore: { accepts: acceptsAnyFact, test: (a, b) => isDate(a) && isDate(b) && a <= b },
  dateOnOrAfter: { accepts: acceptsAnyFact, test: (a, b) => isDate(a) && isDate(b) && a >= b },
  /** Equal ignoring case and spacing. */
  sameText: {
    accepts: acceptsAnyFact,
    test: (a, b) => typeof a === 'string' && typeof b === 'string' && (a === b || normaliseText(a) === normaliseText(b)),
  },
  /** Text at least / at most this many characters; no bound configured means no constraint. */
  minLength: { accepts: acceptsAnyFact, test: (a, b) => typeof a === 'string' && (typeof b !== 'number' || characterCount(a) >= b) },
  maxLength: { accepts: acceptsAnyFact, test: (a, b) => typeof a === 'string' && (typeof b !== 'number' || characterCount(a) <= b) },
};

export const ALL_OPERATORS: Readonly<Record<string, OperatorDefinition>> = { ...BUILT_IN_OPERATORS, ...CUSTOM_OPERATORS };
