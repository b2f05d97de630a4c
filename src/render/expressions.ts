/**
 * The little expression language of edi-templates/: `{{ path | filter:arg }}` inside a string.
 * A string that is exactly one expression yields its value as it is (undefined when absent,
 * so an optional element or segment can drop out); anything else is text with the
 * expressions' values filled in. Templates are data: this is the whole of their logic.
 *
 * Its rooms, in src/render/expressions/: scope.ts (what an expression reads: scope, code lists,
 * loop bindings), parser.ts (an expression read), filters.ts (the table of filters),
 * character-sets.ts (the segment standards' repertoires and fitting text to them), wrap.ts
 * (lines of a wrapped text), code-generation.ts (expressions and paths as generated
 * JavaScript), evaluate.ts (fill and lookup), analysis.ts (what is known before any document).
 */
export {
  bindLoop,
  loopScope,
  NO_LOOPS,
  present,
  type CodeLists,
  type ExpressionContext,
  type Getter,
  type LoopBindings,
  type Scope,
} from './expressions/scope.js';
export {
  compileExpressionText,
  compilePath,
  expressionTextCode,
  loopLocals,
  pathCode,
  type CodeValues,
} from './expressions/code-generation.js';
export { fill, fillText, holds, lookup } from './expressions/evaluate.js';
export { characterKind, dependsOnlyOn, expressionProblems, readsOnlyPaths } from './expressions/analysis.js';
export { charactersOutside } from '../edi-syntax/character-sets.js';
