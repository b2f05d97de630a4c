import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FirstpassError } from '../../model/errors.js';
import type { StoreDialect, StoreLogger } from '../store.js';

/** What every run lock implementation shares: its types, the held-lock state and small helpers (see ../run-lock.ts). */

/** Who holds (or held) the lock. */
export interface RunLockHolder {
  readonly host: string;
  readonly pid: number;
  /** The kernel's boot id on Linux: tells a holder from before a reboot. */
  readonly bootId: string | undefined;
  readonly startedAt: string;
  readonly heartbeat: string;
}

export interface HeldRunLock {
  readonly holder: RunLockHolder;
  /** Whether the lock is still ours (false once its connection broke or another run took it over as stale). */
  held(): boolean;
  /** Throws STORE_FAILED when the lock was lost: a run must stop before it does more. */
  assertHeld(): void;
  /** Gives the lock up (idempotent). */
  release(): Promise<void>;
}

export type RunLockAttempt =
  | { readonly acquired: true; readonly lock: HeldRunLock }
  /** Another live run holds it; `holder` is who (when known). */
  | { readonly acquired: false; readonly holder: RunLockHolder | undefined };

export interface RunLockOptions {
  /** Runs with different names do not exclude each other. Default `run`. */
  readonly name?: string | undefined;
  /** SQLite: a heartbeat older than this makes the row stale. Default 10 minutes. */
  readonly staleAfterMs?: number | undefined;
  /** How often the holder writes its heartbeat. Default 30 s. */
  readonly heartbeatMs?: number | undefined;
  /** How long to keep trying while the database is busy with another writer. Default 30 s. */
  readonly busyWaitMs?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly logger?: StoreLogger | undefined;
  /** The clock: injectable for tests. */
  readonly now?: (() => Date) | undefined;
}

/** One database's way of taking the run lock. */
export interface RunLockDriver {
  readonly name: StoreDialect;
  take(url: string, options: ResolvedRunLockOptions, secrets: readonly string[]): Promise<RunLockAttempt>;
}

export interface ResolvedRunLockOptions {
  readonly name: string;
  readonly staleAfterMs: number;
  readonly heartbeatMs: number;
  readonly busyWaitMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: StoreLogger | undefined;
  readonly now: () => Date;
  /** This process, as it is written in the row. */
  readonly self: Omit<RunLockHolder, 'heartbeat'>;
}

export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
export const DEFAULT_HEARTBEAT_MS = 30_000;

/** Linux's id of the current boot, if there is one to read. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder in words, for the message a refused run prints. */
export function describeHolder(holder: RunLockHolder | undefined): string {
  if (holder === undefined) return 'another run (its details are not recorded yet)';
  return `process ${holder.pid} on ${holder.host}, started ${holder.startedAt}, last heartbeat ${holder.heartbeat}`;
}

/** Retries `attempt` while the database says it is busy with another writer, waiting without blocking. */
export async function whileBusy<T>(attempt: () => Promise<T>, isBusy: (error: unknown) => boolean, waitMs: number): Promise<T> {
  const until = Date.now() + waitMs;
  for (let round = 1; ; round += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= until) throw error;
      await sleep(Math.min(500, 10 * round) + Math.floor(Math.random() * 20));
    }
  }
}

/** The common part of a held lock: the flag, the heartbeat timer and the one release. */
export class LockState {
  private lost: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private releasing: Promise<void> | undefined;

  constructor(private readonly location: string) {}

  held(): boolean {
    return this.lost === undefined && this.releasing === undefined;
  }

  markLost(why: string): void {
    this.lost ??= why;
  }

  assertHeld(): void {
    if (this.lost !== undefined)
      throw new FirstpassError('STORE_FAILED', 'store', `the run lock on ${this.location} was lost (${this.lost}): this run stops`);
  }

  beat(everyMs: number, heartbeat: () => Promise<void>): void {
    let running = false;
    this.timer = setInterval(() => {
      if (running || !this.held()) return;
      running = true;
      void heartbeat().finally(() => {
        running = false;
      });
    }, everyMs);
    // The heartbeat alone never keeps a process alive.
    this.timer.unref();
  }

  release(giveUp: () => Promise<void>): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.releasing ??= giveUp();
    return this.releasing;
  }
}
