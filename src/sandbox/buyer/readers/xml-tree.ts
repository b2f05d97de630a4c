import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** XML documents as fast-xml-parser trees (namespace prefixes removed, attributes as `@name`), with small typed walkers. */

export type XmlNode = Readonly<Record<string, unknown>>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  trimValues: true,
});

/** The document's tree, or the reason it is not well-formed XML. */
export function parseXml(content: Buffer): { ok: true; tree: XmlNode } | { ok: false; reason: string } {
  const text = content.toString('utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  return { ok: true, tree: parser.parse(text) as XmlNode };
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every child element of this name (none, one or many in the tree). */
export function children(node: unknown, name: string): XmlNode[] {
  if (!isNode(node) || !Object.hasOwn(node, name)) return [];
  const value = node[name];
  const values = Array.isArray(value) ? value : [value];
  return values.map((item) => (isNode(item) ? item : { '#text': item }));
}

/** The first element down this path of names. */
export function child(node: unknown, ...path: string[]): XmlNode | undefined {
  let at: unknown = node;
  for (const name of path) at = children(at, name)[0];
  return isNode(at) ? at : undefined;
}

/** An element's text (trimmed), or ''. */
export function textOf(node: XmlNode | undefined): string {
  const value = node?.['#text'];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** An attribute's value, or ''. */
export function attribute(node: XmlNode | undefined, name: string): string {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : '';
}

/** The root element's name, from the first bytes (an XML declaration and a DOCTYPE may come before). */
export function rootName(content: Buffer): string | undefined {
  const head = content
    .subarray(0, 2048)
    .toString('utf8')
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '');
  return /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head)?.[1];
}
