import { FILTERS_READING_THE_INVOICE, NUMBER_FILTERS, PATH_ARGUMENT_FILTERS } from './filters.js';
import { EXPRESSION, parseExpression, SINGLE_EXPRESSION } from './parser.js';
import type { CodeLists, LoopBindings } from './scope.js';

/**
 * What is known of a template string before any document: its problems, which are refused when
 * the template is loaded, what characters its value can have, and what its value depends on,
 * which lets writers skip tests and reuse what they wrote.
 */

/**
 * What is wrong with the expressions of one template string, found when the template is
 * loaded rather than when a document is rendered: unknown filters, code lists the template
 * does not have.
 */
export function expressionProblems(template: string, codes: CodeLists): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(EXPRESSION)) {
    const source = match[1] ?? '';
    try {
      for (const filter of parseExpression(source).filters) {
        const list = filter.args[0];
        if (filter.name === 'map' && (list === undefined || !Object.hasOwn(codes, list)))
          problems.push(`{{ ${source} }} maps through the code list "${list ?? ''}", which the template's codes do not have`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/**
 * What characters a template string can produce, known before any document: `number` (a lone
 * expression ending in a number filter), `plain` (fixed text of letters, digits and spaces),
 * else `any`. Writers skip tests the characters cannot fail.
 */
export function characterKind(template: string): 'number' | 'plain' | 'any' {
  if (!template.includes('{{')) return /^[A-Za-z0-9 ]*$/.test(template) ? 'plain' : 'any';
  const single = SINGLE_EXPRESSION.exec(template);
  if (!single || template.slice(2).includes('{{')) return 'any';
  const last = parseExpression(single[1] ?? '').filters.at(-1);
  return last !== undefined && NUMBER_FILTERS.has(last.name) ? 'number' : 'any';
}

/**
 * Whether a template string's value depends only on these parts of the scope (say options,
 * profile and now, which are the same for every document of a run): every path and every
 * argument of a filter starts with one of them, no loop variable is read, no filter reads
 * anything else. A literal argument (wrap:80) is read as a path here, so it counts as
 * depending on more: the answer errs towards "no".
 */
export function dependsOnlyOn(template: string, heads: ReadonlySet<string>, bindings: LoopBindings): boolean {
  return readsOnly(template, (head) => heads.has(head) && !bindings.names.has(head));
}

/**
 * Whether a template string's value depends only on the values at its paths (into the scope
 * or from loop variables; see CodeValues): no segment counter, no filter that reads more (the
 * invoice's currency). A segment whose values all do is written again from its last text when
 * those values are the same.
 */
export function readsOnlyPaths(template: string, bindings: LoopBindings): boolean {
  return readsOnly(template, (head) => bindings.names.has(head) || !(head === 'counts' && bindings.counters !== undefined));
}

/**
 * Whether every path a template string reads (its expressions' paths and the path arguments of
 * their filters) starts with a name `allowed` accepts, and no filter reads anything else.
 */
function readsOnly(template: string, allowed: (head: string) => boolean): boolean {
  const reads = (path: string) => allowed(path.split('.')[0] ?? '');
  for (const match of template.matchAll(EXPRESSION)) {
    const parsed = parseExpression(match[1] ?? '');
    if (parsed.literal === undefined && !reads(parsed.path)) return false;
    for (const { name, args } of parsed.filters) {
      if (FILTERS_READING_THE_INVOICE.has(name)) return false;
      if (PATH_ARGUMENT_FILTERS.has(name) && !args.every(reads)) return false;
    }
  }
  return true;
}
