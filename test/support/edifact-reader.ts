import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
// ts-edifact 0.0.14's index loads its UNECE web-page downloader, which needs htmlparser2, a
// package it does not declare; the parser, validator, tables and tracker are taken one by one.
import { Configuration } from 'ts-edifact/lib/configuration.js';
import { ElementTableBuilder } from 'ts-edifact/lib/elements.js';
import { Parser } from 'ts-edifact/lib/parser.js';
import { SegmentTableBuilder } from 'ts-edifact/lib/segments.js';
import { Tracker, type MessageType } from 'ts-edifact/lib/tracker.js';
import { Dictionary, ValidatorImpl, type ElementEntry, type SegmentEntry } from 'ts-edifact/lib/validator.js';

/**
 * An EDIFACT INVOIC interchange read by ts-edifact, which we did not write: its parser (UNA
 * separators, release character, the UNB character set) with a strict validator fed the
 * segment and element tables of the message's directory, and its Tracker walking UNH..UNT
 * through the message's segment table.
 */
/** ts-edifact's message tables. */
export const SPECS = join(dirname(createRequire(import.meta.url).resolve('ts-edifact/lib/parser.js')), 'messageSpec');

export interface Segment {
  readonly tag: string;
  /** Elements, each a list of components, release characters removed. */
  readonly elements: string[][];
}

export interface Interchange {
  readonly segments: Segment[];
  /** The directory whose tables checked the message, e.g. "D96A". */
  readonly directory: string;
}

/** The segment and element tables and the message structure ts-edifact carries for a directory. */
function tablesFor(directory: string): {
  segments: Dictionary<SegmentEntry>;
  elements: Dictionary<ElementEntry>;
  structure: MessageType[];
} {
  // D96A has its own files; the undated INVOIC files are D.01B (ts-edifact's README).
  const dated = existsSync(join(SPECS, `${directory}_INVOIC.segments.json`));
  if (!dated && directory !== 'D01B') throw new Error(`ts-edifact carries no INVOIC tables for ${directory}`);
  const segments = new SegmentTableBuilder('INVOIC').specLocation(SPECS);
  const elements = new ElementTableBuilder('INVOIC').specLocation(SPECS);
  if (dated) {
    segments.forVersion(directory);
    elements.forVersion(directory);
  }
  const structure = JSON.parse(readFileSync(join(SPECS, `${dated ? `${directory}_` : ''}INVOIC.struct.json`), 'utf8')) as MessageType[];
  return { segments: segments.build(), elements: elements.build(), structure };
}

/**
 * The interchange's segments as ts-edifact's parser reads them with this validator (the UNB
 * syntax identifier sets the character set, as ts-edifact's Reader does). `onMessageHeader` is
 * told each UNH once it is read, to give the validator the message's tables.
 */
export function parseSegments(text: string, validator: ValidatorImpl, onMessageHeader: (unh: Segment) => void): Segment[] {
  validator.define(SegmentTableBuilder.enrichWithDefaultSegments(new Dictionary<SegmentEntry>()));
  validator.define(ElementTableBuilder.enrichWithDefaultElements(new Dictionary<ElementEntry>()));
  const parser = new Parser(new Configuration({ validator }));
  const segments: Segment[] = [];
  let segment: Segment | undefined;
  let element: string[] = [];
  parser.onOpenSegment = (tag: string) => {
    segment = { tag, elements: [] };
    segments.push(segment);
  };
  parser.onElement = () => {
    element = [];
    segment?.elements.push(element);
  };
  parser.onComponent = (value: string) => {
    if (segment?.tag === 'UNB' && segment.elements.length === 1 && element.length === 0) parser.updateCharset(value);
    element.push(value);
  };
  parser.onCloseSegment = () => {
    if (segment?.tag === 'UNH') onMessageHeader(segment);
  };
  parser.write(text);
  parser.end();
  return segments;
}

/** Parse and check one interchange with ts-edifact; throws what ts-edifact throws. */
export function readInterchange(text: string): Interchange {
  const validator = new ValidatorImpl(true);
  let directory = '';
  let structure: MessageType[] | undefined;
  const segments = parseSegments(text, validator, (unh) => {
    const [type = '', version = '', release = ''] = unh.elements[1] ?? [];
    assert.equal(type, 'INVOIC');
    directory = `${version}${release}`;
    const tables = tablesFor(directory);
    validator.define(tables.segments);
    validator.define(tables.elements);
    structure = tables.structure;
  });
  assert.ok(structure, 'no UNH');
  const tracker = new Tracker(structure);
  const start = segments.findIndex((candidate) => candidate.tag === 'UNH');
  const end = segments.findIndex((candidate) => candidate.tag === 'UNT');
  for (const candidate of segments.slice(start, end + 1)) tracker.accept(candidate.tag);
  return { segments, directory };
}
