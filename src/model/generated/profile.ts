/* Generated from schemas/profile.schema.json by scripts/generate-types.mjs. Do not edit. */

/**
 * The document format this customer accepts, with its options
 */
export type Format = {
  type: "x12-810" | "edifact-invoic" | "ubl" | "cxml" | "pdf";
  /**
   * A template of the format's own folder, edi-templates/<format>/<name>.json, named without .json (letters, digits, - and _; never a path), to write invoices with instead of the format's default; it must declare invoice among its documentTypes. Credit notes are always written with the format's own template (credit-note.json where the format has one)
   */
  template?: string;
  /**
   * Standard version, e.g. 004010 (X12), D96A (EDIFACT), 1.2.063 (cXML); each format has its pattern
   */
  version?: string;
  /**
   * Per-format options: separators, qualifiers, identifiers (ISA/GS ids, UNB ids, Peppol endpoint id, Ariba network ids), optional segments
   */
  options?: {};
  /**
   * This customer's codes written as codes of the format's closed code lists, where the customer agrees: { table: { invoiceCode: formatCode } }. E.g. { "taxCategory": { "TX": "S" } } writes a US sales tax code TX as the UNCL5305 category S in UBL, where it would otherwise be refused. A table is one the format's template holds to a closed list (its codeListOf: UBL taxCategory → UNCL5305, unitCode → UNECERec20); the invoice code is looked up as the template does (UBL upper-cases tax and unit codes first); every target must be a code of that list, which profiles lint checks. Applied when rendering in this format only.
   */
  codeMaps?: {
    [k: string]:
      | {
          [k: string]: string | undefined;
        }
      | undefined;
  };
};
/**
 * How invoices reach this customer
 */
export type Channel = {
  type: "portal" | "sftp" | "email";
};
/**
 * An amount or percentage: a JSON number (read from its text, never as a float) or a decimal string
 */
export type Decimal = string;
/**
 * error holds the invoice back; warning only reports
 */
export type Severity = "error" | "warning";
/**
 * A JavaScript regular expression (anchor it with ^ and $ to match the whole value)
 */
export type Regex = string;
/**
 * A JSON Pointer into the invoice, e.g. /buyerReference or /lines/* /sku
 */
export type Pointer = string;
export type TopCondition = {
  /**
   * @minItems 1
   */
  all?: [Condition, ...Condition[]];
  /**
   * @minItems 1
   */
  any?: [Condition, ...Condition[]];
  not?: Condition;
  fact?: string;
  path?: string;
  /**
   * json-rules-engine's built-in operators, and firstpass's own for decimals, dates, text and patterns (src/rules/operators.ts)
   */
  operator?:
    | "equal"
    | "notEqual"
    | "in"
    | "notIn"
    | "contains"
    | "doesNotContain"
    | "lessThan"
    | "lessThanInclusive"
    | "greaterThan"
    | "greaterThanInclusive"
    | "present"
    | "empty"
    | "matches"
    | "notMatches"
    | "decimalEqual"
    | "decimalLessThanInclusive"
    | "decimalGreaterThan"
    | "decimalGreaterThanInclusive"
    | "dateOnOrBefore"
    | "dateOnOrAfter"
    | "sameText"
    | "minLength"
    | "maxLength";
  value?: unknown;
  /**
   * Said in the finding when this condition fails
   */
  explain?: string;
  name?: string;
} & {
  [k: string]: unknown | undefined;
};
export type Condition = {
  /**
   * @minItems 1
   */
  all?: [Condition, ...Condition[]];
  /**
   * @minItems 1
   */
  any?: [Condition, ...Condition[]];
  not?: Condition;
  fact?: string;
  path?: string;
  /**
   * json-rules-engine's built-in operators, and firstpass's own for decimals, dates, text and patterns (src/rules/operators.ts)
   */
  operator?:
    | "equal"
    | "notEqual"
    | "in"
    | "notIn"
    | "contains"
    | "doesNotContain"
    | "lessThan"
    | "lessThanInclusive"
    | "greaterThan"
    | "greaterThanInclusive"
    | "present"
    | "empty"
    | "matches"
    | "notMatches"
    | "decimalEqual"
    | "decimalLessThanInclusive"
    | "decimalGreaterThan"
    | "decimalGreaterThanInclusive"
    | "dateOnOrBefore"
    | "dateOnOrAfter"
    | "sameText"
    | "minLength"
    | "maxLength";
  value?: unknown;
  /**
   * Said in the finding when this condition fails
   */
  explain?: string;
  name?: string;
} & {
  [k: string]: unknown | undefined;
};

/**
 * What one customer demands of an invoice before it accepts it. One file per customer: customer-profiles/<id>.json. Files whose name starts with _ (or that live in a sub-folder such as _networks/) are shared bases that a profile may extend.
 */
export interface ProfileDocument {
  /**
   * Path to this schema, so editors complete and check the file
   */
  $schema?: string;
  /**
   * A shared base profile (path relative to this file, e.g. "_networks/ariba.json"), or several applied in order. This file's settings override the base's, key by key.
   */
  extends?: string | [string, ...string[]];
  /**
   * The customerId invoices carry; equals the file name without .json
   */
  id?: string;
  /**
   * The customer's name as people know it
   */
  name?: string;
  /**
   * Currencies this customer accepts invoices in
   *
   * @minItems 1
   */
  currencies?: [string, ...string[]];
  /**
   * A submission still only 'sent' after this many hours is flagged overdue
   */
  acknowledgmentDeadlineHours?: number;
  /**
   * Whose codes this customer's rejections carry when they come from its portal or by hand (EDI answers name their own: x12-997, x12-824, edifact-contrl, edifact-aperak). Rejections are matched with the rules' `predicts` by this system and code, so that `profiles suggest` can name the rule that would have caught one.
   */
  rejectionCodes?: "ariba" | "coupa" | "peppol" | "email";
  format?: Format;
  channel?: Channel;
  /**
   * What the contract with this customer fixes
   */
  contract?: {
    /**
     * Contract unit price per SKU
     */
    prices?: {
      [k: string]: Decimal | undefined;
    };
    /**
     * e.g. NET30
     */
    paymentTerms?: string;
    discountPercent?: Decimal;
  };
  rules?: RuleSwitches;
  /**
   * Rules for this customer only, in the same declarative format as rules/*.json
   */
  customRules?: FirstpassRule[];
  /**
   * The customer's submission procedure, for people
   */
  submission?: {
    /**
     * Markdown: how this customer wants invoices submitted
     */
    procedure?: string;
    contacts?: Contact[];
    /**
     * What to check before each submission
     */
    checklist?: string[];
  };
}
/**
 * Which built-in rules apply to this customer and with which parameters. A rule not named is off.
 */
export interface RuleSwitches {
  /**
   * A PO number is present and not blank
   */
  "po-required"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * The PO number matches the customer's pattern
   */
  "po-format"?:
    | false
    | {
        severity?: Severity;
        pattern: Regex;
      };
  /**
   * The PO is known for this customer and open (needs --pos)
   */
  "po-exists"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Invoiced so far plus this invoice stays within the PO total
   */
  "po-amount-not-exceeded"?:
    | boolean
    | {
        severity?: Severity;
        tolerancePercent?: Decimal;
      };
  /**
   * Each line names a PO line, stays within its remaining quantity, and carries its price and unit of measure
   */
  "po-line-match"?:
    | boolean
    | {
        severity?: Severity;
        tolerance?: Decimal;
      };
  /**
   * The invoice number matches a pattern
   */
  "invoice-number-format"?:
    | false
    | {
        severity?: Severity;
        pattern: Regex;
      };
  /**
   * The currency is one of the profile's currencies
   */
  "currency-allowed"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Issue date not in the future, not older than maxAgeDays, not before the PO date
   */
  "issue-date-valid"?:
    | boolean
    | {
        severity?: Severity;
        maxAgeDays?: number;
      };
  /**
   * dueDate = issueDate + the NETn days of the payment terms
   */
  "due-date-terms"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Every listed JSON Pointer is present and not blank; * stands for each line (/lines/* /sku)
   */
  "required-fields"?:
    | false
    | {
        severity?: Severity;
        /**
         * @minItems 1
         */
        fields: [Pointer, ...Pointer[]];
      };
  /**
   * The value at each pointer is one of a list (cost centres, ship-to or remit-to codes)
   */
  "allowed-values"?:
    | false
    | {
        severity?: Severity;
        /**
         * @minItems 1
         */
        checks: [
          {
            field: Pointer;
            /**
             * @minItems 1
             */
            values: [string, ...string[]];
          },
          ...{
            field: Pointer;
            /**
             * @minItems 1
             */
            values: [string, ...string[]];
          }[]
        ];
      };
  /**
   * Not already submitted for this customer, nor twice in one batch
   */
  "duplicate-invoice-number"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Each listed type is attached, readable, of an allowed extension and size
   */
  "attachments-required"?:
    | false
    | {
        severity?: Severity;
        /**
         * @minItems 1
         */
        types: [string, ...string[]];
        extensions?: string[];
        maxBytes?: number;
      };
  /**
   * A credit note names the invoice it credits (billingReference)
   */
  "credit-note-reference"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Every line has a description
   */
  "line-description-required"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Line description length within min..max characters
   */
  "line-description-length"?:
    | false
    | {
        severity?: Severity;
        min?: number;
        max?: number;
      };
  /**
   * Line descriptions match pattern and contain nothing matching forbidden (e.g. EDI separators)
   */
  "line-description-pattern"?:
    | false
    | {
        severity?: Severity;
        pattern?: Regex;
        forbidden?: Regex;
      };
  /**
   * Line description equals the PO line's, ignoring case and spacing
   */
  "line-description-matches-po"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * Line and charge tax codes are in a list
   */
  "tax-code-allowed"?:
    | false
    | {
        severity?: Severity;
        /**
         * @minItems 1
         */
        codes: [string, ...string[]];
      };
  /**
   * Each tax code carries its agreed rate
   */
  "tax-rate-matches-code"?:
    | false
    | {
        severity?: Severity;
        /**
         * tax code → rate in percent, e.g. { "S": "19" }
         */
        rates: {
          [k: string]: Decimal | undefined;
        };
      };
  /**
   * unitOfMeasure is in a list
   */
  "uom-allowed"?:
    | false
    | {
        severity?: Severity;
        /**
         * @minItems 1
         */
        units: [string, ...string[]];
      };
  /**
   * unitPrice equals contract.prices[sku]
   */
  "contract-price"?:
    | boolean
    | {
        severity?: Severity;
        tolerance?: Decimal;
      };
  /**
   * lineAmount = round(quantity × unitPrice − discount)
   */
  "line-amount-arithmetic"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * quantity > 0
   */
  "quantity-positive"?:
    | boolean
    | {
        severity?: Severity;
      };
  /**
   * taxTotal = Σ per tax code and rate of round(taxable × rate / 100)
   */
  "tax-total-arithmetic"?:
    | boolean
    | {
        severity?: Severity;
        tolerance?: Decimal;
      };
  /**
   * totalAmount = lines + charges − allowances + taxTotal
   */
  "invoice-total-arithmetic"?:
    | boolean
    | {
        severity?: Severity;
        tolerance?: Decimal;
      };
}
/**
 * A declarative check in json-rules-engine's condition format. The conditions state what a compliant invoice satisfies; when they do not hold, the rule raises its finding.
 */
export interface FirstpassRule {
  $schema?: string;
  id: string;
  title?: string;
  description?: string;
  /**
   * invoice: once per invoice; line: once per line (facts line, item); charge: once per charge and allowance (facts charge, item); item: once per line, charge and allowance (fact item)
   */
  scope: "invoice" | "line" | "charge" | "item";
  severity: "error" | "warning";
  /**
   * What is wrong and what the customer expects. {{fact.path}} placeholders, e.g. {{line.description}}, {{params.max}}, {{computed.expectedLineAmount}}; {{explain}} lists the failed conditions' explain texts
   */
  message: string;
  /**
   * JSON Pointer the finding blames; {{itemPath}} stands for /lines/N, /charges/N or /allowances/N
   */
  path: string;
  /**
   * Default parameters; the profile's parameters override them
   */
  params?: {};
  /**
   * Rejection codes of customer systems that this rule predicts
   */
  predicts?: {
    system: string;
    code: string;
    text?: string;
  }[];
  conditions: TopCondition;
}
export interface Contact {
  name?: string;
  role?: string;
  email?: string;
  phone?: string;
}
