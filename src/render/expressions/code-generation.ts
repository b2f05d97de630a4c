import { boundFilter, CONDITION_FILTERS, PATH_ARGUMENT_FILTERS } from './filters.js';
import { EXPRESSION, parseExpression, SINGLE_EXPRESSION } from './parser.js';
import { present, type Getter, type LoopBindings } from './scope.js';

/**
 * Expressions and paths compiled to JavaScript: a template string becomes an expression of
 * generated code, in line in a writer's program (template-code.ts) or as a getter of its own.
 * Nothing of a template becomes code but names quoted as JSON string literals; what the code
 * calls (bound filters, constants) it names by reference.
 */

/**
 * A dotted path as a function: its first step from a loop slot when it names a loop variable,
 * else from the scope; the following steps read properties. Paths are compiled once per
 * template, so a document costs only the property reads.
 */
export function compilePath(path: string, bindings: LoopBindings): Getter {
  return compiledGetter(() => pathCode(path, bindings), bindings);
}

/**
 * A getter made from generated code (expressionTextCode, pathCode): the one way expressions
 * are compiled, whether a writer's program has them in line or a filter, the XML reference
 * writer or the PDF writer calls them as functions. The loop variables the bindings name are
 * read from the context's loop slots into the locals the code expects.
 */
function compiledGetter(code: (values: CodeValues) => string, bindings: LoopBindings): Getter {
  const values: unknown[] = [];
  const expression = code({ reference: (value) => `v[${values.push(value) - 1}]` });
  const locals = loopLocals(bindings)
    .map((local) => `, ${local}`)
    .join('');
  const source = `"use strict";\nreturn function getter(context) {\n  const S = context.scope, loops = context.loops${locals};\n  return ${expression};\n};`;
  return new Function('v', source)(values) as Getter;
}

/** The locals (L<slot> = loops[slot], I<slot> = ...) that code compiled with these bindings reads its loop variables from. */
export function loopLocals(bindings: LoopBindings): string[] {
  return [...bindings.names.values()]
    .filter(({ part }) => part !== 'number')
    .map(({ slot, part }) => `${part === 'item' ? 'L' : 'I'}${slot} = loops[${slot}]`);
}

/**
 * A template string compiled once into a function of the context: a lone expression yields
 * its value as it is, text without expressions is a constant, anything else is the text with
 * the expressions' values filled in. Loop variables named in `bindings` are read from the
 * context's loop slots; other paths from its scope.
 */
export function compileExpressionText(template: string, bindings: LoopBindings): Getter {
  if (!template.includes('{{')) return () => template;
  return compiledGetter((values) => expressionTextCode(template, bindings, values), bindings);
}

/**
 * Generated code keeps what it calls (compiled filters, constants) in a table and names each
 * entry by its reference, e.g. `v[3]`.
 */
export interface CodeValues {
  reference(value: unknown): string;
  /**
   * Optional: a local the generated function declares at its start for this code (a path into
   * the scope, such as `S["invoice"]?.["seller"]`), so that paths sharing it read it once.
   * `whole`: the code is a whole path of the template (its value is used), not a prefix.
   */
  hoisted?(code: string, whole: boolean): string;
  /** Optional: told the code of each whole path that starts at a loop variable (a segment's values, for SegmentCode). */
  readsLoopPath?(code: string): void;
}

/**
 * A template string as a JavaScript expression, for templates compiled to functions: the same
 * value as compileExpressionText gives. The code reads `S` (the scope), `context`, and for
 * loop variables the locals `L<slot>` (item) and `I<slot>` (index), which the generated loop
 * declares. Nothing of the template becomes code but names quoted as JSON string literals;
 * filters are called through `values`.
 */
export function expressionTextCode(template: string, bindings: LoopBindings, values: CodeValues): string {
  const single = SINGLE_EXPRESSION.exec(template);
  if (single && !template.slice(2).includes('{{')) return expressionCode(single[1] ?? '', bindings, values);
  if (!template.includes('{{')) return JSON.stringify(template);
  const parts: string[] = [];
  let last = 0;
  for (const match of template.matchAll(EXPRESSION)) {
    // text(value): '' for nothing, else the value as a string.
    parts.push(JSON.stringify(template.slice(last, match.index)), `String(${expressionCode(match[1] ?? '', bindings, values)} ?? '')`);
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(JSON.stringify(template.slice(last)));
  return `(${parts.filter((part) => part !== '""').join(' + ')})`;
}

function expressionCode(source: string, bindings: LoopBindings, values: CodeValues): string {
  const parsed = parseExpression(source);
  let code = parsed.literal !== undefined ? JSON.stringify(parsed.literal) : pathCode(parsed.path, bindings, values);
  // Whether the code so far only reads (a literal, a path, conditions of those): it cannot throw, so it need not be worked out when a condition drops it.
  let onlyReads = true;
  for (const { name, args } of parsed.filters) {
    // if and unless on what only reads are conditions in line: the commonest filters in the segment templates, and the cheapest as code.
    const condition = CONDITION_FILTERS.get(name);
    if (condition !== undefined && onlyReads) {
      const holds = `${values.reference(present)}(${args[0] === undefined ? 'undefined' : pathCode(args[0], bindings, values)})`;
      code = condition === 'if' ? `(${holds} ? ${code} : undefined)` : `(${holds} ? undefined : ${code})`;
      continue;
    }
    onlyReads = false;
    const bound = boundFilter(name, args);
    // Arguments that name values are read by the code itself: the filter gets the values.
    const pathValues = PATH_ARGUMENT_FILTERS.has(name) ? args.map((argument) => `, ${pathCode(argument, bindings, values)}`).join('') : '';
    code = `${values.reference(bound)}(${code}, context${pathValues})`;
  }
  return code;
}

/**
 * A dotted path as code: property reads from the scope (`S`) or a loop variable, undefined as
 * soon as a step is missing. With `values` that hoist, a path into the scope and its prefixes
 * are locals of the generated function (`invoice`, then `invoice.seller`, ...), read once at
 * its start: rendering does not change the data (segment counters, which change, are read from
 * the document), and a part of a template reads the same party or options dozens of times.
 */
export function pathCode(path: string, bindings: LoopBindings, values?: CodeValues): string {
  const [head = '', ...rest] = path.split('.');
  const bound = bindings.names.get(head);
  if (bound === undefined && head === 'counts' && bindings.counters !== undefined && rest.length > 0) {
    const [counter = '', ...further] = rest;
    return further.reduce(
      (code, key) => `${code}?.[${JSON.stringify(key)}]`,
      `${bindings.counters}.countSince(${JSON.stringify(counter)})`,
    );
  }
  if (bound === undefined && values?.hoisted !== undefined) {
    let code = values.hoisted(`S[${JSON.stringify(head)}]`, rest.length === 0);
    rest.forEach((key, index) => {
      code = values.hoisted?.(`${code}?.[${JSON.stringify(key)}]`, index === rest.length - 1) ?? code;
    });
    return code;
  }
  let code =
    bound === undefined
      ? `S[${JSON.stringify(head)}]`
      : bound.part === 'item'
        ? `L${bound.slot}`
        : bound.part === 'index'
          ? `I${bound.slot}`
          : `(I${bound.slot} + 1)`;
  for (const key of rest) code += `?.[${JSON.stringify(key)}]`;
  if (bound !== undefined) values?.readsLoopPath?.(code);
  return code;
}
