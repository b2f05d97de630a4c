/**
 * The work queue that `firstpass run --worker` processes share (issue 12): queued submissions,
 * each leased by one worker before it is claimed for sending (`SubmissionStore.claimForSending`,
 * which keeps "never sent twice"), and the attachments an enqueued submission goes with.
 * A lease is held by a worker id; whether that worker is alive is told by its worker lock
 * (run-lock.ts, named `worker:<id>`), never by a clock.
 */

import type { ChangeContext, Submission } from './submissions.js';

export interface StoredAttachment {
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: Uint8Array;
}

export interface LeaseOptions {
  /** The worker taking the leases. */
  readonly worker: string;
  readonly limit: number;
  readonly at: Date;
  /** Attempts given back after a failed send are left alone until this time has passed since. */
  readonly retryBefore: Date;
}

export interface WorkQueue {
  /**
   * Hands a queued attempt (its document stored) to the workers, with its attachments (their bytes
   * once per content, like documents), in order; again replaces what was stored. Only such
   * attempts are leased.
   */
  queueForWorkers(submissionId: number, attachments: readonly StoredAttachment[]): Promise<void>;
  attachments(submissionId: number): Promise<StoredAttachment[]>;
  /**
   * Leases up to `limit` queued attempts nobody holds, oldest first, in one short transaction
   * (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never wait on each other's rows).
   */
  lease(options: LeaseOptions): Promise<Submission[]>;
  /** Gives one queued attempt back (a failed send): no worker takes it before `retryBefore` of a later lease passes `at`. */
  giveBack(submissionId: number, worker: string, at: Date): Promise<void>;
  /** Every lease `worker` holds on queued attempts is given back at once (a worker stopping). */
  giveBackAll(worker: string): Promise<number>;
  /** Worker ids that hold a lease on a queued or sending attempt. */
  leaseHolders(): Promise<string[]>;
  /**
   * What a dead worker left: its leased queued attempts go back (lease cleared, an event each),
   * its sending ones become `unknown` (the bytes may have left: never re-sent blindly).
   * The caller must hold the dead worker's lock, so nobody else recovers it at the same time.
   */
  recoverWorker(worker: string, change: ChangeContext): Promise<{ readonly requeued: number; readonly unknown: number }>;
  /** Queued attempts a worker may lease now, and leases held on queued or sending attempts. */
  pending(retryBefore: Date): Promise<{ readonly leasable: number; readonly leased: number; readonly deferred: number }>;
}
