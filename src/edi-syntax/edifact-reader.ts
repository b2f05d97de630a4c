import edifact from 'edifact';
import elementDefinitions from 'edifact/elements.js';
import segmentDefinitions from 'edifact/segments.js';

/**
 * An EDIFACT interchange as segments, read by the `edifact` package's parser (UNA separators,
 * release character, the character repertoire the UNB syntax identifier names), not split by
 * hand. One reader for everything firstpass reads in EDIFACT: the sandbox buyer's INVOICs and
 * the customers' CONTRL and APERAK answers.
 */

export interface EdifactSegment {
  readonly tag: string;
  /** Elements, each a list of components, release characters removed. */
  readonly elements: readonly (readonly string[])[];
}

export type EdifactSegments =
  | { readonly ok: true; readonly segments: readonly EdifactSegment[] }
  /** The segments read before the fault, so a rejection can still name the interchange. */
  | { readonly ok: false; readonly reason: string; readonly segments: readonly EdifactSegment[] };

/** Syntax identifiers (UNB S001 0001) whose bytes are UTF-8 (the library knows UNOY, not UNOW); the others are ISO 8859-1 at most. */
const UTF8_SYNTAXES: ReadonlySet<string> = new Set(['UNOW', 'UNOY']);

/** Reads decoded text; line breaks and blanks between segments are layout, not data. */
export function readEdifactSegments(text: string): EdifactSegments {
  const validator = new edifact.Validator();
  validator.define(segmentDefinitions);
  validator.define(elementDefinitions);
  const parser = new edifact.Parser(validator);
  const segments: { tag: string; elements: string[][] }[] = [];
  let current: { tag: string; elements: string[][] } | undefined;
  let element: string[] = [];
  let syntaxIdentifierNext = false;
  parser.onopensegment = (tag) => {
    current = { tag: tag.trim(), elements: [] };
    segments.push(current);
    syntaxIdentifierNext = current.tag === 'UNB';
  };
  parser.onelement = () => {
    element = [];
    current?.elements.push(element);
  };
  parser.oncomponent = (value) => {
    if (syntaxIdentifierNext) {
      syntaxIdentifierNext = false;
      parser.encoding(value);
    }
    element.push(value);
  };
  parser.onclosesegment = () => undefined;
  try {
    parser.write(withoutLayout(text.replace(/^\uFEFF/, '').trim()));
    parser.end();
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), segments };
  }
  return { ok: true, segments };
}

/**
 * The text without the line breaks and blanks people put after a segment terminator (the parser
 * would read them as part of the next tag); the UNA's own release character and terminator count.
 */
function withoutLayout(text: string): string {
  const una = /^UNA[\s\S]{6}/.exec(text)?.[0];
  const release = una?.[6] ?? '?';
  const terminator = una?.[8] ?? "'";
  const kept: string[] = [una ?? ''];
  let afterTerminator = false;
  for (let index = kept[0]?.length ?? 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (afterTerminator && /[\s]/.test(character)) continue;
    afterTerminator = character === terminator;
    kept.push(character);
    if (character === release && index + 1 < text.length) {
      index += 1;
      kept.push(text.charAt(index));
    }
  }
  return kept.join('');
}

/** Reads bytes: ISO 8859-1 unless the UNB syntax identifier says UTF-8 (UNOW, UNOY). */
export function readEdifactBytes(content: Uint8Array): EdifactSegments {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const first = readEdifactSegments(bytes.toString('latin1'));
  const syntax = first.segments.find((segment) => segment.tag === 'UNB')?.elements[0]?.[0] ?? '';
  return UTF8_SYNTAXES.has(syntax) ? readEdifactSegments(bytes.toString('utf8')) : first;
}

/** The component at element `elementPosition`, component `componentPosition` (both from 1), or ''. */
export function component(segment: EdifactSegment | undefined, elementPosition: number, componentPosition = 1): string {
  return segment?.elements[elementPosition - 1]?.[componentPosition - 1] ?? '';
}
