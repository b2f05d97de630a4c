import { BoundedMemo } from '../model/bounded-cache.js';
import {
  expressionTextCode,
  fillText,
  loopLocals,
  NO_LOOPS,
  present,
  type CodeLists,
  type ExpressionContext,
  type LoopBindings,
  type Scope,
} from './expressions.js';
import { TemplateCode } from './template-code.js';
import { closedCodes, notInCodeList, type ClosedCodeList } from './code-lists.js';
import { RenderError } from '../model/errors.js';
import type { Template, XmlNode } from './template.js';

/**
 * Writes XML documents (UBL, cXML) from a template's element tree: the template compiled to a
 * program that writes the text (see XmlCode), as xmlbuilder2's pretty print would; a test holds
 * it byte for byte to xmlbuilder2 (test/support/xml-reference-writer.ts). An element whose text
 * is empty and that has no attributes and no children is left out (an empty element is invalid
 * in UBL and cXML alike), unless the template keeps it.
 */
export interface XmlWriteInput {
  readonly xml: NonNullable<Template['xml']>;
  /** For messages: which invoice could not be written. */
  readonly invoiceNumber: string;
  readonly scope: Scope;
  readonly codes: CodeLists;
  readonly omit: ReadonlySet<string>;
}

export function writeXml(input: XmlWriteInput): string {
  const program = compiledPrograms.get(input.xml.root, compileProgram);
  const context: ExpressionContext = { scope: input.scope, codes: input.codes, loops: [] };
  const body = program(context, input);
  if (body === '') throw new Error('the template root was left out');
  return `${prolog(xmlDoctype(input, context))}${body}`;
}

/** The document type, its identifiers filled in (they are template strings too: cXML's DTD version is an option). */
export function xmlDoctype(input: XmlWriteInput, context: ExpressionContext): XmlDoctype | undefined {
  if (!input.xml.doctype) return undefined;
  const { name, systemId, publicId } = input.xml.doctype;
  return {
    name,
    ...(systemId ? { systemId: systemLiteral(fillText(systemId, context)) } : {}),
    ...(publicId ? { publicId: publicLiteral(fillText(publicId, context), input.invoiceNumber) } : {}),
  };
}

/**
 * A DOCTYPE system id filled in from options: a URI, so what a URI cannot hold as it is (a quote,
 * a space, <, >) is percent-encoded and can never close the literal or open markup.
 */
function systemLiteral(uri: string): string {
  return URI_UNSAFE.test(uri)
    ? uri.replace(URI_UNSAFE_ALL, (character) => encodeURIComponent(LONE_SURROGATE.test(character) ? '\ufffd' : character))
    : uri;
}

const URI_UNSAFE = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
const URI_UNSAFE_ALL = new RegExp(URI_UNSAFE.source, 'gu');
const LONE_SURROGATE = /^[\uD800-\uDFFF]$/u;

/** A DOCTYPE public id holds only XML's PubidChar: anything else is refused, naming it. */
function publicLiteral(id: string, invoiceNumber: string): string {
  const wrong = /[^a-zA-Z0-9 \r\n\-'()+,./:=?;!*#@$_%]/u.exec(id);
  if (wrong) throw new RenderError(invoiceNumber, 'DOCTYPE public id', `"${id}" holds "${wrong[0]}", which a public id cannot carry`);
  return id;
}

/** The XML declaration and the document type, as xmlbuilder2 writes them. */
function prolog(doctype: XmlDoctype | undefined): string {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!doctype) return declaration;
  const identifiers = doctype.publicId
    ? ` PUBLIC "${doctype.publicId}" "${doctype.systemId ?? ''}"`
    : doctype.systemId
      ? ` SYSTEM "${doctype.systemId}"`
      : '';
  return `${declaration}\n<!DOCTYPE ${doctype.name}${identifiers}>`;
}

export interface XmlDoctype {
  readonly name: string;
  readonly systemId?: string;
  readonly publicId?: string;
}

/** A character XML 1.0 cannot hold at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; a lone surrogate). */
const INVALID_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Anything that needs escaping or refusing; most text has none and is returned as it is. */
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Text escaped for XML. A character XML 1.0 cannot carry is refused, naming the element (`where`,
 * and the loop item): replaced (as xmlbuilder2 replaces it by U+FFFD), the receiver would get
 * other data than the invoice's. The place comes as arguments, so nothing is built per value.
 */
function escapeText(text: string, where?: string, loopName?: string, item?: unknown, input?: XmlWriteInput): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  const invalid = INVALID_XML_CHARACTER.exec(text);
  if (invalid !== null && where !== undefined && input !== undefined)
    refuseCharacter(
      invalid[0],
      invalid.index,
      loopName === undefined ? where : `${where} (${loopName} ${Number(item) + 1})`,
      input.invoiceNumber,
    );
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string, where?: string, loopName?: string, item?: unknown, input?: XmlWriteInput): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return escapeText(value, where, loopName, item, input).replace(/"/g, '&quot;');
}

function refuseCharacter(character: string, index: number, where: string, invoiceNumber: string): never {
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = /[\uD800-\uDFFF]/.test(character)
    ? 'a lone surrogate'
    : /[\uFFFE\uFFFF]/.test(character)
      ? 'a noncharacter'
      : 'a control character';
  throw new RenderError(
    invoiceNumber,
    where,
    `holds ${code} (${kind}) at character ${index + 1}, which XML 1.0 cannot carry: remove it from the invoice (it is never replaced by other text)`,
  );
}

/** A template compiled to one function: the root element's text, as xmlbuilder2's pretty print writes it. */
type XmlProgram = (context: ExpressionContext, input: XmlWriteInput) => string;

/** Each template's program, by its root node (templates are loaded once). */
const compiledPrograms = new BoundedMemo<XmlNode, XmlProgram>(100);

/**
 * The template compiled to JavaScript (see TemplateCode): each element writes its own text,
 * its indentation known from its depth. Large elements become functions of their own, which
 * keeps each function small enough to be optimized (see bench/README.md).
 */
function compileProgram(root: XmlNode): XmlProgram {
  const code = new XmlCode();
  const body = code.node(root, NO_LOOPS, 0, '');
  return code.program<XmlProgram>(`${code.functions.join('\n')}
return function writeDocument(context, input) {
  const S = context.scope, loops = context.loops;
  let x, t = '';
${body}
  return t;
};`);
}

/** A mandatory element with nothing to put in it: refused, naming it. */
function missing(
  name: string,
  input: XmlWriteInput,
  message = 'is mandatory in this standard, but the invoice has nothing to put in it',
): never {
  throw new RenderError(input.invoiceNumber, name, message);
}

/** The closed list an attribute's values must belong to, if any. */
function attributeCodesOf(node: Exclude<XmlNode, { each: string }>, attribute: string): ClosedCodeList | undefined {
  const spec =
    node.attributeCodes !== undefined && Object.hasOwn(node.attributeCodes, attribute) ? node.attributeCodes[attribute] : undefined;
  return spec === undefined ? undefined : closedCodes(spec);
}

/** The loop an element is in, for messages: its name (line) and the slot of its index. */
function innermostLoop(bindings: LoopBindings): { readonly name: string; readonly indexSlot: number } | undefined {
  for (const [name, { slot, part }] of bindings.names)
    if (part === 'item' && slot === bindings.slots - 2) return { name, indexSlot: slot + 1 };
  return undefined;
}

/** A value outside its element's closed code list: refused, naming the element (and which line, in a loop). */
function refuseCode(
  value: string,
  list: ClosedCodeList,
  where: string,
  loopName: string | undefined,
  index: unknown,
  input: XmlWriteInput,
): never {
  notInCodeList(input.invoiceNumber, loopName === undefined ? where : `${where} (${loopName} ${Number(index) + 1})`, value, list);
}

const XML_HELPERS = { present, escapeText, escapeAttribute, missing, refuseCode };

/** Template nodes under an element beyond which it is written by a function of its own. */
const OWN_FUNCTION_SIZE = 25;

class XmlCode extends TemplateCode {
  /** Functions of their own for large elements, declared before the program. */
  readonly functions: string[] = [];

  program<Program>(source: string): Program {
    return this.build<Program>(source, XML_HELPERS);
  }

  nodes(nodes: readonly XmlNode[], bindings: LoopBindings, depth: number, path: string): string {
    return nodes.map((node) => this.node(node, bindings, depth, path)).join('\n');
  }

  node(node: XmlNode, bindings: LoopBindings, depth: number, path: string): string {
    const body =
      'each' in node
        ? this.loop(node.each, node.as, bindings, (inner) => this.nodes(node.children, inner, depth, path))
        : this.elementOrCall(node, bindings, depth, path);
    return this.guarded(body, { id: node.id, when: node.when, omitted: 'input.omit' }, bindings);
  }

  /** A large element as a call to a function of its own, which reads the enclosing loops' items from their slots. */
  private elementOrCall(node: Exclude<XmlNode, { each: string }>, bindings: LoopBindings, depth: number, path: string): string {
    if (depth === 0 || templateSize(node) <= OWN_FUNCTION_SIZE) return this.element(node, bindings, depth, path);
    const name = `element${this.functions.length}`;
    this.functions.push(''); // the place is taken first: functions within this one come after it
    const at = this.functions.length - 1;
    const locals = loopLocals(bindings);
    this.functions[at] = `function ${name}(context, input, t) {
  const S = context.scope, loops = context.loops${locals.map((local) => `, ${local}`).join('')};
  let x;
${this.element(node, bindings, depth, path)}
  return t;
}`;
    return `t = ${name}(context, input, t);`;
  }

  /** An element with no text, no attributes and no children is left out, unless it must be kept (or is mandatory: refused). */
  private element(node: Exclude<XmlNode, { each: string }>, bindings: LoopBindings, depth: number, path: string): string {
    const elementPath = `${path}/${node.name}`;
    const loop = innermostLoop(bindings);
    // How a refused code names its place: the element, and the loop's item number (its index local).
    const refuse = (value: string, list: ClosedCodeList, where: string) =>
      `h.refuseCode(${value}, ${this.reference(list)}, ${JSON.stringify(where)}, ${loop === undefined ? 'undefined' : JSON.stringify(loop.name)}, ${loop === undefined ? 'undefined' : `I${loop.indexSlot}`}, input)`;
    // Where escapeText names a character XML cannot carry.
    const place = (where: string) =>
      `${JSON.stringify(where)}, ${loop === undefined ? 'undefined' : JSON.stringify(loop.name)}, ${loop === undefined ? 'undefined' : `I${loop.indexSlot}`}, input`;
    const open = JSON.stringify(`\n${'  '.repeat(depth)}<${node.name}`);
    const close = JSON.stringify(`\n${'  '.repeat(depth)}</${node.name}>`);
    const closeInline = JSON.stringify(`</${node.name}>`);
    const lines: string[] = ["let a = '';"];
    for (const [attribute, template] of Object.entries(node.attributes ?? {})) {
      if (template === undefined) continue;
      const codes = attributeCodesOf(node, attribute);
      lines.push(`x = ${expressionTextCode(template, bindings, this)};`);
      if (codes === undefined)
        lines.push(
          `if (x !== undefined && x !== null && x !== '') a += ${JSON.stringify(` ${attribute}="`)} + h.escapeAttribute(String(x), ${place(`${elementPath}/@${attribute}`)}) + '"';`,
        );
      else
        lines.push(
          `if (x !== undefined && x !== null && x !== '') {\nx = String(x);\nif (!${this.reference(codes.codes)}.has(x)) ${refuse('x', codes, `${elementPath}/@${attribute}`)};\na += ${JSON.stringify(` ${attribute}="`)} + h.escapeAttribute(x, ${place(`${elementPath}/@${attribute}`)}) + '"';\n}`,
        );
    }
    const hasText = node.text !== undefined;
    const hasChildren = (node.children ?? []).length > 0;
    if (hasText)
      lines.push(
        `let text = ${expressionTextCode(node.text ?? '', bindings, this)};`,
        "text = text === undefined || text === null || text === '' ? undefined : String(text);",
      );
    const textCodes = hasText && node.codes !== undefined ? closedCodes(node.codes) : undefined;
    if (textCodes !== undefined)
      lines.push(`if (text !== undefined && !${this.reference(textCodes.codes)}.has(text)) ${refuse('text', textCodes, elementPath)};`);
    if (hasChildren)
      lines.push(
        "const outer = t;\nt = '';",
        this.nodes(node.children ?? [], bindings, depth + 1, elementPath),
        'const inner = t;\nt = outer;',
      );
    const content = [
      ...(hasText ? ['text !== undefined'] : []),
      ...(hasChildren ? ["inner !== ''"] : []),
      ...(hasText ? [] : ["a !== ''"]),
    ].join(' || ');
    const written = [
      // Text beside children (mixed content) goes on a line of its own before them, as xmlbuilder2's pretty print writes it.
      ...(hasChildren
        ? [
            `if (inner !== '') t += ${open} + a + '>' + ${hasText ? `(text !== undefined ? ${JSON.stringify(`\n${'  '.repeat(depth + 1)}`)} + h.escapeText(text, ${place(elementPath)}) : '') + ` : ''}inner + ${close};`,
          ]
        : []),
      ...(hasText
        ? [
            `${hasChildren ? 'else ' : ''}if (text !== undefined) t += ${open} + a + '>' + h.escapeText(text, ${place(elementPath)}) + ${closeInline};`,
          ]
        : []),
      `${hasChildren || hasText ? 'else ' : ''}t += ${open} + a + '/>';`,
    ].join('\n');
    const empty = node.required
      ? `h.missing(${JSON.stringify(node.name)}, input${node.missing === undefined ? '' : `, ${JSON.stringify(node.missing)}`});`
      : node.keepEmpty
        ? `t += ${open} + a + '/>';`
        : '';
    lines.push(`if (${content}) {\n${written}\n}${empty === '' ? '' : ` else {\n${empty}\n}`}`);
    return lines.join('\n');
  }
}

/** How many template nodes an element holds, itself included. */
function templateSize(node: XmlNode): number {
  return 1 + (node.children ?? []).reduce((total, child) => total + templateSize(child), 0);
}
