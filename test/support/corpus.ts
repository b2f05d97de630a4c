import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import type { CustomerProfile } from '../../src/profiles/index.js';

/**
 * A seeded generator of varied invoices for the differential test: mostly plausible, often
 * broken in one or more ways, with missing optional fields, odd decimals and currencies of 0,
 * 2 and 3 minor units, so both evaluators meet every branch of every rule.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ALL_RULES_PROFILE: CustomerProfile = {
  id: 'omni',
  name: 'Omni Buyer',
  currencies: ['USD', 'JPY', 'KWD'],
  format: { type: 'ubl' },
  channel: { type: 'email', to: 'ap@omni.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
  contract: { prices: { 'SKU-1': '10.00', 'SKU-2': '2.50', 'SKU-3': '199.99' }, paymentTerms: 'NET30' },
  rules: {
    'po-required': true,
    'po-format': { pattern: '^PO-\\d{4}$' },
    'po-exists': true,
    'po-amount-not-exceeded': { tolerancePercent: '5' },
    'po-line-match': { tolerance: '0.01' },
    'invoice-number-format': { pattern: '^INV-\\d+$' },
    'currency-allowed': true,
    'issue-date-valid': { maxAgeDays: 60 },
    'due-date-terms': true,
    'required-fields': { fields: ['/buyerReference', '/lines/*/sku'] },
    'allowed-values': { checks: [{ field: '/buyerReference', values: ['CC-1', 'CC-2'] }] },
    'duplicate-invoice-number': true,
    'attachments-required': { types: ['timesheet'], extensions: ['.pdf'], maxBytes: 5000 },
    'credit-note-reference': true,
    'line-description-required': true,
    'line-description-length': { min: 3, max: 20, severity: 'warning' },
    'line-description-pattern': { forbidden: '[~*^]' },
    'line-description-matches-po': { severity: 'warning' },
    'tax-code-allowed': { codes: ['S', 'Z'] },
    'tax-rate-matches-code': { rates: { S: '10', Z: '0' } },
    'uom-allowed': { units: ['EA', 'HUR'] },
    'contract-price': { tolerance: '0' },
    'line-amount-arithmetic': true,
    'quantity-positive': true,
    'tax-total-arithmetic': { tolerance: '0.01' },
    'invoice-total-arithmetic': true,
  },
  customRules: [
    {
      id: 'omni-terms',
      scope: 'invoice',
      severity: 'error',
      message: 'Omni pays on NET30 only, not {{invoice.paymentTerms}}',
      path: '/paymentTerms',
      conditions: {
        any: [
          { fact: 'invoice', path: '$.paymentTerms', operator: 'present', value: false },
          { fact: 'invoice', path: '$.paymentTerms', operator: 'in', value: ['NET30'] },
        ],
      },
    },
    {
      id: 'omni-small-lines',
      scope: 'line',
      severity: 'warning',
      message: 'Line {{line.lineNumber}}: {{explain}}',
      path: '{{itemPath}}',
      conditions: {
        all: [
          { fact: 'line', path: '$.quantity', operator: 'lessThanInclusive', value: 1000, explain: 'more than 1000 units' },
          { not: { fact: 'line', path: '$.unitOfMeasure', operator: 'equal', value: 'XX' } },
        ],
      },
    },
  ],
} as unknown as CustomerProfile;

export const CORPUS_PURCHASE_ORDERS: PurchaseOrder[] = [
  {
    poNumber: 'PO-1000',
    customerId: 'omni',
    status: 'open',
    issueDate: '2026-09-01',
    currency: 'USD',
    total: '500.00',
    lines: [
      {
        poLineNumber: '1',
        sku: 'SKU-1',
        description: 'Blue widget',
        quantity: '30',
        unitOfMeasure: 'EA',
        unitPrice: '10.00',
        quantityInvoiced: '5',
      },
      {
        poLineNumber: '2',
        sku: 'SKU-2',
        description: 'Small gadget',
        quantity: '100',
        unitOfMeasure: 'EA',
        unitPrice: '2.50',
        quantityInvoiced: '0',
      },
    ],
  },
  {
    poNumber: 'PO-2000',
    customerId: 'omni',
    status: 'closed',
    issueDate: '2026-10-15',
    currency: 'USD',
    total: '100.00',
    lines: [{ poLineNumber: '1', sku: 'SKU-3', description: 'Consulting hour', quantity: '10', unitOfMeasure: 'HUR', unitPrice: '199.99' }],
  },
] as PurchaseOrder[];

const DESCRIPTIONS = [
  'Blue widget',
  'blue  WIDGET',
  'Small gadget',
  'Consulting hour',
  'Widget ~ deluxe',
  'Wd',
  'A description far longer than twenty characters',
  '',
  undefined,
];
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function cents(random: () => number, max: number): string {
  return (Math.floor(random() * max * 100) / 100).toFixed(2);
}

export function generateInvoice(random: () => number, index: number): { invoice: Invoice; poNumber?: string } {
  const currency = pick(random, ['USD', 'USD', 'USD', 'JPY', 'KWD', 'EUR']);
  const lineCount = 1 + Math.floor(random() * 4);
  const lines = Array.from({ length: lineCount }, (_, position) => {
    const sku = pick(random, ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-9', undefined]);
    const quantity = pick(random, ['1', '2', '3', '0', '-1', '2.5', '1500', undefined]);
    const unitPrice = pick(random, ['10.00', '2.50', '199.99', '10.005', cents(random, 50), undefined]);
    const line: Record<string, unknown> = {
      lineNumber: String(position + 1),
      sku,
      description: pick(random, DESCRIPTIONS),
      quantity,
      unitOfMeasure: pick(random, ['EA', 'EA', 'HUR', 'KGM', 'XX', undefined]),
      unitPrice,
      taxCode: pick(random, ['S', 'S', 'Z', 'E', undefined]),
      taxRate: pick(random, ['10', '10', '0', '7.5', undefined]),
      poLineNumber: pick(random, ['1', '2', '9', undefined]),
      discount: random() < 0.2 ? '0.50' : undefined,
    };
    line.lineAmount =
      random() < 0.8 && quantity && unitPrice
        ? (Number(quantity) * Number(unitPrice) - (line.discount ? 0.5 : 0)).toFixed(currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2)
        : cents(random, 100);
    for (const key of Object.keys(line)) if (line[key] === undefined) delete line[key];
    return line;
  });
  const invoice: Record<string, unknown> = {
    documentType: random() < 0.1 ? 'credit-note' : 'invoice',
    invoiceNumber: random() < 0.9 ? `INV-${1000 + Math.floor(random() * (index + 5))}` : `X${index}`,
    customerId: 'omni',
    issueDate: pick(random, ['2026-11-10', '2026-11-20', '2026-11-25', '2026-08-01', '2026-10-01']),
    dueDate: pick(random, ['2026-12-10', '2026-12-20', '2026-12-01', undefined]),
    currency,
    poNumber: pick(random, ['PO-1000', 'PO-2000', 'PO-3000', 'P-1', '  ', undefined]),
    buyerReference: pick(random, ['CC-1', 'CC-2', 'CC-9', '', undefined]),
    billingReference: random() < 0.5 ? 'INV-1' : undefined,
    paymentTerms: pick(random, ['NET30', 'NET45', undefined]),
    buyer: { name: 'Omni' },
    lines,
    charges:
      random() < 0.4
        ? [
            {
              code: 'FREIGHT',
              amount: cents(random, 20),
              taxCode: pick(random, ['S', 'Q', undefined]),
              taxRate: pick(random, ['10', '5', undefined]),
            },
          ]
        : undefined,
    allowances: random() < 0.2 ? [{ code: 'DISCOUNT', amount: '1.00', taxCode: 'S', taxRate: '10' }] : undefined,
    taxTotal: random() < 0.8 ? cents(random, 30) : undefined,
    totalAmount: random() < 0.8 ? cents(random, 300) : undefined,
    attachments: random() < 0.5 ? [{ type: 'timesheet', file: pick(random, ['ts.pdf', 'ts.csv', 'big.pdf']) }] : undefined,
  };
  for (const key of Object.keys(invoice)) if (invoice[key] === undefined) delete invoice[key];
  return { invoice: invoice as unknown as Invoice };
}
