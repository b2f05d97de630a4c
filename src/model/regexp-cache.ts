import { setFlagsFromString } from 'node:v8';
import { RE2JS } from 're2js';
import { BoundedMemo } from './bounded-cache.js';

/**
 * Patterns from profiles (po-format, invoice-number-format, custom rules' `matches` ...) run
 * on invoice data, so none may backtrack for minutes on a hostile pattern such as
 * `^([A-Z0-9-]+)+$`. Each runs in linear time:
 * - a pattern V8's linear engine can run is a native RegExp, and V8 is told to switch a match
 *   to that engine after too many backtracks: native speed in the usual case, linear at worst;
 * - a pattern V8's linear engine refuses only for its size limits (a bound above 16, as in
 *   `\d{1,20}`) runs on re2js, RE2's linear automaton in plain JavaScript (~10× slower);
 * - a pattern neither can run (a backreference, a lookahead or lookbehind) is refused when the
 *   profile is loaded (patternProblem).
 * Each is compiled once. No 'u' flag: the profile schema checks patterns as plain JavaScript.
 */
// Should a Node refuse these flags at run time, `new RegExp(p, 'l')` throws and every profile
// pattern goes to re2js: slower, still linear.
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** What matching needs of a pattern; a RegExp is one. */
export interface TextPattern {
  test(text: string): boolean;
}

/** Each profile pattern's choice (a pattern, or why none can be), made once per pattern text. */
const choices = new BoundedMemo<string, TextPattern | string>();
/** Each template pattern compiled once. */
const templatePatterns = new BoundedMemo<string, RegExp>();

/**
 * A pattern from a shipped template (edi-templates/), compiled once: the project's own, so it may
 * use lookaheads; V8 still switches it to its linear engine after too many backtracks where it can.
 */
export function cachedRegExp(pattern: string): RegExp {
  return templatePatterns.get(pattern, (source) => new RegExp(source));
}

/** A pattern from a profile or rule, compiled once, matched in linear time; patternProblem says first why one cannot be. */
export function linearPattern(pattern: string): TextPattern {
  const chosen = choices.get(pattern, choosePattern);
  if (typeof chosen === 'string') throw new SyntaxError(`the regular expression ${pattern} ${chosen}`);
  return chosen;
}

/** Why a pattern cannot be used (not a regular expression, or not one that runs in linear time), or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  const chosen = choices.get(pattern, choosePattern);
  return typeof chosen === 'string' ? chosen : undefined;
}

function choosePattern(pattern: string): TextPattern | string {
  let native: RegExp;
  try {
    native = new RegExp(pattern);
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  try {
    new RegExp(pattern, 'l');
    // Native speed is safe only while V8 really falls back to its linear engine; else RE2 runs it.
    if (linearFallbackWorks()) return native;
  } catch {
    // Too large for V8's linear engine, or not linear at all: RE2 decides which.
  }
  try {
    const re2 = RE2JS.compile(pattern);
    return { test: (text: string) => re2.test(text) };
  } catch {
    return 'cannot be matched in linear time: it uses a backreference, a lookahead or lookbehind, or a repeat count above 1000; write it without them (e.g. as two conditions, one matches and one notMatches)';
  }
}

let fallbackChecked: boolean | undefined;

/**
 * Whether V8 took the flag that switches a backtracking match to its linear engine: a Node that
 * ignores it (setFlagsFromString is silent) would let `^(a+)+$` take about 100 ms on 22 letters
 * and far longer on more; with the fallback it takes well under a millisecond. Asked once.
 */
export function linearFallbackWorks(): boolean {
  if (fallbackChecked === undefined) {
    const started = performance.now();
    /^(a+)+$/.test(`${'a'.repeat(22)}b`);
    fallbackChecked = performance.now() - started < 40;
  }
  return fallbackChecked;
}
