import type { SubmissionHistory, SubmissionState, VersionHistory } from '../store/index.js';

/**
 * `resubmit`'s one question: does this invoice correct a rejected one? Either the same customer
 * and number with new content (a new version), or a new number whose `supersedes` names a
 * rejected invoice of the same customer (customers such as Ariba demand a new number). Pure: the
 * caller reads the histories from the store.
 */

export interface CorrectionCandidate {
  readonly customer: string;
  readonly invoiceNumber: string;
  readonly supersedes?: string | undefined;
  /** sha256 of the invoice's canonical JSON, as the store computes it. */
  readonly contentHash: string;
  /** The customer treats a number it rejected as used for good (rejectedNumbersStayTaken): a correction needs a new number. */
  readonly newNumberRequired?: boolean | undefined;
}

export type CorrectionVerdict =
  | {
      readonly ok: true;
      readonly kind: 'new-version' | 'new-number';
      /** The rejected version this one corrects. */
      readonly corrects: { readonly invoiceNumber: string; readonly versionId: number };
    }
  | { readonly ok: false; readonly reason: string };

/** States of an attempt that never left firstpass: they are no outcome to correct. */
const NOT_SENT: readonly SubmissionState[] = ['held', 'queued'];
const ACCEPTED: readonly SubmissionState[] = ['accepted', 'accepted-with-warnings'];

/**
 * `ownNumber`: every version of the candidate's customer and number; `superseded`: every version
 * of the customer's invoice its `supersedes` names (empty when it names none); `otherCorrections`:
 * the versions of the other numbers in the correction chain of the invoice being corrected (a
 * rejected invoice is corrected once: two live numbers of one chain would bill twice).
 */
export function correctionVerdict(
  candidate: CorrectionCandidate,
  ownNumber: readonly VersionHistory[],
  superseded: readonly VersionHistory[],
  otherCorrections: readonly VersionHistory[] = [],
): CorrectionVerdict {
  const verdict = verdictOf(candidate, ownNumber, superseded);
  if (!verdict.ok) return verdict;
  const others = otherCorrections.filter((entry) => entry.version.invoiceNumber !== candidate.invoiceNumber);
  // Each other number on its own: one still live (not rejected) means the invoice is billed already.
  for (const number of new Set(others.map((entry) => entry.version.invoiceNumber))) {
    const live = latestSent(others.filter((entry) => entry.version.invoiceNumber === number));
    if (live !== undefined && live.attempt.submission.state !== 'rejected')
      return refuse(
        `would correct ${verdict.corrects.invoiceNumber}, which is already corrected by invoice ${number} (${live.attempt.submission.state}): a second correction would bill twice`,
      );
  }
  return verdict;
}

function verdictOf(
  candidate: CorrectionCandidate,
  ownNumber: readonly VersionHistory[],
  superseded: readonly VersionHistory[],
): CorrectionVerdict {
  const own = ownNumber.find((entry) => entry.version.contentHash === candidate.contentHash);
  if (own?.submissions.some((attempt) => attempt.submission.state === 'rejected'))
    return refuse(
      `is the same content as version ${own.version.id} of ${candidate.invoiceNumber}, which was rejected: correct the invoice before resubmitting it`,
    );
  const earlier = latestSent(ownNumber.filter((entry) => entry !== own));
  const superseding = candidate.supersedes !== undefined && candidate.supersedes !== candidate.invoiceNumber;
  if (!superseding) {
    if (earlier?.attempt.submission.state === 'rejected' && candidate.newNumberRequired === true)
      return refuse(
        `corrects ${candidate.invoiceNumber} under the number customer ${candidate.customer} rejected, which it treats as used for good: give the corrected invoice a new number and "supersedes": "${candidate.invoiceNumber}"`,
      );
    if (earlier?.attempt.submission.state === 'rejected')
      return { ok: true, kind: 'new-version', corrects: { invoiceNumber: candidate.invoiceNumber, versionId: earlier.version } };
    const latest = earlier ?? latestSent(own === undefined ? [] : [own]);
    return refuse(notRejected(`invoice ${candidate.invoiceNumber}`, latest, candidate.customer));
  }
  const target = candidate.supersedes as string;
  if (earlier !== undefined)
    return refuse(
      `supersedes ${target} under number ${candidate.invoiceNumber}, which was already sent (version ${earlier.version}, ${earlier.attempt.submission.state}): a correction under a new number needs a number not used before`,
    );
  if (superseded.length === 0)
    return refuse(`supersedes ${target}, which is no invoice of customer ${candidate.customer} in the store: check the number`);
  const replaced = latestSent(superseded);
  if (replaced?.attempt.submission.state === 'rejected')
    return { ok: true, kind: 'new-number', corrects: { invoiceNumber: target, versionId: replaced.version } };
  return refuse(`supersedes ${notRejected(target, replaced, candidate.customer)}`);
}

interface SentAttempt {
  readonly version: number;
  readonly attempt: SubmissionHistory;
}

/** The last attempt (by id) of these versions that left firstpass, with its version's id. */
function latestSent(versions: readonly VersionHistory[]): SentAttempt | undefined {
  let latest: SentAttempt | undefined;
  for (const entry of versions)
    for (const attempt of entry.submissions) {
      if (NOT_SENT.includes(attempt.submission.state)) continue;
      if (latest === undefined || attempt.submission.id > latest.attempt.submission.id) latest = { version: entry.version.id, attempt };
    }
  return latest;
}

/** Why `what` has no rejection to correct, from its last attempt that was sent. */
function notRejected(what: string, latest: SentAttempt | undefined, customer: string): string {
  if (latest === undefined) return `${what} of customer ${customer} was never sent, so never rejected: send it with firstpass submit`;
  const state = latest.attempt.submission.state;
  if (ACCEPTED.includes(state))
    return `${what} was ${state} (version ${latest.version}): there is no rejection to correct (an accepted invoice is changed by a credit note)`;
  return `${what} is still ${state} (version ${latest.version}), not rejected: wait for the customer's answer (firstpass acks), then correct it if it is rejected`;
}

function refuse(reason: string): CorrectionVerdict {
  return { ok: false, reason };
}
