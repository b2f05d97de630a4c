import { RenderError } from '../model/errors.js';
import { characterKind, charactersOutside, dependsOnlyOn, expressionTextCode, NO_LOOPS, present, type CodeLists, type ExpressionContext, type LoopBindings, type Scope } from './expressions.js';
import { TemplateCode } from './template-code.js';
import type { DataElement, Element, SegmentNode } from './template.js';

/**
 * Writes segment-based documents (X12, EDIFACT) from a template. The syntax is data:
 * separators, and what happens to a separator inside data: X12 has no escape, so such data is
 * refused with a clear error; EDIFACT escapes it with its release character. Trailing empty
 * elements and components are left out, as both standards require.
 *
 * A template is compiled once into a JavaScript function (see compileProgram).
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
  return compiledSegments(input.segments)(context, document);
}

/** The document being written: its segment count and the counters the template started (its text is the program's). */
class SegmentDocument {
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
}

/** A template compiled: writes the whole document. */
type SegmentProgram = (context: ExpressionContext, document: SegmentDocument) => string;

const compiled = new WeakMap<readonly SegmentNode[], SegmentProgram>();

function compiledSegments(nodes: readonly SegmentNode[]): SegmentProgram {
  let program = compiled.get(nodes);
  if (!program) {
    program = compileProgram(nodes);
    compiled.set(nodes, program);
  }
  return program;
}

/**
 * A template is compiled once into JavaScript (see TemplateCode): its segments, loops and
 * conditions become straight-line code, each path a property read, each element its checks in
 * line, so that a document costs little more than its text.
 */
function compileProgram(nodes: readonly SegmentNode[]): SegmentProgram {
  const code = new SegmentCode();
  // One function per top-level node: V8 optimizes only functions of moderate size (a whole
  // EDIFACT template in one function is ~68 KB of bytecode, past its 60 KB limit, and ran interpreted).
  const parts = nodes.map(
    (node, index) => `function part${index}(context, document, t) {
  const S = context.scope, loops = context.loops, syntax = document.syntax;
  const C = syntax.componentSeparator, needsCare = syntax.needsCare, separators = syntax.elementSeparators, end = syntax.segmentEnd;
  let x;
${code.nodes([node], NO_LOOPS)}
  return t;
}`,
  );
  return code.program<SegmentProgram>(`let run = [], runOptions, runProfile, runNow, runSyntax, runCodes;
${parts.join('\n')}
return function writeDocument(context, document) {
  const S = context.scope;
  // A new run (another profile, moment, syntax or code lists): what was the same for the last one is worked out anew.
  if (S.options !== runOptions || S.profile !== runProfile || S.now !== runNow || document.syntax !== runSyntax || context.codes !== runCodes) {
    run = [];
    runOptions = S.options; runProfile = S.profile; runNow = S.now; runSyntax = document.syntax; runCodes = context.codes;
  }
  let t = '';
${nodes.map((_, index) => `  t = part${index}(context, document, t);`).join('\n')}
  return t;
};`);
}

/** What generated code calls by name (`h.`): the checks, with their messages. */
const HELPERS = {
  present,
  text,
  careful: (value: string, name: string, document: SegmentDocument): string => {
    checkCharacters(value, name, document);
    return escape(value, name, document);
  },
  checkLength,
  declaresSeparator,
  separators: (syntax: PreparedSyntax, count: number): string => syntax.elementSeparator.repeat(count),
  missing: (name: string, document: SegmentDocument): never => {
    throw new RenderError(document.invoiceNumber, name, 'is mandatory in this standard, but the invoice has no value for it');
  },
  notAllowed: (value: string, allowed: ReadonlySet<string>, name: string, document: SegmentDocument): never => {
    throw new RenderError(document.invoiceNumber, name, `"${value}" is not a code this standard allows here; allowed: ${[...allowed].join(', ')}`);
  },
};

/** What is the same for every document of a run: the profile, its format options, the moment. */
const SAME_FOR_A_RUN: ReadonlySet<string> = new Set(['options', 'profile', 'now']);

class SegmentCode extends TemplateCode {
  /** Values the same for a whole run (see SAME_FOR_A_RUN), each with a slot in the run's cache. */
  runConstants = 0;

  program<Program>(source: string): Program {
    return this.build<Program>(source, HELPERS);
  }

  nodes(nodes: readonly SegmentNode[], bindings: LoopBindings): string {
    return nodes.map((node) => this.node(node, bindings)).join('\n');
  }

  private node(node: SegmentNode, bindings: LoopBindings): string {
    const body =
      'each' in node ? this.loop(node.each, node.as, bindings, (inner) => this.nodes(node.segments, inner))
      : 'group' in node ? this.nodes(node.group, bindings)
      : this.segment(node, bindings);
    return this.guarded(body, { id: 'id' in node ? node.id : undefined, when: node.when, omitted: 'document.omit' }, bindings);
  }

  /** Elements join with their separators; an empty one waits, so trailing empty ones are left out. */
  private segment(node: Extract<SegmentNode, { tag: string }>, bindings: LoopBindings): string {
    const counter = node.count === undefined ? '' : `document.startCounter(${JSON.stringify(node.count)});\n`;
    if (node.tag === 'UNA') return `${counter}t += syntax.serviceStringAdvice + end;\ndocument.segmentCount += 1;`;
    const elements = node.elements.map((element, index) => `n += 1;\n${this.element(node.tag, index, element, bindings)}`);
    return `${counter}t += ${JSON.stringify(node.tag)};\nlet n = 0;\n${elements.join('\n')}\nt += end;\ndocument.segmentCount += 1;`;
  }

  private element(tag: string, index: number, element: Element, bindings: LoopBindings): string {
    if (element === null) return '';
    const name = elementName(tag, index, element);
    if (!Array.isArray(element)) return this.data(element, name, bindings, 't += (separators[n] ?? h.separators(syntax, n)) + x; n = 0;', tag === 'ISA' && (index === 10 || index === 15) ? index : undefined);
    // Empty components are written only when a later one has a value: their separators wait.
    const components = element.map((component, position) => `${this.data(component, typeof component === 'object' && component.name ? component.name : `${name}-${position + 1}`, bindings, 'c += q + x; q = \'\';')}\nq += C;`);
    return `{\nlet c = '', q = '';\n${components.join('\n')}\nif (c !== '') { t += (separators[n] ?? h.separators(syntax, n)) + c; n = 0; }\n}`;
  }

  /**
   * A value of the document: filled in, then held to what the template says the standard
   * allows (mandatory, lengths, codes) and to the document's character set, then escaped.
   * `isaSeparatorIndex`: the ISA element that declares a separator (see declaresSeparator).
   */
  private data(data: string | DataElement, name: string, bindings: LoopBindings, append: string, isaSeparatorIndex?: number): string {
    const { value, required = false, min, max, codes, numeric = false } = typeof data === 'string' ? { value: data } : data;
    for (const [bound, limit] of [['min', min], ['max', max]] as const) if (limit !== undefined && !Number.isInteger(limit)) throw new Error(`${name}: ${bound} ${String(limit)} is not a whole number`);
    const quotedName = JSON.stringify(name);
    const checks: string[] = [];
    // Cheap tests on the length first; a number has at most two characters that are no digits (sign, decimal mark).
    const outOfRange = [...(max !== undefined ? [`x.length > ${max}`] : []), ...(min !== undefined ? [`x.length < ${numeric ? min + 2 : min}`] : [])];
    if (outOfRange.length > 0) checks.push(`if (${outOfRange.join(' || ')}) h.checkLength(x, ${numeric ? 'true' : 'false'}, ${min ?? 'undefined'}, ${max ?? 'undefined'}, ${quotedName}, document.invoiceNumber);`);
    if (codes !== undefined) {
      const allowed = this.reference(new Set(codes));
      checks.push(`if (!${allowed}.has(x)) h.notAllowed(x, ${allowed}, ${quotedName}, document);`);
    }
    // Numbers and plain fixed text meet separators or the character set only in odd syntaxes (a digit as separator).
    const kind = characterKind(value);
    const worthTesting = kind === 'number' ? 'syntax.numbersNeedCare && ' : kind === 'plain' ? 'syntax.plainTextNeedsCare && ' : '';
    const care = `if (${worthTesting}needsCare.test(x)) x = h.careful(x, ${quotedName}, document);`;
    checks.push(isaSeparatorIndex === undefined ? care : `if (!h.declaresSeparator(${isaSeparatorIndex}, x, syntax)) { ${care} }`);
    const evaluate = `x = h.text(${expressionTextCode(value, bindings, this)});`;
    const missing = required ? ` else h.missing(${quotedName}, document);` : '';
    if (!dependsOnlyOn(value, SAME_FOR_A_RUN, bindings)) return `${evaluate}\nif (x !== '') {\n${checks.join('\n')}\n${append}\n}${missing}`;
    // The same for every document of a run: worked out and checked once, then written from the run's cache.
    const slot = this.runConstants;
    this.runConstants += 1;
    return `x = run[${slot}];
if (x === undefined) {
${evaluate}
if (x !== '') {\n${checks.join('\n')}\n}${missing}
run[${slot}] = x;
}
if (x !== '') { ${append} }`;
  }
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
  /** n element separators, made once for n below 100 (the longest run in our templates is 15, before X12 SAC15). */
  readonly elementSeparators: readonly string[];
  /** A character outside the character set, when the set is one we know. */
  readonly outsideCharacterSet: RegExp | undefined;
  /** Either of the two: most data has neither and is written as it is after one test. */
  readonly needsCare: RegExp;
  /** Whether a number (digits, "-", ".") or plain text (letters, digits, space) could need care at all. */
  readonly numbersNeedCare: boolean;
  readonly plainTextNeedsCare: boolean;
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
    const needsCare = outsideCharacterSet === undefined ? special : new RegExp(`${outsideCharacterSet.source}|${special.source}`);
    const canNeedCare = (characters: string) => [...characters].some((character) => needsCare.test(character));
    prepared = {
      ...syntax,
      outsideCharacterSet,
      needsCare,
      numbersNeedCare: canNeedCare('0123456789-.'),
      plainTextNeedsCare: canNeedCare('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '),
      specials,
      special,
      everySpecial: anyOf(specials, 'g'),
      segmentEnd: `${syntax.segmentTerminator}${syntax.lineBreak}`,
      elementSeparators: Array.from({ length: 100 }, (_, count) => syntax.elementSeparator.repeat(count)),
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
  const length = numeric ? digitCount(value) : value.length;
  const unit = numeric ? 'digits' : 'characters';
  if (max !== undefined && length > max) throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, more than the ${max} the standard allows`);
  if (min !== undefined && length < min) throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, fewer than the ${min} the standard requires`);
}

function digitCount(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
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
