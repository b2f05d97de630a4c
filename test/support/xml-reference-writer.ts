import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { RenderError } from '../../src/model/errors.js';
import { closedCodes, type ClosedCodeList } from '../../src/render/code-lists.js';
import {
  bindLoop,
  compileExpressionText,
  compilePath,
  NO_LOOPS,
  present,
  type ExpressionContext,
  type LoopBindings,
} from '../../src/render/expressions.js';
import type { XmlNode } from '../../src/render/template.js';
import { xmlDoctype, type XmlDoctype, type XmlWriteInput } from '../../src/render/xml-writer.js';

/**
 * The reference the XML writer is held to, byte for byte (test/render/xml-serializer.test.ts):
 * the template's tree built as objects by straightforward closures, and xmlbuilder2 building a
 * DOM from them and serializing it with its pretty print. Correct but slow (~1,000 UBL
 * documents/s), which is why production writes text from a compiled program instead.
 * It refuses what the writer refuses (a mandatory element with nothing in it, a code outside
 * its list) with a plain message: the test compares documents, not messages.
 */
export function writeXmlReference(input: XmlWriteInput): string {
  const context: ExpressionContext = { scope: input.scope, codes: input.codes, loops: [] };
  const doctype = xmlDoctype(input, context);
  const built: Built[] = [];
  compileNode(input.xml.root, NO_LOOPS)(context, built, input);
  const [root] = built;
  if (!root) throw new Error('the template root was left out');
  return serializeWithXmlbuilder2(root, doctype);
}

interface Built {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly children: Built[];
}

function serializeWithXmlbuilder2(root: Built, doctype: XmlDoctype | undefined): string {
  const document = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  if (doctype)
    document.dtd({
      name: doctype.name,
      ...(doctype.systemId ? { sysID: doctype.systemId } : {}),
      ...(doctype.publicId ? { pubID: doctype.publicId } : {}),
    });
  emit(document, root);
  return document.end({ prettyPrint: true });
}

function emit(parent: XMLBuilder, node: Built): void {
  const element = parent.ele(node.name, node.attributes);
  if (node.text !== undefined) element.txt(node.text);
  for (const child of node.children) emit(element, child);
}

/** One compiled template node: adds its element (or elements, or none) to the built list. */
type Step = (context: ExpressionContext, built: Built[], input: XmlWriteInput) => void;

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
  const steps = node.children.map((child) => compileNode(child, bindLoop(bindings, node.as)));
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
  const attributes = Object.entries(node.attributes ?? {}).flatMap(([attribute, template]) =>
    template === undefined
      ? []
      : [{ name: attribute, value: compileExpressionText(template, bindings), codes: attributeCodesOf(node, attribute) }],
  );
  const textValue = node.text === undefined ? undefined : compileExpressionText(node.text, bindings);
  const textCodes = node.codes === undefined ? undefined : closedCodes(node.codes);
  const children = (node.children ?? []).map((child) => compileNode(child, bindings));
  return (context, built, input) => {
    const written: Record<string, string> = {};
    let attributeCount = 0;
    for (const attribute of attributes) {
      const value = attribute.value(context);
      if (value !== undefined && value !== null && value !== '') {
        const text = String(value);
        if (attribute.codes !== undefined && !attribute.codes.codes.has(text))
          refuse(input, `${name}/@${attribute.name}`, `"${text}" is not in its code list`);
        written[attribute.name] = text;
        attributeCount += 1;
      }
    }
    const value = textValue?.(context);
    const text = value === undefined || value === null || value === '' ? undefined : String(value);
    if (text !== undefined && textCodes !== undefined && !textCodes.codes.has(text))
      refuse(input, name, `"${text}" is not in its code list`);
    const childElements: Built[] = [];
    for (const child of children) child(context, childElements, input);
    const hasContent = text !== undefined || childElements.length > 0 || (textValue === undefined && attributeCount > 0);
    if (!hasContent && required) refuse(input, name, 'is mandatory in this standard, but the invoice has nothing to put in it');
    if (!hasContent && !keepEmpty) return;
    built.push(
      text !== undefined
        ? { name, attributes: written, text, children: childElements }
        : { name, attributes: written, children: childElements },
    );
  };
}

function attributeCodesOf(node: Exclude<XmlNode, { each: string }>, attribute: string): ClosedCodeList | undefined {
  const spec =
    node.attributeCodes !== undefined && Object.hasOwn(node.attributeCodes, attribute) ? node.attributeCodes[attribute] : undefined;
  return spec === undefined ? undefined : closedCodes(spec);
}

function refuse(input: XmlWriteInput, where: string, message: string): never {
  throw new RenderError(input.invoiceNumber, where, message);
}
