import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// As in edifact-reader.ts: ts-edifact's parts are taken one by one (its index needs a package it does not declare).
import { ElementTableBuilder } from 'ts-edifact/lib/elements.js';
import { SegmentTableBuilder } from 'ts-edifact/lib/segments.js';
import { Tracker, type MessageType } from 'ts-edifact/lib/tracker.js';
import { ValidatorImpl } from 'ts-edifact/lib/validator.js';
import { parseSegments, SPECS, type Segment } from './edifact-reader.js';

/**
 * An EDIFACT answer (CONTRL, APERAK) read by ts-edifact, a parser firstpass did not write: its
 * parser with the service segments' tables, and for APERAK its segment and element tables and
 * Tracker walking the message structure (ts-edifact ships APERAK of D.01B, whose structure D.96A
 * shares). UNT's segment count, UNZ's message count and the references they repeat are checked.
 */

export type AnswerSegment = Segment;

export function readEdifactAnswer(text: string): AnswerSegment[] {
  const validator = new ValidatorImpl(false);
  let structure: MessageType[] | undefined;
  const segments = parseSegments(text, validator, (unh) => {
    if (unh.elements[1]?.[0] !== 'APERAK') return;
    validator.define(new SegmentTableBuilder('APERAK').specLocation(SPECS).build());
    validator.define(new ElementTableBuilder('APERAK').specLocation(SPECS).build());
    structure = JSON.parse(readFileSync(join(SPECS, 'APERAK.struct.json'), 'utf8')) as MessageType[];
  });

  const start = segments.findIndex((candidate) => candidate.tag === 'UNH');
  const end = segments.findIndex((candidate) => candidate.tag === 'UNT');
  assert.ok(start > 0 && end > start, 'one UNH..UNT message inside UNB..UNZ');
  if (structure !== undefined) {
    const tracker = new Tracker(structure);
    for (const candidate of segments.slice(start, end + 1)) tracker.accept(candidate.tag);
  }
  const at = (tag: string) => segments.find((candidate) => candidate.tag === tag);
  assert.equal(at('UNT')?.elements[0]?.[0], String(end - start + 1), 'UNT counts the message segments');
  assert.equal(at('UNT')?.elements[1]?.[0], at('UNH')?.elements[0]?.[0], 'UNT repeats the UNH reference');
  assert.equal(at('UNZ')?.elements[0]?.[0], '1', 'UNZ counts one message');
  assert.equal(at('UNZ')?.elements[1]?.[0], at('UNB')?.elements[4]?.[0], 'UNZ repeats the UNB reference');
  return segments;
}
