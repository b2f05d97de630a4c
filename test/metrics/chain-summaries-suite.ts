/**
 * chain_summaries (migration 007) against a from-scratch recomputation from the submissions, after
 * a seeded random sequence of store operations (versions, corrections under a new number, held and
 * queued submissions, claims, moves allowed and refused, answers that move or cannot move the
 * state, recovery of interrupted sends, notes); run on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ACCEPTED_STATES, AWAITING_STATES, FINAL_STATES, INTERNAL_STATES } from '../../src/metrics/definitions.js';
import { firstPassReport } from '../../src/metrics/index.js';
import { FirstpassError } from '../../src/model/errors.js';
import { openStore, type Store, SUBMISSION_STATES, type SubmissionState } from '../../src/store/index.js';
import {
  CHAIN_SUMMARY_COLUMNS,
  recomputedChainDetails,
  recomputedChainSummaries,
  SUMMARY_STATES,
} from '../../src/store/sql-chain-summaries.js';
import type { StoreHarness } from '../store/store-suite.js';

/** A small seeded generator (mulberry32): the same seed, the same history. */
function generator(seed: number): { next: () => number; pick: <T>(items: readonly T[]) => T; chance: (p: number) => boolean } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number): boolean => next() < p,
  };
}

/** Values as comparable plain numbers and texts (PostgreSQL returns sums as texts, SQLite as numbers). */
function normalized(rows: readonly Record<string, unknown>[]): Record<string, string | number | null>[] {
  return rows.map((row) =>
    Object.fromEntries(
      CHAIN_SUMMARY_COLUMNS.map((column) => {
        const value = row[column];
        if (value === null || value === undefined) return [column, null];
        if (['customer', 'chain_at', 'channel', 'last_state', 'last_state_at', 'accepted_at'].includes(column))
          return [column, String(value)];
        return [column, Number(value)];
      }),
    ),
  );
}

async function storedSummaries(store: Store): Promise<Record<string, string | number | null>[]> {
  return store.read('read the chain summaries', async (trx) => normalized(await trx('chain_summaries').select('*').orderBy('chain_id')));
}

/** Rejections and held rules, stored and recomputed, as plain values. */
async function details(store: Store): Promise<{ stored: unknown; recomputed: unknown }> {
  const plain = (rows: readonly Record<string, unknown>[]): unknown[] =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key.endsWith('_id') ? Number(value) : value])));
  return store.read('compare the chain rejections and held rules', async (trx, dialect) => {
    const again = await recomputedChainDetails(trx, dialect);
    return {
      stored: {
        rejections: plain(await trx('chain_rejections').select('event_id', 'chain_id', 'code', 'text').orderBy('event_id')),
        heldRules: plain(await trx('chain_held_rules').select('chain_id', 'rule').orderBy(['chain_id', 'rule'])),
      },
      recomputed: { rejections: plain(again.rejections), heldRules: plain(again.heldRules) },
    };
  });
}

async function recomputed(store: Store): Promise<Record<string, string | number | null>[]> {
  return store.read('recompute the chain summaries', async (trx, dialect) => normalized(await recomputedChainSummaries(trx, dialect)));
}

/** What the store refuses (a move a state does not allow, a second delivery of a version): part of the sequence. */
async function attempt(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof FirstpassError)) throw error;
  }
}

/** `steps` random operations; the summaries are compared with a recomputation every `every` steps. */
async function randomHistory(store: Store, seed: number, steps: number, every: number): Promise<number> {
  const random = generator(seed);
  let clock = Date.UTC(2026, 0, 30, 22);
  const tick = (): Date => {
    clock += Math.floor(random.next() * 6 * 3_600_000);
    return new Date(clock);
  };
  const versions: number[] = [];
  const submissions: number[] = [];
  const targets = SUBMISSION_STATES.filter((state) => state !== 'sending');
  let compared = 0;
  for (let step = 1; step <= steps; step += 1) {
    const operation = random.next();
    const at = tick();
    if (operation < 0.2 || versions.length === 0) {
      const number = `INV-${random.pick([1, 2, 3, 4, 5])}`;
      const supersedes = random.chance(0.2) ? `INV-${random.pick([1, 2, 3, 4, 5, 9])}` : undefined;
      const invoice = {
        invoiceNumber: number,
        variant: random.pick([0, 1, 2, 3]),
        ...(random.chance(0.5) ? { generatedAt: new Date(clock - 3_600_000 * random.pick([1, 5, 30])).toISOString() } : {}),
      };
      const { version } = await store.submissions.recordVersion({
        customer: random.pick(['acme', 'globex']),
        invoiceNumber: number,
        invoice,
        supersedes,
        at,
      });
      if (!versions.includes(version.id)) versions.push(version.id);
    } else if (operation < 0.3) {
      const held = random.chance(0.5);
      const created = await store.submissions.createSubmission(random.pick(versions), held ? 'held' : 'queued', {
        at,
        source: 'validate',
        channel: held ? 'none' : random.pick(['sftp', 'portal']),
        format: 'ubl',
        detail: held ? { findings: [{ rule: random.pick(['po-required', 'tax-total']), severity: 'error' }] } : undefined,
      });
      submissions.push(created.id);
    } else if (operation < 0.45) {
      const claimed = await store.submissions.claimForSending(random.pick(versions), {
        at,
        source: 'submit',
        channel: random.pick(['sftp', 'portal', 'email']),
        format: 'ubl',
        resendUnknown: random.chance(0.3),
      });
      if (claimed !== undefined && !submissions.includes(claimed.id)) submissions.push(claimed.id);
    } else if (operation < 0.7 && submissions.length > 0) {
      const to: SubmissionState = random.pick(targets);
      const detail = to === 'rejected' && random.chance(0.5) ? { code: 'AT_SEND', text: 'refused at send' } : undefined;
      await attempt(() => store.submissions.transition(random.pick(submissions), to, { at, source: 'channel', detail }));
    } else if (operation < 0.9 && submissions.length > 0) {
      const moveTo = random.chance(0.85) ? random.pick(targets) : undefined;
      // Now and then an answer back-dated by hand (`ack --at`).
      const receivedAt = random.chance(0.2) ? new Date(clock - 3_600_000 * random.pick([2, 10])) : at;
      // Refused (and rolled back whole) when it would deliver a version twice: an unknown attempt answered after a resend.
      await attempt(() =>
        store.submissions.recordAcknowledgment(
          random.pick(submissions),
          {
            kind: random.pick(['technical', 'business'] as const),
            status: moveTo ?? 'noted',
            code: random.pick(['C1', 'C2']),
            text: random.pick(['price', undefined]),
            source: 'portal',
            receivedAt,
          },
          moveTo,
        ),
      );
    } else if (operation < 0.95) {
      await store.submissions.recoverInterrupted(new Date(clock + 1), { at, source: 'recover' });
    } else if (submissions.length > 0) {
      await store.submissions.note(random.pick(submissions), { at, source: 'person', detail: { text: 'called them' } });
    }
    if (step % every === 0 || step === steps) {
      assert.deepEqual(await storedSummaries(store), await recomputed(store), `seed ${seed}, after step ${step}`);
      const { stored, recomputed: again } = await details(store);
      assert.deepEqual(stored, again, `seed ${seed}, after step ${step}: rejections and held rules`);
      compared += 1;
    }
  }
  return compared;
}

export function chainSummariesSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`chain summaries: ${harness.dialect}`, { skip: options.skip }, () => {
    after(() => harness.cleanup());

    test('the store keeps them equal to a recomputation after random operations (3 seeds × 300 steps)', async () => {
      for (const seed of [11, 2026, 90210]) {
        const target = await harness.fresh();
        const store = await openStore(target.url, target.options);
        try {
          const compared = await randomHistory(store, seed, 300, 25);
          assert.equal(compared, 12);
          const rows = await storedSummaries(store);
          // The sequence reached what the report counts: chains, answers, holds, rejections.
          assert.ok(rows.length >= 5, `seed ${seed}: ${rows.length} chains`);
          for (const flag of ['held', 'submitted', 'decided', 'rejected'])
            assert.ok(
              rows.some((row) => row[flag] === 1),
              `seed ${seed}: no chain with ${flag}`,
            );
          assert.ok(
            rows.some((row) => row.hours !== null),
            `seed ${seed}: no accepted chain`,
          );
          const { stored } = await details(store);
          const { rejections, heldRules } = stored as { rejections: unknown[]; heldRules: unknown[] };
          assert.ok(rejections.length > 0 && heldRules.length > 0, `seed ${seed}: no rejection or no held rule`);
        } finally {
          await store.close();
        }
      }
    });

    test('writers moving attempts of one chain at once leave its summary equal to a recomputation', async () => {
      const target = await harness.fresh();
      // PostgreSQL: several stores (pools) at once, which take turns on the chain's lock; SQLite: one store's grouped commits.
      const stores = await Promise.all(
        Array.from({ length: Math.min(3, harness.storesPerProcess) }, () => openStore(target.url, target.options)),
      );
      try {
        const [first] = stores;
        if (first === undefined) throw new Error('no store opened');
        const at = new Date(Date.UTC(2026, 1, 2, 9));
        const versions: number[] = [];
        // One chain: eighteen versions of INV-1 (each new content), and corrections of it under other numbers.
        for (let variant = 0; variant < 18; variant += 1) {
          const invoiceNumber = variant % 3 === 2 ? `INV-1-C${variant}` : 'INV-1';
          const { version } = await first.submissions.recordVersion({
            customer: 'acme',
            invoiceNumber,
            invoice: { invoiceNumber, variant },
            supersedes: invoiceNumber === 'INV-1' ? undefined : 'INV-1',
            at,
          });
          versions.push(version.id);
        }
        await Promise.all(
          versions.map(async (versionId, index) => {
            const store = stores[index % stores.length] ?? first;
            const when = (minutes: number): Date => new Date(at.getTime() + (index * 10 + minutes) * 60_000);
            if (index % 6 === 5) {
              await store.submissions.createSubmission(versionId, 'held', {
                at: when(1),
                source: 'validate',
                channel: 'none',
                format: 'ubl',
                detail: { findings: [{ rule: 'po-required', severity: 'error' }] },
              });
              return;
            }
            const claimed = await store.submissions.claimForSending(versionId, {
              at: when(1),
              source: 'submit',
              channel: 'portal',
              format: 'ubl',
            });
            assert.ok(claimed !== undefined, `version ${versionId} claimed`);
            await store.submissions.transition(claimed.id, 'sent', { at: when(2), source: 'portal' });
            const answer = index % 2 === 0 ? 'accepted' : 'rejected';
            await store.submissions.recordAcknowledgment(
              claimed.id,
              { kind: 'business', status: answer, code: `C${index}`, source: 'portal', receivedAt: when(3) },
              answer,
            );
          }),
        );
        const rows = await storedSummaries(first);
        assert.equal(rows.length, 1, 'one chain');
        assert.deepEqual(rows, await recomputed(first));
        const { stored, recomputed: again } = await details(first);
        assert.deepEqual(stored, again, 'rejections and held rules');
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    test('a report by month in a time zone over days of one month has that one month (once a syntax error)', async () => {
      const target = await harness.fresh();
      const store = await openStore(target.url, target.options);
      try {
        await randomHistory(store, 7, 120, 120);
        const request = { now: new Date(Date.UTC(2026, 5, 1)), deadlines: new Map<string, number>(), timeZone: 'Asia/Tokyo' };
        const whole = await firstPassReport(store, { ...request, from: '2026-01-31', to: '2026-02-28' });
        const report = await firstPassReport(store, { ...request, from: '2026-02-01', to: '2026-02-28', by: 'month' });
        assert.ok(whole.totals.invoices > report.totals.invoices && report.totals.invoices > 0, JSON.stringify(whole.totals));
        assert.deepEqual(report.groups, [{ key: '2026-02', ...report.totals }]);
      } finally {
        await store.close();
      }
    });

    test('the store’s state groups are the metric definitions’', () => {
      assert.deepEqual(SUMMARY_STATES, {
        internal: [...INTERNAL_STATES],
        accepted: [...ACCEPTED_STATES],
        final: [...FINAL_STATES],
        awaiting: [...AWAITING_STATES],
      });
    });
  });
}
