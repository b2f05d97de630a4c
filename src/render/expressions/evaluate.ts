import { BoundedMemo } from '../../model/bounded-cache.js';
import { compileExpressionText, compilePath } from './code-generation.js';
import { NO_LOOPS, present, text, type CodeLists, type ExpressionContext, type Getter, type Scope } from './scope.js';

/**
 * Template strings and paths evaluated where a writer has no program of its own (the PDF writer,
 * filters): each is compiled once, on first use, and the getter kept.
 */

const NO_CODES: CodeLists = {};
const rootPaths = new BoundedMemo<string, Getter>(10_000);
const compiledTexts = new BoundedMemo<string, Getter>(10_000);

/** The value at a dotted path of a scope (undefined as soon as a step is missing). */
export function lookup(scope: Scope, path: string): unknown {
  return rootPaths.get(path, compileRootPath)({ scope, codes: NO_CODES });
}

/** A template string's value: the raw value of a lone expression, else the filled-in text. */
export function fill(template: string, context: ExpressionContext): unknown {
  return compiledTexts.get(template, compileText)(context);
}

/** The same, always as text ('' for nothing). */
export function fillText(template: string, context: ExpressionContext): string {
  return text(fill(template, context));
}

/** Whether a `when` condition holds: its value is present, not blank, not false, not empty. */
export function holds(template: string | undefined, context: ExpressionContext): boolean {
  return template === undefined || present(fill(template, context));
}

function compileRootPath(path: string): Getter {
  return compilePath(path, NO_LOOPS);
}

function compileText(template: string): Getter {
  return compileExpressionText(template, NO_LOOPS);
}
