import { InputError } from '../model/errors.js';
import type { ProfileLibrary } from '../profiles/index.js';
import type { Store } from '../store/index.js';

/** A submission still only `sent` past its customer's acknowledgmentDeadlineHours (contract section 6). */
export interface OverdueSubmission {
  readonly customer: string;
  readonly invoiceNumber: string;
  readonly submission: number;
  readonly sentAt: string;
  readonly deadlineHours: number;
  /** Hours past the deadline, one decimal. */
  readonly overdueHours: number;
}

/** Each customer's acknowledgment deadline in hours, from the profiles that set one (profiles that do not load are left out). */
export async function acknowledgmentDeadlines(profiles: ProfileLibrary): Promise<ReadonlyMap<string, number>> {
  const deadlines = new Map<string, number>();
  let loaded: Awaited<ReturnType<ProfileLibrary['loadAll']>>;
  try {
    loaded = await profiles.loadAll();
  } catch (error) {
    // No profiles folder here: nothing can be overdue by a deadline nobody set.
    if (error instanceof InputError && error.code === 'INPUT_UNREADABLE') return deadlines;
    throw error;
  }
  for (const [customer, resolved] of loaded.profiles) {
    const hours = resolved.profile.acknowledgmentDeadlineHours;
    if (typeof hours === 'number' && hours > 0) deadlines.set(customer, hours);
  }
  return deadlines;
}

/** Submissions still `sent` whose deadline passed before `now`, the longest overdue first. */
export async function overdueSubmissions(store: Store, deadlines: ReadonlyMap<string, number>, now: Date): Promise<OverdueSubmission[]> {
  const overdue: OverdueSubmission[] = [];
  for (const entry of await store.answers.openSubmissions(['sent'])) {
    const hours = deadlines.get(entry.customer);
    if (hours === undefined || entry.sentAt === undefined) continue;
    const late = now.getTime() - entry.sentAt.getTime() - hours * 3_600_000;
    if (late <= 0) continue;
    overdue.push({
      customer: entry.customer,
      invoiceNumber: entry.invoiceNumber,
      submission: entry.submission.id,
      sentAt: entry.sentAt.toISOString(),
      deadlineHours: hours,
      overdueHours: Math.round(late / 360_000) / 10,
    });
  }
  return overdue.sort((a, b) => b.overdueHours - a.overdueHours);
}
