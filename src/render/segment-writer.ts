import { BoundedMemo, PairCache } from '../model/bounded-cache.js';
import { RenderError } from '../model/errors.js';
import { countDigits, latin1Table, someCharacterIn } from '../model/text-scan.js';
import { separatorElementAt, type SegmentSyntax, type SeparatorElement, type SyntaxStandard } from '../edi-syntax/segment-syntax.js';
import {
  characterKind,
  charactersOutside,
  dependsOnlyOn,
  expressionTextCode,
  NO_LOOPS,
  present,
  readsOnlyPaths,
  type CodeLists,
  type CodeValues,
  type ExpressionContext,
  type LoopBindings,
  type Scope,
} from './expressions.js';
import { TemplateCode } from './template-code.js';
import { closedCodes } from './code-lists.js';
import type { DataElement, Element, SegmentNode } from './template.js';

/**
 * Writes segment-based documents (X12, EDIFACT) from a template. The syntax is data (see
 * src/edi-syntax): separators, and what happens to a separator inside data: X12 has no escape,
 * so such data is refused with a clear error; EDIFACT escapes it with its release character.
 * Trailing empty elements and components are left out, as both standards require.
 *
 * A template is compiled once into a JavaScript function (see compileProgram).
 */

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
  const document = new SegmentDocument(preparedSyntaxes.get(input.syntax, prepareSyntax), input.omit, input.invoiceNumber);
  const context: ExpressionContext = { scope: input.scope, codes: input.codes, loops: [] };
  return compiledPrograms.get(input.segments, input.syntax.standard, compileProgram)(context, document);
}

/**
 * The document being written: its segment count, the counters the template started, and the
 * separators still waiting to be written (its text is the program's, `t`, appended to from
 * helper to helper).
 */
class SegmentDocument {
  segmentCount = 0;
  /** Element separators owed before the next element with a value (trailing empty elements are left out). */
  pendingElements = 0;
  /** The same for the components of the composite element being written. */
  pendingComponents = 0;
  /** The composite element being written: the element separators it is owed, and whether a component of it was written. */
  compositeGap = 0;
  compositeWritten = false;
  private readonly counterStarts = new Map<string, number>();

  constructor(
    readonly syntax: PreparedSyntax,
    readonly omit: ReadonlySet<string>,
    readonly invoiceNumber: string,
  ) {}

  startCounter(name: string): void {
    this.counterStarts.set(name, this.segmentCount);
  }

  /** `counts.SE` in a template (see LoopBindings.counters): segments from the one that started the counter to the one being written, both included. */
  countSince(name: string): number | undefined {
    const start = this.counterStarts.get(name);
    return start === undefined ? undefined : this.segmentCount - start + 1;
  }
}

/** A template compiled: writes the whole document. */
type SegmentProgram = (context: ExpressionContext, document: SegmentDocument) => string;

/** Each template's program, by its segments and the standard it is written in (which segments and elements are the syntax's own). */
const compiledPrograms = new PairCache<readonly SegmentNode[], SyntaxStandard, SegmentProgram>(100);

/**
 * A template is compiled once into JavaScript (see TemplateCode): its segments, loops and
 * conditions become straight-line code, each path a property read (read once per part, see
 * SegmentCode.hoisted); each element is one call of a small helper with the element's rule
 * (lengths, codes, character kind), which does the checks and the separators, so the shared
 * helpers and the small generated code are both fast early in a run (see bench/README.md). What
 * is the same for a whole run is worked out once (runConstant), and a segment whose values are
 * the same as when it was last written is its last text (rememberedSegment).
 */
function compileProgram(nodes: readonly SegmentNode[], standard: SyntaxStandard): SegmentProgram {
  const code = new SegmentCode(standard);
  const parts = partsOf(nodes.map((node) => code.topLevelNode(node))).map(
    ({ body, hoisted }, index) => `function part${index}(context, document, t) {
  const S = context.scope, loops = context.loops;
${hoisted}
${body}
  return t;
}`,
  );
  return code.program<SegmentProgram>(`let run = [], segments = [], runOptions, runProfile, runNow, runSyntax, runCodes;
${parts.join('\n')}
${code.runConstants.join('\n')}
return function writeDocument(context, document) {
  const S = context.scope;
  // A new run (another profile, moment, syntax or code lists): what was the same for the last one is worked out anew.
  if (S.options !== runOptions || S.profile !== runProfile || S.now !== runNow || document.syntax !== runSyntax || context.codes !== runCodes) {
    run = [];
    segments = [];
    runOptions = S.options; runProfile = S.profile; runNow = S.now; runSyntax = document.syntax; runCodes = context.codes;
  }
  let t = '';
${parts.map((_, index) => `  t = part${index}(context, document, t);`).join('\n')}
  return t;
};`);
}

/**
 * The code of consecutive top-level nodes, put together into functions of about PART_SIZE
 * characters: parts of moderate size are optimized soonest (see bench/README.md).
 */
function partsOf(nodeCode: readonly NodeCode[]): NodeCode[] {
  const parts: NodeCode[] = [];
  let part: NodeCode = { body: '', hoisted: '' };
  nodeCode.forEach((each, index) => {
    part = { body: `${part.body}${each.body}\n`, hoisted: `${part.hoisted}${each.hoisted}\n` };
    const next = nodeCode[index + 1];
    if (next === undefined || part.body.length + next.body.length > PART_SIZE) {
      parts.push(part);
      part = { body: '', hoisted: '' };
    }
  });
  return parts;
}

/** A top-level node's code, and the declarations of the paths it reads once (see SegmentCode.hoisted). */
interface NodeCode {
  readonly body: string;
  readonly hoisted: string;
}

const PART_SIZE = 6000;

/**
 * What the template says of one element or component, known when it is compiled: generated
 * code hands it to the helpers, which hold a value to it.
 */
class DataRule {
  /** Lengths past which checkLength looks closer (a number has at most two characters that are no digits: sign and decimal mark). */
  readonly longest: number;
  readonly shortest: number;

  constructor(
    readonly name: string,
    readonly required: boolean,
    readonly min: number | undefined,
    readonly max: number | undefined,
    readonly numeric: boolean,
    readonly codes: ReadonlySet<string> | undefined,
    /** Which characters the value can have (characterKind): numbers and plain fixed text need no test in usual syntaxes. */
    readonly characters: CharacterKind,
    /** The separator the element carries as data (X12 ISA11, ISA16; see declaresSeparator), else ''. */
    readonly declaredSeparator: SeparatorElement['separator'] | '',
    /** Separators before it: one, plus one for each always-empty element before it (components likewise; 0 for the first). */
    readonly gap: number,
  ) {
    this.longest = max ?? Number.POSITIVE_INFINITY;
    this.shortest = min === undefined ? 0 : numeric ? min + 2 : min;
  }
}

type CharacterKind = ReturnType<typeof characterKind>;

/** A composite element's own rule: only where it stands. */
function positionRule(name: string, gap: number): DataRule {
  return new DataRule(name, false, undefined, undefined, false, undefined, 'any', '', gap);
}

/**
 * A value held to its rule: '' when there is none (refused when the standard requires one);
 * else within its lengths and codes, in the document's character set, separators escaped.
 */
function checked(value: unknown, rule: DataRule, document: SegmentDocument): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value);
  if (text === '') {
    if (rule.required) missing(rule.name, document);
    return text;
  }
  if (text.length > rule.longest || text.length < rule.shortest)
    checkLength(text, rule.numeric, rule.min, rule.max, rule.name, document.invoiceNumber);
  if (rule.codes !== undefined && !rule.codes.has(text)) notAllowed(text, rule.codes, rule.name, document);
  const { syntax } = document;
  if (rule.declaredSeparator !== '' && declaresSeparator(rule.declaredSeparator, text, syntax)) return text;
  if (rule.characters === 'number' ? !syntax.numbersNeedCare : rule.characters === 'plain' ? !syntax.plainTextNeedsCare : false)
    return text;
  if (!needsCare(text, syntax)) return text;
  checkCharacters(text, rule.name, document);
  return escapeValue(text, rule.name, document);
}

/** An element's checked text written after the separators it is owed; an empty one only adds to them. */
function written(t: string, text: string, rule: DataRule, document: SegmentDocument): string {
  const owed = document.pendingElements + rule.gap;
  if (text === '') {
    document.pendingElements = owed;
    return t;
  }
  // One piece, not two: short ones are copied into one string, and the document's text has half the pieces to flatten.
  return t + (elementSeparators(owed, document) + text);
}

function elementSeparators(owed: number, document: SegmentDocument): string {
  document.pendingElements = 0;
  return document.syntax.elementSeparators[owed] ?? document.syntax.elementSeparator.repeat(owed);
}

/** A composite element begins: it is owed the element separators before it, once a component of it has a value. */
function compositeStart(rule: DataRule, document: SegmentDocument): void {
  document.compositeGap = rule.gap;
  document.compositeWritten = false;
  document.pendingComponents = 0;
}

/** A component's checked text written the same way, after its composite's element separators when it is the first with a value. */
function writtenComponent(t: string, text: string, rule: DataRule, document: SegmentDocument): string {
  const owed = document.pendingComponents + rule.gap;
  if (text === '') {
    document.pendingComponents = owed;
    return t;
  }
  document.pendingComponents = 0;
  const separators = document.syntax.componentSeparators[owed] ?? document.syntax.componentSeparator.repeat(owed);
  if (document.compositeWritten) return t + (separators + text);
  // The composite has a value after all: the element separators it is owed come first.
  document.compositeWritten = true;
  return t + (elementSeparators(document.pendingElements + document.compositeGap, document) + separators + text);
}

/** A composite element ends: when none of its components had a value, it is an empty element, and only adds to the separators owed. */
function compositeEnd(document: SegmentDocument): void {
  if (!document.compositeWritten) document.pendingElements += document.compositeGap;
}

/** The segment's terminator; what separators its trailing empty elements were owed are dropped. */
function segmentEnd(t: string, document: SegmentDocument): string {
  document.pendingElements = 0;
  document.segmentCount += 1;
  return t + document.syntax.segmentEnd;
}

function missing(name: string, document: SegmentDocument): never {
  throw new RenderError(document.invoiceNumber, name, 'is mandatory in this standard, but the invoice has no value for it');
}

function notAllowed(value: string, allowed: ReadonlySet<string>, name: string, document: SegmentDocument): never {
  // A long list (ISO 4217) is counted, not printed.
  const listed = allowed.size <= 20 ? [...allowed].join(', ') : `${[...allowed].slice(0, 20).join(', ')} and ${allowed.size - 20} more`;
  throw new RenderError(document.invoiceNumber, name, `"${value}" is not a code this standard allows here; allowed: ${listed}`);
}

/** A segment's last text and the values it was made from (see SegmentCode.rememberedSegment). */
class RememberedSegment {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[],
    /** Documents of the run for which the values were not the same. */
    readonly misses: number,
  ) {}
}

/** A segment whose values were not the same for this many documents of a run is no longer compared in that run. */
const MISSES_BEFORE_GIVING_UP = 8;

function remembered(last: RememberedSegment | undefined, text: string, values: readonly unknown[]): RememberedSegment | false {
  const misses = last === undefined ? 0 : last.misses + 1;
  if (misses >= MISSES_BEFORE_GIVING_UP) return false;
  // Reading a character makes the text one flat string now, not each time it is written again.
  text.charCodeAt(0);
  // Only plain values compare: an object (a list that is counted, say) may have changed inside since, so it is never the same.
  return new RememberedSegment(
    text,
    values.map((value) => ((typeof value === 'object' && value !== null) || typeof value === 'function' ? NEVER_THE_SAME : value)),
    misses,
  );
}

/** Stands for an object among a segment's values: equal to no value. */
const NEVER_THE_SAME = Symbol('never the same');

/** The template strings of an element: its value, or its components' values. */
function templatesOf(element: Element): string[] {
  if (element === null) return [];
  const parts = Array.isArray(element) ? element : [element];
  return parts.map((part) => (typeof part === 'string' ? part : part.value));
}

/** What generated code calls by name (`h.`): the checks, with their messages. */
const HELPERS = {
  remembered,
  present,
  element: (t: string, value: unknown, rule: DataRule, document: SegmentDocument): string =>
    written(t, checked(value, rule, document), rule, document),
  checked,
  written,
  compositeStart,
  component: (t: string, value: unknown, rule: DataRule, document: SegmentDocument): string =>
    writtenComponent(t, checked(value, rule, document), rule, document),
  writtenComponent,
  compositeEnd,
  segmentEnd,
  serviceSegment: (t: string, document: SegmentDocument): string => {
    document.segmentCount += 1;
    return t + document.syntax.serviceSegment + document.syntax.segmentEnd;
  },
};

/** Where generated code finds the names it does not read from the scope: `counts` from the document. */
const TOP_BINDINGS: LoopBindings = { ...NO_LOOPS, counters: 'document' };

/** What is the same for every document of a run: the profile, its format options, the moment. */
const SAME_FOR_A_RUN: ReadonlySet<string> = new Set(['options', 'profile', 'now']);

class SegmentCode extends TemplateCode {
  /** Values the same for a whole run (see SAME_FOR_A_RUN), each with a slot in the run's cache and a function that works it out. */
  readonly runConstants: string[] = [];

  constructor(private readonly standard: SyntaxStandard) {
    super();
  }

  program<Program>(source: string): Program {
    return this.build<Program>(source, HELPERS);
  }

  /**
   * Paths into the scope that the top-level node being made reads once, at the start of its
   * part (see pathCode), by their code: the local's name, unique to the node, as parts are put
   * together from nodes afterwards (partsOf).
   */
  private hoistedPaths = new Map<string, string>();
  private nodeCount = 0;

  hoisted(code: string, whole: boolean): string {
    let local = this.hoistedPaths.get(code);
    if (local === undefined) {
      local = `P${this.nodeCount}_${this.hoistedPaths.size}`;
      this.hoistedPaths.set(code, local);
    }
    if (whole) this.segmentReads?.add(local);
    return local;
  }

  readsLoopPath(code: string): void {
    this.segmentReads?.add(code);
  }

  /** The whole paths the segment being made reads (their locals, or their code from a loop variable), while one is. */
  private segmentReads: Set<string> | undefined;
  /** Segments written again from their last text, each with a slot in the run's `segments`. */
  private rememberedSegments = 0;

  /** A top-level node's code and the declarations of its hoisted paths (in the order they were made: a prefix before its paths). */
  topLevelNode(node: SegmentNode): NodeCode {
    this.hoistedPaths = new Map();
    const body = this.nodes([node], TOP_BINDINGS);
    const hoisted = [...this.hoistedPaths].map(([code, local]) => `const ${local} = ${code};`).join('\n');
    this.nodeCount += 1;
    return { body, hoisted };
  }

  nodes(nodes: readonly SegmentNode[], bindings: LoopBindings): string {
    return nodes.map((node) => this.node(node, bindings)).join('\n');
  }

  private node(node: SegmentNode, bindings: LoopBindings): string {
    const body =
      'each' in node
        ? this.loop(node.each, node.as, bindings, (inner) => this.nodes(node.segments, inner))
        : 'group' in node
          ? this.nodes(node.group, bindings)
          : this.segment(node, bindings);
    return this.guarded(body, { id: 'id' in node ? node.id : undefined, when: node.when, omitted: 'document.omit' }, bindings);
  }

  /** The tag, each element with the separators it is owed, the terminator. */
  private segment(node: Extract<SegmentNode, { tag: string }>, bindings: LoopBindings): string {
    const counter = node.count === undefined ? '' : `document.startCounter(${JSON.stringify(node.count)});\n`;
    if (node.tag === this.standard.serviceSegment?.tag) return `${counter}t = h.serviceSegment(t, document);`;
    const elements: string[] = [];
    let gap = 1;
    const remembered =
      node.count === undefined &&
      node.elements.every((element) => templatesOf(element).every((template) => readsOnlyPaths(template, bindings)));
    const reads = new Set<string>();
    this.segmentReads = remembered ? reads : undefined;
    node.elements.forEach((element, index) => {
      // An element that is always empty writes nothing: the next one with a value owes its separator.
      if (element === null || element === '') {
        gap += 1;
        return;
      }
      elements.push(this.element(node.tag, index, element, gap, bindings));
      gap = 1;
    });
    this.segmentReads = undefined;
    const body = `${counter}t += ${JSON.stringify(node.tag)};\n${elements.join('\n')}\nt = h.segmentEnd(t, document);`;
    return remembered ? this.rememberedSegment(body, [...reads]) : body;
  }

  /**
   * A segment whose text depends only on values at paths (and on what is the same for the run:
   * options, code lists, syntax): when they are the same values as when it was last written,
   * its text is the last one, checked then. The parties, addresses, currency and terms of a
   * run's invoices mostly are, and so are the tax segments of a document's lines. A segment
   * whose values keep changing (control numbers, invoice numbers, line numbers) is no longer
   * compared after a few times (MISSES_BEFORE_GIVING_UP).
   */
  private rememberedSegment(body: string, reads: readonly string[]): string {
    const slot = this.rememberedSegments;
    this.rememberedSegments += 1;
    const same = reads.map((local, index) => ` && last.values[${index}] === ${local}`).join('');
    return `const last = segments[${slot}];
if (last !== undefined && last !== false${same}) {
t += last.text;
document.segmentCount += 1;
} else {
let text;
{
let t = '';
${body}
text = t;
}
t += text;
if (last !== false) segments[${slot}] = h.remembered(last, text, [${reads.join(', ')}]);
}`;
  }

  private element(tag: string, index: number, element: Exclude<Element, null>, gap: number, bindings: LoopBindings): string {
    const name = elementName(tag, index, element);
    if (!Array.isArray(element)) return this.data(element, name, gap, bindings, separatorElementAt(this.standard, tag, index + 1) ?? '');
    // A composite: its components, each with the component separators it is owed; when all are empty, it only adds to the element separators owed.
    let componentGap = 0;
    const components: string[] = [];
    element.forEach((part, position) => {
      if (part === '') {
        componentGap += 1;
        return;
      }
      const componentName = typeof part === 'object' && part.name ? part.name : `${name}-${position + 1}`;
      components.push(this.component(part, componentName, componentGap, bindings));
      componentGap = 1;
    });
    return `h.compositeStart(${this.reference(positionRule(name, gap))}, document);\n${components.join('\n')}\nh.compositeEnd(document);`;
  }

  /** An element with its value: filled in and checked by h.element. */
  private data(
    data: string | DataElement,
    name: string,
    gap: number,
    bindings: LoopBindings,
    declaredSeparator: DataRule['declaredSeparator'],
  ): string {
    const rule = this.rule(data, name, gap, declaredSeparator);
    const value = typeof data === 'string' ? data : data.value;
    if (!dependsOnlyOn(value, SAME_FOR_A_RUN, bindings))
      return `t = h.element(t, ${expressionTextCode(value, bindings, this)}, ${rule}, document);`;
    // The same for every document of a run: worked out and checked once, then written from the run's cache.
    return `t = h.written(t, ${this.runConstant(value, rule, bindings)}, ${rule}, document);`;
  }

  /** A component of a composite element, as data: checked by h.component, or once per run. */
  private component(data: string | DataElement, name: string, gap: number, bindings: LoopBindings): string {
    const rule = this.rule(data, name, gap, '');
    const value = typeof data === 'string' ? data : data.value;
    if (!dependsOnlyOn(value, SAME_FOR_A_RUN, bindings))
      return `t = h.component(t, ${expressionTextCode(value, bindings, this)}, ${rule}, document);`;
    return `t = h.writtenComponent(t, ${this.runConstant(value, rule, bindings)}, ${rule}, document);`;
  }

  /**
   * A value worked out once per run, by a function of its own, so that it stays out of the code
   * run for every document (the ISA, GS and UNB segments are mostly such values).
   */
  private runConstant(value: string, rule: string, bindings: LoopBindings): string {
    const slot = this.runConstants.length;
    // Its own function reads its paths where it uses them (no hoisted locals).
    const values: CodeValues = { reference: (referenced) => this.reference(referenced) };
    this.runConstants.push(`function constant${slot}(context, document) {
  const S = context.scope;
  return h.checked(${expressionTextCode(value, bindings, values)}, ${rule}, document);
}`);
    return `(run[${slot}] ??= constant${slot}(context, document))`;
  }

  /** The rule of a value as the template states it, for generated code (a reference into the value table). */
  private rule(data: string | DataElement, name: string, gap: number, declaredSeparator: DataRule['declaredSeparator']): string {
    const { value, required = false, min, max, codes, numeric = false } = typeof data === 'string' ? { value: data } : data;
    for (const [bound, limit] of [
      ['min', min],
      ['max', max],
    ] as const)
      if (limit !== undefined && !Number.isInteger(limit)) throw new Error(`${name}: ${bound} ${String(limit)} is not a whole number`);
    return this.reference(
      new DataRule(
        name,
        required,
        min,
        max,
        numeric,
        codes === undefined ? undefined : closedCodes(codes).codes,
        characterKind(value),
        declaredSeparator,
        gap,
      ),
    );
  }
}

/**
 * An element that carries one of the interchange's own separators as data (X12's ISA16 and
 * ISA11, see edi-syntax/x12.ts): there, and only with exactly that character, the separator is
 * written as it is instead of refused.
 */
function declaresSeparator(separator: SeparatorElement['separator'], value: string, syntax: PreparedSyntax): boolean {
  if (syntax.escape !== 'refuse') return false;
  return value === syntax[separator];
}

/** A syntax with what every element needs worked out once: the characters data must not hold, and the text after each segment. */
interface PreparedSyntax extends Omit<SegmentSyntax, 'standard'> {
  readonly specials: readonly string[];
  /** Any of the specials; and the same, global, for replacing them all. */
  readonly special: RegExp;
  readonly everySpecial: RegExp;
  readonly segmentEnd: string;
  /** n element separators, made once for n below 100 (the longest run in our templates is 15, before X12 SAC15). */
  readonly elementSeparators: readonly string[];
  /** A character outside the character set, when the set is one we know. */
  readonly outsideCharacterSet: RegExp | undefined;
  /** Either of the two: most data has neither and is written as it is after one test (see needsCare). */
  readonly carePattern: RegExp;
  /** For each character up to U+00FF, 1 when carePattern matches it; undefined when a separator has more than one character. */
  readonly careTable: Uint8Array | undefined;
  /** n component separators, as elementSeparators. */
  readonly componentSeparators: readonly string[];
  /** Whether a number (digits, "-", ".") or plain text (letters, digits, space) could need care at all. */
  readonly numbersNeedCare: boolean;
  readonly plainTextNeedsCare: boolean;
  /** The text of the segment the syntax writes itself (EDIFACT UNA, see edi-syntax/edifact.ts); its template elements are ignored. */
  readonly serviceSegment: string;
}

/** Each syntax prepared once: a format makes one per profile. */
const preparedSyntaxes = new BoundedMemo<SegmentSyntax, PreparedSyntax>(100);

function prepareSyntax(syntax: SegmentSyntax): PreparedSyntax {
  const specials = [
    syntax.elementSeparator,
    syntax.componentSeparator,
    syntax.segmentTerminator,
    syntax.repetitionSeparator,
    // Released in release mode, refused in refuse mode: a bare one would change what follows it.
    syntax.releaseCharacter,
  ].filter((character): character is string => character !== undefined && character !== '');
  const outsideCharacterSet = syntax.characterSet === undefined ? undefined : charactersOutside(syntax.characterSet);
  const special = anyOf(specials, '');
  const needsCare = outsideCharacterSet === undefined ? special : new RegExp(`${outsideCharacterSet.source}|${special.source}`);
  const canNeedCare = (characters: string) => [...characters].some((character) => needsCare.test(character));
  // Every field named, in one order, so that all prepared syntaxes have one shape and the helpers serve X12 and EDIFACT alike.
  return {
    elementSeparator: syntax.elementSeparator,
    componentSeparator: syntax.componentSeparator,
    segmentTerminator: syntax.segmentTerminator,
    repetitionSeparator: syntax.repetitionSeparator,
    escape: syntax.escape,
    releaseCharacter: syntax.releaseCharacter,
    lineBreak: syntax.lineBreak,
    characterSet: syntax.characterSet,
    outsideCharacterSet,
    carePattern: needsCare,
    careTable: specials.some((character) => character.length !== 1) ? undefined : latin1Table(needsCare),
    numbersNeedCare: canNeedCare('0123456789-.'),
    plainTextNeedsCare: canNeedCare('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '),
    specials,
    special,
    everySpecial: anyOf(specials, 'g'),
    segmentEnd: `${syntax.segmentTerminator}${syntax.lineBreak}`,
    elementSeparators: Array.from({ length: 100 }, (_, count) => syntax.elementSeparator.repeat(count)),
    componentSeparators: Array.from({ length: 100 }, (_, count) => syntax.componentSeparator.repeat(count)),
    serviceSegment: syntax.standard.serviceSegment?.text(syntax) ?? '',
  };
}

/** Whether a text has a character outside the character set or a separator (carePattern), scanned where a table can be. */
function needsCare(text: string, syntax: PreparedSyntax): boolean {
  const table = syntax.careTable;
  return table === undefined ? syntax.carePattern.test(text) : someCharacterIn(table, syntax.carePattern, text);
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
function checkLength(
  value: string,
  numeric: boolean,
  min: number | undefined,
  max: number | undefined,
  name: string,
  invoiceNumber: string,
): void {
  const length = numeric ? countDigits(value) : value.length;
  const unit = numeric ? 'digits' : 'characters';
  if (max !== undefined && length > max)
    throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, more than the ${max} the standard allows`);
  if (min !== undefined && length < min)
    throw new RenderError(invoiceNumber, name, `"${value}" is ${length} ${unit}, fewer than the ${min} the standard requires`);
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
  if (found)
    throw new RenderError(
      document.invoiceNumber,
      name,
      `"${value}" contains "${found[0]}" (U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}), which the ${document.syntax.characterSet ?? ''} character set of this document cannot carry; change the data`,
    );
}

function escapeValue(value: string, name: string, document: SegmentDocument): string {
  const { syntax } = document;
  if (value === '' || !syntax.special.test(value)) return value;
  if (syntax.escape === 'refuse') {
    const found = syntax.specials
      .filter((character) => value.includes(character))
      .map((character) => `"${character}"`)
      .join(', ');
    throw new RenderError(
      document.invoiceNumber,
      name,
      `"${value}" contains ${found}, a separator of this document, which the standard cannot carry inside data; change the data (the profile's line-description-pattern rule catches this before sending)`,
    );
  }
  const release = syntax.releaseCharacter ?? '?';
  return value.replace(syntax.everySpecial, (character) => `${release}${character}`);
}
