import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { FirstpassError, InputError } from '../model/errors.js';
import type { Invoice } from '../model/invoice.js';
import { ProfileLibrary, type CustomerProfile } from '../profiles/index.js';
import { maskUrl, openStore, prepareDefaultStore, takeRunLock, type HeldRunLock, type Store, type Submission } from '../store/index.js';
import { SILENT_LOGGER, type RunLogger } from './run-logger.js';
import { queuedPlan, SubmitRun, type RetryPolicy, type SubmitOutcome, type SubmitResult } from './submit-invoices.js';

/**
 * `firstpass run --worker`: drains the queue that `run --inbox --enqueue-only` fills. A worker
 * holds its worker lock (PostgreSQL: a session advisory lock named `worker:<id>`, gone with its
 * session) for its whole life, leases a few queued attempts at a time in short transactions
 * (FOR UPDATE SKIP LOCKED), and sends each as `submit` does: committed `sending` before the bytes
 * leave, the answer recorded. Any worker, at start and every few seconds, recovers the workers
 * that died: it takes the lock of each id that still holds leases; getting it means the holder
 * is gone: its queued leases go back, its `sending` attempts become `unknown` (never re-sent
 * blindly). SQLite has one writer: one worker at a time (its lock is `worker`), refused otherwise.
 */

export interface WorkerOptions {
  /** sqlite:<file> or postgres://… */
  readonly database: string;
  readonly profilesDirectory: string;
  readonly environment?: NodeJS.ProcessEnv | undefined;
  /** Stop once the queue is empty and no live worker holds a lease; else poll for new work. */
  readonly untilEmpty: boolean;
  /** Attempts this worker leases and works on at once. Default 16. */
  readonly concurrency?: number | undefined;
  /** How often an idle worker looks for work, in ms. Default 1,000. */
  readonly pollMs?: number | undefined;
  /** How often it looks for dead workers' leases, in ms. Default 5,000. */
  readonly recoverEveryMs?: number | undefined;
  /** A failed send's attempt waits this long before a worker leases it again, in ms. Default 60,000. */
  readonly retryAfterMs?: number | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeoutMs?: number | undefined;
  readonly now?: (() => Date) | undefined;
  readonly logger?: RunLogger | undefined;
  readonly onResult?: ((result: SubmitResult) => void) | undefined;
  /** Aborting stops leasing: what is in flight ends and is recorded, the rest is given back. */
  readonly signal?: AbortSignal | undefined;
}

export interface WorkerReport {
  readonly worker: string;
  /** The database, password masked. */
  readonly database: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly counts: Readonly<Partial<Record<SubmitOutcome, number>>>;
  /** What this worker recovered from dead workers. */
  readonly recovered: { readonly workers: number; readonly requeued: number; readonly unknown: number };
  /** One line per thing a person should look at. */
  readonly attention: readonly string[];
  /** Queued attempts left waiting for a retry (their channel failed), when the worker stopped. */
  readonly deferred: number;
  readonly verdict: 'ok' | 'attention' | 'fault';
}

const DEFAULT_CONCURRENCY = 16;
const NEEDS_PERSON: readonly SubmitOutcome[] = ['rejected', 'unknown'];
const NOT_SENT: readonly SubmitOutcome[] = ['failed', 'stopped'];

export async function runWorker(options: WorkerOptions): Promise<WorkerReport> {
  const now = options.now ?? (() => new Date());
  await prepareDefaultStore(options.database);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const store = await openStore(options.database, { poolSize: Math.min(8, concurrency + 2) });
  try {
    const id = `${hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const attempt = await takeRunLock(options.database, { name: store.dialect === 'sqlite' ? 'worker' : `worker:${id}`, now });
    if (!attempt.acquired)
      throw new FirstpassError(
        'USAGE',
        'pipeline',
        `another firstpass worker (pid ${attempt.holder?.pid ?? '?'} on ${attempt.holder?.host ?? '?'}) works on ${maskUrl(options.database)}: SQLite has one writer, so one worker at a time; use PostgreSQL (--db postgres://…) for several`,
      );
    const worker = new QueueWorker(store, id, attempt.lock, options, concurrency, now);
    try {
      return await worker.drain();
    } finally {
      await attempt.lock.release();
    }
  } finally {
    await store.close();
  }
}

class QueueWorker {
  private readonly run: SubmitRun;
  private readonly profiles: ProfileLibrary;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly counts: Partial<Record<SubmitOutcome, number>> = {};
  private readonly attention: string[] = [];
  private readonly recovered = { workers: 0, requeued: 0, unknown: 0 };
  private fault: { readonly error: unknown } | undefined;

  constructor(
    private readonly store: Store,
    private readonly id: string,
    private readonly lock: HeldRunLock,
    private readonly options: WorkerOptions,
    private readonly concurrency: number,
    private readonly now: () => Date,
  ) {
    this.run = new SubmitRun(
      store,
      {
        profilesDirectory: options.profilesDirectory,
        environment: options.environment,
        retry: options.retry,
        timeoutMs: options.timeoutMs,
        concurrency,
      },
      now,
    );
    this.profiles = new ProfileLibrary(options.profilesDirectory);
  }

  private get logger(): RunLogger {
    return this.options.logger ?? SILENT_LOGGER;
  }

  async drain(): Promise<WorkerReport> {
    const startedAt = this.now().toISOString();
    const recoverEvery = this.options.recoverEveryMs ?? 5_000;
    let recoveredAt = 0;
    this.logger.info('run.start', `worker ${this.id} started on ${maskUrl(this.options.database)}`, { worker: this.id });
    try {
      while (this.fault === undefined && this.options.signal?.aborted !== true) {
        this.lock.assertHeld();
        if (Date.now() - recoveredAt >= recoverEvery) {
          await this.recoverDead();
          recoveredAt = Date.now();
        }
        const room = this.concurrency - this.inFlight.size;
        const leased =
          room > 0 ? await this.store.queue.lease({ worker: this.id, limit: room, at: this.now(), retryBefore: this.retryBefore() }) : [];
        for (const submission of leased) this.start(submission);
        if (leased.length === 0 && this.inFlight.size === 0 && this.options.untilEmpty) {
          const pending = await this.store.queue.pending(this.retryBefore());
          if (pending.leasable === 0 && pending.leased === 0) break;
        }
        if (room <= 0 || leased.length < room) {
          // Full, or the queue had no more: wait for a send to end, or for new work.
          await Promise.race([delay(this.options.pollMs ?? 1_000), ...this.inFlight]);
        }
      }
    } finally {
      await Promise.all(this.inFlight);
      await this.store.queue.giveBackAll(this.id).catch(() => 0);
      await this.run.close();
    }
    if (this.fault) throw this.fault.error;
    const { deferred } = await this.store.queue.pending(this.retryBefore());
    const notSent = NOT_SENT.some((outcome) => (this.counts[outcome] ?? 0) > 0) || deferred > 0;
    const report: WorkerReport = {
      worker: this.id,
      database: maskUrl(this.options.database),
      startedAt,
      finishedAt: this.now().toISOString(),
      counts: this.counts,
      recovered: this.recovered,
      attention: this.attention,
      deferred,
      verdict: notSent ? 'fault' : this.attention.length > 0 ? 'attention' : 'ok',
    };
    this.logger.info('run.end', `worker ${this.id} stopped`, { worker: this.id, verdict: report.verdict });
    return report;
  }

  private retryBefore(): Date {
    return new Date(this.now().getTime() - (this.options.retryAfterMs ?? 60_000));
  }

  /** Each worker id holding leases whose lock we can take is dead: what it held is recovered. */
  private async recoverDead(): Promise<void> {
    for (const holder of await this.store.queue.leaseHolders()) {
      if (holder === this.id) continue;
      // SQLite: this worker holds the one worker lock, so any other holder is gone.
      const lock =
        this.store.dialect === 'sqlite' ? undefined : await takeRunLock(this.options.database, { name: `worker:${holder}`, now: this.now });
      if (lock !== undefined && !lock.acquired) continue;
      try {
        const recovered = await this.store.queue.recoverWorker(holder, {
          at: this.now(),
          source: 'recovery',
          detail: {
            worker: holder,
            reason: `worker ${holder} died: what it had leased goes back to the queue; what it was sending may have arrived (unknown)`,
          },
        });
        // Another worker recovered it first (its lock was free again since): nothing was left.
        if (recovered.requeued + recovered.unknown === 0) continue;
        this.recovered.workers += 1;
        this.recovered.requeued += recovered.requeued;
        this.recovered.unknown += recovered.unknown;
        if (recovered.unknown > 0)
          this.attention.push(
            `${recovered.unknown} invoice(s) that worker ${holder} was sending when it died are unknown: check with the customer`,
          );
        this.logger.warn(
          'worker.recovered',
          `worker ${holder} died: ${recovered.requeued} queued again, ${recovered.unknown} unknown (it was sending them)`,
          { worker: holder, ...recovered },
        );
      } finally {
        if (lock?.acquired) await lock.lock.release();
      }
    }
  }

  private start(submission: Submission): void {
    const work = this.send(submission)
      .catch((error: unknown) => {
        this.fault ??= { error };
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async send(queued: Submission): Promise<void> {
    const submissions = this.store.submissions;
    const version = await submissions.version(queued.versionId);
    const document = await submissions.document(queued.id);
    if (version === undefined || document === undefined) {
      // Enqueued half way (the enqueue stopped before the document was stored): the next enqueue completes it.
      await this.store.queue.giveBack(queued.id, this.id, this.now());
      this.logger.warn('invoice', `queued submission ${queued.id} has no stored document yet: left for a later lease`);
      return;
    }
    let profile: CustomerProfile;
    try {
      ({ profile } = await this.profiles.profile(version.customer));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      await this.store.queue.giveBack(queued.id, this.id, this.now());
      this.tell({
        file: `queued submission ${queued.id}`,
        invoiceNumber: version.invoiceNumber,
        customerId: version.customer,
        outcome: 'stopped',
        channel: queued.channel,
        format: queued.format,
        destination: '?',
        reason: `this worker cannot use the customer's profile: ${error.message}`,
      });
      return;
    }
    const attachments = await this.store.queue.attachments(queued.id);
    const planned = queuedPlan(JSON.parse(version.invoiceJson) as Invoice, profile, queued.id, document, attachments);
    const result = await this.run.sendQueued(planned, version, queued, document, {
      channel: queued.channel,
      format: queued.format,
      source: 'worker',
      detail: { worker: this.id },
      at: this.now(),
    });
    if (NOT_SENT.includes(result.outcome) || result.outcome === 'unchanged')
      await this.store.queue.giveBack(queued.id, this.id, this.now());
    this.tell(result);
  }

  private tell(result: SubmitResult): void {
    this.counts[result.outcome] = (this.counts[result.outcome] ?? 0) + 1;
    const who = `${result.invoiceNumber} (${result.customerId})`;
    if (NEEDS_PERSON.includes(result.outcome))
      this.attention.push(`${result.outcome} ${who}: ${result.reason ?? `${result.code ?? ''} ${result.text ?? ''}`.trim()}`);
    const message = `${result.outcome} ${who}${result.reason !== undefined ? `: ${result.reason}` : ''}`;
    const fields = { invoiceNumber: result.invoiceNumber, customerId: result.customerId, outcome: result.outcome, worker: this.id };
    if (NEEDS_PERSON.includes(result.outcome) || NOT_SENT.includes(result.outcome)) this.logger.warn('invoice', message, fields);
    else this.logger.info('invoice', message, fields);
    this.options.onResult?.(result);
  }
}
