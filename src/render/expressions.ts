import { minorUnits } from '../model/currency.js';
import { toDecimal } from '../model/decimal-text.js';
import { Money } from '../model/money.js';

/**
 * The little expression language of edi-templates/: `{{ path | filter:arg }}` inside a string.
 * A string that is exactly one expression yields its value as it is (undefined when absent,
 * so an optional element or segment can drop out); anything else is text with the
 * expressions' values filled in. Templates are data: this is the whole of their logic.
 */
export type Scope = Readonly<Record<string, unknown>>;
export type CodeLists = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface ExpressionContext {
  readonly scope: Scope;
  /** Code lists of the template, for the `map` filter. */
  readonly codes: CodeLists;
}

type Filter = (value: unknown, args: readonly string[], context: ExpressionContext) => unknown;

const EXPRESSION = /\{\{\s*(.*?)\s*\}\}/g;
const SINGLE_EXPRESSION = /^\{\{\s*(.*?)\s*\}\}$/;

interface ParsedExpression {
  readonly path: string;
  readonly literal?: string;
  readonly filters: readonly { readonly name: string; readonly args: readonly string[] }[];
}

const parsedCache = new Map<string, ParsedExpression>();

function parseExpression(source: string): ParsedExpression {
  let parsed = parsedCache.get(source);
  if (parsed) return parsed;
  const [head = '', ...rest] = splitOutsideQuotes(source, '|');
  const literal = /^'(.*)'$/.exec(head.trim())?.[1];
  const filters = rest.map((part) => {
    const [name = '', ...args] = splitOutsideQuotes(part, ':').map((piece) => piece.trim());
    if (!FILTERS[name]) throw new Error(`unknown filter "${name}" in {{ ${source} }}; known: ${Object.keys(FILTERS).join(', ')}`);
    return { name, args: args.map((arg) => /^'(.*)'$/.exec(arg)?.[1] ?? arg) };
  });
  parsed = { path: head.trim(), ...(literal !== undefined ? { literal } : {}), filters };
  parsedCache.set(source, parsed);
  return parsed;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of text) {
    if (character === "'") quoted = !quoted;
    if (character === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts;
}

export function lookup(scope: Scope, path: string): unknown {
  let cursor: unknown = scope;
  for (const segment of path.split('.')) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}

function evaluate(source: string, context: ExpressionContext): unknown {
  const expression = parseExpression(source);
  let value: unknown = expression.literal !== undefined ? expression.literal : lookup(context.scope, expression.path);
  for (const filter of expression.filters) value = (FILTERS[filter.name] as Filter)(value, filter.args, context);
  return value;
}

/** A template string's value: the raw value of a lone expression, else the filled-in text. */
export function fill(template: string, context: ExpressionContext): unknown {
  const single = SINGLE_EXPRESSION.exec(template);
  if (single && !template.slice(2).includes('{{')) return evaluate(single[1] ?? '', context);
  if (!template.includes('{{')) return template;
  return template.replace(EXPRESSION, (_, source: string) => text(evaluate(source, context)));
}

/** The same, always as text ('' for nothing). */
export function fillText(template: string, context: ExpressionContext): string {
  return text(fill(template, context));
}

/** Whether a `when` condition holds: its value is present, not blank, not false, not empty. */
export function holds(template: string | undefined, context: ExpressionContext): boolean {
  if (template === undefined) return true;
  const value = fill(template, context);
  return !(value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0));
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}

const pad2 = (value: number) => String(value).padStart(2, '0');

/** A date (YYYY-MM-DD) or timestamp written in a pattern of CCYY, YY, MM, DD, HH, mm, ss. */
function formatDate(value: unknown, pattern: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
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

function decimalOf(value: unknown) {
  return toDecimal(value);
}

function currencyOf(context: ExpressionContext, args: readonly string[]): string {
  return args[0] ?? String(lookup(context.scope, 'invoice.currency') ?? 'USD');
}

const FILTERS: Readonly<Record<string, Filter>> = {
  /** date:'CCYYMMDD' — see formatDate. */
  date: (value, [pattern = 'CCYY-MM-DD']) => formatDate(value, pattern),
  /** The amount with the currency's decimals (money:'EUR' for another currency). */
  money: (value, args, context) => {
    const amount = decimalOf(value);
    return amount ? amount.toFixed(minorUnits(currencyOf(context, args)), Money.ROUND_HALF_UP) : undefined;
  },
  /** A decimal without trailing zeros or exponent: "12.50" → "12.5" (X12 R, EDIFACT n). */
  decimal: (value) => decimalOf(value)?.toFixed(),
  /** A decimal with exactly N places: fixed:2. */
  fixed: (value, [places = '2']) => decimalOf(value)?.toFixed(Number(places), Money.ROUND_HALF_UP),
  /** Implied decimals (X12 N2): "12.50" with implied:2 → "1250". */
  implied: (value, [places = '2']) => decimalOf(value)?.times(new Money(10).pow(Number(places))).toDecimalPlaces(0, Money.ROUND_HALF_UP).toFixed(),
  abs: (value) => decimalOf(value)?.abs().toFixed(),
  negate: (value) => decimalOf(value)?.negated().toFixed(),
  upper: (value) => (typeof value === 'string' ? value.toUpperCase() : value),
  lower: (value) => (typeof value === 'string' ? value.toLowerCase() : value),
  trim: (value) => (typeof value === 'string' ? value.trim() : value),
  truncate: (value, [length = '0']) => (typeof value === 'string' ? value.slice(0, Number(length)) : value),
  /** Right-pad with spaces to a fixed width (X12 ISA): padEnd:15. */
  padEnd: (value, [length = '0', fillWith = ' ']) => text(value).padEnd(Number(length), fillWith),
  /** Left-pad (control numbers): padStart:9:'0'. */
  padStart: (value, [length = '0', fillWith = ' ']) => text(value).padStart(Number(length), fillWith),
  /** A code from the template's code lists, or the value itself when the list has none. */
  map: (value, [list = ''], context) => {
    if (value === undefined || value === null) return value;
    const table = context.codes[list];
    if (!table) throw new Error(`the template has no code list "${list}"`);
    return table[String(value)] ?? table['*'] ?? value;
  },
  default: (value, [fallback = '']) => (value === undefined || value === null || value === '' ? fallback : value),
  digits: (value) => (value === undefined || value === null ? value : String(value).replace(/\D/g, '')),
  count: (value) => (Array.isArray(value) ? value.length : 0),
  join: (value, [separator = ', ']) => (Array.isArray(value) ? value.map(text).join(separator) : value),
  /** The value when the condition path is present, else nothing: {{ 'ON' | if:invoice.poNumber }}. */
  if: (value, [path = ''], context) => (holds(`{{${path}}}`, context) ? value : undefined),
};

export const FILTER_NAMES = Object.keys(FILTERS);
