import { BoundedMemo } from '../../model/bounded-cache.js';
import { FILTERS } from './filters.js';

/** An expression in a template string: `{{ path | filter:arg:'literal' }}`. */
export const EXPRESSION = /\{\{\s*(.*?)\s*\}\}/g;
/** A template string that is exactly one expression. */
export const SINGLE_EXPRESSION = /^\{\{\s*(.*?)\s*\}\}$/;

/** An expression read: a dotted path or a quoted literal, then filters with their arguments (quotes removed). */
export interface ParsedExpression {
  readonly path: string;
  readonly literal?: string;
  readonly filters: readonly { readonly name: string; readonly args: readonly string[] }[];
}

/** Expressions read, per source: templates repeat them, and each is read when compiled and when analysed. */
const parsed = new BoundedMemo<string, ParsedExpression>(10_000);

/** The text between `{{` and `}}` read; an unknown filter is refused, naming the filters there are. */
export function parseExpression(source: string): ParsedExpression {
  return parsed.get(source, parseOnce);
}

function parseOnce(source: string): ParsedExpression {
  const [head = '', ...rest] = splitOutsideQuotes(source, '|');
  const literal = /^'(.*)'$/.exec(head.trim())?.[1];
  const filters = rest.map((part) => {
    const [name = '', ...args] = splitOutsideQuotes(part, ':').map((piece) => piece.trim());
    if (!FILTERS.has(name)) throw new Error(`unknown filter "${name}" in {{ ${source} }}; known: ${[...FILTERS.keys()].join(', ')}`);
    return { name, args: args.map((arg) => /^'(.*)'$/.exec(arg)?.[1] ?? arg) };
  });
  return { path: head.trim(), ...(literal !== undefined ? { literal } : {}), filters };
}

/** The text cut at each separator that is not inside single quotes. */
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
