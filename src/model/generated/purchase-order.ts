/* Generated from schemas/purchase-order.schema.json by scripts/generate-types.mjs. Do not edit. */

export type Decimal = string;

export interface PurchaseOrderDocument {
  $schema?: string;
  poNumber: string;
  customerId: string;
  status: "open" | "closed";
  issueDate?: string;
  currency: string;
  total?: Decimal;
  lines: {
    poLineNumber: string;
    sku?: string;
    description?: string;
    quantity?: Decimal;
    unitOfMeasure?: string;
    unitPrice?: Decimal;
    quantityInvoiced?: Decimal;
  }[];
}
