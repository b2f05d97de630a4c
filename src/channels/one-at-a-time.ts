/** Sends on one open channel run one at a time, in the order they were asked for: one connection carries one conversation. */
export class OneAtATime {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.last.then(work);
    this.last = turn.catch(() => undefined);
    return turn;
  }

  /** Resolves once every send asked for so far has ended. */
  async idle(): Promise<void> {
    await this.last;
  }
}
