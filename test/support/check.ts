import assert from 'node:assert/strict';
import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import { invoiceAmounts } from '../../src/model/invoice-totals.js';
import type { CustomerProfile, ResolvedProfile } from '../../src/profiles/index.js';
import {
  buildRuleBook,
  builtInRules,
  checkInvoice,
  CompiledEvaluator,
  EMPTY_HISTORY,
  type AttachmentInfo,
  type Finding,
  type InvoiceHistory,
} from '../../src/rules/index.js';
import { EngineEvaluator } from '../../src/rules/engine-evaluator.js';

/** A profile with only the given rules on, and otherwise plausible settings. */
export function profileWith(rules: Record<string, unknown>, extra: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    id: 'acme',
    name: 'Acme Corp',
    currencies: ['USD'],
    format: { type: 'x12-810', options: { senderId: 'SELLER', receiverId: 'ACME' } },
    channel: { type: 'email', to: 'ap@acme.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
    rules,
    ...extra,
  } as CustomerProfile;
}

/** A clean, arithmetically exact two-line invoice; override what a test is about. */
export function invoiceWith(overrides: Partial<Invoice> = {}): Invoice {
  return {
    invoiceNumber: 'INV-1001',
    customerId: 'acme',
    issueDate: '2026-11-10',
    dueDate: '2026-12-10',
    currency: 'USD',
    poNumber: 'PO-10001',
    paymentTerms: 'NET30',
    buyer: { name: 'Acme Corp' },
    lines: [
      {
        lineNumber: '1',
        sku: 'W-1',
        description: 'Widget',
        quantity: '3',
        unitOfMeasure: 'EA',
        unitPrice: '10.00',
        lineAmount: '30.00',
        taxCode: 'S',
        taxRate: '8.25',
        poLineNumber: '1',
      },
      {
        lineNumber: '2',
        sku: 'G-2',
        description: 'Gadget',
        quantity: '2',
        unitOfMeasure: 'EA',
        unitPrice: '7.50',
        lineAmount: '15.00',
        taxCode: 'S',
        taxRate: '8.25',
        poLineNumber: '2',
      },
    ],
    taxTotal: '3.71',
    totalAmount: '48.71',
    ...overrides,
  } as Invoice;
}

export function purchaseOrder(overrides: Partial<PurchaseOrder> = {}): PurchaseOrder {
  return {
    poNumber: 'PO-10001',
    customerId: 'acme',
    status: 'open',
    issueDate: '2026-10-01',
    currency: 'USD',
    total: '100.00',
    lines: [
      {
        poLineNumber: '1',
        sku: 'W-1',
        description: 'Widget',
        quantity: '10',
        unitOfMeasure: 'EA',
        unitPrice: '10.00',
        quantityInvoiced: '0',
      },
      {
        poLineNumber: '2',
        sku: 'G-2',
        description: 'Gadget',
        quantity: '4',
        unitOfMeasure: 'EA',
        unitPrice: '7.50',
        quantityInvoiced: '0',
      },
    ],
    ...overrides,
  } as PurchaseOrder;
}

export interface CheckOptions {
  po?: PurchaseOrder;
  today?: string;
  history?: InvoiceHistory;
  attachments?: ReadonlyMap<string, AttachmentInfo>;
}

/**
 * Check an invoice with both evaluators (json-rules-engine and the compiled one), assert they
 * agree, and return the findings.
 */
export async function check(profile: CustomerProfile, invoice: Invoice, options: CheckOptions = {}): Promise<Finding[]> {
  const resolved: ResolvedProfile = { profile, file: `${profile.id}.json`, chain: [`${profile.id}.json`], origins: new Map() };
  const { book, problems } = buildRuleBook(resolved, builtInRules());
  assert.deepEqual(problems, []);
  const inputs = {
    invoice,
    profile,
    po: options.po,
    today: options.today ?? '2026-11-20',
    history: options.history ?? EMPTY_HISTORY,
    attachments: options.attachments ?? new Map(),
    ruleParams: book.params,
    amounts: invoiceAmounts(invoice),
  };
  const reference = await checkInvoice(book, inputs, new EngineEvaluator());
  const compiled = await checkInvoice(book, inputs, new CompiledEvaluator());
  assert.deepEqual(compiled, reference, 'the compiled evaluator must agree with json-rules-engine');
  return compiled;
}

/** The ids of the rules that raised findings. */
export function ruleIds(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.rule);
}
