import type { Rejection } from '../learning/rejection-match.js';
import { InputError } from '../model/errors.js';
import type { Invoice } from '../model/invoice.js';
import { jsonTextDocuments } from '../model/parse-documents.js';
import { schemaValidator } from '../schemas/shipped-schemas.js';
import type { Store, VersionHistory } from '../store/index.js';

/** What `profiles suggest` reads back from the store: rejections, the invoices as stored, earlier uses of a number. */

/** The rejections of a version's attempts: the answer that moved each to rejected, else the event's own code and text. */
export function rejectionsOf(entry: VersionHistory): Rejection[] {
  const found: Rejection[] = [];
  for (const attempt of entry.submissions) {
    if (attempt.submission.state !== 'rejected') continue;
    const event = attempt.events.find((candidate) => candidate.to === 'rejected' && candidate.from !== 'rejected');
    const detail = (event?.detail ?? {}) as { acknowledgment?: unknown; code?: unknown; text?: unknown };
    const ack =
      attempt.acknowledgments.find((answer) => answer.id === detail.acknowledgment) ??
      (event === undefined ? attempt.acknowledgments.at(-1) : undefined);
    found.push({
      invoiceNumber: entry.version.invoiceNumber,
      versionId: entry.version.id,
      submissionId: attempt.submission.id,
      sentAt: attempt.submission.createdAt,
      rejectedAt: ack?.receivedAt ?? event?.at ?? attempt.submission.createdAt,
      source: ack?.source ?? event?.source ?? attempt.submission.channel,
      code: ack?.code ?? textOf(detail.code),
      text: ack?.text ?? textOf(detail.text),
    });
  }
  return found;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The stored JSON as an invoice, or undefined when it no longer reads as one (the schema moved on). */
export function storedInvoice(json: string, versionId: number): Invoice | undefined {
  try {
    for (const { document } of jsonTextDocuments(json, `stored version ${versionId}`, 'invoice', schemaValidator('invoice'), {
      documents: 0,
    }))
      return document;
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  return undefined;
}

/** The number was sent before this attempt in other content: what duplicate-invoice-number is told. */
export async function duplicateOf(rejection: Rejection, store: Store): Promise<string | undefined> {
  const customer = (await store.submissions.version(rejection.versionId))?.customer;
  if (customer === undefined) return undefined;
  for (const entry of await store.submissions.history(rejection.invoiceNumber, customer)) {
    if (entry.version.id === rejection.versionId) continue;
    const earlier = entry.submissions.find(
      (attempt) => attempt.submission.id < rejection.submissionId && !['held', 'queued'].includes(attempt.submission.state),
    );
    if (earlier !== undefined) return `already submitted as version ${entry.version.id}`;
  }
  return undefined;
}
