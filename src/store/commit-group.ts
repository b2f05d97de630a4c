import type { Knex } from 'knex';

/**
 * Group commit for a database with one connection (SQLite): transactions asked for while one is
 * running wait, and then run together in one transaction, each in its own savepoint, so the
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
    try {
      await this.knex.transaction(async (trx) => {
        for (const { work } of group) {
          try {
            outcomes.push({ ok: true, value: await trx.transaction((savepoint) => work(savepoint)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok === true) resolve(outcome.value);
      else reject(outcome?.error);
    });
  }
}

interface Waiting {
  readonly work: (trx: Knex.Transaction) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };
