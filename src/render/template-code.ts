import { bindLoop, expressionTextCode, pathCode, type CodeValues, type LoopBindings } from './expressions.js';

/**
 * What the compilers of segment and XML templates share. A template becomes JavaScript source,
 * as template engines do, so that each document is written by straight-line code with one known
 * callee per call site (see bench/README.md). Nothing of a template's text becomes code except
 * quoted as a JSON string literal (names, ids, paths); expressions go through expressionTextCode,
 * and what the code calls (compiled filters, code sets) sits in a table the code names `v[i]`.
 * Helpers with the writer's checks and messages are `h`.
 */
export abstract class TemplateCode implements CodeValues {
  /** What the code calls or reads by reference. */
  readonly values: unknown[] = [];

  reference(value: unknown): string {
    this.values.push(value);
    return `v[${this.values.length - 1}]`;
  }

  /**
   * A node's code behind what may leave it out: the profile's omit list (`omitted`, the code
   * naming that set) and the node's `when` condition.
   */
  protected guarded(
    body: string,
    guard: { readonly id?: string | undefined; readonly when?: string | undefined; readonly omitted: string },
    bindings: LoopBindings,
  ): string {
    const conditions: string[] = [];
    if (guard.id !== undefined) conditions.push(`!${guard.omitted}.has(${JSON.stringify(guard.id)})`);
    if (guard.when !== undefined) conditions.push(`h.present(${expressionTextCode(guard.when, bindings, this)})`);
    return conditions.length === 0 ? `{\n${body}\n}` : `if (${conditions.join(' && ')}) {\n${body}\n}`;
  }

  /**
   * A loop over the array at a path. The item is kept in a local (L<slot>) for the code, and
   * in the context's loop slots for filters that read paths of their own.
   */
  protected loop(each: string, as: string, bindings: LoopBindings, body: (inner: LoopBindings) => string): string {
    const slot = bindings.slots;
    const [item, index, list] = [`L${slot}`, `I${slot + 1}`, `list${slot}`];
    return `const ${list} = ${pathCode(each, bindings, this)};
if (Array.isArray(${list})) for (let ${index} = 0; ${index} < ${list}.length; ${index} += 1) {
const ${item} = ${list}[${index}];
loops[${slot}] = ${item}; loops[${slot + 1}] = ${index};
${body(bindLoop(bindings, as))}
}`;
  }

  /** The function the source returns, given the table of values and the helpers. */
  protected build<Program>(source: string, helpers: object): Program {
    return new Function('v', 'h', `"use strict";\n${source}`)(this.values, helpers) as Program;
  }
}
