import assert from 'node:assert/strict';
import { test } from 'node:test';
import { component, readEdifactBytes, readEdifactSegments } from '../../src/edi-syntax/edifact-reader.js';

/** The one EDIFACT reader of firstpass (the sandbox buyer's INVOICs, the customers' CONTRL and APERAK). */

test('line breaks and indentation after a terminator are layout; a released terminator and release character are data', () => {
  const read = readEdifactSegments(
    "UNA:+.? '\r\nUNB+UNOC:3+A:14+B:14+261120:1200+7'\r\n  UNH+1+APERAK:D:96A:UN'\nFTX+AAO+++it?'s 5?? off'\nUNT+3+1'\nUNZ+1+7'\n",
  );
  assert.equal(read.ok, true);
  assert.deepEqual(
    read.segments.map((segment) => segment.tag),
    ['UNB', 'UNH', 'FTX', 'UNT', 'UNZ'],
  );
  assert.equal(component(read.segments[2], 4), "it's 5? off");
  assert.equal(component(read.segments[0], 2, 2), '14');
});

test("the UNA's own separators, release character and terminator are followed", () => {
  const read = readEdifactSegments('UNA|*.# !\nUNB*UNOC|3*A*B*261120|1200*9!\nUNH*1*CONTRL|D|3|UN!\nUCI*42*B*A*7#!!\nUNT*3*1!\nUNZ*1*9!');
  assert.equal(read.ok, true);
  assert.deepEqual(read.segments[2]?.elements, [['42'], ['B'], ['A'], ['7!']]);
});

test('a UNOY interchange is read as UTF-8, a UNOC one as ISO 8859-1; a fault keeps the segments read before it', () => {
  const utf8 = readEdifactBytes(
    Buffer.from("UNB+UNOY:4+A+B+261120:1200+1'UNH+1+INVOIC:D:96A:UN'NAD+SE+++Müller ĀB'UNT+3+1'UNZ+1+1'", 'utf8'),
  );
  assert.equal(component(utf8.segments[2], 4), 'Müller ĀB');
  const latin1 = readEdifactBytes(
    Buffer.from("UNB+UNOC:3+A+B+261120:1200+1'UNH+1+INVOIC:D:96A:UN'NAD+SE+++Müller'UNT+3+1'UNZ+1+1'", 'latin1'),
  );
  assert.equal(component(latin1.segments[2], 4), 'Müller');
  const broken = readEdifactSegments("UNB+UNOA:3+A+B+261120:1200+1'UNH+1+INVOIC:D:96A:UN'NAD+SE+++müller'");
  assert.equal(broken.ok, false);
  assert.deepEqual(
    broken.segments.slice(0, 2).map((segment) => segment.tag),
    ['UNB', 'UNH'],
  );
});
