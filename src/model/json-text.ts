import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { BoundedMemo } from './bounded-cache.js';
import { InputError, type SourceLocation } from './errors.js';
import { scanJsonNumbers, withNumberTexts } from './json-number-scan.js';

/**
 * JSON text read the way firstpass needs it: numbers keep their exact text ("12.50" stays
 * "12.50", never the float 12.5), and every position can be turned into a line and a column
 * for messages.
 */

/** Line and column (both 1-based) of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parse one JSON document. JSON numbers come back as their source text, so a decimal written
 * as a number (12.50) is read exactly as written. Throws InputError with line and column on a
 * syntax error. `firstLine` shifts positions for a document that starts inside a larger file
 * (a JSON Lines record).
 */
export function parseJsonText(text: string, file: string, firstLine = 1, numbers: 'as-text' | 'as-numbers' = 'as-text'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw syntaxError(text, file, firstLine, cause);
  }
  // Valid UTF-8 carries no lone surrogate, but a \ud800 escape does: half a character is no
  // text, refused as an invalid byte is. Only a text with such an escape is walked.
  if (SURROGATE_ESCAPE.test(text)) {
    const pointer = illFormedStringAt(value, '');
    if (pointer !== undefined) {
      throw new InputError('INPUT_MALFORMED', 'model', [
        {
          location: locatePointer(text, pointer, file, firstLine),
          field: pointer,
          message:
            'holds half of a UTF-16 surrogate pair (a \\uD800-\\uDFFF escape without its other half), which is no character: fix the text that was exported',
        },
      ]);
    }
  }
  // The common case: decimals written as strings. Only a document that really holds numbers
  // pays for recovering their text.
  return numbers === 'as-text' && containsNumber(value) ? numbersAsText(text, value) : value;
}

/** A \u escape of either half of a surrogate pair; a text without one cannot hold a lone half. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** The pointer of the first string (value or key) that is not well-formed UTF-16, if any. */
function illFormedStringAt(value: unknown, pointer: string): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : pointer;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = illFormedStringAt(item, appendPointer(pointer, index));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = appendPointer(pointer, key);
    if (!key.isWellFormed()) return at;
    const found = illFormedStringAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `parsed`, JSON.parse's value of `text`, with its numbers as their source text: put back from
 * one scan of the text (fast path), or, where the parsed value's order may differ from the
 * text's, read again by the tree parser (slow path, exact everywhere).
 */
function numbersAsText(text: string, parsed: unknown): unknown {
  const scanned = withNumberTexts(parsed, scanJsonNumbers(text));
  return scanned ? scanned.value : valueWithNumbersAsTextByTree(text);
}

function containsNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsNumber(item)) return true;
    return false;
  }
  for (const key in value) {
    if (containsNumber((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * A JSON text's value with its numbers as their source text. Text JSON.parse refuses is read
 * by the tree parser, which recovers what it can, as it always was.
 */
export function valueWithNumbersAsText(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return valueWithNumbersAsTextByTree(text);
  }
  return numbersAsText(text, parsed);
}

/** The slow path (see numbersAsText): jsonc-parser's tree, with every number's text read at its offset. */
export function valueWithNumbersAsTextByTree(text: string): unknown {
  const root = parseTree(text);
  if (!root) return undefined;
  const build = (node: Node): unknown => {
    switch (node.type) {
      case 'object': {
        const object: Record<string, unknown> = {};
        for (const property of node.children ?? []) {
          const [keyNode, valueNode] = property.children ?? [];
          // An own property even for "__proto__", as JSON.parse makes it: never the prototype.
          if (keyNode && valueNode)
            Object.defineProperty(object, String(keyNode.value), {
              value: build(valueNode),
              writable: true,
              enumerable: true,
              configurable: true,
            });
        }
        return object;
      }
      case 'array':
        return (node.children ?? []).map(build);
      case 'number':
        return text.slice(node.offset, node.offset + node.length);
      default:
        return node.value;
    }
  };
  return build(root);
}

function syntaxError(text: string, file: string, firstLine: number, cause: unknown): InputError {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const comma = first ? trailingComma(text, first.offset) : undefined;
  const offset = comma?.offset ?? first?.offset ?? 0;
  const { line, column } = lineColumnAt(text, offset);
  const what = comma?.what ?? (first ? describeParseError(printParseErrorCode(first.error)) : 'is not valid JSON');
  return new InputError(
    'INPUT_MALFORMED',
    'model',
    [{ location: { file, line: line + firstLine - 1, column }, message: `malformed JSON: ${what}` }],
    { cause },
  );
}

/**
 * A comma before the '}' or ']' where the parser stopped: said at the comma, which is what to
 * remove, rather than as "expected a property name" on the next line.
 */
function trailingComma(text: string, offset: number): { offset: number; what: string } | undefined {
  const close = text[offset];
  if (close !== '}' && close !== ']') return undefined;
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before -= 1;
  if (text[before] !== ',') return undefined;
  return { offset: before, what: `a comma after the last ${close === '}' ? 'property' : 'item'}, before '${close}': remove it` };
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: "expected ':' after the property name",
    CommaExpected: "expected ',' between items",
    CloseBraceExpected: "expected '}' to close the object",
    CloseBracketExpected: "expected ']' to close the array",
    EndOfFileExpected: 'unexpected text after the end of the document',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'comments are not allowed in JSON',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
  };
  return words[code] ?? code;
}

/** A pointer one level deeper: `key` escaped as RFC 6901 says ("~" → "~0", "/" → "~1"). */
export function appendPointer(pointer: string, key: string | number): string {
  // Indices and plain names (nearly every key) need no escaping: no regular expression for them.
  if (typeof key === 'number' || (!key.includes('~') && !key.includes('/'))) return `${pointer}/${key}`;
  return `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Each pointer's segments: rules ask for the same few pointers again and again. */
const segmentsOfPointers = new BoundedMemo<string, readonly string[]>();

/** Turn a JSON Pointer ("/lines/0/quantity") into its segments. */
export function pointerSegments(pointer: string): readonly string[] {
  return segmentsOfPointers.get(pointer, splitPointer);
}

function splitPointer(pointer: string): readonly string[] {
  return pointer === '' || pointer === '/'
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Where a JSON Pointer points in a JSON text: the value's position, or the nearest existing
 * ancestor's when the pointer names something missing.
 */
export function locatePointer(text: string, pointer: string, file: string, firstLine = 1): SourceLocation {
  const root = parseTree(text);
  if (!root) return { file, line: firstLine, column: 1 };
  const segments: (string | number)[] = pointerSegments(pointer).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  for (let length = segments.length; length >= 0; length -= 1) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node) {
      // For a property, point at its key: that is where an editor puts the cursor.
      const target = node.parent?.type === 'property' && node.parent.children?.[0] ? node.parent.children[0] : node;
      const { line, column } = lineColumnAt(text, target.offset);
      return { file, line: line + firstLine - 1, column };
    }
  }
  return { file, line: firstLine, column: 1 };
}
