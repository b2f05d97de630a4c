import { minorUnits } from '../model/currency.js';
import { isDecimalText, toDecimal } from '../model/decimal-text.js';
import { Money } from '../model/money.js';
import { cachedRegExp } from '../model/regexp-cache.js';
import { canonicalMoneyText, moneyText } from '../model/invoice-totals.js';
import { RenderError } from '../model/errors.js';

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

const pathCache = new Map<string, readonly string[]>();

export function lookup(scope: Scope, path: string): unknown {
  let segments = pathCache.get(path);
  if (!segments) {
    segments = path.split('.');
    pathCache.set(path, segments);
  }
  let cursor: unknown = scope;
  for (const segment of segments) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}

function evaluateParsed(expression: ParsedExpression, context: ExpressionContext): unknown {
  let value: unknown = expression.literal !== undefined ? expression.literal : lookup(context.scope, expression.path);
  for (const filter of expression.filters) value = (FILTERS[filter.name] as Filter)(value, filter.args, context);
  return value;
}

type CompiledTemplate = (context: ExpressionContext) => unknown;
const compiledTemplates = new Map<string, CompiledTemplate>();

/** A loop's scope: the enclosing one (through the prototype: no copying) plus the item. */
export function loopScope(scope: Scope, name: string, item: unknown, index: number): Scope {
  const inner = Object.create(scope) as Record<string, unknown>;
  inner[name] = item;
  inner[`${name}Index`] = index;
  inner[`${name}Number`] = index + 1;
  return inner;
}

/**
 * What is wrong with the expressions of one template string, found when the template is
 * loaded rather than when a document is rendered: unknown filters, code lists the template
 * does not have.
 */
export function expressionProblems(template: string, codes: CodeLists): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(EXPRESSION)) {
    const source = match[1] ?? '';
    try {
      for (const filter of parseExpression(source).filters) {
        const list = filter.args[0];
        if (filter.name === 'map' && (list === undefined || !Object.hasOwn(codes, list))) problems.push(`{{ ${source} }} maps through the code list "${list ?? ''}", which the template's codes do not have`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** A template string's value: the raw value of a lone expression, else the filled-in text. */
export function fill(template: string, context: ExpressionContext): unknown {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = compileTemplate(template);
    compiledTemplates.set(template, compiled);
  }
  return compiled(context);
}

/** Templates are few and used for every document: each is parsed once, into text and expressions. */
function compileTemplate(template: string): CompiledTemplate {
  const single = SINGLE_EXPRESSION.exec(template);
  if (single && !template.slice(2).includes('{{')) {
    const expression = parseExpression(single[1] ?? '');
    return (context) => evaluateParsed(expression, context);
  }
  if (!template.includes('{{')) return () => template;
  const parts: (string | ParsedExpression)[] = [];
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    parts.push(template.slice(last, match.index), parseExpression(match[1] ?? ''));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(template.slice(last));
  return (context) => {
    let result = '';
    for (const part of parts) result += typeof part === 'string' ? part : text(evaluateParsed(part, context));
    return result;
  };
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
    const currency = currencyOf(context, args);
    // Most amounts already have the currency's decimals ("12.50"): they are written as they are.
    const canonical = typeof value === 'string' ? canonicalMoneyText(value, currency) : undefined;
    if (canonical !== undefined) return canonical;
    const amount = decimalOf(value);
    return amount ? moneyText(amount, currency) : undefined;
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
  /** Implied decimals that never round (X12 N2): impliedExact:2:'TDS01' gives "1234.50" → "123450"; an amount with more decimals (KWD 12.345) is refused, naming the element. */
  impliedExact: (value, [places = '2', element = 'amount'], context) => {
    const amount = decimalOf(value);
    if (!amount) return undefined;
    const scaled = amount.times(new Money(10).pow(Number(places)));
    if (!scaled.isInteger()) throw new RenderError(String(lookup(context.scope, 'invoice.invoiceNumber') ?? ''), element, `${amount.toFixed()} has more decimals than the ${places} this amount element carries; it cannot be written without rounding`);
    return scaled.toFixed(0);
  },
  /** Line N (0-based) of the text word-wrapped at a width (X12 NTE02 holds 80): wrap:80:0; wrap:80:4:'rest' gives line 4 and all after it, for a last element whose length check then refuses what does not fit. */
  wrap: (value, [width = '80', index = '0', rest]) => {
    if (typeof value !== 'string') return value;
    const lines = wrapText(value, Number(width));
    const picked = rest === 'rest' ? lines.slice(Number(index)).join(' ') : lines[Number(index)];
    return picked === undefined || picked === '' ? undefined : picked;
  },
  /** The value when the condition path is absent, else nothing (UBL: a fallback after a preferred element): {{ invoice.buyer.gln | unless:options.endpointId }}. */
  unless: (value, [path = ''], context) => (holds(`{{${path}}}`, context) ? undefined : value),
  /** The value when its text matches the regular expression, else nothing (UBL: a VAT id has a country prefix): matches:'^[A-Z][A-Z]'. */
  matches: (value, [pattern = '']) => (value !== undefined && value !== null && cachedRegExp(pattern).test(String(value)) ? value : undefined),
  /** The item at this index of the array at the path (UBL: a line's net amount): {{ lineIndex | at:totals.lineNets }}. */
  at: (value, [path = ''], context) => {
    const items = lookup(context.scope, path);
    return Array.isArray(items) && value !== undefined && value !== null ? items[Number(value)] : undefined;
  },
  /** value × rate / 100 to the currency's decimals, the rate a path or a number, absent = 0 (cXML: a line's tax): {{ net | percent:line.taxRate }}. */
  percent: (value, [rate = '0'], context) => decimalOf(value)?.times(decimalOf(isDecimalText(rate) ? rate : lookup(context.scope, rate)) ?? 0).dividedBy(100).toFixed(minorUnits(currencyOf(context, [])), Money.ROUND_HALF_UP),
  /** value + the values at these paths (absent = 0) (cXML GrossAmount): {{ totals.payable | plus:totals.allowancesTotal }}. */
  plus: (value, paths, context) => paths.reduce((sum, path) => sum?.plus(decimalOf(lookup(context.scope, path)) ?? 0), decimalOf(value))?.toFixed(),
  /** The items whose field equals a value, through a code list when named (cXML: freight vs other charges): where:'code':'shipping':'chargeKind'. */
  where: (value, [field = '', wanted = '', list], context) => (Array.isArray(value) ? value.filter((item) => { const own = (item as Record<string, unknown> | null)?.[field]; const table = list === undefined ? undefined : context.codes[list]; return String((table ? table[String(own)] ?? table['*'] : undefined) ?? own) === wanted; }) : undefined),
  /** The sum of a field over a list (cXML ShippingAmount): {{ invoice.charges | sum:'amount' }}. */
  sum: (value, [field = '']) => (Array.isArray(value) ? value.reduce((total: ReturnType<typeof decimalOf>, item) => total?.plus(decimalOf((item as Record<string, unknown> | null)?.[field]) ?? 0), decimalOf('0'))?.toFixed() : undefined),
  /** Characters start..end of the text (end optional), nothing when that is empty (EDIFACT UNH: the directory "D96A" with slice:1 is the release "96A"). */
  slice: (value, [start = '0', end]) => (value === undefined || value === null ? value : [...String(value)].slice(Number(start), end === undefined ? undefined : Number(end)).join('') || undefined),
  /** Text an EDIFACT character repertoire can carry, named by a path or literally (UNOA, UNOB, UNOC; others unchanged): typographic dashes and quotes become ASCII, missing accents are dropped, anything else is "?": repertoire:options.syntaxIdentifier. */
  repertoire: (value, [name = ''], context) => (typeof value === 'string' ? toRepertoire(value, String(lookup(context.scope, name) ?? name)) : value),
};



/** Words packed greedily into lines of at most `width` characters; a longer word is cut. */
function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(/\s+/).filter((piece) => piece !== '')) {
    while (word.length > width) {
      if (current !== '') lines.push(current);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      current = '';
    }
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** ISO 9735 character repertoires: level A (upper case), level B (with lower case), C (ISO 8859-1). */
const REPERTOIRES: Readonly<Record<string, RegExp>> = {
  UNOA: /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]$/,
  UNOB: /^[A-Za-z0-9 .,\-()/='+:?!"%&*;<>]$/,
  UNOC: /^[\u0020-\u007e\u00a0-\u00ff]$/,
};
const TYPOGRAPHIC: Readonly<Record<string, string>> = { '\u00a0': ' ', '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2026': '...', '\u20ac': 'EUR', '\u00df': 'ss', '\u00e6': 'ae', '\u00c6': 'AE', '\u0153': 'oe', '\u0152': 'OE', '\u00f8': 'o', '\u00d8': 'O', '\u0142': 'l', '\u0141': 'L', '\u0111': 'd', '\u0110': 'D' };

function toRepertoire(value: string, name: string): string {
  const allowed = REPERTOIRES[name];
  if (!allowed) return value;
  const fits = (candidate: string) => candidate !== '' && [...candidate].every((character) => allowed.test(character));
  let result = '';
  for (const character of name === 'UNOA' ? value.toUpperCase() : value) {
    if (allowed.test(character)) result += character;
    else {
      const typographic = TYPOGRAPHIC[character];
      const bare = character.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      result += typographic !== undefined && fits(typographic) ? typographic : fits(bare) ? bare : '?';
    }
  }
  return result;
}
