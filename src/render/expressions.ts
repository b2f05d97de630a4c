import { minorUnits } from '../model/currency.js';
import { isDecimalText } from '../model/decimal-text.js';
import { ScaledDecimal } from '../model/scaled-decimal.js';
import { PairCache } from '../model/bounded-cache.js';
import { cachedRegExp } from '../model/regexp-cache.js';
import { canonicalMoneyText, moneyText } from '../model/invoice-totals.js';
import { RenderError } from '../model/errors.js';
import { checkedLineNet } from './line-arithmetic.js';

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
  /**
   * The enclosing loops' items and indexes, for expressions compiled with loop bindings
   * (compileExpressionText): a writer sets the slots as it walks a loop, so no scope object is
   * made per item.
   */
  readonly loops?: unknown[] | undefined;
}

/** An expression compiled once: its value in a context. */
export type Getter = (context: ExpressionContext) => unknown;

/**
 * A filter, bound to its arguments as written once, when a template is compiled (a pattern
 * compiled, a number read): the bound filter takes the value so far, the context and, for the
 * filters whose arguments name values (PATH_ARGUMENT_FILTERS: if, unless, at, percent, plus,
 * repertoire), the values at those paths, which the generated code reads in line.
 */
type Filter = (args: readonly string[]) => BoundFilter;
type BoundFilter = (value: unknown, context: ExpressionContext, ...pathValues: unknown[]) => unknown;

/**
 * The loop variables an expression can see, known when a template is compiled: `as: "line"`
 * binds line, lineIndex and lineNumber to a slot of ExpressionContext.loops.
 */
export interface LoopBindings {
  readonly names: ReadonlyMap<string, { readonly slot: number; readonly part: 'item' | 'index' | 'number' }>;
  /** Slots taken by the enclosing loops: two each, the item and its index. */
  readonly slots: number;
  /**
   * Segment templates: the generated code's name for the document, whose segment counters
   * `counts.<name>` reads (`document.countSince("<name>")`), so that no scope is made per
   * document to hold them.
   */
  readonly counters?: string | undefined;
}

export const NO_LOOPS: LoopBindings = { names: new Map(), slots: 0 };

/** The bindings inside a loop over `name`: the item in the next free slot, its index in the one after. */
export function bindLoop(bindings: LoopBindings, name: string): LoopBindings {
  const slot = bindings.slots;
  const names = new Map(bindings.names);
  names.set(name, { slot, part: 'item' });
  names.set(`${name}Index`, { slot: slot + 1, part: 'index' });
  names.set(`${name}Number`, { slot: slot + 1, part: 'number' });
  return { names, slots: slot + 2, counters: bindings.counters };
}

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
    if (!FILTERS.has(name)) throw new Error(`unknown filter "${name}" in {{ ${source} }}; known: ${[...FILTERS.keys()].join(', ')}`);
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

/** The value at a dotted path of a scope (undefined as soon as a step is missing). */
export function lookup(scope: Scope, path: string): unknown {
  return compiledPath(path)({ scope, codes: NO_CODES });
}

const NO_CODES: CodeLists = {};
const rootPaths = new Map<string, Getter>();

function compiledPath(path: string): Getter {
  let getter = rootPaths.get(path);
  if (!getter) {
    getter = compilePath(path, NO_LOOPS);
    rootPaths.set(path, getter);
  }
  return getter;
}

/**
 * A dotted path as a function: its first step from a loop slot when it names a loop variable,
 * else from the scope; the following steps read properties. Paths are compiled once per
 * template, so a document costs only the property reads.
 */
export function compilePath(path: string, bindings: LoopBindings): Getter {
  return compiledGetter(() => pathCode(path, bindings), bindings);
}

/**
 * A getter made from generated code (expressionTextCode, pathCode): the one way expressions
 * are compiled, whether a writer's program has them in line or a filter, the XML reference
 * writer or the PDF writer calls them as functions. The loop variables the bindings name are
 * read from the context's loop slots into the locals the code expects.
 */
function compiledGetter(code: (values: CodeValues) => string, bindings: LoopBindings): Getter {
  const values: unknown[] = [];
  const expression = code({ reference: (value) => `v[${values.push(value) - 1}]` });
  const locals = loopLocals(bindings).map((local) => `, ${local}`).join('');
  const source = `"use strict";\nreturn function getter(context) {\n  const S = context.scope, loops = context.loops${locals};\n  return ${expression};\n};`;
  return new Function('v', source)(values) as Getter;
}

/** The locals (L<slot> = loops[slot], I<slot> = ...) that code compiled with these bindings reads its loop variables from. */
export function loopLocals(bindings: LoopBindings): string[] {
  return [...bindings.names.values()].filter(({ part }) => part !== 'number').map(({ slot, part }) => `${part === 'item' ? 'L' : 'I'}${slot} = loops[${slot}]`);
}

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

const interpreted = new Map<string, Getter>();

/** A template string's value: the raw value of a lone expression, else the filled-in text. */
export function fill(template: string, context: ExpressionContext): unknown {
  let compiled = interpreted.get(template);
  if (!compiled) {
    compiled = compileExpressionText(template, NO_LOOPS);
    interpreted.set(template, compiled);
  }
  return compiled(context);
}

/**
 * A template string compiled once into a function of the context: a lone expression yields
 * its value as it is, text without expressions is a constant, anything else is the text with
 * the expressions' values filled in. Loop variables named in `bindings` are read from the
 * context's loop slots; other paths from its scope.
 */
export function compileExpressionText(template: string, bindings: LoopBindings): Getter {
  if (!template.includes('{{')) return () => template;
  return compiledGetter((values) => expressionTextCode(template, bindings, values), bindings);
}

/**
 * Generated code keeps what it calls (compiled filters, constants) in a table and names each
 * entry by its reference, e.g. `v[3]`.
 */
export interface CodeValues {
  reference(value: unknown): string;
  /**
   * Optional: a local the generated function declares at its start for this code (a path into
   * the scope, such as `S["invoice"]?.["seller"]`), so that paths sharing it read it once.
   * `whole`: the code is a whole path of the template (its value is used), not a prefix.
   */
  hoisted?(code: string, whole: boolean): string;
  /** Optional: told the code of each whole path that starts at a loop variable (a segment's values, for SegmentCode). */
  readsLoopPath?(code: string): void;
}

/**
 * A template string as a JavaScript expression, for templates compiled to functions: the same
 * value as compileExpressionText gives. The code reads `S` (the scope), `context`, and for
 * loop variables the locals `L<slot>` (item) and `I<slot>` (index), which the generated loop
 * declares. Nothing of the template becomes code but names quoted as JSON string literals;
 * filters are called through `values`.
 */
export function expressionTextCode(template: string, bindings: LoopBindings, values: CodeValues): string {
  const single = SINGLE_EXPRESSION.exec(template);
  if (single && !template.slice(2).includes('{{')) return expressionCode(single[1] ?? '', bindings, values);
  if (!template.includes('{{')) return JSON.stringify(template);
  const parts: string[] = [];
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    // text(value): '' for nothing, else the value as a string.
    parts.push(JSON.stringify(template.slice(last, match.index)), `String(${expressionCode(match[1] ?? '', bindings, values)} ?? '')`);
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(JSON.stringify(template.slice(last)));
  return `(${parts.filter((part) => part !== '""').join(' + ')})`;
}

function expressionCode(source: string, bindings: LoopBindings, values: CodeValues): string {
  const parsed = parseExpression(source);
  let code = parsed.literal !== undefined ? JSON.stringify(parsed.literal) : pathCode(parsed.path, bindings, values);
  // Whether the code so far only reads (a literal, a path, conditions of those): it cannot throw, so it need not be worked out when a condition drops it.
  let onlyReads = true;
  for (const { name, args } of parsed.filters) {
    // if and unless on what only reads are conditions in line: the commonest filters in the segment templates, and the cheapest as code.
    const condition = CONDITION_FILTERS.get(name);
    if (condition !== undefined && onlyReads) {
      const holds = `${values.reference(present)}(${args[0] === undefined ? 'undefined' : pathCode(args[0], bindings, values)})`;
      code = condition === 'if' ? `(${holds} ? ${code} : undefined)` : `(${holds} ? undefined : ${code})`;
      continue;
    }
    onlyReads = false;
    const bound = boundFilter(name, args);
    // Arguments that name values are read by the code itself: the filter gets the values.
    const pathValues = PATH_ARGUMENT_FILTERS.has(name) ? args.map((argument) => `, ${pathCode(argument, bindings, values)}`).join('') : '';
    code = `${values.reference(bound)}(${code}, context${pathValues})`;
  }
  return code;
}

/** Filters written as conditions in the generated code; the same as FILTERS.if and FILTERS.unless. */
const CONDITION_FILTERS: ReadonlyMap<string, 'if' | 'unless'> = new Map([
  ['if', 'if'],
  ['unless', 'unless'],
]);

/** Filters bound to the same arguments are one function: templates repeat them (repertoire:'X12', map:'unit'). */
const boundFilters = new Map<string, BoundFilter>();

function boundFilter(name: string, args: readonly string[]): BoundFilter {
  const key = JSON.stringify([name, ...args]);
  let bound = boundFilters.get(key);
  if (bound === undefined) {
    bound = (FILTERS.get(name) as Filter)(args);
    boundFilters.set(key, bound);
  }
  return bound;
}

/** Filters whose result, when there is one, is a number: digits, a sign, a decimal mark. */
const NUMBER_FILTERS = new Set(['decimal', 'fixed', 'implied', 'impliedExact', 'money', 'digits', 'count', 'abs', 'negate', 'percent', 'plus', 'sum']);

/**
 * What characters a template string can produce, known before any document: `number` (a lone
 * expression ending in a number filter), `plain` (fixed text of letters, digits and spaces),
 * else `any`. Writers skip tests the characters cannot fail.
 */
export function characterKind(template: string): 'number' | 'plain' | 'any' {
  if (!template.includes('{{')) return /^[A-Za-z0-9 ]*$/.test(template) ? 'plain' : 'any';
  const single = SINGLE_EXPRESSION.exec(template);
  if (!single || template.slice(2).includes('{{')) return 'any';
  const last = parseExpression(single[1] ?? '').filters.at(-1);
  return last !== undefined && NUMBER_FILTERS.has(last.name) ? 'number' : 'any';
}

/** Filters that read more than their value and arguments: the invoice's currency. */
const FILTERS_READING_THE_INVOICE = new Set(['money', 'percent', 'lineArithmetic']);

/**
 * Whether a template string's value depends only on these parts of the scope (say options,
 * profile and now, which are the same for every document of a run): every path and every
 * argument of a filter starts with one of them, no loop variable is read, no filter reads
 * anything else. A literal argument (wrap:80) is read as a path here, so it counts as
 * depending on more: the answer errs towards "no".
 */
export function dependsOnlyOn(template: string, heads: ReadonlySet<string>, bindings: LoopBindings): boolean {
  return readsOnly(template, (head) => heads.has(head) && !bindings.names.has(head));
}

/**
 * Whether a template string's value depends only on the values at its paths (into the scope
 * or from loop variables; see CodeValues): no segment counter, no filter that reads more (the
 * invoice's currency). A segment whose values all do is written again from its last text when
 * those values are the same.
 */
export function readsOnlyPaths(template: string, bindings: LoopBindings): boolean {
  return readsOnly(template, (head) => bindings.names.has(head) || !(head === 'counts' && bindings.counters !== undefined));
}

/**
 * Whether every path a template string reads (its expressions' paths and the path arguments of
 * their filters) starts with a name `allowed` accepts, and no filter reads anything else.
 */
function readsOnly(template: string, allowed: (head: string) => boolean): boolean {
  const reads = (path: string) => allowed(path.split('.')[0] ?? '');
  for (const match of template.matchAll(EXPRESSION)) {
    const parsed = parseExpression(match[1] ?? '');
    if (parsed.literal === undefined && !reads(parsed.path)) return false;
    for (const { name, args } of parsed.filters) {
      if (FILTERS_READING_THE_INVOICE.has(name)) return false;
      if (PATH_ARGUMENT_FILTERS.has(name) && !args.every(reads)) return false;
    }
  }
  return true;
}

/** Filters whose arguments name paths of the scope. */
const PATH_ARGUMENT_FILTERS = new Set(['if', 'unless', 'at', 'percent', 'plus', 'repertoire', 'lineArithmetic']);

/**
 * A dotted path as code: property reads from the scope (`S`) or a loop variable, undefined as
 * soon as a step is missing. With `values` that hoist, a path into the scope and its prefixes
 * are locals of the generated function (`invoice`, then `invoice.seller`, ...), read once at
 * its start: rendering does not change the data (segment counters, which change, are read from
 * the document), and a part of a template reads the same party or options dozens of times.
 */
export function pathCode(path: string, bindings: LoopBindings, values?: CodeValues): string {
  const [head = '', ...rest] = path.split('.');
  const bound = bindings.names.get(head);
  if (bound === undefined && head === 'counts' && bindings.counters !== undefined && rest.length > 0) {
    const [counter = '', ...further] = rest;
    return further.reduce((code, key) => `${code}?.[${JSON.stringify(key)}]`, `${bindings.counters}.countSince(${JSON.stringify(counter)})`);
  }
  if (bound === undefined && values?.hoisted !== undefined) {
    let code = values.hoisted(`S[${JSON.stringify(head)}]`, rest.length === 0);
    rest.forEach((key, index) => {
      code = values.hoisted?.(`${code}?.[${JSON.stringify(key)}]`, index === rest.length - 1) ?? code;
    });
    return code;
  }
  let code = bound === undefined ? `S[${JSON.stringify(head)}]` : bound.part === 'item' ? `L${bound.slot}` : bound.part === 'index' ? `I${bound.slot}` : `(I${bound.slot} + 1)`;
  for (const key of rest) code += `?.[${JSON.stringify(key)}]`;
  if (bound !== undefined) values?.readsLoopPath?.(code);
  return code;
}

/** The same, always as text ('' for nothing). */
export function fillText(template: string, context: ExpressionContext): string {
  return text(fill(template, context));
}

/** Whether a `when` condition holds: its value is present, not blank, not false, not empty. */
export function holds(template: string | undefined, context: ExpressionContext): boolean {
  return template === undefined || present(fill(template, context));
}

/** What a condition's value means: present, not blank, not false, not an empty list. */
export function present(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0));
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
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

/**
 * Whether a text is a decimal as toString writes it, of at most 15 characters (so that it
 * surely fits ScaledDecimal's exact range): /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/ but "-0",
 * as one scan (a regular expression costs a call into the engine for each number written).
 */
function isShortestDecimal(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 15) return false;
  let index = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const first = text.charCodeAt(index);
  if (first === 48 /* 0 */) index += 1;
  else if (first >= 49 && first <= 57) {
    index += 1;
    while (index < length && isDigit(text.charCodeAt(index))) index += 1;
  } else return false;
  if (index === length) return text !== '-0';
  // A fraction: a point, digits, the last of them not 0.
  if (text.charCodeAt(index) !== 46 /* . */ || index === length - 1) return false;
  for (index += 1; index < length; index += 1) if (!isDigit(text.charCodeAt(index))) return false;
  return text.charCodeAt(length - 1) !== 48;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const ZERO = ScaledDecimal.ZERO;
const powersOfTen = new Map<string, ScaledDecimal>();

/** 10^places, for implied decimals: "2" → 100. */
function powerOfTen(places: string): ScaledDecimal {
  let power = powersOfTen.get(places);
  if (power === undefined) {
    power = ScaledDecimal.from(`1${'0'.repeat(Number(places))}`) ?? ZERO;
    powersOfTen.set(places, power);
  }
  return power;
}

/** The invoice's currency, or the one a filter names (money:'EUR'). */
function currencyOf(context: ExpressionContext, named: string | undefined): string {
  if (named !== undefined) return named;
  const invoice = context.scope.invoice as { readonly currency?: unknown } | undefined | null;
  return String(invoice?.currency ?? 'USD');
}

/** A whole number written as a filter argument ("2" in fixed:2). */
function wholeNumber(argument: string): number {
  return Number(argument);
}

/** The filters by name: a Map, so that a name Object.prototype has (constructor, toString) is no filter. */
const FILTERS: ReadonlyMap<string, Filter> = new Map(Object.entries({
  /** date:'CCYYMMDD' — see formatDate. */
  date: ([pattern = 'CCYY-MM-DD']) => (value) => formatDate(value, pattern),
  /** The amount with the currency's decimals (money:'EUR' for another currency). */
  money: ([named]) => (value, context) => {
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
  implied: ([places = '2']) => (value) => decimalOf(value)?.times(powerOfTen(places)).roundHalfUp(0).toString(),
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
  map: ([list = '']) => (value, context) => {
    if (value === undefined || value === null) return value;
    const table = ownEntry(context.codes, list);
    if (!table) throw new Error(`the template has no code list "${list}"`);
    return ownEntry(table, typeof value === 'string' ? value : String(value)) ?? ownEntry(table, '*') ?? value;
  },
  default: ([fallback = '']) => (value) => (value === undefined || value === null || value === '' ? fallback : value),
  digits: () => (value) => (value === undefined || value === null ? value : String(value).replace(/\D/g, '')),
  count: () => (value) => (Array.isArray(value) ? value.length : 0),
  join: ([separator = ', ']) => (value) => (Array.isArray(value) ? value.map(text).join(separator) : value),
  /** The value when the condition path is present, else nothing: {{ 'ON' | if:invoice.poNumber }}. */
  if: () => (value, _, condition) => (present(condition) ? value : undefined),
  /** Implied decimals that never round (X12 N2): impliedExact:2:'TDS01' gives "1234.50" → "123450"; an amount with more decimals (KWD 12.345) is refused, naming the element. */
  impliedExact: ([places = '2', element = 'amount']) => {
    return (value, context) => {
      const amount = decimalOf(value);
      if (!amount) return undefined;
      const scaled = amount.times(powerOfTen(places));
      if (scaled.roundHalfUp(0).compareTo(scaled) !== 0) throw new RenderError(String(lookup(context.scope, 'invoice.invoiceNumber') ?? ''), element, `${amount.toString()} has more decimals than the ${places} this amount element carries; it cannot be written without rounding`);
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
    return (value) => (value !== undefined && value !== null && regexp.test(typeof value === 'string' ? value : String(value)) ? value : undefined);
  },
  /** The item at this index of the array at the path (UBL: a line's net amount): {{ lineIndex | at:totals.lineNets }}. */
  at: () => (value, _, items) => (Array.isArray(items) && value !== undefined && value !== null ? items[Number(value)] : undefined),
  /** value × rate / 100 to the currency's decimals, the rate a path or a number, absent = 0 (cXML: a line's tax): {{ net | percent:line.taxRate }}. */
  percent: ([rate = '0']) => {
    const literal = isDecimalText(rate) ? rate : undefined;
    return (value, context, rateAtPath) => {
      const places = minorUnits(currencyOf(context, undefined));
      return decimalOf(value)?.times(decimalOf(literal ?? rateAtPath) ?? ZERO).dividedByPowerOfTen(2).toFixed(places);
    };
  },
  /** value + the values at these paths (absent = 0) (cXML GrossAmount): {{ totals.payable | plus:totals.allowancesTotal }}. */
  plus: () => (value, _, ...addends) => addends.reduce((sum: ScaledDecimal | undefined, addend) => sum?.plus(decimalOf(addend) ?? ZERO), decimalOf(value))?.toString(),
  /** The items whose field equals a value, through a code list when named (cXML: freight vs other charges): where:'code':'shipping':'chargeKind'. */
  where: ([field = '', wanted = '', list]) => (value, context) => (Array.isArray(value) ? value.filter((item) => { const own = (item as Record<string, unknown> | null)?.[field]; const table = list === undefined ? undefined : ownEntry(context.codes, list); return String((table ? ownEntry(table, String(own)) ?? ownEntry(table, '*') : undefined) ?? own) === wanted; }) : undefined),
  /** A line's net amount, refused unless it is the line's quantity × unit price − discount within 0.02 (Peppol's PEPPOL-EN16931-R120; see line-arithmetic.ts): {{ lineIndex | at:totals.lineNets | lineArithmetic:line:lineNumber }}. */
  lineArithmetic: () => (value, context, line, lineNumber) => checkedLineNet(value, context.scope, line, lineNumber),
  /** The sum of a field over a list (cXML ShippingAmount): {{ invoice.charges | sum:'amount' }}. */
  sum: ([field = '']) => (value) => (Array.isArray(value) ? value.reduce((total: ScaledDecimal, item) => total.plus(decimalOf((item as Record<string, unknown> | null)?.[field]) ?? ZERO), ZERO).toString() : undefined),
  /** Characters start..end of the text (end optional), nothing when that is empty (EDIFACT UNH: the directory "D96A" with slice:1 is the release "96A"). */
  slice: ([start = '0', end]) => {
    const [from, to] = [wholeNumber(start), end === undefined ? undefined : wholeNumber(end)];
    return (value) => (value === undefined || value === null ? value : [...String(value)].slice(from, to).join('') || undefined);
  },
  /** Text a character set can carry, named by a path or literally (EDIFACT's UNOA, UNOB, UNOC; X12's; others unchanged): typographic dashes and quotes become ASCII, missing accents are dropped, anything else is "?": repertoire:options.syntaxIdentifier. */
  repertoire: ([name = '']) => (value, _, nameAtPath) => (typeof value === 'string' ? toRepertoire(value, String(nameAtPath ?? name)) : value),
} satisfies Record<string, Filter>));

/** A code list's (or the lists') own entry for a key that comes from data: never one Object.prototype lends (constructor, __proto__). */
function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Texts up to this length are tested by scanning their characters, longer ones by a regular expression (measured: the scan wins up to some 12 characters). */
const SCAN_AT_MOST = 12;

/** Text that wrapping leaves as it is: one line of single-spaced words. */
const NEEDS_WRAPPING = /\s\s|^\s|\s$|[^\S ]/;

/**
 * NEEDS_WRAPPING's test; a short text (an address line, a name) as one scan of its characters,
 * which is cheaper than a call into the regular expression engine up to some 12 characters.
 */
function needsWrapping(text: string): boolean {
  if (text.length > SCAN_AT_MOST) return NEEDS_WRAPPING.test(text);
  let afterSpace = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128) return NEEDS_WRAPPING.test(text);
    if (code === 32) {
      // A space at the start or after another.
      if (afterSpace) return true;
      afterSpace = true;
    } else if (code >= 9 && code <= 13) return true;
    else afterSpace = false;
  }
  // A space at the end.
  return afterSpace && text.length > 0;
}

/** The last text wrapped: a template takes its lines one by one (wrap:35:0, wrap:35:1, ...). */
let lastWrapped: { readonly text: string; readonly width: number; readonly lines: readonly string[] } | undefined;

function wrappedLines(text: string, width: number): readonly string[] {
  if (lastWrapped?.text !== text || lastWrapped.width !== width) {
    const lines = text.length <= width && !needsWrapping(text) ? (text === '' ? [] : [text]) : wrapText(text, width);
    lastWrapped = { text, width, lines };
  }
  return lastWrapped.lines;
}

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

/**
 * Character sets of the segment standards, one character each: ISO 9735 level A (upper case),
 * level B (with lower case), C (ISO 8859-1); X12's basic and extended sets together (printable
 * ASCII; other "select language" characters need a partner agreement).
 */
const REPERTOIRES: ReadonlyMap<string, RegExp> = new Map([
  ['X12', /^[\u0020-\u007e]$/],
  ['UNOA', /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]$/],
  ['UNOB', /^[A-Za-z0-9 .,\-()/='+:?!"%&*;<>]$/],
  ['UNOC', /^[\u0020-\u007e\u00a0-\u00ff]$/],
]);
const TYPOGRAPHIC: ReadonlyMap<string, string> = new Map(Object.entries({ '\u00a0': ' ', '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2026': '...', '\u20ac': 'EUR', '\u00df': 'ss', '\u00e6': 'ae', '\u00c6': 'AE', '\u0153': 'oe', '\u0152': 'OE', '\u00f8': 'o', '\u00d8': 'O', '\u0142': 'l', '\u0141': 'L', '\u0111': 'd', '\u0110': 'D' }));

/** A pattern finding the first character outside a repertoire; undefined for one we do not know. */
export function charactersOutside(name: string): RegExp | undefined {
  const pattern = REPERTOIRES.get(name);
  return pattern === undefined ? undefined : new RegExp(`[^${pattern.source.slice(2, -2)}]`, 'u');
}

/**
 * The same repertoires, for testing a whole text: most text fits and is returned as it is. A
 * short text is one scan against a table of the first 256 characters (all they hold), a longer
 * one goes to the regular expression engine, which is then faster.
 */
const WHOLLY_IN_REPERTOIRE: ReadonlyMap<string, RegExp> = new Map([...REPERTOIRES].map(([name, pattern]) => [name, new RegExp(`^${pattern.source.slice(1, -1)}*$`)]));
const REPERTOIRE_TABLES: ReadonlyMap<string, Uint8Array> = new Map([...REPERTOIRES].map(([name, pattern]) => [name, Uint8Array.from({ length: 256 }, (_, code) => (pattern.test(String.fromCharCode(code)) ? 1 : 0))]));

function whollyIn(table: Uint8Array, text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 255 || table[code] === 0) return false;
  }
  return true;
}

/** Texts already made to fit, per repertoire: names and addresses repeat from invoice to invoice. */
const fitted = new PairCache<string, string, string>();

/** The last text fitted: a template fits the same text for each piece it takes of it. */
let lastFittedValue: string | undefined;
let lastFittedName: string | undefined;
let lastFittedResult = '';

function toRepertoire(value: string, name: string): string {
  if (lastFittedValue !== value || lastFittedName !== name) {
    lastFittedResult = fitRepertoire(value, name);
    lastFittedValue = value;
    lastFittedName = name;
  }
  return lastFittedResult;
}

function fitRepertoire(value: string, name: string): string {
  const allowed = REPERTOIRES.get(name);
  if (!allowed) return value;
  const cased = name === 'UNOA' ? value.toUpperCase() : value;
  const table = REPERTOIRE_TABLES.get(name);
  if (cased.length > SCAN_AT_MOST ? WHOLLY_IN_REPERTOIRE.get(name)?.test(cased) : table !== undefined && whollyIn(table, cased)) return cased;
  return fitted.get(name, cased, fitCharacters);
}

/** Each character the repertoire lacks as its typographic or unaccented spelling, else '?'. */
function fitCharacters(name: string, cased: string): string {
  const allowed = REPERTOIRES.get(name) ?? /^$/;
  const fits = (candidate: string) => candidate !== '' && [...candidate].every((character) => allowed.test(character));
  let result = '';
  for (const character of cased) {
    if (allowed.test(character)) result += character;
    else {
      const typographic = TYPOGRAPHIC.get(character);
      const bare = character.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      result += typographic !== undefined && fits(typographic) ? typographic : fits(bare) ? bare : '?';
    }
  }
  return result;
}
