/**
 * The submissions repository: invoice versions, attempts to deliver them, an append-only event
 * log of every state change, the rendered document of each attempt, and acknowledgments
 * (contract section 6). The clock is the caller's: every write takes its time as a Date.
 */

import type { ControlNumbers } from '../model/control-numbers.js';

/** A submission's states, exactly the contract's. */
export const SUBMISSION_STATES = [
  'held',
  'queued',
  'sending',
  'sent',
  'delivered',
  'accepted',
  'accepted-with-warnings',
  'rejected',
  'unknown',
] as const;

export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/**
 * Where each state may go next. `sending` is entered only through `claimForSending`; it is left
 * to `sent`, `rejected` or `unknown` (a send that failed part-way may have arrived), or back to
 * `queued` when the channel said the failure was transient (nothing arrived: the same bytes may
 * go again on a later run). A final answer is final. `unknown` may still be resolved by an
 * answer that comes later.
 */
export const SUBMISSION_TRANSITIONS: ReadonlyMap<SubmissionState, readonly SubmissionState[]> = new Map<
  SubmissionState,
  readonly SubmissionState[]
>([
  ['held', []],
  ['queued', ['sending', 'held']],
  ['sending', ['sent', 'rejected', 'unknown', 'queued']],
  ['sent', ['delivered', 'accepted', 'accepted-with-warnings', 'rejected']],
  ['delivered', ['accepted', 'accepted-with-warnings', 'rejected']],
  ['accepted', []],
  ['accepted-with-warnings', []],
  ['rejected', []],
  ['unknown', ['sent', 'delivered', 'accepted', 'accepted-with-warnings', 'rejected']],
]);

/**
 * States in which a version must not be given a new attempt: it is in flight, arrived, or was
 * answered (a rejected version is corrected as a new version). `unknown` blocks too, unless the
 * caller says a person checked (`resendUnknown`).
 */
export const BLOCKING_STATES: readonly SubmissionState[] = [
  'sending',
  'sent',
  'delivered',
  'accepted',
  'accepted-with-warnings',
  'rejected',
];

export interface InvoiceVersion {
  readonly id: number;
  readonly customer: string;
  readonly invoiceNumber: string;
  /** sha256 (hex) of the invoice's canonical JSON. */
  readonly contentHash: string;
  /** customer + number + content hash, as one opaque text (hex): the same for a retry of this version. */
  readonly idempotencyKey: string;
  /** The invoice as received (its JSON text). */
  readonly invoiceJson: string;
  /** The invoice number this one corrects, if any. */
  readonly supersedes: string | undefined;
  readonly firstSeenAt: Date;
}

export interface NewInvoiceVersion {
  readonly customer: string;
  readonly invoiceNumber: string;
  /** The parsed invoice: its canonical JSON is hashed, so key order and spacing do not matter. */
  readonly invoice: unknown;
  /** The JSON text as received; stored instead of the canonical form when given. */
  readonly receivedText?: string | undefined;
  readonly supersedes?: string | undefined;
  readonly at: Date;
}

export interface Submission {
  readonly id: number;
  readonly versionId: number;
  /** The channel type: "portal", "sftp", "email" (or "none" for a held invoice). */
  readonly channel: string;
  readonly format: string;
  readonly state: SubmissionState;
  readonly createdAt: Date;
}

export interface SubmissionEvent {
  readonly id: number;
  readonly submissionId: number;
  readonly at: Date;
  /** undefined for the event that created the submission. */
  readonly from: SubmissionState | undefined;
  readonly to: SubmissionState;
  /** Who made the change: "submit", "acks", "ack (by hand)", "recovery", a channel … */
  readonly source: string;
  readonly detail: unknown;
}

/** What every change is recorded with. */
export interface ChangeContext {
  readonly at: Date;
  readonly source: string;
  /** JSON-able facts: a reference, a code, a failure's text. Never a secret. */
  readonly detail?: unknown;
}

export interface NewSubmission extends ChangeContext {
  readonly channel: string;
  readonly format: string;
}

export interface ClaimOptions extends NewSubmission {
  /** A person checked that an `unknown` attempt did not arrive: it no longer blocks. */
  readonly resendUnknown?: boolean | undefined;
}

export interface RenderedDocument {
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: Uint8Array;
  /** The control numbers written into it (EDI), so a retry sends the same ones. */
  readonly controlNumbers?: ControlNumbers | undefined;
}

export interface StoredDocument extends RenderedDocument {
  readonly submissionId: number;
  readonly sha256: string;
  readonly storedAt: Date;
}

export type AcknowledgmentKind = 'technical' | 'business';

export interface NewAcknowledgment {
  readonly kind: AcknowledgmentKind;
  /** As the answer says it: "accepted", "rejected", "AR", "4" … */
  readonly status: string;
  readonly code?: string | undefined;
  readonly text?: string | undefined;
  /** "997", "CONTRL", "portal:cxml", "by hand" … */
  readonly source: string;
  /** The answer as received: text, or bytes when it is not text. */
  readonly raw?: string | Uint8Array | undefined;
  readonly receivedAt: Date;
}

export interface Acknowledgment extends NewAcknowledgment {
  readonly id: number;
  readonly submissionId: number;
}

/** One attempt with everything recorded about it. */
export interface SubmissionHistory {
  readonly submission: Submission;
  readonly events: readonly SubmissionEvent[];
  readonly acknowledgments: readonly Acknowledgment[];
  /** The stored document's name, type and hash (not its bytes), if one was stored. */
  readonly document: { readonly fileName: string; readonly mediaType: string; readonly sha256: string } | undefined;
}

/** For `status`: one version of an invoice and its attempts, oldest first. */
export interface VersionHistory {
  readonly version: InvoiceVersion;
  readonly submissions: readonly SubmissionHistory[];
}

export interface SubmissionStore {
  /**
   * Records an invoice version: the same content again (same customer, number and canonical
   * JSON) is the same version, returned with `created: false`; new content is a new version.
   */
  recordVersion(version: NewInvoiceVersion): Promise<{ readonly version: InvoiceVersion; readonly created: boolean }>;
  version(versionId: number): Promise<InvoiceVersion | undefined>;
  /** A new attempt that does not send: `held` (validation stopped it) or `queued`. */
  createSubmission(versionId: number, state: 'held' | 'queued', options: NewSubmission): Promise<Submission>;
  /**
   * Moves the version's queued attempt (else a new one) to `sending`, committed before this
   * resolves, so the bytes may leave. Resolves to undefined, changing nothing, when the version
   * already has an attempt in a blocking state: exactly one of several processes claiming the
   * same version at once gets it.
   */
  claimForSending(versionId: number, options: ClaimOptions): Promise<Submission | undefined>;
  /**
   * claimForSending and the document it sends, in one committed transaction: the version's
   * queued attempt (else a new one, queued first so the events read queued → sending) gets
   * `document` unless it has one stored already, and moves to `sending`. Resolves to the claimed
   * attempt and the document to send (the one stored earlier wins: a retry sends the same bytes),
   * or to undefined, changing nothing, when the version has an attempt in a blocking state.
   */
  claimWithDocument(
    versionId: number,
    options: ClaimOptions,
    document: RenderedDocument,
  ): Promise<{ readonly submission: Submission; readonly document: StoredDocument } | undefined>;
  /** A checked state change and its event, in one transaction. Refuses what the table does not allow. */
  transition(submissionId: number, to: SubmissionState, change: ChangeContext): Promise<Submission>;
  /** An event that changes no state (a transient failure before a retry, a note). */
  note(submissionId: number, change: ChangeContext): Promise<void>;
  submission(submissionId: number): Promise<Submission | undefined>;
  events(submissionId: number): Promise<SubmissionEvent[]>;
  /** Stores the document an attempt sends (once per attempt; the bytes once per content). */
  saveDocument(submissionId: number, document: RenderedDocument, at: Date): Promise<StoredDocument>;
  document(submissionId: number): Promise<StoredDocument | undefined>;
  /** The last document stored for a version in a format: a retry sends these bytes, with these numbers. */
  latestDocument(versionId: number, format: string): Promise<StoredDocument | undefined>;
  /** Records an answer, and moves the attempt to `moveTo` in the same transaction when given. */
  recordAcknowledgment(submissionId: number, ack: NewAcknowledgment, moveTo?: SubmissionState): Promise<Acknowledgment>;
  /**
   * Attempts a crashed run left in `sending` (entered before `staleBefore`) → `unknown`, each
   * with an event; returns them. Attempts a live run is sending now are younger and left alone.
   */
  recoverInterrupted(staleBefore: Date, change: ChangeContext): Promise<Submission[]>;
  /** The invoice numbers whose versions were recorded last, newest first, each once: for `status` without a number. */
  recentInvoiceNumbers(limit: number): Promise<string[]>;
  /** Every version of an invoice number (all customers, or one), with attempts, events and answers. */
  history(invoiceNumber: string, customer?: string): Promise<VersionHistory[]>;
  /**
   * A customer's versions that have an attempt in one of `states` (e.g. rejected: what `profiles
   * suggest` learns from), with attempts, events and answers; the newest `limit` of them, oldest first.
   */
  versionsWithOutcome(customer: string, states: readonly SubmissionState[], limit?: number): Promise<VersionHistory[]>;
  /** The customer's invoice numbers with a version whose `supersedes` names this number (its corrections under new numbers). */
  supersedingNumbers(customer: string, invoiceNumber: string): Promise<string[]>;
  /**
   * Of these invoice numbers, the versions that went out or may have (an attempt in `sending`,
   * `sent`, `delivered`, accepted or `unknown`; a rejected one may be corrected under its number):
   * the number is taken for any other content.
   */
  versionsOut(numbers: readonly { readonly customer: string; readonly invoiceNumber: string }[]): Promise<VersionOut[]>;
}

/** A version that went out (or may have), by its content hash. */
export interface VersionOut {
  readonly customer: string;
  readonly invoiceNumber: string;
  readonly contentHash: string;
}
