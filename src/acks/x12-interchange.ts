import { X12FatInterchange, X12Interchange, X12Parser } from 'node-x12';
import type { AnswerDiagnostic } from './answer.js';

/**
 * An X12 interchange read by node-x12 (lenient mode: envelope problems come back as its
 * diagnostics, not as a throw), flattened to what the answer readers need: each transaction's
 * segments as plain element texts, with the group's GS01/GS06 and the interchange's ISA13.
 */

export interface X12Segment {
  readonly tag: string;
  /** Element texts, from element 1 (index 0 is XX01). */
  readonly elements: readonly string[];
}

export interface X12Transaction {
  /** ISA13 of the answer's own interchange. */
  readonly interchange: string;
  /** GS01: "FA" for a 997, "AG" for an 824. */
  readonly functionalId: string;
  readonly group: string;
  /** ST01: "997", "824" … */
  readonly type: string;
  readonly control: string;
  /** The segments between ST and SE. */
  readonly segments: readonly X12Segment[];
}

export interface X12Reading {
  readonly transactions: readonly X12Transaction[];
  readonly diagnostics: readonly AnswerDiagnostic[];
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
    return { transactions: [], diagnostics: [{ message: `node-x12 cannot read this interchange: ${(error as Error).message}` }] };
  }
  const diagnostics: AnswerDiagnostic[] = parser.diagnostics
    .filter((diagnostic) => diagnostic.level >= 1)
    .map((diagnostic) => ({
      message: diagnostic.message,
      ...(diagnostic.range?.start
        ? { where: `line ${diagnostic.range.start.line + 1}, character ${diagnostic.range.start.character + 1}` }
        : {}),
    }));
  const interchanges = parsed instanceof X12Interchange ? [parsed] : parsed instanceof X12FatInterchange ? [...parsed] : [];
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
            elements: (segment.elements ?? []).map((item) => item.value ?? ''),
          })),
        });
      }
    }
  }
  if (interchanges.length === 0 && diagnostics.length === 0) diagnostics.push({ message: 'no X12 interchange was found' });
  return { transactions, diagnostics };
}

/** Element `position` (from 1) of a segment, or "" when the segment has fewer. */
export function element(elements: readonly { value?: string }[] | readonly string[] | undefined, position: number): string {
  const found = elements?.[position - 1];
  if (found === undefined) return '';
  return typeof found === 'string' ? found : (found.value ?? '');
}
