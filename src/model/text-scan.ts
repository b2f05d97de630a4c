/**
 * Tests of a text's shape that run for every number and short text of every document, each as
 * one scan of its character codes: each states the regular expression it equals, which the tests
 * hold it to. A scan is cheaper than a call into the regular expression engine for short texts.
 */

/**
 * Texts up to this length are scanned; longer ones go to the regular expression engine, which
 * is then faster (see bench/README.md, "Scans and memos").
 */
export const SCAN_AT_MOST = 12;

/**
 * Whether the value is a decimal string: /^[+-]?(\d+(\.\d*)?|\.\d+)$/, that is an optional sign,
 * then digits with at most one point among them and at least one digit.
 */
export function isDecimalText(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  let position = 0;
  const first = value.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) position = 1;
  let seenDigit = false;
  let seenPoint = false;
  for (; position < length; position += 1) {
    const code = value.charCodeAt(position);
    if (code >= 48 /* 0 */ && code <= 57 /* 9 */) seenDigit = true;
    else if (code === 46 /* . */ && !seenPoint) seenPoint = true;
    else return false;
  }
  return seenDigit;
}

/**
 * Whether a text is a decimal as ScaledDecimal's toString writes it, of at most 15 characters (so
 * that it surely fits ScaledDecimal's exact range): /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/ but "-0".
 */
export function isShortestDecimal(text: string): boolean {
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

/**
 * Whether a text is a non-negative amount written exactly as toFixed writes it with `places`
 * decimals: /^(0|[1-9]\d*)$/ for none, else /^(0|[1-9]\d*)\.\d{places}$/ (up to 4).
 */
export function isCanonicalMoney(text: string, places: number): boolean {
  if (places > 4) return false;
  const point = places === 0 ? text.length : text.length - places - 1;
  if (point < 1) return false;
  // A whole part without leading zeros.
  if (text.charCodeAt(0) === 48 /* 0 */ && point !== 1) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (index === point ? code !== 46 /* . */ : code < 48 || code > 57) return false;
  }
  return true;
}

/** Text that is not one line of single-spaced words: a space at either end, two in a row, or other white space. */
const IRREGULAR_SPACING = /\s\s|^\s|\s$|[^\S ]/;

/** IRREGULAR_SPACING's test; a short ASCII text (an address line, a name) as a scan. */
export function hasIrregularSpacing(text: string): boolean {
  if (text.length > SCAN_AT_MOST) return IRREGULAR_SPACING.test(text);
  let afterSpace = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128) return IRREGULAR_SPACING.test(text);
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

/**
 * Whether every character of a text is one the table marks (1) among the first 256: a character
 * set of Latin-1 characters, such as a segment standard's repertoire, as a lookup per character.
 */
export function everyCharacterIn(table: Uint8Array, text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 255 || table[code] === 0) return false;
  }
  return true;
}

/**
 * Whether a pattern of single characters (a separator, a character outside a set) finds one in
 * the text: a short text is looked up per character in the pattern's latin1Table, cheaper than a
 * call into the regular expression engine; a longer text, or one past U+00FF, goes to the pattern.
 */
export function someCharacterIn(table: Uint8Array, pattern: RegExp, text: string): boolean {
  if (text.length > SCAN_AT_MOST) return pattern.test(text);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 255) return pattern.test(text);
    if (table[code] === 1) return true;
  }
  return false;
}

/** The table everyCharacterIn and someCharacterIn read for the characters a one-character pattern accepts. */
export function latin1Table(character: RegExp): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, code) => (character.test(String.fromCharCode(code)) ? 1 : 0));
}

/** How many ASCII digits a text has: (text.match(/\d/g) ?? []).length, the length of a number as X12 and EDIFACT count it. */
export function countDigits(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) if (isDigit(text.charCodeAt(index))) count += 1;
  return count;
}

/**
 * Where a JSON text's objects and arrays first nest deeper than `limit` (the offset of the
 * opening bracket), brackets inside strings not counted; -1 if they never do. One pass, no
 * recursion, so it can measure a text too deep for any recursive parser.
 */
export function offsetPastDepth(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index += 1;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      depth += 1;
      if (depth > limit) return index;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  return -1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
