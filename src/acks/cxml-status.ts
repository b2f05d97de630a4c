import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { answer, type AnswerKind, type AnswerOutcome, type AnswerReader, type AnswerReading } from './answer.js';

/**
 * A cXML StatusUpdateRequest about an invoice: DocumentReference@payloadID names the
 * InvoiceDetailRequest, InvoiceStatus@type says where it is: processing = delivered (technical);
 * reconciled, paying, paid = accepted; rejected = rejected, with Comments@type as the code and
 * the Comments' text as the reason.
 */

const SOURCE = 'portal:cxml';
const STATUSES = new Map<string, { kind: AnswerKind; outcome: AnswerOutcome }>([
  ['processing', { kind: 'technical', outcome: 'delivered' }],
  ['reconciled', { kind: 'business', outcome: 'accepted' }],
  ['paying', { kind: 'business', outcome: 'accepted' }],
  ['paid', { kind: 'business', outcome: 'accepted' }],
  ['rejected', { kind: 'business', outcome: 'rejected' }],
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (name) => name === 'Comments',
});

type Node = Record<string, unknown>;

function child(node: unknown, name: string): Node | undefined {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, name)) return undefined;
  const value = (node as Node)[name];
  return typeof value === 'object' && value !== null ? (value as Node) : value === '' ? {} : undefined;
}

function attribute(node: Node | undefined, name: string): string | undefined {
  const value = node !== undefined && Object.hasOwn(node, `@${name}`) ? node[`@${name}`] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export const cxmlStatusUpdate: AnswerReader = {
  source: SOURCE,
  recognizes: (text) => /<cXML[\s>]/.test(text) && /<StatusUpdateRequest[\s>]/.test(text),
  read(text): AnswerReading {
    // DOCTYPE and entities from the sender are refused before parsing: nothing is fetched or expanded.
    if (/<!DOCTYPE[^>]*\[|<!ENTITY/i.test(text))
      return {
        answers: [],
        diagnostics: [{ message: 'the cXML carries an internal DTD or entity declarations, which firstpass does not read' }],
      };
    const valid = XMLValidator.validate(text);
    if (valid !== true)
      return {
        answers: [],
        diagnostics: [{ message: `not well-formed XML: ${valid.err.msg}`, where: `line ${valid.err.line}, column ${valid.err.col}` }],
      };
    const update = child(child(child(parser.parse(text), 'cXML'), 'Request'), 'StatusUpdateRequest');
    if (update === undefined)
      return { answers: [], diagnostics: [{ message: 'no cXML/Request/StatusUpdateRequest', where: 'StatusUpdateRequest' }] };
    const payloadId = attribute(child(update, 'DocumentReference'), 'payloadID');
    if (payloadId === undefined || payloadId === '')
      return {
        answers: [],
        diagnostics: [{ message: 'DocumentReference has no payloadID: the update names no invoice', where: 'DocumentReference' }],
      };
    const invoiceStatus = child(update, 'InvoiceStatus');
    const type = attribute(invoiceStatus, 'type');
    const meaning = type === undefined ? undefined : STATUSES.get(type);
    if (meaning === undefined)
      return {
        answers: [],
        diagnostics: [
          { message: `InvoiceStatus type "${type ?? ''}" is not processing, reconciled, paying, paid or rejected`, where: 'InvoiceStatus' },
        ],
      };
    const listed = invoiceStatus !== undefined && Object.hasOwn(invoiceStatus, 'Comments') ? invoiceStatus.Comments : [];
    const comments = (Array.isArray(listed) ? (listed as unknown[]) : []).map((comment) =>
      typeof comment === 'string'
        ? { code: '', text: comment.trim() }
        : { code: attribute(comment as Node, 'type') ?? '', text: String((comment as Node)['#text'] ?? '').trim() },
    );
    const errors = comments
      .filter((comment) => comment.code !== '')
      .map((comment) => ({ code: comment.code, ...(comment.text ? { text: comment.text } : {}) }));
    return {
      answers: [
        answer({
          ...meaning,
          status: type ?? '',
          source: SOURCE,
          errors: meaning.outcome === 'rejected' ? errors : [],
          code: meaning.outcome === 'rejected' ? errors[0]?.code : undefined,
          text: comments.find((comment) => comment.text !== '')?.text,
          keys: { reference: payloadId },
        }),
      ],
      diagnostics: [],
    };
  },
};
