import edifact from 'edifact';
import elementDefinitions from 'edifact/elements.js';
import segmentDefinitions from 'edifact/segments.js';

/**
 * An EDIFACT interchange as segments, read by the `edifact` package's parser (UNA separators,
 * release character, the character repertoire the UNB syntax identifier names), not split by
 * hand. Bytes are ISO 8859-1 for UNOA..UNOC, UTF-8 for UNOW/UNOY.
 */

export interface EdifactSegment {
  readonly tag: string;
  /** Elements, each a list of components, release characters removed. */
  readonly elements: string[][];
}

export type SegmentsResult =
  | { readonly ok: true; readonly segments: EdifactSegment[] }
  /** The segments read before the fault, so a rejection can still name the interchange. */
  | { readonly ok: false; readonly reason: string; readonly segments: EdifactSegment[] };

const UTF8_SYNTAXES: ReadonlySet<string> = new Set(['UNOW', 'UNOY']);

function parse(text: string): SegmentsResult {
  const validator = new edifact.Validator();
  validator.define(segmentDefinitions);
  validator.define(elementDefinitions);
  const parser = new edifact.Parser(validator);
  const segments: EdifactSegment[] = [];
  let current: EdifactSegment | undefined;
  let element: string[] = [];
  let syntaxIdentifierNext = false;
  parser.onopensegment = (tag) => {
    current = { tag, elements: [] };
    segments.push(current);
    syntaxIdentifierNext = tag === 'UNB';
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
    parser.write(text);
    parser.end();
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), segments };
  }
  return { ok: true, segments };
}

export function edifactSegments(content: Buffer): SegmentsResult {
  const first = parse(content.toString('latin1'));
  const syntax = first.segments.find((segment) => segment.tag === 'UNB')?.elements[0]?.[0] ?? '';
  return UTF8_SYNTAXES.has(syntax) ? parse(content.toString('utf8')) : first;
}

/** The component at element `element`, component `component` (both from 1), or ''. */
export function component(segment: EdifactSegment | undefined, elementPosition: number, componentPosition = 1): string {
  return segment?.elements[elementPosition - 1]?.[componentPosition - 1] ?? '';
}
