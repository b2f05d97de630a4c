import { RenderError } from '../model/errors.js';
import { bindLoop, charactersOutside, compileExpressionText, compilePath, NO_LOOPS, present, type CodeLists, type ExpressionContext, type LoopBindings, type Scope } from './expressions.js';
import type { DataElement, Element, SegmentNode } from './template.js';

/**
 * Writes segment-based documents (X12, EDIFACT) from a template. The syntax is data:
 * separators, and what happens to a separator inside data: X12 has no escape, so such data is
 * refused with a clear error; EDIFACT escapes it with its release character. Trailing empty
 * elements and components are left out, as both standards require.
 *
 * A template is compiled once into a tree of small functions (which segments, which elements,
 * each expression with its paths and filters resolved); a document then costs only the reads
 * and the text. Loops keep their item in a slot of the context instead of a new scope.
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
  /** The characters data may use: X12, UNOA, UNOB or UNOC (others: not checked). */
  readonly characterSet?: string | undefined;
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
  const document = new SegmentDocument(prepareSyntax(input.syntax), input.omit, input.invoiceNumber);
  const context: ExpressionContext = { scope: { ...input.scope, counts: document.counts }, codes: input.codes, loops: [] };
  for (const step of compiledSegments(input.segments)) step(context, document);
  return document.text;
}

/** The document being written: its text so far, its segment count and the counters the template started. */
class SegmentDocument {
  text = '';
  segmentCount = 0;
  private readonly counterStarts = new Map<string, number>();
  /** `counts.SE` in a template: segments from the one that started the counter to the one being written, both included. */
  readonly counts: Readonly<Record<string, number | undefined>>;

  constructor(
    readonly syntax: PreparedSyntax,
    readonly omit: ReadonlySet<string>,
    readonly invoiceNumber: string,
  ) {
    this.counts = new Proxy({}, { get: (_, name: string) => this.countSince(name) });
  }

  startCounter(name: string): void {
    this.counterStarts.set(name, this.segmentCount);
  }

  private countSince(name: string): number | undefined {
    const start = this.counterStarts.get(name);
    return start === undefined ? undefined : this.segmentCount - start + 1;
  }

  append(segment: string): void {
    this.text += segment + this.syntax.segmentEnd;
    this.segmentCount += 1;
  }
}

/** One compiled template node: writes its segments (or none) into the document. */
type Step = (context: ExpressionContext, document: SegmentDocument) => void;

const compiled = new WeakMap<readonly SegmentNode[], readonly Step[]>();

function compiledSegments(nodes: readonly SegmentNode[]): readonly Step[] {
  let steps = compiled.get(nodes);
  if (!steps) {
    steps = compileNodes(nodes, NO_LOOPS);
    compiled.set(nodes, steps);
  }
  return steps;
}

function compileNodes(nodes: readonly SegmentNode[], bindings: LoopBindings): Step[] {
  return nodes.map((node) => guarded(node, compileNode(node, bindings), bindings));
}

/** A node's own step behind what may leave it out: the profile's omit list and its `when`. */
function guarded(node: SegmentNode, step: Step, bindings: LoopBindings): Step {
  const id = 'id' in node ? node.id : undefined;
  const when = node.when === undefined ? undefined : compileExpressionText(node.when, bindings);
  if (id === undefined && when === undefined) return step;
  return (context, document) => {
    if (id !== undefined && document.omit.has(id)) return;
    if (when !== undefined && !present(when(context))) return;
    step(context, document);
  };
}

function compileNode(node: SegmentNode, bindings: LoopBindings): Step {
  if ('each' in node) {
    const items = compilePath(node.each, bindings);
    const inner = bindLoop(bindings, node.as);
    const steps = compileNodes(node.segments, inner);
    const slot = bindings.slots;
    return (context, document) => {
      const list = items(context);
      if (!Array.isArray(list)) return;
      const loops = context.loops as unknown[];
      for (let index = 0; index < list.length; index += 1) {
        loops[slot] = list[index];
        loops[slot + 1] = index;
        for (const step of steps) step(context, document);
      }
    };
  }
  if ('group' in node) {
    const steps = compileNodes(node.group, bindings);
    return (context, document) => {
      for (const step of steps) step(context, document);
    };
  }
  const counter = node.count;
  if (node.tag === 'UNA') {
    return (_, document) => {
      if (counter !== undefined) document.startCounter(counter);
      document.append(document.syntax.serviceStringAdvice);
    };
  }
  const tag = node.tag;
  const elements = node.elements.map((element, index) => compileElement(tag, index, element, bindings));
  return (context, document) => {
    if (counter !== undefined) document.startCounter(counter);
    let segment = tag;
    let separators = '';
    for (const element of elements) {
      separators += document.syntax.elementSeparator;
      const value = element(context, document);
      if (value === '') continue;
      segment += separators + value;
      separators = '';
    }
    document.append(segment);
  };
}

/** One element or component compiled: its text, checked and escaped, or '' when empty. */
type DataWriter = (context: ExpressionContext, document: SegmentDocument) => string;

function compileElement(tag: string, index: number, element: Element, bindings: LoopBindings): DataWriter {
  if (element === null) return () => '';
  const name = elementName(tag, index, element);
  if (!Array.isArray(element)) return compileData(element, name, bindings, tag === 'ISA' && (index === 10 || index === 15) ? index : undefined);
  const components = element.map((component, position) => compileData(component, typeof component === 'object' && component.name ? component.name : `${name}-${position + 1}`, bindings));
  // Empty components are written only when a later one has a value: their separators wait.
  return (context, document) => {
    let written = '';
    let separators = '';
    for (const component of components) {
      const value = component(context, document);
      if (value !== '') {
        written += separators + value;
        separators = '';
      }
      separators += document.syntax.componentSeparator;
    }
    return written;
  };
}

/**
 * A value of the document: filled in, then held to what the template says the standard allows
 * (mandatory, lengths, codes) and to the document's character set, then escaped.
 * `isaSeparatorIndex`: the ISA element that declares a separator (see declaresSeparator).
 */
function compileData(data: string | DataElement, name: string, bindings: LoopBindings, isaSeparatorIndex?: number): DataWriter {
  const { value: template, required = false, min, max, codes, numeric = false } = typeof data === 'string' ? { value: data } : data;
  const value = compileExpressionText(template, bindings);
  const allowed = codes === undefined ? undefined : new Set(codes);
  return (context, document) => {
    const written = text(value(context));
    if (written === '') {
      if (required) throw new RenderError(document.invoiceNumber, name, 'is mandatory in this standard, but the invoice has no value for it');
      return '';
    }
    if (min !== undefined || max !== undefined) checkLength(written, numeric, min, max, name, document.invoiceNumber);
    if (allowed !== undefined && !allowed.has(written)) throw new RenderError(document.invoiceNumber, name, `"${written}" is not a code this standard allows here; allowed: ${[...allowed].join(', ')}`);
    if (isaSeparatorIndex !== undefined && declaresSeparator(isaSeparatorIndex, written, document.syntax)) return written;
    if (!document.syntax.needsCare.test(written)) return written;
    checkCharacters(written, name, document);
    return escape(written, name, document);
  };
}

/**
 * X12's ISA carries the interchange's own separators as data: ISA16 the component separator
 * and, from version 00402, ISA11 the repetition separator. There, and only with exactly that
 * character, a separator is written as it is instead of refused.
 */
function declaresSeparator(index: number, value: string, syntax: PreparedSyntax): boolean {
  if (syntax.escape !== 'refuse') return false;
  return (index === 15 && value === syntax.componentSeparator) || (index === 10 && value === syntax.repetitionSeparator);
}

/** A syntax with what every element needs worked out once: the characters data must not hold, and the text after each segment. */
interface PreparedSyntax extends SegmentSyntax {
  readonly specials: readonly string[];
  /** Any of the specials; and the same, global, for replacing them all. */
  readonly special: RegExp;
  readonly everySpecial: RegExp;
  readonly segmentEnd: string;
  /** A character outside the character set, when the set is one we know. */
  readonly outsideCharacterSet: RegExp | undefined;
  /** Either of the two: most data has neither and is written as it is after one test. */
  readonly needsCare: RegExp;
  /** EDIFACT UNA is not data: it spells out the separators themselves ("." decimal mark, space reserved), unescaped; its template elements are ignored. */
  readonly serviceStringAdvice: string;
}

const preparedSyntaxes = new WeakMap<SegmentSyntax, PreparedSyntax>();

function prepareSyntax(syntax: SegmentSyntax): PreparedSyntax {
  let prepared = preparedSyntaxes.get(syntax);
  if (!prepared) {
    const specials = [syntax.elementSeparator, syntax.componentSeparator, syntax.segmentTerminator, syntax.repetitionSeparator, syntax.escape === 'release' ? syntax.releaseCharacter : undefined]
      .filter((character): character is string => character !== undefined && character !== '');
    const outsideCharacterSet = syntax.characterSet === undefined ? undefined : charactersOutside(syntax.characterSet);
    const special = anyOf(specials, '');
    prepared = {
      ...syntax,
      outsideCharacterSet,
      needsCare: outsideCharacterSet === undefined ? special : new RegExp(`${outsideCharacterSet.source}|${special.source}`),
      specials,
      special,
      everySpecial: anyOf(specials, 'g'),
      segmentEnd: `${syntax.segmentTerminator}${syntax.lineBreak}`,
      serviceStringAdvice: `UNA${syntax.componentSeparator}${syntax.elementSeparator}.${syntax.releaseCharacter ?? '?'}${syntax.repetitionSeparator ?? ' '}`,
    };
    preparedSyntaxes.set(syntax, prepared);
  }
  return prepared;
}

/** A pattern matching any of these strings (none: never matches). */
function anyOf(strings: readonly string[], flags: string): RegExp {
  return new RegExp(strings.map((piece) => piece.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|') || '(?!)', flags);
}

function elementName(tag: string, index: number, element: Element): string {
  if (element !== null && typeof element === 'object' && !Array.isArray(element) && element.name) return element.name;
  return `${tag}${String(index + 1).padStart(2, '0')}`;
}

/** A number's length counts its digits only (X12 R and N, EDIFACT n): not the sign, not the decimal mark. */
function checkLength(value: string, numeric: boolean, min: number | undefined, max: number | undefined, name: string, invoiceNumber: string): void {
  const length = numeric ? value.replace(/[^0-9]/g, '').length : value.length;
  const unit = numeric ? 'digits' : 'characters';
  if (max !== undefined && length > max) throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, more than the ${max} the standard allows`);
  if (min !== undefined && length < min) throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, fewer than the ${min} the standard requires`);
}

/**
 * Data in the document's character set (X12's basic and extended sets, EDIFACT's UNOA/UNOB/UNOC):
 * free text is made to fit by the template's repertoire filter; what still does not fit (an
 * identifier, a reference) is refused rather than written as bytes the receiver cannot read.
 */
function checkCharacters(value: string, name: string, document: SegmentDocument): void {
  const outside = document.syntax.outsideCharacterSet;
  if (outside === undefined) return;
  const found = outside.exec(value);
  if (found) throw new RenderError(document.invoiceNumber, name, `"${value}" contains "${found[0]}" (U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}), which the ${document.syntax.characterSet ?? ''} character set of this document cannot carry; change the data`);
}

function escape(value: string, name: string, document: SegmentDocument): string {
  const { syntax } = document;
  if (value === '' || !syntax.special.test(value)) return value;
  if (syntax.escape === 'refuse') {
    const found = syntax.specials.filter((character) => value.includes(character)).map((character) => `"${character}"`).join(', ');
    throw new RenderError(document.invoiceNumber, name, `"${value}" contains ${found}, a separator of this document, which the standard cannot carry inside data; change the data (the profile's line-description-pattern rule catches this before sending)`);
  }
  const release = syntax.releaseCharacter ?? '?';
  return value.replace(syntax.everySpecial, (character) => `${release}${character}`);
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}
