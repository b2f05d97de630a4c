/**
 * The first-pass metrics, defined once (contract section 6). The SQL in report-query.ts and
 * every output format follow these words exactly.
 *
 * - An *invoice* is a chain: every version of one invoice number of one customer, together with
 *   the numbers that `supersedes` it (a corrected invoice under a new number; recursively), is one
 *   invoice, counted once and attributed to the chain's first version. The store keeps the chain
 *   as `chain_id` (src/store/sql-chains.ts): a version joins the chain of an earlier version of
 *   its number, else the chain of the number it supersedes when the store already holds that
 *   number for the customer, else starts its own (a `supersedes` naming a number never seen links
 *   nothing).
 * - A submission is *external* when it was handed to a channel: any state but `held` and `queued`.
 *   The chain's *first external submission* is its external submission recorded first (lowest
 *   id); its *latest* is the one recorded last.
 * - The chain's *date* is the creation time of its first external submission (submit creates the
 *   attempt just before it sends), else of its first submission (a held one). `--from/--to` are
 *   dates in the report's time zone (UTC unless `--tz`), both inclusive, applied to this date;
 *   `--by month` uses the month of this date in the same time zone.
 * - invoices: chains whose date is in the period.
 * - held: chains of which some version was held by validation (stopped before sending).
 * - submitted: chains with an external submission.
 * - firstPassSuccess: the first external submission ended accepted or accepted-with-warnings and
 *   is the chain's only external submission (no rejection, no resubmission).
 * - firstPassRate = firstPassSuccess / chains whose first external submission has a final outcome
 *   (accepted, accepted-with-warnings, rejected); null when there is none. Rounded to 4 places.
 * - rejected: chains with a rejected submission (first or later). Rejection rate = rejected / submitted.
 * - held rate = held / invoices.
 * - pending: chains whose latest external submission waits for an answer (sending, sent, delivered).
 * - unknown: chains whose latest external submission is `unknown`.
 * - overdue: pending chains whose latest external submission is still `sent`, entered (the time of
 *   the event that moved it there) more than the customer profile's acknowledgmentDeadlineHours
 *   before the report's clock. A customer without a deadline (or without a profile) is never overdue.
 * - timeToAcceptance: per chain with an accepted submission, hours from the chain's first version's
 *   `generatedAt` (else its first_seen_at) to the time of the event that moved a submission of the
 *   chain to accepted or accepted-with-warnings, the earliest if several (an acknowledgment's
 *   received_at when an answer moved it — the store writes that time on the event and keeps it
 *   as `submissions.state_at` — so a back-dated `ack --at` counts from its --at). Median and p90 interpolate linearly between the two nearest
 *   ranks (PERCENTILE.INC: rank p·(n−1)); hours rounded to 2 places; null when none.
 * - topRejectionReasons: rejected submissions of the period's chains, counted by (code, text) of
 *   the answer that rejected them (the acknowledgment named by the rejecting event, else the
 *   code and text the channel gave), most frequent first.
 * - topHoldingRules: for each rule, the period's chains it held at least once (error findings only).
 * - `--by rule` groups the chains held by each rule; a chain held by two rules is in both groups,
 *   and chains never held are in none, so the groups need not add up to the totals.
 */

export const ACCEPTED_STATES = ['accepted', 'accepted-with-warnings'] as const;
export const FINAL_STATES = ['accepted', 'accepted-with-warnings', 'rejected'] as const;
export const AWAITING_STATES = ['sending', 'sent', 'delivered'] as const;
/** States of a submission that never left: not external. */
export const INTERNAL_STATES = ['held', 'queued'] as const;

export const REPORT_GROUPINGS = ['customer', 'channel', 'month', 'rule'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/** M in the contract's `report --format json`. */
export interface Metrics {
  readonly invoices: number;
  readonly held: number;
  readonly submitted: number;
  readonly firstPassSuccess: number;
  readonly firstPassRate: number | null;
  readonly rejected: number;
  readonly pending: number;
  readonly unknown: number;
  readonly overdue: number;
  readonly timeToAcceptance: { readonly medianHours: number | null; readonly p90Hours: number | null };
}

export type GroupMetrics = { readonly key: string } & Metrics;

export interface RejectionReason {
  readonly code: string | null;
  readonly text: string | null;
  readonly count: number;
}

export interface HoldingRule {
  readonly rule: string;
  readonly count: number;
}

/** Exactly the contract's shape. `from`/`to`: the period asked for, else the first and last chain dates (null when empty). */
export interface FirstPassReport {
  readonly from: string | null;
  readonly to: string | null;
  readonly totals: Metrics;
  readonly groups: readonly GroupMetrics[];
  readonly topRejectionReasons: readonly RejectionReason[];
  readonly topHoldingRules: readonly HoldingRule[];
}

/** What the HTML report's charts draw, beside the report itself. */
export interface ReportCharts {
  readonly byMonth: readonly GroupMetrics[];
  readonly byCustomer: readonly GroupMetrics[];
  /** Chains accepted, by hours to acceptance, in fixed buckets (ACCEPTANCE_BUCKETS), empty ones included. */
  readonly acceptanceHours: readonly { readonly bucket: string; readonly count: number }[];
}

export interface ReportRequest {
  /** First date (YYYY-MM-DD, inclusive) in `timeZone`. */
  readonly from?: string | undefined;
  /** Last date (YYYY-MM-DD, inclusive) in `timeZone`. */
  readonly to?: string | undefined;
  /** IANA time zone for dates and months; default UTC. */
  readonly timeZone?: string | undefined;
  readonly by?: ReportGrouping | undefined;
  /** The report's clock: overdue is judged against it. */
  readonly now: Date;
  /** acknowledgmentDeadlineHours by customer id. */
  readonly deadlines: ReadonlyMap<string, number>;
  /** How many rejection reasons and holding rules to list. Default 10. */
  readonly top?: number | undefined;
}

/** Counts as they come from the database, before rates and percentiles. */
export interface MetricCounts {
  readonly invoices: number;
  readonly held: number;
  readonly submitted: number;
  readonly firstPassSuccess: number;
  readonly decided: number;
  readonly rejected: number;
  readonly pending: number;
  readonly unknown: number;
  readonly overdue: number;
}

export function metricsOf(counts: MetricCounts, medianHours: number | null, p90Hours: number | null): Metrics {
  return {
    invoices: counts.invoices,
    held: counts.held,
    submitted: counts.submitted,
    firstPassSuccess: counts.firstPassSuccess,
    firstPassRate: counts.decided === 0 ? null : roundTo(counts.firstPassSuccess / counts.decided, 4),
    rejected: counts.rejected,
    pending: counts.pending,
    unknown: counts.unknown,
    overdue: counts.overdue,
    timeToAcceptance: {
      medianHours: medianHours === null ? null : roundTo(medianHours, 2),
      p90Hours: p90Hours === null ? null : roundTo(p90Hours, 2),
    },
  };
}

/** Held rate and rejection rate (not in the JSON: they follow from its counts). */
export function heldRate(metrics: Metrics): number | null {
  return metrics.invoices === 0 ? null : metrics.held / metrics.invoices;
}

export function rejectionRate(metrics: Metrics): number | null {
  return metrics.submitted === 0 ? null : metrics.rejected / metrics.submitted;
}

export function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor + Number.EPSILON * Math.sign(value)) / factor;
}
