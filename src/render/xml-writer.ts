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

export function writeXml(input: XmlWriteInput): string {
  const [root] = build([input.xml.root], input.scope, input);
  if (!root) throw new Error('the template root was left out');
  const document = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  if (input.xml.doctype) {
    // The identifiers are template strings too (cXML: the DTD version is an option).
    const context: ExpressionContext = { scope: input.scope, codes: input.codes };
    const { name, systemId, publicId } = input.xml.doctype;
    document.dtd({ name, ...(systemId ? { sysID: fillText(systemId, context) } : {}), ...(publicId ? { pubID: fillText(publicId, context) } : {}) });
  }
  emit(document, root);
  return document.end({ prettyPrint: true });
}

function emit(parent: XMLBuilder, node: Built): void {
  const element = parent.ele(node.name, node.attributes);
  if (node.text !== undefined) element.txt(node.text);
  for (const child of node.children) emit(element, child);
}

function build(nodes: readonly XmlNode[], scope: Scope, input: XmlWriteInput): Built[] {
  const built: Built[] = [];
  for (const node of nodes) {
    if (node.id !== undefined && input.omit.has(node.id)) continue;
    const context: ExpressionContext = { scope, codes: input.codes };
    if (!holds(node.when, context)) continue;
    if ('each' in node) {
      const items = lookup(scope, node.each);
      if (!Array.isArray(items)) continue;
      items.forEach((item, index) => built.push(...build(node.children, loopScope(scope, node.as, item, index), input)));
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [name, template] of Object.entries(node.attributes ?? {})) {
      if (template === undefined) continue;
      const value = fill(template, context);
      if (value !== undefined && value !== null && value !== '') attributes[name] = String(value);
    }
    const textValue = node.text !== undefined ? fill(node.text, context) : undefined;
    const text = textValue === undefined || textValue === null || textValue === '' ? undefined : String(textValue);
    const children = build(node.children ?? [], scope, input);
    const hasContent = text !== undefined || children.length > 0 || (node.text === undefined && Object.keys(attributes).length > 0);
    if (!hasContent && node.required) throw new RenderError(input.invoiceNumber, node.name, 'is mandatory in this standard, but the invoice has nothing to put in it');
    if (!hasContent && !node.keepEmpty) continue;
    built.push({ name: node.name, attributes, ...(text !== undefined ? { text } : {}), children });
  }
  return built;
}
