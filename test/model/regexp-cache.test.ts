import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearPattern, patternProblem, linearFallbackWorks } from '../../src/model/regexp-cache.js';

test('a pattern that backtracks catastrophically matches a long hostile text in linear time', () => {
  for (const pattern of ['^([A-Z0-9-]+)+$', '^(a|aa)+$', '^([A-Z]{1,30})*$']) {
    const started = performance.now();
    assert.equal(linearPattern(pattern).test(`${'A'.repeat(100_000)}!`), false);
    assert.equal(linearPattern(pattern).test('a'.repeat(40)), pattern === '^(a|aa)+$');
    assert.ok(performance.now() - started < 1000, `${pattern} took ${Math.round(performance.now() - started)} ms`);
  }
});

test("patterns keep JavaScript's meaning on both linear engines", () => {
  assert.equal(linearPattern('^GX-\\d{6}$').test('GX-123456'), true);
  assert.equal(linearPattern('^[A-Z]{2}-\\d{1,20}$').test('AB-12345678901234567890'), true);
  assert.equal(linearPattern('^[A-Z]{2}-\\d{1,20}$').test('AB-123456789012345678901'), false);
  assert.equal(linearPattern('[~*^>]').test('Widget > Gadget'), true);
});

test('a pattern that cannot run in linear time, or is no pattern, is refused with why', () => {
  assert.match(patternProblem('^(\\d)\\1$') ?? '', /cannot be matched in linear time: it uses a backreference/);
  assert.match(patternProblem('^(?!TEST)') ?? '', /lookahead/);
  assert.match(patternProblem('^[A-Z') ?? '', /is not a valid regular expression \(.*Unterminated character class\)/);
  assert.equal(patternProblem('^PO-\\d{5}$'), undefined);
  assert.throws(() => linearPattern('(?<=a)b'), /cannot be matched in linear time/);
});

test("V8's switch to its linear engine after excessive backtracking is in force on this Node (else every profile pattern runs on re2js)", () => {
  assert.equal(linearFallbackWorks(), true);
});
