import assert from 'node:assert/strict';
import { X12Interchange, X12Parser } from 'node-x12';

/** An X12 interchange read by node-x12, strict: an envelope whose counts or control numbers disagree throws. */
export function parse(text: string): X12Interchange {
  const parser = new X12Parser(true);
  const interchange = parser.parse(text);
  assert.ok(interchange instanceof X12Interchange, 'one interchange');
  assert.deepEqual(parser.diagnostics, []);
  return interchange;
}
