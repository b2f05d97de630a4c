/**
 * The exact text of a JSON document's numbers, recovered by one pass over the text instead of a
 * second full parse: `scanJsonNumbers` collects the number tokens in document order, and
 * `withNumberTexts` puts them in the places JSON.parse gave their values, walking the parsed
 * value in the same order. Only for text JSON.parse has accepted: the scan does not check syntax.
 */

/** What one pass over a valid JSON text found outside its strings. */
export interface JsonNumberScan {
  /** The text of every number token ("12.50", "-0", "1e400"), in document order. */
  readonly numbers: readonly string[];
  /** How many object members the text writes, all objects together (one per colon outside a string). */
  readonly members: number;
  /**
   * Some key starts with a digit, written or escaped, so it may be an array index ("0", "12",
   * "\u0031"), which JavaScript moves to the front of its object: the parsed value's order may
   * then differ from the text's.
   */
  readonly reorderedKeys: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;

/** The characters a JSON number token is made of, once it has started with "-" or a digit. */
function isNumberCharacter(code: number): boolean {
  return isDigit(code) || code === DOT || code === LOWER_E || code === UPPER_E || code === MINUS || code === PLUS;
}

/** Offset of the quote that closes the string opening at `start` (a quote preceded by an even run of backslashes). */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1 && text.charCodeAt(end - 1) === BACKSLASH) {
    let backslashes = 1;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end === -1 ? text.length : end;
}

/** The key whose opening quote is at `quote` starts with a digit ("12") or a digit's escape ("\u0031"). */
function startsWithDigit(text: string, quote: number): boolean {
  const first = text.charCodeAt(quote + 1);
  if (isDigit(first)) return true;
  return first === BACKSLASH && text.startsWith('u003', quote + 2) && isDigit(text.charCodeAt(quote + 6));
}

/** One pass over `text` (which JSON.parse accepted): its number tokens, its member count, its keys' shape. */
export function scanJsonNumbers(text: string): JsonNumberScan {
  const numbers: string[] = [];
  let members = 0;
  let reorderedKeys = false;
  let lastStringStart = 0;
  const length = text.length;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      lastStringStart = index;
      // indexOf skips a string's characters natively; a loop over them here is about twice as slow.
      index = closingQuote(text, index) + 1;
    } else if (code === MINUS || isDigit(code)) {
      let end = index + 1;
      while (end < length && isNumberCharacter(text.charCodeAt(end))) end += 1;
      numbers.push(text.slice(index, end));
      index = end;
    } else {
      if (code === COLON) {
        // The string just before a colon outside strings is a key.
        members += 1;
        if (startsWithDigit(text, lastStringStart)) reorderedKeys = true;
      }
      index += 1;
    }
  }
  return { numbers, members, reorderedKeys };
}

/** Walks a parsed value in text order, handing out the scanned number texts; `trusted` turns false at the first sign the orders differ. */
class NumberTextWalk {
  private nextNumber = 0;
  private members = 0;
  trusted = true;

  constructor(private readonly scan: JsonNumberScan) {}

  /** The text of the next number, which must read as `value`: a cheap guard against a scan that lost its place. */
  take(value: number): string {
    const text = this.scan.numbers[this.nextNumber];
    this.nextNumber += 1;
    if (text === undefined || Number(text) !== value) {
      this.trusted = false;
      return '';
    }
    return text;
  }

  visit(value: object): void {
    if (Array.isArray(value)) {
      const items = value as unknown[];
      for (let index = 0; index < items.length; index += 1) {
        const item = items[index];
        if (typeof item === 'number') items[index] = this.take(item);
        else if (item !== null && typeof item === 'object') this.visit(item);
      }
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      this.members += 1;
      const item = record[key];
      if (typeof item === 'number') record[key] = this.take(item);
      else if (item !== null && typeof item === 'object') this.visit(item);
    }
  }

  /**
   * Every number of the scan was used, and the value has as many keys as the text has members.
   * Fewer keys means a duplicate key, whose last value JSON.parse keeps at the first one's
   * place, so the value's order is no longer the text's. No object can have more keys than the
   * text writes (for...in sees only their own keys while Object.prototype has no enumerable
   * one), so equal totals mean no duplicate anywhere.
   */
  usedAll(): boolean {
    return this.nextNumber === this.scan.numbers.length && this.members === this.scan.members;
  }
}

/**
 * `parsed` (JSON.parse's value of the scanned text) with every number replaced by its text, in
 * place; undefined when the parsed value's order cannot be trusted to be the text's (keys that
 * may be array indexes, duplicate keys), so the caller must take a path that reads positions.
 */
export function withNumberTexts(parsed: unknown, scan: JsonNumberScan): { value: unknown } | undefined {
  // An enumerable property added to Object.prototype would be counted as a key of every object.
  if (scan.reorderedKeys || Object.keys(Object.prototype).length > 0) return undefined;
  const walk = new NumberTextWalk(scan);
  let value = parsed;
  if (typeof parsed === 'number') value = walk.take(parsed);
  else if (parsed !== null && typeof parsed === 'object') walk.visit(parsed);
  return walk.trusted && walk.usedAll() ? { value } : undefined;
}
