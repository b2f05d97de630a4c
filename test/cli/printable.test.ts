import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable, printableJson, printableLines } from '../../src/cli/printable.js';

test('printable escapes control characters, DEL, C1 and bidirectional overrides, and leaves other text alone', () => {
  assert.equal(printable('INV-1 Café 😀'), 'INV-1 Café 😀');
  assert.equal(printable('a\u001b[31mb\u0007\u007f\u009b\u202e\n\t\r'), 'a\\x1b[31mb\\x07\\x7f\\x9b\\u202e\\n\\t\\r');
});

test('printableLines keeps the line breaks of a multi-line message', () => {
  assert.equal(printableLines('one \u001b\ntwo'), 'one \\x1b\ntwo');
});

test('printableJson is the same JSON value with nothing a terminal acts on left raw', () => {
  const value = { number: 'a\u001b\u009b\u2028\u202eb' };
  const json = printableJson(JSON.stringify(value));
  assert.doesNotMatch(json, /[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
  assert.deepEqual(JSON.parse(json), value);
});
