/**
 * The codes the sandbox's buyer answers with, per check, keyed by the customer's `rejectionCodes`
 * system (portal and by-hand answers) and by EDI answer kind (x12-824, edifact-aperak), as the
 * answers protocol (shared/_brief answers-protocol) lays them down:
 * - x12-824 TED01: X12 code list 647 (011 Not Matching, 006 Duplicate, 010 Total Out of Balance).
 * - edifact-aperak ERC 9321: in D.96A "user or association defined" (UNTDID has no code list), so
 *   these are the sandbox's own, written with 3055 = 92 (assigned by the buyer).
 * - ariba, coupa, peppol: the portal codes the protocol names; a customer with no or another
 *   system gets coupa's.
 * - unreadable: a document the buyer cannot read (the sandbox's own code in every system).
 */

export type BuyerCheck = 'wrong-po' | 'duplicate' | 'totals' | 'unreadable';
export type CodeSystem = 'ariba' | 'coupa' | 'peppol' | 'x12-824' | 'edifact-aperak';

export interface DecisionCode {
  readonly code: string;
  readonly text: string;
}

const TEXTS: Readonly<Record<BuyerCheck, string>> = {
  'wrong-po': 'the purchase order is not one of ours',
  duplicate: 'this invoice number was already received with other content',
  totals: 'the invoice total is not lines + charges - allowances + tax',
  unreadable: 'the document could not be read',
};

const CODES: ReadonlyMap<CodeSystem, ReadonlyMap<BuyerCheck, string>> = new Map<CodeSystem, ReadonlyMap<BuyerCheck, string>>([
  [
    'ariba',
    new Map([
      ['wrong-po', 'INVALID_ORDER_REFERENCE'],
      ['duplicate', 'INVOICE_DUPLICATE'],
      ['totals', 'INVALID_TOTAL'],
      ['unreadable', 'UNREADABLE'],
    ]),
  ],
  [
    'coupa',
    new Map([
      ['wrong-po', '417'],
      ['duplicate', 'DUPLICATE_INVOICE'],
      ['totals', 'INVOICE_TOTAL_MISMATCH'],
      ['unreadable', 'UNREADABLE'],
    ]),
  ],
  [
    'peppol',
    new Map([
      ['wrong-po', 'REF'],
      ['duplicate', 'OTH'],
      ['totals', 'PRI'],
      ['unreadable', 'UNREADABLE'],
    ]),
  ],
  [
    'x12-824',
    new Map([
      ['wrong-po', '011'],
      ['duplicate', '006'],
      ['totals', '010'],
      ['unreadable', 'ZZZ'],
    ]),
  ],
  [
    'edifact-aperak',
    new Map([
      ['wrong-po', 'PO'],
      ['duplicate', 'DUP'],
      ['totals', 'TOT'],
      ['unreadable', 'UNREAD'],
    ]),
  ],
]);

/** Whether a rejected number stays taken: one answer for the buyer and for `resubmit` (src/profiles/rejection-codes.ts). */
export { rejectedNumbersStayTaken } from '../../profiles/index.js';

const PORTAL_SYSTEMS: ReadonlySet<string> = new Set(['ariba', 'coupa', 'peppol']);

/** The system whose codes a portal answer carries for a profile's rejectionCodes (coupa's when it names none of them). */
export function portalCodeSystem(rejectionCodes: string | undefined): CodeSystem {
  return rejectionCodes !== undefined && PORTAL_SYSTEMS.has(rejectionCodes) ? (rejectionCodes as CodeSystem) : 'coupa';
}

export function decisionCode(system: CodeSystem, check: BuyerCheck): DecisionCode {
  const code = CODES.get(system)?.get(check);
  if (code === undefined) throw new Error(`the sandbox has no ${system} code for ${check}`);
  return { code, text: TEXTS[check] };
}
