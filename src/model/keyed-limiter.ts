/**
 * Bounded concurrency by key: at most `limitOf(key)` pieces of work hold a key's slot at once,
 * and waiters get it first come, first served. `run(keys, work)` takes the slots of every key in
 * the order given before it starts `work`, and frees them when `work` settles; callers that always
 * name keys in the same order (say customer, then channel type) cannot deadlock each other.
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, Slots>();

  constructor(private readonly limitOf: (key: string) => number) {}

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(keys);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Takes the slots of every key, in order; resolves to the function that frees them (once, however often it is called). */
  async acquire(keys: readonly string[]): Promise<() => void> {
    const taken: Slots[] = [];
    for (const key of keys) {
      const slots = this.slotsOf(key);
      await slots.take();
      taken.push(slots);
    }
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      for (const slots of taken.reverse()) slots.give();
    };
  }

  /** How many hold the key's slots now. */
  busy(key: string): number {
    return this.slots.get(key)?.held ?? 0;
  }

  private slotsOf(key: string): Slots {
    let slots = this.slots.get(key);
    if (slots === undefined) {
      const limit = Math.floor(this.limitOf(key));
      if (!Number.isFinite(limit) || limit < 1)
        throw new RangeError(`the limit of ${key} must be a whole number of at least 1, not ${limit}`);
      slots = new Slots(limit);
      this.slots.set(key, slots);
    }
    return slots;
  }
}

/** One key's slots and its queue of waiters. */
class Slots {
  held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  take(): Promise<void> {
    if (this.held < this.limit) {
      this.held += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The slot passes straight to the first waiter, so a newcomer cannot jump the queue. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held -= 1;
  }
}
