/** Something a run keeps open and closes at its end: an SSH session. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * The connections the channels of one run share, each under a key its channel makes (an SFTP
 * session by host and login), so customers served by one server use one connection. The run
 * closes them all when it ends; the channels that use them only wait for their own work.
 */
export class SharedConnections {
  private readonly open = new Map<string, Closable>();

  get<T extends Closable>(key: string, create: () => T): T {
    const known = this.open.get(key);
    if (known !== undefined) return known as T;
    const created = create();
    this.open.set(key, created);
    return created;
  }

  /** Closes every connection; one that does not close cleanly keeps none of the others open. */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((connection) => connection.close()));
  }
}
