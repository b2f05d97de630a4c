/**
 * The answers repository: files read from customers' ack folders, and the look-ups an answer
 * needs to find its submission (by control numbers, by invoice number, the open ones). The
 * answers themselves are acknowledgments of submissions (submissions.ts, recordAcknowledgment).
 */

import type { Submission, SubmissionState } from './submissions.js';

/** matched: every answer in it found its submission; partly-matched: some did; unmatched: none; unreadable: no answer could be read. */
export type AnswerFileState = 'matched' | 'partly-matched' | 'unmatched' | 'unreadable';

export const ANSWER_FILE_STATES: readonly AnswerFileState[] = ['matched', 'partly-matched', 'unmatched', 'unreadable'];

/** What is remembered of a file once read (its bytes only when it was not wholly matched). */
export interface AnswerFile {
  readonly id: number;
  readonly customer: string;
  readonly remotePath: string;
  readonly sha256: string;
  readonly size: number;
  readonly remoteModifiedAt: Date | undefined;
  readonly receivedAt: Date;
  readonly state: AnswerFileState;
  /** How many answers were read from it. */
  readonly answers: number;
  /** JSON-able: what was read, matched or not, the diagnostics. Never a secret. */
  readonly detail: unknown;
  /** The bytes, for a file not wholly matched (else undefined). */
  readonly content: Uint8Array | undefined;
}

export interface NewAnswerFile {
  readonly customer: string;
  readonly remotePath: string;
  readonly content: Uint8Array;
  readonly remoteModifiedAt?: Date | undefined;
  readonly receivedAt: Date;
  readonly state: AnswerFileState;
  readonly answers: number;
  readonly detail?: unknown;
}

/** Which of an EDI document's control numbers an answer names; at least one. */
export interface ControlNumberKeys {
  readonly interchange?: number | undefined;
  readonly group?: number | undefined;
  readonly transaction?: number | undefined;
}

/** A submission with what answers are matched by and what overdue is measured from. */
export interface OpenSubmission {
  readonly submission: Submission;
  readonly customer: string;
  readonly invoiceNumber: string;
  /** When it last became `sent`, if it ever did. */
  readonly sentAt: Date | undefined;
  /** The recipient's reference recorded when it was sent (portal id, payloadID, remote path). */
  readonly reference: string | undefined;
}

export interface AnswerStore {
  /** Records a file read from an ack folder; the same customer, path and bytes again is not recorded twice (`created: false`). */
  recordFile(file: NewAnswerFile): Promise<{ readonly file: AnswerFile; readonly created: boolean }>;
  /** The files of a customer read before, without their bytes: what a rerun need not read again. */
  seenFiles(customer: string): Promise<AnswerFile[]>;
  /** Files that are not wholly matched (with their bytes), oldest first; of one customer or all. */
  unmatchedFiles(customer?: string): Promise<AnswerFile[]>;
  /**
   * Submissions of a customer in a format whose stored document carries these control numbers
   * (each one given must match), newest first.
   */
  submissionsByControlNumbers(customer: string, format: string, keys: ControlNumberKeys): Promise<Submission[]>;
  /** The customers that have a submission in one of these states. */
  customersWithSubmissions(states: readonly SubmissionState[]): Promise<string[]>;
  /** Submissions in these states (of one customer, or all), oldest first, with their customer, invoice number, sent time and reference. */
  openSubmissions(states: readonly SubmissionState[], customer?: string): Promise<OpenSubmission[]>;
}
