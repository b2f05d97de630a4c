import { randomBytes } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import type { DecisionCode } from './decision-codes.js';
import type { XmlParties } from './document-reader.js';

/**
 * What the sandbox portal's status endpoints answer for a reference: REST JSON
 * `{ id, status, code?, reason?, updatedAt }`, or a cXML StatusUpdateRequest whose InvoiceStatus
 * is processing (not yet decided), reconciled (accepted) or rejected (Comments type = the code).
 */

export interface PortalDecision {
  readonly reference: string;
  /** undefined while the buyer has not decided yet. */
  readonly decided: { readonly rejection: DecisionCode | undefined; readonly reason: string | undefined } | undefined;
  readonly updatedAt: Date;
  /** The invoice's cXML parties, answered swapped. */
  readonly parties: XmlParties | undefined;
}

export function restStatus(decision: PortalDecision): Record<string, unknown> {
  const { decided } = decision;
  const status = decided === undefined ? 'processing' : decided.rejection === undefined ? 'accepted' : 'rejected';
  return {
    id: decision.reference,
    status,
    ...(decided?.rejection !== undefined ? { code: decided.rejection.code, reason: decided.reason ?? decided.rejection.text } : {}),
    updatedAt: decision.updatedAt.toISOString(),
  };
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  suppressEmptyNode: true,
  processEntities: true,
});

function credential(party: XmlParties['from']): Record<string, unknown> {
  return { Credential: { '@domain': party?.domain || 'NetworkID', Identity: party?.identity || 'sandbox' } };
}

export function cxmlStatus(decision: PortalDecision, now: Date): string {
  const { decided, parties } = decision;
  const type = decided === undefined ? 'processing' : decided.rejection === undefined ? 'reconciled' : 'rejected';
  const invoiceStatus: Record<string, unknown> = { '@type': type };
  if (decided?.rejection !== undefined)
    invoiceStatus.Comments = { '@type': decided.rejection.code, '@xml:lang': 'en', '#text': decided.reason ?? decided.rejection.text };
  const document = {
    cXML: {
      '@payloadID': `${now.getTime()}.${randomBytes(4).toString('hex')}@sandbox.firstpass`,
      '@timestamp': now.toISOString(),
      '@xml:lang': 'en-US',
      Header: {
        From: credential(parties?.to),
        To: credential(parties?.from),
        Sender: { ...credential(parties?.to), UserAgent: 'firstpass sandbox' },
      },
      Request: {
        StatusUpdateRequest: {
          DocumentReference: { '@payloadID': decision.reference },
          Status: { '@code': '200', '@text': 'OK' },
          InvoiceStatus: invoiceStatus,
        },
      },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">\n${builder.build(document) as string}`;
}
