/**
 * What an expression reads: the scope (invoice, totals, options, profile, now), the template's
 * code lists, and the loop variables, which compiled code reads from slots rather than from a
 * scope object made per item.
 */
export type Scope = Readonly<Record<string, unknown>>;
export type CodeLists = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface ExpressionContext {
  readonly scope: Scope;
  /** Code lists of the template, for the `map` filter. */
  readonly codes: CodeLists;
  /**
   * The enclosing loops' items and indexes, for expressions compiled with loop bindings
   * (compileExpressionText): a writer sets the slots as it walks a loop, so no scope object is
   * made per item.
   */
  readonly loops?: unknown[] | undefined;
}

/** An expression compiled once: its value in a context. */
export type Getter = (context: ExpressionContext) => unknown;

/**
 * The loop variables an expression can see, known when a template is compiled: `as: "line"`
 * binds line, lineIndex and lineNumber to a slot of ExpressionContext.loops.
 */
export interface LoopBindings {
  readonly names: ReadonlyMap<string, { readonly slot: number; readonly part: 'item' | 'index' | 'number' }>;
  /** Slots taken by the enclosing loops: two each, the item and its index. */
  readonly slots: number;
  /**
   * Segment templates: the generated code's name for the document, whose segment counters
   * `counts.<name>` reads (`document.countSince("<name>")`), so that no scope is made per
   * document to hold them.
   */
  readonly counters?: string | undefined;
}

export const NO_LOOPS: LoopBindings = { names: new Map(), slots: 0 };

/** The bindings inside a loop over `name`: the item in the next free slot, its index in the one after. */
export function bindLoop(bindings: LoopBindings, name: string): LoopBindings {
  const slot = bindings.slots;
  const names = new Map(bindings.names);
  names.set(name, { slot, part: 'item' });
  names.set(`${name}Index`, { slot: slot + 1, part: 'index' });
  names.set(`${name}Number`, { slot: slot + 1, part: 'number' });
  return { names, slots: slot + 2, counters: bindings.counters };
}

/** A loop's scope: the enclosing one (through the prototype: no copying) plus the item. */
export function loopScope(scope: Scope, name: string, item: unknown, index: number): Scope {
  const inner = Object.create(scope) as Record<string, unknown>;
  inner[name] = item;
  inner[`${name}Index`] = index;
  inner[`${name}Number`] = index + 1;
  return inner;
}

/** What a condition's value means: present, not blank, not false, not an empty list. */
export function present(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0));
}

/** A value as text: '' for nothing. */
export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}
