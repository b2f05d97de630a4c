import { parseJsonText } from '../model/json-text.js';
import { shippedSchema } from '../schemas/shipped-schemas.js';

/**
 * Amounts and percentages in a profile (contract prices, tolerances, tax rates: every setting
 * the profile schema types as `$defs/decimal`) may be written as JSON numbers, as a specialist
 * writes `"tolerancePercent": 0`. They are read from the number's text, never through a float:
 * `0.1` stays "0.1", `1.10` keeps its text and `1e2` is "100". Other numbers (days, lengths,
 * byte counts) stay numbers.
 */

type Json = unknown;
type Schema = { readonly [key: string]: unknown };

let decimalPaths: readonly (readonly string[])[] | undefined;

/** Where the profile schema puts decimals, as paths with `*` for any key or index. */
function profileDecimalPaths(): readonly (readonly string[])[] {
  if (!decimalPaths) {
    const root = shippedSchema('profile') as Schema;
    const found = new Map<string, readonly string[]>();
    collectDecimalPaths(root, root, [], found, 0);
    decimalPaths = [...found.values()];
  }
  return decimalPaths;
}

function collectDecimalPaths(
  root: Schema,
  schema: Schema,
  path: readonly string[],
  found: Map<string, readonly string[]>,
  depth: number,
): void {
  if (depth > 40) return;
  const ref = schema.$ref;
  if (ref === '#/$defs/decimal') {
    found.set(path.join('/'), path);
    return;
  }
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = (target as Schema | undefined)?.[part];
    if (target !== null && typeof target === 'object') collectDecimalPaths(root, target as Schema, path, found, depth + 1);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const alternative of (schema[key] ?? []) as Schema[]) collectDecimalPaths(root, alternative, path, found, depth + 1);
  }
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>))
    collectDecimalPaths(root, property, [...path, name], found, depth + 1);
  if (schema.additionalProperties !== null && typeof schema.additionalProperties === 'object')
    collectDecimalPaths(root, schema.additionalProperties as Schema, [...path, '*'], found, depth + 1);
  if (schema.items !== null && typeof schema.items === 'object')
    collectDecimalPaths(root, schema.items as Schema, [...path, '*'], found, depth + 1);
}

/**
 * The profile read with numbers (`value`, from parseJsonText 'as-numbers'), with every decimal
 * setting written as a JSON number replaced by its exact text. The text is parsed a second
 * time only when such a number is there.
 */
export function withDecimalSettingsAsText(value: Json, text: string, file: string): Json {
  const paths = profileDecimalPaths();
  if (!paths.some((path) => someNumberAt(value, path, 0))) return value;
  const exact = parseJsonText(text, file, 1, 'as-text');
  for (const path of paths) replaceNumbers(value, exact, path, 0);
  return value;
}

function children(value: Json, segment: string): [string, Json][] {
  if (value === null || typeof value !== 'object') return [];
  if (segment !== '*') return Object.hasOwn(value, segment) ? [[segment, (value as Record<string, Json>)[segment]]] : [];
  return Object.entries(value as Record<string, Json>);
}

function someNumberAt(value: Json, path: readonly string[], depth: number): boolean {
  if (depth === path.length) return typeof value === 'number';
  return children(value, path[depth] as string).some(([, child]) => someNumberAt(child, path, depth + 1));
}

function replaceNumbers(value: Json, exact: Json, path: readonly string[], depth: number): void {
  for (const [key, child] of children(value, path[depth] as string)) {
    const exactChild = (exact as Record<string, Json> | null)?.[key];
    if (depth + 1 < path.length) replaceNumbers(child, exactChild, path, depth + 1);
    else if (typeof child === 'number' && typeof exactChild === 'string') (value as Record<string, Json>)[key] = plainDecimal(exactChild);
  }
}

/** A JSON number's text as a plain decimal: the exponent applied by moving the point ("1.5e-3" → "0.0015"). */
export function plainDecimal(number: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(number);
  // An exponent past any amount's size is left as written: the schema then refuses the text.
  if (!match || match[4] === undefined || Math.abs(Number(match[4])) > 100) return number;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  plain = plain.replace(/^0+(?=\d)/, '');
  return `${sign}${plain}`;
}
