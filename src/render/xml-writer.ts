import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { bindLoop, compileExpressionText, compilePath, fillText, NO_LOOPS, present, type CodeLists, type ExpressionContext, type LoopBindings, type Scope } from './expressions.js';
import { RenderError } from '../model/errors.js';
import type { Template, XmlNode } from './template.js';

/**
 * Writes XML documents (UBL, cXML) from a template's element tree with xmlbuilder2, which
 * escapes text and attributes. An element whose text is empty and that has no attributes and no
 * children is left out (an empty element is invalid in UBL and cXML alike), unless the
 * template keeps it.
 */
export interface XmlWriteInput {
  readonly xml: NonNullable<Template['xml']>;
  /** For messages: which invoice could not be written. */
  readonly invoiceNumber: string;
  readonly scope: Scope;
  readonly codes: CodeLists;
  readonly omit: ReadonlySet<string>;
}

interface Built {
  readonly name: string;
  /** Names and values, alternating, in template order (cheaper to build and walk than an object). */
  readonly attributes: readonly string[];
  readonly text?: string;
  readonly children: Built[];
}

/** Which serializer writes the built tree: the fast one, or xmlbuilder2 (the reference). */
export type XmlSerializer = 'fast' | 'xmlbuilder2';

export function writeXml(input: XmlWriteInput, serializer: XmlSerializer = 'fast'): string {
  const tree = compiledTree(input.xml.root);
  const built: Built[] = [];
  tree.root({ scope: input.scope, codes: input.codes, loops: [] }, built, input);
  const [root] = built;
  if (!root) throw new Error('the template root was left out');
  let doctype: Doctype | undefined;
  if (input.xml.doctype) {
    // The identifiers are template strings too (cXML: the DTD version is an option).
    const context: ExpressionContext = { scope: input.scope, codes: input.codes };
    const { name, systemId, publicId } = input.xml.doctype;
    doctype = { name, ...(systemId ? { systemId: fillText(systemId, context) } : {}), ...(publicId ? { publicId: fillText(publicId, context) } : {}) };
  }
  return serializer === 'fast' && !(tree.mayMixContent && hasMixedContent(root)) ? serializeFast(root, doctype) : serializeWithXmlbuilder2(root, doctype);
}

interface Doctype {
  readonly name: string;
  readonly systemId?: string;
  readonly publicId?: string;
}

/**
 * The reference: xmlbuilder2 builds a DOM and serializes it. Correct, but its DOM nodes cost
 * ~3 µs each (measured: ~1,000 UBL documents/s), so documents are written by serializeFast,
 * which a test holds to byte-identical output on every example.
 */
function serializeWithXmlbuilder2(root: Built, doctype: Doctype | undefined): string {
  const document = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  if (doctype) document.dtd({ name: doctype.name, ...(doctype.systemId ? { sysID: doctype.systemId } : {}), ...(doctype.publicId ? { pubID: doctype.publicId } : {}) });
  emit(document, root);
  return document.end({ prettyPrint: true });
}

/** The same text as xmlbuilder2's pretty print, written straight from the built tree. */
function serializeFast(root: Built, doctype: Doctype | undefined): string {
  let text = '<?xml version="1.0" encoding="UTF-8"?>';
  if (doctype) {
    const identifiers = doctype.publicId ? ` PUBLIC "${doctype.publicId}" "${doctype.systemId ?? ''}"` : doctype.systemId ? ` SYSTEM "${doctype.systemId}"` : '';
    text += `\n<!DOCTYPE ${doctype.name}${identifiers}>`;
  }
  const write = (node: Built, depth: number): void => {
    const newLine = lineStart(depth);
    text += `${newLine}<${node.name}`;
    const attributes = node.attributes;
    for (let index = 0; index < attributes.length; index += 2) text += ` ${attributes[index]}="${escapeAttribute(attributes[index + 1] ?? '')}"`;
    if (node.children.length > 0) {
      text += '>';
      for (const child of node.children) write(child, depth + 1);
      text += `${newLine}</${node.name}>`;
    } else if (node.text !== undefined) {
      text += `>${escapeText(node.text)}</${node.name}>`;
    } else {
      text += '/>';
    }
  };
  write(root, 0);
  return text;
}

/** A new line indented two spaces per level, as xmlbuilder2's pretty print writes it. */
const lineStarts: string[] = [];

function lineStart(depth: number): string {
  return (lineStarts[depth] ??= `\n${'  '.repeat(depth)}`);
}

/** An element with both text and child elements: written by the reference serializer. */
function hasMixedContent(node: Built): boolean {
  return (node.text !== undefined && node.children.length > 0) || node.children.some(hasMixedContent);
}

/** Characters XML 1.0 cannot hold at all become U+FFFD, as xmlbuilder2's invalidCharReplacement does. */
const INVALID_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Anything that needs escaping or replacing; most text has none and is returned as it is. */
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(INVALID_XML_CHARACTER, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

function emit(parent: XMLBuilder, node: Built): void {
  const attributes: Record<string, string> = {};
  for (let index = 0; index < node.attributes.length; index += 2) attributes[node.attributes[index] ?? ''] = node.attributes[index + 1] ?? '';
  const element = parent.ele(node.name, attributes);
  if (node.text !== undefined) element.txt(node.text);
  for (const child of node.children) emit(element, child);
}

/** One compiled template node: adds its element (or elements, or none) to the built list. */
type Step = (context: ExpressionContext, built: Built[], input: XmlWriteInput) => void;

interface CompiledXml {
  readonly root: Step;
  /** Whether some element may have both text and children (written by the reference serializer). */
  readonly mayMixContent: boolean;
}

const compiledTrees = new WeakMap<XmlNode, CompiledXml>();

/** The template's tree compiled once into functions: expressions with their paths and filters resolved, loop items in slots. */
function compiledTree(root: XmlNode): CompiledXml {
  let compiled = compiledTrees.get(root);
  if (!compiled) {
    compiled = { root: compileNode(root, NO_LOOPS), mayMixContent: mixesContent(root) };
    compiledTrees.set(root, compiled);
  }
  return compiled;
}

function mixesContent(node: XmlNode): boolean {
  const children = ('children' in node ? node.children : undefined) ?? [];
  return ('text' in node && node.text !== undefined && 'name' in node && children.length > 0) || children.some(mixesContent);
}

function compileNodes(nodes: readonly XmlNode[], bindings: LoopBindings): Step[] {
  return nodes.map((node) => compileNode(node, bindings));
}

/** A node's own step behind what may leave it out: the profile's omit list and its `when`. */
function compileNode(node: XmlNode, bindings: LoopBindings): Step {
  const step = 'each' in node ? compileLoop(node, bindings) : compileElement(node, bindings);
  const id = node.id;
  const when = node.when === undefined ? undefined : compileExpressionText(node.when, bindings);
  if (id === undefined && when === undefined) return step;
  return (context, built, input) => {
    if (id !== undefined && input.omit.has(id)) return;
    if (when !== undefined && !present(when(context))) return;
    step(context, built, input);
  };
}

function compileLoop(node: Extract<XmlNode, { each: string }>, bindings: LoopBindings): Step {
  const items = compilePath(node.each, bindings);
  const steps = compileNodes(node.children, bindLoop(bindings, node.as));
  const slot = bindings.slots;
  return (context, built, input) => {
    const list = items(context);
    if (!Array.isArray(list)) return;
    const loops = context.loops as unknown[];
    for (let index = 0; index < list.length; index += 1) {
      loops[slot] = list[index];
      loops[slot + 1] = index;
      for (const step of steps) step(context, built, input);
    }
  };
}

function compileElement(node: Exclude<XmlNode, { each: string }>, bindings: LoopBindings): Step {
  const { name, required, keepEmpty } = node;
  const attributes = Object.entries(node.attributes ?? {}).flatMap(([attribute, template]) => (template === undefined ? [] : [{ name: attribute, value: compileExpressionText(template, bindings) }]));
  const textValue = node.text === undefined ? undefined : compileExpressionText(node.text, bindings);
  const children = node.children ? compileNodes(node.children, bindings) : [];
  return (context, built, input) => {
    const written: string[] = [];
    for (const attribute of attributes) {
      const value = attribute.value(context);
      if (value !== undefined && value !== null && value !== '') written.push(attribute.name, String(value));
    }
    const value = textValue?.(context);
    const text = value === undefined || value === null || value === '' ? undefined : String(value);
    const childElements: Built[] = [];
    for (const child of children) child(context, childElements, input);
    const hasContent = text !== undefined || childElements.length > 0 || (textValue === undefined && written.length > 0);
    if (!hasContent && required) throw new RenderError(input.invoiceNumber, name, 'is mandatory in this standard, but the invoice has nothing to put in it');
    if (!hasContent && !keepEmpty) return;
    built.push(text !== undefined ? { name, attributes: written, text, children: childElements } : { name, attributes: written, children: childElements });
  };
}
