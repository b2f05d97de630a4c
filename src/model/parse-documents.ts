import type { ValidateFunction } from 'ajv/dist/2020.js';
import { InputError, type InputProblem } from './errors.js';
import type { DocumentSource, Invoice, PurchaseOrder, Sourced } from './invoice.js';
import { lineColumnAt, locatePointer, parseJsonText } from './json-text.js';
import { describeSchemaErrors } from './schema-check.js';
import { offsetPastDepth } from './text-scan.js';
import { describeInvalidByte, firstInvalidUtf8, isUtf8, unfinishedTail, withoutByteOrderMark } from './utf8-text.js';

/**
 * Invoices and purchase orders from text already read: one JSON object, a JSON array, JSON
 * Lines or CSV rows (one row per invoice line). Every document is checked against the schema
 * validator it is given, so what comes out is well-formed; a document that is not gives an
 * InputError naming the file, line, column, field and what was expected. Opening, streaming
 * and walking folders is src/io/read-documents.ts; this module does no I/O.
 */

export type DocumentKind = 'invoice' | 'purchase-order';
export type DocumentOf<K extends DocumentKind> = K extends 'invoice' ? Invoice : PurchaseOrder;

/** How many documents the files of one named path gave: a path that gives none is bad input. */
export interface Tally {
  documents: number;
}

/** A whole file's text, refused at the line and column of its first byte that is not UTF-8. */
export function utf8Text(bytes: Buffer, file: string): string {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const before = withoutByteOrderMark(bytes.toString('utf8', 0, offset));
    throw invalidUtf8({ file, ...lineColumnAt(before, before.length) }, bytes[offset]);
  }
  return withoutByteOrderMark(bytes.toString('utf8'));
}

export function invalidUtf8(location: { file: string; line: number; column: number }, byte: number | undefined): InputError {
  return new InputError('INPUT_MALFORMED', 'model', [
    { location, message: describeInvalidByte(byte, location.line === 1 && location.column === 1) },
  ]);
}

/** The documents of a JSON file's text: one object, or an array of them. */
export function* jsonTextDocuments<K extends DocumentKind>(
  text: string,
  file: string,
  kind: K,
  validate: ValidateFunction,
  tally: Tally,
): Generator<Sourced<DocumentOf<K>>> {
  let value: unknown;
  try {
    value = parseJsonText(text, file);
  } catch (error) {
    throw tooDeepOr(error, text, file, 1);
  }
  const items = Array.isArray(value) ? value : [value];
  tally.documents += items.length;
  const prefix = Array.isArray(value) ? (index: number) => `/${index}` : () => '';
  for (const [index, item] of items.entries()) {
    const source: DocumentSource = Array.isArray(value) ? { file, index } : { file, index, line: 1 };
    let document: Sourced<DocumentOf<K>>;
    try {
      document = checked(item, kind, validate, source, (pointer) => locatePointer(text, prefix(index) + pointer, file));
    } catch (error) {
      throw tooDeepOr(error, text, file, 1);
    }
    yield document;
  }
}

/** Where reading a JSON Lines file has got to: the last line number seen and the next document's index. */
export interface JsonLinesPosition {
  lineNumber: number;
  index: number;
}

/** The documents of a chunk's lines; `position` carries the line number and document index across chunks. */
export function* jsonLinesDocuments<K extends DocumentKind>(
  lines: readonly string[],
  file: string,
  kind: K,
  validate: ValidateFunction,
  position: JsonLinesPosition,
): Generator<Sourced<DocumentOf<K>>> {
  for (const text of lines) {
    position.lineNumber += 1;
    if (text.trim() === '') continue;
    const line = position.lineNumber;
    let document: Sourced<DocumentOf<K>>;
    try {
      document = checked(parseJsonText(text, file, line), kind, validate, { file, index: position.index, line }, (pointer) =>
        locatePointer(text, pointer, file, line),
      );
    } catch (error) {
      throw tooDeepOr(error, text, file, line);
    }
    yield document;
    position.index += 1;
  }
}

/** No invoice, purchase order or profile is nested this deep; a document that is gets refused here. */
const MAX_NESTING = 256;

/**
 * JSON nested thousands deep overflows the stack of whichever recursive step meets it first
 * (the number-text recovery, jsonc-parser, the schema check): that is bad input, said at the
 * place where it is nested too deep. Other errors pass through. Costs nothing on the way in.
 */
export function tooDeepOr(error: unknown, text: string, file: string, firstLine: number): unknown {
  if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) return error;
  return nestedTooDeep(text, file, firstLine, error) ?? error;
}

/** The error for a text nested deeper than any of our documents is, at the place where it goes too deep; none when it does not. */
export function nestedTooDeep(text: string, file: string, firstLine = 1, cause?: unknown): InputError | undefined {
  const offset = offsetPastDepth(text, MAX_NESTING);
  if (offset === -1 && cause === undefined) return undefined;
  const { line, column } = lineColumnAt(text, offset === -1 ? 0 : offset);
  return new InputError(
    'INPUT_MALFORMED',
    'model',
    [
      {
        location: { file, line: line + firstLine - 1, column },
        message: `malformed JSON: nested more than ${MAX_NESTING} levels deep (objects and arrays within each other); no invoice, purchase order or profile is`,
      },
    ],
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The lines of a text file given a chunk of bytes at a time, split as readline splits them with
 * crlfDelay: Infinity ("\n", "\r\n" and a lone "\r" end a line; text after the last line end is
 * a last line): readline's async iterator cost more per line than parsing the JSON did. The
 * bytes must be UTF-8 (a byte-order mark at the start is dropped): the lines before a bad byte
 * are given first, then `refuseInvalid` refuses the bad byte at its line and column.
 */
export class LineSplitter {
  /** Text after the last line end seen so far. */
  private partial = '';
  /** The previous chunk ended with "\r": a "\n" opening this chunk belongs to it. */
  private afterReturn = false;
  /** Bytes of a character the previous chunk began and did not finish. */
  private carried: Buffer | undefined;
  /** Lines given so far: the bad byte's line is the one after them. */
  private linesGiven = 0;
  private first = true;
  /** The last chunk held a byte that is not UTF-8: the byte, refused once that chunk's lines are taken. */
  private invalid: { byte: number | undefined } | undefined;

  constructor(private readonly file: string) {}

  /** The lines a chunk of bytes completes (none, if it holds no line end). */
  push(read: Buffer): string[] {
    const bytes = this.carried ? Buffer.concat([this.carried, read]) : read;
    const tail = unfinishedTail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    this.carried = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : undefined;
    const invalidAt = isUtf8(whole) ? -1 : firstInvalidUtf8(whole);
    let chunk = whole.toString('utf8', 0, invalidAt === -1 ? whole.length : invalidAt);
    if (this.first) chunk = withoutByteOrderMark(chunk);
    this.first = false;
    const lines: string[] = [];
    let partial = this.partial;
    let start = this.afterReturn && chunk.charCodeAt(0) === 10 ? 1 : 0;
    this.afterReturn = false;
    let newline = chunk.indexOf('\n', start);
    let carriageReturn = chunk.indexOf('\r', start);
    while (newline !== -1 || carriageReturn !== -1) {
      if (carriageReturn !== -1 && (newline === -1 || carriageReturn < newline)) {
        lines.push(partial + chunk.slice(start, carriageReturn));
        start = carriageReturn + 1;
        if (start === chunk.length) this.afterReturn = true;
        else if (chunk.charCodeAt(start) === 10) start += 1;
        carriageReturn = chunk.indexOf('\r', start);
        if (newline !== -1 && newline < start) newline = chunk.indexOf('\n', start);
      } else {
        lines.push(partial + chunk.slice(start, newline));
        start = newline + 1;
        newline = chunk.indexOf('\n', start);
      }
      partial = '';
    }
    this.partial = partial + chunk.slice(start);
    this.linesGiven += lines.length;
    if (invalidAt !== -1) this.invalid = { byte: whole[invalidAt] };
    return lines;
  }

  /** Throws for a byte that is not UTF-8 in the last chunk, at its line and column: call once that chunk's lines are taken. */
  refuseInvalid(): void {
    if (this.invalid) throw invalidUtf8({ file: this.file, line: this.linesGiven + 1, column: this.partial.length + 1 }, this.invalid.byte);
  }

  /** At the end of the text: its last line when no line end closes it; a character left unfinished is refused. */
  end(): string | undefined {
    if (this.carried) throw invalidUtf8({ file: this.file, line: this.linesGiven + 1, column: this.partial.length + 1 }, this.carried[0]);
    return this.partial.length > 0 ? this.partial : undefined;
  }
}

/** Object-prototype names: as a header segment they would reach the prototype of the document built. */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** A CSV header as it is, once no column names a prototype property (`__proto__.remitTo`, `buyer.constructor`). */
export function safeCsvHeader(header: string[], file: string): string[] {
  header.forEach((column, index) => {
    if (column.split('.').some((segment) => PROTOTYPE_NAMES.has(segment.trim()))) {
      throw new InputError('INPUT_INVALID', 'model', [
        {
          location: { file, line: 1, column: index + 1 },
          field: column,
          message:
            'names __proto__, constructor or prototype, which are no invoice fields: rename the column to the field it is for (see schemas/invoice.schema.json)',
        },
      ]);
    }
  });
  return header;
}

/** The CSV parser's own error (an unclosed quote, a row of the wrong width) as bad input at its line. */
export function malformedCsv(cause: unknown, file: string): InputError {
  const csvError = cause as { lines?: number; message?: string };
  return new InputError(
    'INPUT_MALFORMED',
    'model',
    [
      {
        location: { file, ...(csvError.lines ? { line: csvError.lines } : {}) },
        message: `malformed CSV: ${csvError.message ?? String(cause)}`,
      },
    ],
    { cause },
  );
}

/** Line and column of a byte of a CSV file's bytes ("\n", "\r\n" and a lone "\r" end a line). */
export function csvPosition(bytes: Buffer, offset: number, file: string): { file: string; line: number; column: number } {
  const lines = withoutByteOrderMark(bytes.toString('utf8', 0, offset)).split(/\r\n|\r|\n/);
  return { file, line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

interface CsvGroup {
  document: Record<string, unknown>;
  firstLine: number;
  cells: Map<string, { value: string; line: number }>;
}

/**
 * CSV: one row per invoice line. Headers are field names, `line.` before line fields and dots
 * for nesting (`buyer.address.city`, `attachments.0.file`). Rows with the same invoiceNumber
 * (purchase orders: poNumber) form one document; invoice-level cells must agree between them.
 */
export class CsvDocuments<K extends DocumentKind> {
  private readonly groups = new Map<string, CsvGroup>();
  private readonly keyField: string;

  constructor(
    private readonly file: string,
    private readonly kind: K,
  ) {
    this.keyField = kind === 'invoice' ? 'invoiceNumber' : 'poNumber';
  }

  /** How many documents the rows so far make. */
  get size(): number {
    return this.groups.size;
  }

  /** One parsed row (header names to trimmed cells) and the line it ends on. */
  addRow(record: Record<string, string>, line: number): void {
    const { file, keyField, kind } = this;
    const linePrefix = 'line.';
    const key = record[keyField]?.trim();
    if (!key) {
      throw new InputError('INPUT_INVALID', 'model', [
        { location: { file, line }, field: keyField, message: `is empty: every row needs the ${keyField} that groups it` },
      ]);
    }
    let group = this.groups.get(key);
    if (!group) {
      group = { document: { lines: [] }, firstLine: line, cells: new Map() };
      this.groups.set(key, group);
    }
    const lineItem: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue;
      if (column.startsWith(linePrefix)) {
        setNested(lineItem, column.slice(linePrefix.length).split('.'), cell);
        continue;
      }
      const earlier = group.cells.get(column);
      if (earlier && earlier.value !== cell) {
        throw new InputError('INPUT_INVALID', 'model', [
          {
            location: { file, line, column: columnIndex(record, column) },
            field: column,
            message: `is "${cell}" but line ${earlier.line} of ${keyField} ${key} says "${earlier.value}": invoice-level columns must agree on every row of one ${kind === 'invoice' ? 'invoice' : 'purchase order'}`,
          },
        ]);
      }
      if (!earlier) {
        group.cells.set(column, { value: cell, line });
        setNested(
          group.document,
          column.split('.'),
          column === 'testMode' ? testModeCell(cell, { file, line, column: columnIndex(record, column) }) : cell,
        );
      }
    }
    if (Object.keys(lineItem).length > 0) (group.document.lines as unknown[]).push(lineItem);
  }

  /** The documents the rows make, in the order their first rows came, each checked with `validate`. */
  *documents(validate: ValidateFunction): Generator<Sourced<DocumentOf<K>>> {
    const { file, kind } = this;
    let index = 0;
    for (const group of this.groups.values()) {
      const firstLine = group.firstLine;
      yield checked(group.document, kind, validate, { file, index, line: firstLine }, () => ({ file, line: firstLine }));
      index += 1;
    }
  }
}

function columnIndex(record: Record<string, string>, column: string): number {
  return Object.keys(record).indexOf(column) + 1;
}

function setNested(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let cursor: Record<string, unknown> | unknown[] = target;
  segments.forEach((segment, position) => {
    const last = position === segments.length - 1;
    const key: string | number = Array.isArray(cursor) ? Number(segment) : segment;
    if (last) {
      (cursor as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(segments[position + 1] ?? '');
    // Own properties only: a document is built from data, never from what objects inherit.
    const existing = Object.hasOwn(cursor, key) ? (cursor as Record<string | number, unknown>)[key] : undefined;
    const child = existing ?? (nextIsIndex ? [] : {});
    (cursor as Record<string | number, unknown>)[key] = child;
    cursor = child as Record<string, unknown> | unknown[];
  });
}

/** A parsed value as a document of its kind, once `validate` (the kind's schema) accepts it. */
export function checked<K extends DocumentKind>(
  value: unknown,
  kind: K,
  validate: ValidateFunction,
  source: DocumentSource,
  locate: (pointer: string) => { file: string; line?: number; column?: number },
): Sourced<DocumentOf<K>> {
  if (!validate(value)) {
    const problems: InputProblem[] = describeSchemaErrors(validate.errors ?? [], locate);
    throw new InputError(
      'INPUT_INVALID',
      'model',
      problems.map((problem) => ({
        ...problem,
        message: `${problem.message} (in ${kind === 'invoice' ? 'an invoice' : 'a purchase order'})`,
      })),
    );
  }
  return { document: value as DocumentOf<K>, source };
}

/** A CSV testMode cell: true or false (any case), or empty for false; anything else would quietly send a test invoice live. */
function testModeCell(cell: string, location: { file: string; line: number; column: number }): boolean {
  const answer = cell.trim().toLowerCase();
  if (answer === 'true') return true;
  if (answer === 'false' || answer === '') return false;
  throw new InputError('INPUT_INVALID', 'model', [{ location, field: 'testMode', message: `is "${cell}": write true or false` }]);
}
