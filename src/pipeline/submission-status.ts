import { ProfileLibrary } from '../profiles/index.js';
import { openStore, prepareDefaultStore, type VersionHistory } from '../store/index.js';
import { acknowledgmentDeadlines, overdueSubmissions, type OverdueSubmission } from './overdue.js';

export type { OverdueSubmission } from './overdue.js';

/** `firstpass status`: every version of an invoice (or of the invoices recorded last), its attempts, states and events. */

export interface StatusOptions {
  readonly database: string;
  /** One invoice number; undefined for the invoices recorded last. */
  readonly invoiceNumber?: string | undefined;
  /** How many invoices without a number. Default 20. */
  readonly recent?: number | undefined;
}

export interface StatusEvent {
  readonly at: string;
  readonly from: string | null;
  readonly to: string;
  readonly source: string;
  readonly detail: unknown;
}

export interface StatusAttempt {
  readonly submission: number;
  readonly channel: string;
  readonly format: string;
  readonly state: string;
  readonly createdAt: string;
  readonly document: { readonly fileName: string; readonly sha256: string } | null;
  readonly events: readonly StatusEvent[];
  readonly acknowledgments: readonly {
    readonly kind: string;
    readonly status: string;
    readonly code: string | null;
    readonly text: string | null;
    readonly source: string;
    readonly receivedAt: string;
  }[];
}

export interface StatusVersion {
  readonly invoiceNumber: string;
  readonly customer: string;
  readonly version: number;
  readonly contentHash: string;
  readonly firstSeenAt: string;
  /** The invoice number this version corrects under a new number, or null. */
  readonly supersedes: string | null;
  /** The state of its latest attempt, or null when it has none. */
  readonly state: string | null;
  readonly attempts: readonly StatusAttempt[];
}

export async function submissionStatus(options: StatusOptions): Promise<StatusVersion[]> {
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  try {
    const numbers =
      options.invoiceNumber !== undefined ? [options.invoiceNumber] : await store.submissions.recentInvoiceNumbers(options.recent ?? 20);
    const found: StatusVersion[] = [];
    for (const number of numbers) for (const entry of await store.submissions.history(number)) found.push(toStatus(entry));
    return found;
  } finally {
    await store.close();
  }
}

function toStatus({ version, submissions }: VersionHistory): StatusVersion {
  return {
    invoiceNumber: version.invoiceNumber,
    customer: version.customer,
    version: version.id,
    contentHash: version.contentHash,
    firstSeenAt: version.firstSeenAt.toISOString(),
    supersedes: version.supersedes ?? null,
    state: submissions.at(-1)?.submission.state ?? null,
    attempts: submissions.map((attempt) => ({
      submission: attempt.submission.id,
      channel: attempt.submission.channel,
      format: attempt.submission.format,
      state: attempt.submission.state,
      createdAt: attempt.submission.createdAt.toISOString(),
      document: attempt.document ? { fileName: attempt.document.fileName, sha256: attempt.document.sha256 } : null,
      events: attempt.events.map((event) => ({
        at: event.at.toISOString(),
        from: event.from ?? null,
        to: event.to,
        source: event.source,
        detail: event.detail ?? null,
      })),
      acknowledgments: attempt.acknowledgments.map((ack) => ({
        kind: ack.kind,
        status: ack.status,
        code: ack.code ?? null,
        text: ack.text ?? null,
        source: ack.source,
        receivedAt: ack.receivedAt.toISOString(),
      })),
    })),
  };
}

/** Submissions still `sent` past their customer's acknowledgmentDeadlineHours (deadlines from the profiles in `profilesDirectory`). */
export async function overdueStatus(options: {
  readonly database: string;
  readonly profilesDirectory: string;
  readonly now?: (() => Date) | undefined;
}): Promise<OverdueSubmission[]> {
  const deadlines = await acknowledgmentDeadlines(new ProfileLibrary(options.profilesDirectory));
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  try {
    return await overdueSubmissions(store, deadlines, (options.now ?? (() => new Date()))());
  } finally {
    await store.close();
  }
}
