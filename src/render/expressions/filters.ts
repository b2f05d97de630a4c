import { minorUnits } from '../../model/currency.js';
import { isDecimalText } from '../../model/decimal-text.js';
import { ScaledDecimal } from '../../model/scaled-decimal.js';
import { BoundedMemo, PairCache } from '../../model/bounded-cache.js';
import { cachedRegExp } from '../../model/regexp-cache.js';
import { canonicalMoneyText, moneyText } from '../../model/invoice-totals.js';
import { RenderError } from '../../model/errors.js';
import { isShortestDecimal } from '../../model/text-scan.js';
import { checkedLineNet } from '../line-arithmetic.js';
import { toRepertoire } from '../../edi-syntax/character-sets.js';
import { present, text, type ExpressionContext } from './scope.js';
import { wrappedLines } from './wrap.js';

/**
 * The filters of the expression language, `{{ path | name:arg:arg }}`: one entry each, bound to
 * its arguments once, when a template is compiled (a pattern compiled, a number read). The bound
 * filter takes the value so far, the context and, for the filters whose arguments name values
 * (PATH_ARGUMENT_FILTERS: if, unless, at, percent, plus, repertoire, lineArithmetic), the values
 * at those paths, which the generated code reads in line.
 */
export type Filter = (args: readonly string[]) => BoundFilter;
export type BoundFilter = (value: unknown, context: ExpressionContext, ...pathValues: unknown[]) => unknown;

/** The filters by name: a Map, so that a name Object.prototype has (constructor, toString) is no filter. */
export const FILTERS: ReadonlyMap<string, Filter> = new Map(
  Object.entries({
    /** date:'CCYYMMDD' — see formatDate. */
    date:
      ([pattern = 'CCYY-MM-DD']) =>
      (value) =>
        formatDate(value, pattern),
    /** The amount with the currency's decimals (money:'EUR' for another currency). */
    money:
      ([named]) =>
      (value, context) => {
        const currency = currencyOf(context, named);
        // Most amounts already have the currency's decimals ("12.50"): they are written as they are.
        const canonical = typeof value === 'string' ? canonicalMoneyText(value, currency) : undefined;
        if (canonical !== undefined) return canonical;
        const amount = decimalOf(value);
        return amount ? moneyText(amount, currency) : undefined;
      },
    /** A decimal without trailing zeros or exponent: "12.50" → "12.5" (X12 R, EDIFACT n). */
    decimal: () => (value) => decimalText(value),
    /** A decimal with exactly N places: fixed:2. */
    fixed: ([places = '2']) => {
      const decimals = wholeNumber(places);
      return (value) => decimalOf(value)?.toFixed(decimals);
    },
    /** Implied decimals (X12 N2): "12.50" with implied:2 → "1250". */
    implied:
      ([places = '2']) =>
      (value) =>
        decimalOf(value)?.times(powerOfTen(places)).roundHalfUp(0).toString(),
    abs: () => (value) => decimalOf(value)?.abs().toString(),
    negate: () => (value) => decimalOf(value)?.negated().toString(),
    upper: () => (value) => (typeof value === 'string' ? value.toUpperCase() : value),
    lower: () => (value) => (typeof value === 'string' ? value.toLowerCase() : value),
    trim: () => (value) => (typeof value === 'string' ? value.trim() : value),
    truncate: ([length = '0']) => {
      const characters = wholeNumber(length);
      return (value) => (typeof value === 'string' ? value.slice(0, characters) : value);
    },
    /** Right-pad with spaces to a fixed width (X12 ISA): padEnd:15. */
    padEnd: ([length = '0', fillWith = ' ']) => {
      const width = wholeNumber(length);
      return (value) => text(value).padEnd(width, fillWith);
    },
    /** Left-pad (control numbers): padStart:9:'0'. */
    padStart: ([length = '0', fillWith = ' ']) => {
      const width = wholeNumber(length);
      return (value) => text(value).padStart(width, fillWith);
    },
    /** A code from the template's code lists, or the value itself when the list has none. */
    map:
      ([list = '']) =>
      (value, context) => {
        if (value === undefined || value === null) return value;
        const table = ownEntry(context.codes, list);
        if (!table) throw new Error(`the template has no code list "${list}"`);
        return ownEntry(table, typeof value === 'string' ? value : String(value)) ?? ownEntry(table, '*') ?? value;
      },
    default:
      ([fallback = '']) =>
      (value) =>
        value === undefined || value === null || value === '' ? fallback : value,
    digits: () => (value) => (value === undefined || value === null ? value : String(value).replace(/\D/g, '')),
    count: () => (value) => (Array.isArray(value) ? value.length : 0),
    join:
      ([separator = ', ']) =>
      (value) =>
        Array.isArray(value) ? value.map(text).join(separator) : value,
    /** The value when the condition path is present, else nothing: {{ 'ON' | if:invoice.poNumber }}. */
    if: () => (value, _, condition) => (present(condition) ? value : undefined),
    /** Implied decimals that never round (X12 N2): impliedExact:2:'TDS01' gives "1234.50" → "123450"; an amount with more decimals (KWD 12.345) is refused, naming the element. */
    impliedExact: ([places = '2', element = 'amount']) => {
      return (value, context) => {
        const amount = decimalOf(value);
        if (!amount) return undefined;
        const scaled = amount.times(powerOfTen(places));
        if (scaled.roundHalfUp(0).compareTo(scaled) !== 0)
          throw new RenderError(
            invoiceNumberOf(context),
            element,
            `${amount.toString()} has more decimals than the ${places} this amount element carries; it cannot be written without rounding`,
          );
        return scaled.toString();
      };
    },
    /** Line N (0-based) of the text word-wrapped at a width (X12 NTE02 holds 80): wrap:80:0; wrap:80:4:'rest' gives line 4 and all after it, for a last element whose length check then refuses what does not fit. */
    wrap: ([width = '80', index = '0', rest]) => {
      const [columns, line] = [wholeNumber(width), wholeNumber(index)];
      return (value) => {
        if (typeof value !== 'string') return value;
        const lines = wrappedLines(value, columns);
        if (line >= lines.length) return undefined;
        const picked = rest === 'rest' ? lines.slice(line).join(' ') : lines[line];
        return picked === undefined || picked === '' ? undefined : picked;
      };
    },
    /** The value when the condition path is absent, else nothing (UBL: a fallback after a preferred element): {{ invoice.buyer.gln | unless:options.endpointId }}. */
    unless: () => (value, _, condition) => (present(condition) ? undefined : value),
    /** The value when its text matches the regular expression, else nothing (UBL: a VAT id has a country prefix): matches:'^[A-Z][A-Z]'. */
    matches: ([pattern = '']) => {
      const regexp = cachedRegExp(pattern);
      return (value) =>
        value !== undefined && value !== null && regexp.test(typeof value === 'string' ? value : String(value)) ? value : undefined;
    },
    /** The item at this index of the array at the path (UBL: a line's net amount): {{ lineIndex | at:totals.lineNets }}. */
    at: () => (value, _, items) => (Array.isArray(items) && value !== undefined && value !== null ? items[Number(value)] : undefined),
    /** value × rate / 100 to the currency's decimals, the rate a path or a number, absent = 0 (cXML: a line's tax): {{ net | percent:line.taxRate }}. */
    percent: ([rate = '0']) => {
      const literal = isDecimalText(rate) ? rate : undefined;
      return (value, context, rateAtPath) => {
        const places = minorUnits(currencyOf(context, undefined));
        return decimalOf(value)
          ?.times(decimalOf(literal ?? rateAtPath) ?? ZERO)
          .dividedByPowerOfTen(2)
          .toFixed(places);
      };
    },
    /** value + the values at these paths (absent = 0) (cXML GrossAmount): {{ totals.payable | plus:totals.allowancesTotal }}. */
    plus:
      () =>
      (value, _, ...addends) =>
        addends.reduce((sum: ScaledDecimal | undefined, addend) => sum?.plus(decimalOf(addend) ?? ZERO), decimalOf(value))?.toString(),
    /** The items whose field equals a value, through a code list when named (cXML: freight vs other charges): where:'code':'shipping':'chargeKind'. */
    where:
      ([field = '', wanted = '', list]) =>
      (value, context) =>
        Array.isArray(value)
          ? value.filter((item) => {
              const own = (item as Record<string, unknown> | null)?.[field];
              const table = list === undefined ? undefined : ownEntry(context.codes, list);
              return String((table ? (ownEntry(table, String(own)) ?? ownEntry(table, '*')) : undefined) ?? own) === wanted;
            })
          : undefined,
    /** A line's net amount, refused unless it is the line's quantity × unit price − discount within 0.02 (Peppol's PEPPOL-EN16931-R120; see line-arithmetic.ts): {{ lineIndex | at:totals.lineNets | lineArithmetic:line:lineNumber }}. */
    lineArithmetic: () => (value, context, line, lineNumber) => checkedLineNet(value, context.scope, line, lineNumber),
    /** The sum of a field over a list (cXML ShippingAmount): {{ invoice.charges | sum:'amount' }}. */
    sum:
      ([field = '']) =>
      (value) =>
        Array.isArray(value)
          ? value
              .reduce(
                (total: ScaledDecimal, item) => total.plus(decimalOf((item as Record<string, unknown> | null)?.[field]) ?? ZERO),
                ZERO,
              )
              .toString()
          : undefined,
    /** Characters start..end of the text (end optional), nothing when that is empty (EDIFACT UNH: the directory "D96A" with slice:1 is the release "96A"). */
    slice: ([start = '0', end]) => {
      const [from, to] = [wholeNumber(start), end === undefined ? undefined : wholeNumber(end)];
      return (value) => (value === undefined || value === null ? value : [...String(value)].slice(from, to).join('') || undefined);
    },
    /** Text a character set can carry, named by a path or literally (EDIFACT's UNOA, UNOB, UNOC; X12's; others unchanged): typographic dashes and quotes become ASCII, missing accents are dropped, anything else is "?": repertoire:options.syntaxIdentifier. */
    repertoire:
      ([name = '']) =>
      (value, _, nameAtPath) =>
        typeof value === 'string' ? toRepertoire(value, String(nameAtPath ?? name)) : value,
  } satisfies Record<string, Filter>),
);

/** Filters whose arguments name paths of the scope. */
export const PATH_ARGUMENT_FILTERS: ReadonlySet<string> = new Set([
  'if',
  'unless',
  'at',
  'percent',
  'plus',
  'repertoire',
  'lineArithmetic',
]);

/** Filters written as conditions in the generated code; the same as FILTERS.if and FILTERS.unless. */
export const CONDITION_FILTERS: ReadonlyMap<string, 'if' | 'unless'> = new Map([
  ['if', 'if'],
  ['unless', 'unless'],
]);

/** Filters whose result, when there is one, is a number: digits, a sign, a decimal mark. */
export const NUMBER_FILTERS: ReadonlySet<string> = new Set([
  'decimal',
  'fixed',
  'implied',
  'impliedExact',
  'money',
  'digits',
  'count',
  'abs',
  'negate',
  'percent',
  'plus',
  'sum',
]);

/** Filters that read more than their value and arguments: the invoice's currency. */
export const FILTERS_READING_THE_INVOICE: ReadonlySet<string> = new Set(['money', 'percent', 'lineArithmetic']);

/** Filters bound to the same arguments are one function: templates repeat them (repertoire:'X12', map:'unit'). */
const boundFilters = new BoundedMemo<string, BoundFilter>(10_000);

/** A known filter (the parser refuses others) bound to its arguments. */
export function boundFilter(name: string, args: readonly string[]): BoundFilter {
  return boundFilters.get(JSON.stringify([name, ...args]), () => (FILTERS.get(name) as Filter)(args));
}

/** A code list's (or the lists') own entry for a key that comes from data: never one Object.prototype lends (constructor, __proto__). */
function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A date (YYYY-MM-DD) or timestamp written in a pattern of CCYY, YY, MM, DD, HH, mm, ss. */
function formatDate(value: unknown, pattern: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // The same few dates (now, the issue date) are written many times a document.
  return formattedDates.get(pattern, value, formatDateOnce);
}

const formattedDates = new PairCache<string, string, string | undefined>();

function formatDateOnce(pattern: string, value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!match) return undefined;
  const [, year = '', month = '', day = '', hour = '00', minute = '00', second = '00'] = match;
  return pattern
    .replace('CCYY', year)
    .replace('YY', year.slice(2))
    .replace('MM', month)
    .replace('DD', day)
    .replace('HH', hour)
    .replace('mm', minute)
    .replace('ss', second);
}

/** Amounts in filters: exact decimals (ScaledDecimal, decimal.js where a value does not fit). */
function decimalOf(value: unknown): ScaledDecimal | undefined {
  return value === undefined || value === null ? undefined : ScaledDecimal.from(value);
}

/**
 * A decimal as its shortest plain writing (ScaledDecimal's toString). Most values already are
 * written so ("3", "19", "55.45": no sign but minus, no leading or trailing zeros) and are
 * returned as they are, without being read and written again.
 */
function decimalText(value: unknown): string | undefined {
  if (typeof value === 'string' && isShortestDecimal(value)) return value;
  return decimalOf(value)?.toString();
}

const ZERO = ScaledDecimal.ZERO;
const powersOfTen = new BoundedMemo<string, ScaledDecimal>();

/** 10^places, for implied decimals: "2" → 100. */
function powerOfTen(places: string): ScaledDecimal {
  return powersOfTen.get(places, powerOfTenOnce);
}

function powerOfTenOnce(places: string): ScaledDecimal {
  return ScaledDecimal.from(`1${'0'.repeat(Number(places))}`) ?? ZERO;
}

/** The invoice's currency, or the one a filter names (money:'EUR'). */
function currencyOf(context: ExpressionContext, named: string | undefined): string {
  if (named !== undefined) return named;
  const invoice = context.scope.invoice as { readonly currency?: unknown } | undefined | null;
  return String(invoice?.currency ?? 'USD');
}

/** The invoice's number, for a message: '' when it has none. */
function invoiceNumberOf(context: ExpressionContext): string {
  const invoice = context.scope.invoice as { readonly invoiceNumber?: unknown } | undefined | null;
  return String(invoice?.invoiceNumber ?? '');
}

/** A whole number written as a filter argument ("2" in fixed:2). */
function wholeNumber(argument: string): number {
  return Number(argument);
}
