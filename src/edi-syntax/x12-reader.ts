import { X12FatInterchange, X12Interchange, X12Parser } from 'node-x12';

/**
 * An X12 interchange read by node-x12 (lenient mode: envelope problems, which its strict mode
 * throws for, come back as diagnostics), flattened to plain element texts: each transaction's
 * segments with its group's and interchange's headers. One reader for everything firstpass reads
 * in X12: the sandbox buyer's 810s and the customers' 997 and 824 answers.
 */

/** What could not be read, and where (a line and character). */
export interface X12Diagnostic {
  readonly message: string;
  readonly where?: string;
}

export interface X12Segment {
  readonly tag: string;
  /** Element texts, from element 1 (index 0 is XX01). */
  readonly elements: readonly string[];
}

export interface X12Transaction {
  /** ISA13 of the interchange it came in. */
  readonly interchange: string;
  /** GS01: "IN" for an 810, "FA" for a 997, "AG" for an 824. */
  readonly functionalId: string;
  readonly group: string;
  /** ST01: "810", "997", "824" … */
  readonly type: string;
  readonly control: string;
  /** The segments between ST and SE. */
  readonly segments: readonly X12Segment[];
}

export interface X12Reading {
  readonly transactions: readonly X12Transaction[];
  /** How many interchanges (ISA..IEA) the text holds. */
  readonly interchanges: number;
  /** The first interchange's ISA and first group's GS element texts (from element 1), as far as they were read. */
  readonly envelope: { readonly isa: readonly string[]; readonly gs: readonly string[] } | undefined;
  readonly diagnostics: readonly X12Diagnostic[];
}

/** Whether the text starts as an X12 interchange (ISA, then its element separator). */
export function looksLikeX12(text: string): boolean {
  return /^\uFEFF?\s*ISA[^A-Za-z0-9\s]/.test(text);
}

/** Whether the X12 text holds a transaction set of this type (its ST01), with whatever separators the ISA declares. */
export function holdsTransaction(text: string, type: string): boolean {
  const start = text.search(/ISA/);
  const separator = start >= 0 ? text.charAt(start + 3) : '';
  return looksLikeX12(text) && separator !== '' && text.includes(`ST${separator}${type}${separator}`);
}

export function readX12(text: string): X12Reading {
  const parser = new X12Parser(false);
  let parsed: X12Interchange | X12FatInterchange | undefined;
  try {
    parsed = parser.parse(text.replace(/^\uFEFF/, '').trim());
  } catch (error) {
    return {
      transactions: [],
      interchanges: 0,
      envelope: undefined,
      diagnostics: [{ message: `node-x12 cannot read this interchange: ${(error as Error).message}` }],
    };
  }
  const diagnostics: X12Diagnostic[] = parser.diagnostics
    .filter((diagnostic) => diagnostic.level >= 1)
    .map((diagnostic) => ({
      message: diagnostic.message,
      ...(diagnostic.range?.start
        ? { where: `line ${diagnostic.range.start.line + 1}, character ${diagnostic.range.start.character + 1}` }
        : {}),
    }));
  const interchanges = parsed instanceof X12Interchange ? [parsed] : parsed instanceof X12FatInterchange ? [...parsed] : [];
  const texts = (elements: readonly { value?: string }[] | undefined) => (elements ?? []).map((item) => item.value ?? '');
  const transactions: X12Transaction[] = [];
  for (const interchange of interchanges) {
    for (const group of interchange.functionalGroups ?? []) {
      for (const transaction of group.transactions ?? []) {
        transactions.push({
          interchange: element(interchange.header?.elements, 13),
          functionalId: element(group.header?.elements, 1),
          group: element(group.header?.elements, 6),
          type: element(transaction.header?.elements, 1),
          control: element(transaction.header?.elements, 2),
          segments: (transaction.segments ?? []).map((segment) => ({
            tag: segment.tag,
            elements: texts(segment.elements),
          })),
        });
      }
    }
  }
  if (interchanges.length === 0 && diagnostics.length === 0) diagnostics.push({ message: 'no X12 interchange was found' });
  const [first] = interchanges;
  const envelope = first?.header
    ? { isa: texts(first.header.elements), gs: texts(first.functionalGroups?.[0]?.header?.elements) }
    : undefined;
  return { transactions, interchanges: interchanges.length, envelope, diagnostics };
}

/** Element `position` (from 1) of a segment, or "" when the segment has fewer. */
export function element(elements: readonly { value?: string }[] | readonly string[] | undefined, position: number): string {
  const found = elements?.[position - 1];
  if (found === undefined) return '';
  return typeof found === 'string' ? found : (found.value ?? '');
}
