import type { Knex } from 'knex';

/**
 * Group commit for a database with one connection (SQLite): transactions asked for while one is
 * running wait, and then run together in one transaction, one after another, each in a savepoint, so the
 * next commit (and its wait for the disk) serves them all. Each caller's promise settles only
 * after that commit: a claim is still committed before its bytes leave. One transaction's failure
 * rolls back its savepoint only; a failed commit fails them all (the callers retry as before).
 */
export class CommitGroup {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(
    private readonly knex: Knex,
    private readonly maxTransactions = 64,
  ) {}

  run<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // better-sqlite3 commits synchronously: answers that came in meanwhile are read (and ask for their
        // transactions) only when the event loop turns, so the group starts after that turn.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        await this.commit(this.waiting.splice(0, this.maxTransactions));
        if (this.waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(group: readonly Waiting[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let ended: TransactionEnded | undefined;
    try {
      await this.knex.transaction(async (trx) => {
        for (const { work } of group) {
          const outcome = await inSavepoint(trx, work).catch((error: unknown) => {
            if (error instanceof TransactionEnded) ended = error;
            throw error;
          });
          outcomes.push(outcome);
        }
      });
    } catch (error) {
      // knex reports its failed ROLLBACK ("no transaction is active") when the transaction is already gone; the cause is the work's.
      for (const { reject } of group) reject(ended?.cause ?? error);
      return;
    }
    group.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok === true) resolve(outcome.value);
      else reject(outcome?.error);
    });
  }
}

/**
 * `work` in a savepoint of `trx`, rolled back alone when it fails. The works of a group run one
 * after another, so one savepoint name serves them all: the statements' texts stay the same
 * (prepared once), and no knex transaction object is built per work.
 */
async function inSavepoint(trx: Knex.Transaction, work: (trx: Knex.Transaction) => Promise<unknown>): Promise<Outcome> {
  await trx.raw(`savepoint ${SAVEPOINT}`);
  const handle = handleUntilSettled(trx);
  try {
    const value = await work(handle.trx);
    handle.settle();
    await trx.raw(`release ${SAVEPOINT}`);
    return { ok: true, value };
  } catch (error) {
    handle.settle();
    // A failure to undo the work is the group's: it rejects, and every caller retries.
    try {
      await trx.raw(`rollback to ${SAVEPOINT}`);
      await trx.raw(`release ${SAVEPOINT}`);
    } catch {
      // No savepoint left: the work's failure ended the whole transaction (SQLite does so on a full disk or an I/O error).
      throw new TransactionEnded(error);
    }
    return { ok: false, error };
  }
}

/** A work's failure that took the whole group's transaction with it: every caller is told that cause. */
class TransactionEnded extends Error {
  constructor(override readonly cause: unknown) {
    super('a grouped transaction ended with the failure of one of its works');
  }
}

const SAVEPOINT = 'firstpass_grouped_work';

/**
 * `trx` as one work sees it: once the work has settled, a query it still starts (a part of it left
 * running beside the part that failed) is refused, as a knex transaction of its own refused it,
 * instead of landing in the next work's savepoint and being committed with it. Each work also gets
 * its own object, so state kept per transaction (SqlSubmissions' pending summaries) stays per work.
 */
function handleUntilSettled(trx: Knex.Transaction): { readonly trx: Knex.Transaction; settle(): void } {
  let settled = false;
  const refuseWhenSettled = (): void => {
    if (settled) throw new Error('a query was started after its grouped transaction had ended; it was not run');
  };
  const guarded = new Proxy(trx, {
    apply(target, thisArgument, args) {
      refuseWhenSettled();
      return Reflect.apply(target, thisArgument, args);
    },
    get(target, property) {
      refuseWhenSettled();
      return Reflect.get(target, property, target);
    },
  });
  return {
    trx: guarded,
    settle: () => {
      settled = true;
    },
  };
}

interface Waiting {
  readonly work: (trx: Knex.Transaction) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };
