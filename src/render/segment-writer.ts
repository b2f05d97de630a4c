import { RenderError } from '../model/errors.js';
import { fill, holds, lookup, loopScope, type CodeLists, type ExpressionContext, type Scope } from './expressions.js';
import type { Element, SegmentNode } from './template.js';

/**
 * Writes segment-based documents (X12, EDIFACT) from a template. The syntax is data:
 * separators, and what happens to a separator inside data: X12 has no escape, so such data is
 * refused with a clear error; EDIFACT escapes it with its release character. Trailing empty
 * elements and components are left out, as both standards require.
 */
export interface SegmentSyntax {
  readonly elementSeparator: string;
  readonly componentSeparator: string;
  readonly segmentTerminator: string;
  /** Another separator that data must not contain (X12 repetition separator). */
  readonly repetitionSeparator?: string | undefined;
  /** `release`: escape separators with the release character (EDIFACT); `refuse`: stop (X12). */
  readonly escape: 'release' | 'refuse';
  readonly releaseCharacter?: string | undefined;
  /** Written after each terminator, for people reading the file: "\n" or "". */
  readonly lineBreak: string;
}

export interface SegmentWriteInput {
  readonly segments: readonly SegmentNode[];
  readonly syntax: SegmentSyntax;
  readonly scope: Scope;
  readonly codes: CodeLists;
  /** Ids of optional segments the profile leaves out. */
  readonly omit: ReadonlySet<string>;
  readonly invoiceNumber: string;
}

export function writeSegments(input: SegmentWriteInput): string {
  const lines: string[] = [];
  const counterStarts = new Map<string, number>();
  const counts: Record<string, number> = {};
  const countsView = new Proxy(counts, {
    get: (_, name: string) => (counterStarts.has(name) ? lines.length - (counterStarts.get(name) ?? 0) + 1 : undefined),
  });

  const visit = (nodes: readonly SegmentNode[], scope: Scope): void => {
    const context: ExpressionContext = { scope, codes: input.codes };
    for (const node of nodes) {
      if ('id' in node && node.id !== undefined && input.omit.has(node.id)) continue;
      if (!holds(node.when, context)) continue;
      if ('each' in node) {
        const items = lookup(scope, node.each);
        if (!Array.isArray(items)) continue;
        items.forEach((item, index) => visit(node.segments, loopScope(scope, node.as, item, index)));
      } else if ('group' in node) {
        visit(node.group, scope);
      } else {
        if (node.count !== undefined) counterStarts.set(node.count, lines.length);
        lines.push(node.tag === 'UNA' ? serviceStringAdvice(input.syntax) : writeSegment(node.tag, node.elements, context, input));
      }
    }
  };
  visit(input.segments, { ...input.scope, counts: countsView });
  const { segmentTerminator, lineBreak } = input.syntax;
  return lines.map((line) => `${line}${segmentTerminator}${lineBreak}`).join('');
}

function writeSegment(tag: string, elements: readonly Element[], context: ExpressionContext, input: SegmentWriteInput): string {
  const { syntax } = input;
  const values = elements.map((element, index) => {
    const name = elementName(tag, index, element);
    if (element === null) return '';
    if (Array.isArray(element)) {
      const components = element.map((component, position) => escape(text(fill(component, context)), `${name}-${position + 1}`, input));
      return trimTrailingEmpty(components).join(syntax.componentSeparator);
    }
    const template = typeof element === 'string' ? element : element.value;
    const value = text(fill(template, context));
    if (typeof element === 'object') {
      if (element.required && value === '') throw new RenderError(input.invoiceNumber, name, 'is mandatory in this standard, but the invoice has no value for it');
      checkLength(value, element.min, element.max, name, input.invoiceNumber);
    }
    if (declaresSeparator(tag, index, value, syntax)) return value;
    return escape(value, name, input);
  });
  return [tag, ...trimTrailingEmpty(values)].join(syntax.elementSeparator);
}

/**
 * X12's ISA carries the interchange's own separators as data: ISA16 the component separator
 * and, from version 00402, ISA11 the repetition separator. There, and only with exactly that
 * character, a separator is written as it is instead of refused.
 */
function declaresSeparator(tag: string, index: number, value: string, syntax: SegmentSyntax): boolean {
  if (tag !== 'ISA' || syntax.escape !== 'refuse' || value === '') return false;
  return (index === 15 && value === syntax.componentSeparator) || (index === 10 && value === syntax.repetitionSeparator);
}

/** EDIFACT UNA is not data: it spells out the separators themselves ("." decimal mark, space reserved), unescaped; its template elements are ignored. */
function serviceStringAdvice(syntax: SegmentSyntax): string {
  return `UNA${syntax.componentSeparator}${syntax.elementSeparator}.${syntax.releaseCharacter ?? '?'}${syntax.repetitionSeparator ?? ' '}`;
}

function elementName(tag: string, index: number, element: Element): string {
  if (element !== null && typeof element === 'object' && !Array.isArray(element) && element.name) return element.name;
  return `${tag}${String(index + 1).padStart(2, '0')}`;
}

function checkLength(value: string, min: number | undefined, max: number | undefined, name: string, invoiceNumber: string): void {
  if (value === '') return;
  if (max !== undefined && value.length > max) throw new RenderError(invoiceNumber, name, `"${value}" is ${value.length} characters, more than the ${max} the standard allows`);
  if (min !== undefined && value.length < min) throw new RenderError(invoiceNumber, name, `"${value}" is ${value.length} characters, fewer than the ${min} the standard requires`);
}

function escape(value: string, name: string, input: SegmentWriteInput): string {
  const { syntax } = input;
  const specials = [syntax.elementSeparator, syntax.componentSeparator, syntax.segmentTerminator, syntax.repetitionSeparator, syntax.escape === 'release' ? syntax.releaseCharacter : undefined]
    .filter((character): character is string => character !== undefined && character !== '');
  if (!specials.some((character) => value.includes(character))) return value;
  if (syntax.escape === 'refuse') {
    const found = specials.filter((character) => value.includes(character)).map((character) => `"${character}"`).join(', ');
    throw new RenderError(input.invoiceNumber, name, `"${value}" contains ${found}, a separator of this document, which the standard cannot carry inside data; change the data (the profile's line-description-pattern rule catches this before sending)`);
  }
  const release = syntax.releaseCharacter ?? '?';
  let escaped = '';
  for (const character of value) escaped += specials.includes(character) ? `${release}${character}` : character;
  return escaped;
}

function trimTrailingEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end -= 1;
  return values.slice(0, end);
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}
