import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { fill, fillText, holds, lookup, loopScope, type CodeLists, type ExpressionContext, type Scope } from './expressions.js';
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
  readonly attributes: Record<string, string>;
  readonly text?: string;
  readonly children: Built[];
}

/** Which serializer writes the built tree: the fast one, or xmlbuilder2 (the reference). */
export type XmlSerializer = 'fast' | 'xmlbuilder2';

export function writeXml(input: XmlWriteInput, serializer: XmlSerializer = 'fast'): string {
  const [root] = build([input.xml.root], input.scope, input);
  if (!root) throw new Error('the template root was left out');
  let doctype: Doctype | undefined;
  if (input.xml.doctype) {
    // The identifiers are template strings too (cXML: the DTD version is an option).
    const context: ExpressionContext = { scope: input.scope, codes: input.codes };
    const { name, systemId, publicId } = input.xml.doctype;
    doctype = { name, ...(systemId ? { systemId: fillText(systemId, context) } : {}), ...(publicId ? { publicId: fillText(publicId, context) } : {}) };
  }
  return serializer === 'fast' && !hasMixedContent(root) ? serializeFast(root, doctype) : serializeWithXmlbuilder2(root, doctype);
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
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (doctype) {
    const identifiers = doctype.publicId ? ` PUBLIC "${doctype.publicId}" "${doctype.systemId ?? ''}"` : doctype.systemId ? ` SYSTEM "${doctype.systemId}"` : '';
    parts.push(`\n<!DOCTYPE ${doctype.name}${identifiers}>`);
  }
  const write = (node: Built, indent: string): void => {
    let open = `\n${indent}<${node.name}`;
    for (const name in node.attributes) open += ` ${name}="${escapeAttribute(node.attributes[name] ?? '')}"`;
    if (node.children.length > 0) {
      parts.push(`${open}>`);
      for (const child of node.children) write(child, `${indent}  `);
      parts.push(`\n${indent}</${node.name}>`);
    } else if (node.text !== undefined) {
      parts.push(`${open}>${escapeText(node.text)}</${node.name}>`);
    } else {
      parts.push(`${open}/>`);
    }
  };
  write(root, '');
  return parts.join('');
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
  const element = parent.ele(node.name, node.attributes);
  if (node.text !== undefined) element.txt(node.text);
  for (const child of node.children) emit(element, child);
}

function build(nodes: readonly XmlNode[], scope: Scope, input: XmlWriteInput, built: Built[] = []): Built[] {
  const context: ExpressionContext = { scope, codes: input.codes };
  for (const node of nodes) {
    if (node.id !== undefined && input.omit.has(node.id)) continue;
    if (node.when !== undefined && !holds(node.when, context)) continue;
    if ('each' in node) {
      const items = lookup(scope, node.each);
      if (!Array.isArray(items)) continue;
      items.forEach((item, index) => build(node.children, loopScope(scope, node.as, item, index), input, built));
      continue;
    }
    const attributes: Record<string, string> = {};
    let attributeCount = 0;
    if (node.attributes) {
      for (const name in node.attributes) {
        const template = node.attributes[name];
        if (template === undefined) continue;
        const value = fill(template, context);
        if (value !== undefined && value !== null && value !== '') {
          attributes[name] = String(value);
          attributeCount += 1;
        }
      }
    }
    const textValue = node.text !== undefined ? fill(node.text, context) : undefined;
    const text = textValue === undefined || textValue === null || textValue === '' ? undefined : String(textValue);
    const children = node.children ? build(node.children, scope, input) : [];
    const hasContent = text !== undefined || children.length > 0 || (node.text === undefined && attributeCount > 0);
    if (!hasContent && node.required) throw new RenderError(input.invoiceNumber, node.name, 'is mandatory in this standard, but the invoice has nothing to put in it');
    if (!hasContent && !node.keepEmpty) continue;
    built.push(text !== undefined ? { name: node.name, attributes, text, children } : { name: node.name, attributes, children });
  }
  return built;
}
