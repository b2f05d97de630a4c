import { InputError } from '../model/errors.js';
import { openStore, prepareDefaultStore, type Submission, type SubmissionState } from '../store/index.js';

/**
 * `firstpass ack`: a customer's decision recorded by hand (an e-mail customer's reply, a phone
 * call), on the invoice's latest attempt still waiting for an answer (sent, delivered or
 * unknown), with source "by hand", back-dated with `at`.
 */

export interface RecordAckOptions {
  readonly database: string;
  readonly invoiceNumber: string;
  readonly decision: 'accepted' | 'rejected';
  readonly reason?: string | undefined;
  readonly code?: string | undefined;
  /** When the customer answered: ISO 8601 with a UTC offset ("2026-12-07T09:30:00+01:00"); default now. */
  readonly at?: string | undefined;
  /** Needed when customers share the invoice number. */
  readonly customer?: string | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface RecordedAck {
  readonly invoiceNumber: string;
  readonly customer: string;
  readonly submission: number;
  readonly decision: 'accepted' | 'rejected';
  readonly code: string | null;
  readonly reason: string | null;
  readonly at: string;
  readonly before: SubmissionState;
  readonly after: SubmissionState;
}

const WAITING: readonly SubmissionState[] = ['sent', 'delivered', 'unknown'];
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function usage(message: string): InputError {
  return new InputError('USAGE', 'ack', [{ location: { file: 'firstpass ack' }, message }]);
}

/** The time `--at` names; a time without its offset, a day that does not exist, or a time to come is refused. */
export function answeredAt(text: string, now: Date): Date {
  const parts = ISO_WITH_OFFSET.exec(text);
  const at = new Date(text);
  if (parts === null || Number.isNaN(at.getTime()))
    throw usage(
      `--at must be a time in ISO 8601 with its UTC offset, e.g. 2026-12-07T09:30:00+01:00 or 2026-12-07T08:30:00Z, not "${text}"`,
    );
  const [, year, month, day, hour, minute, second] = parts;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second ?? 0) > 59
  )
    throw usage(`--at "${text}" is not a real time of day on a real date`);
  if (at.getTime() > now.getTime())
    throw usage(`--at ${text} is in the future (now is ${now.toISOString()}): an answer cannot come before it is given`);
  return at;
}

export async function recordAckByHand(options: RecordAckOptions): Promise<RecordedAck> {
  const now = (options.now ?? (() => new Date()))();
  const at = options.at === undefined ? now : answeredAt(options.at, now);
  for (const [name, value] of [
    ['--reason', options.reason],
    ['--code', options.code],
  ] as const)
    if (value !== undefined && value.trim() === '') throw usage(`${name} needs a text`);
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  try {
    const versions = await store.submissions.history(options.invoiceNumber, options.customer);
    if (versions.length === 0)
      throw usage(`no invoice ${options.invoiceNumber}${options.customer !== undefined ? ` of ${options.customer}` : ''} was recorded`);
    const customers = [...new Set(versions.map((entry) => entry.version.customer))].sort();
    if (customers.length > 1)
      throw usage(
        `invoice ${options.invoiceNumber} was sent to more than one customer (${customers.join(', ')}): say which with --customer`,
      );
    const attempts: Submission[] = versions
      .flatMap((entry) => entry.submissions.map((attempt) => attempt.submission))
      .sort((a, b) => a.id - b.id);
    const waiting = attempts.filter((attempt) => WAITING.includes(attempt.state)).at(-1);
    if (waiting === undefined)
      throw usage(
        `invoice ${options.invoiceNumber} has no attempt waiting for an answer (sent, delivered or unknown); its attempts are ${attempts.map((attempt) => attempt.state).join(', ') || 'none'}`,
      );
    const sentAt = (await store.submissions.events(waiting.id)).find((event) => event.to === 'sent' || event.to === 'sending')?.at;
    if (sentAt !== undefined && at.getTime() < sentAt.getTime())
      throw usage(`--at ${options.at ?? ''} is before the invoice was sent (${sentAt.toISOString()})`);
    await store.submissions.recordAcknowledgment(
      waiting.id,
      { kind: 'business', status: options.decision, code: options.code, text: options.reason, source: 'by hand', receivedAt: at },
      options.decision,
    );
    const after = (await store.submissions.submission(waiting.id))?.state ?? waiting.state;
    return {
      invoiceNumber: options.invoiceNumber,
      customer: customers[0] ?? '',
      submission: waiting.id,
      decision: options.decision,
      code: options.code ?? null,
      reason: options.reason ?? null,
      at: at.toISOString(),
      before: waiting.state,
      after,
    };
  } finally {
    await store.close();
  }
}
