/**
 * The metric definitions (src/metrics/definitions.ts) on the hand-built history of history.ts,
 * every figure worked out by hand below; run on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { firstPassReport, type Metrics, type ReportRequest } from '../../src/metrics/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { StoreHarness } from '../store/store-suite.js';
import { buildHistory, DEADLINES, HOSTILE_TEXT, REPORT_NOW } from './history.js';

const base: ReportRequest = { now: REPORT_NOW, deadlines: DEADLINES };

function m(
  invoices: number,
  held: number,
  submitted: number,
  firstPassSuccess: number,
  firstPassRate: number | null,
  rejected: number,
  pending: number,
  unknown: number,
  overdue: number,
  medianHours: number | null,
  p90Hours: number | null,
): Metrics {
  return {
    invoices,
    held,
    submitted,
    firstPassSuccess,
    firstPassRate,
    rejected,
    pending,
    unknown,
    overdue,
    timeToAcceptance: { medianHours, p90Hours },
  };
}

export function reportSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`first-pass report: ${harness.dialect}`, { skip: options.skip ?? false }, () => {
    let store: Store | undefined;
    async function history(): Promise<Store> {
      if (store === undefined) {
        const target = await harness.fresh();
        store = await openStore(target.url, target.options);
        await buildHistory(store);
      }
      return store;
    }
    after(async () => {
      await store?.close();
      await harness.cleanup();
    });

    test('totals over the whole history', async () => {
      const report = await firstPassReport(await history(), base);
      // 11 chains, G-10 (G-11 belongs to it), A-5, G-12, A-6, G-13, B-1, B-2, A-7.
      // held: A-5, G-12 = 2. submitted: all but A-5 = 10.
      // success: A-1 (with warnings), A-2, G-12 (held first, then accepted the first time it went out), B-1, B-2 = 5.
      // decided (first external attempt final): those 5 + A-3 and G-10 (rejected) = 7 → 5/7 = 0.714285… → 0.7143.
      // rejected: A-3, G-10 = 2. pending: G-13, A-7 = 2. unknown: A-6 = 1. overdue: G-13 (120 h > 48 h) = 1.
      // hours: A-1 24, A-2 12, A-3 72 (from v1's generatedAt 01-12 00:00 to 01-15 00:00), G-10 84 (01-20 00:00 →
      // 01-23 12:00), G-12 48, B-1 12, B-2 6 → sorted 6, 12, 12, 24, 48, 72, 84 (n 7):
      // median rank 0.5·6 = 3 → 24; p90 rank 0.9·6 = 5.4 → 72 + 0.4·(84 − 72) = 76.8.
      assert.deepEqual(report.totals, m(11, 2, 10, 5, 0.7143, 2, 2, 1, 1, 24, 76.8));
      assert.equal(report.from, '2026-01-05');
      assert.equal(report.to, '2026-02-02');
      assert.deepEqual(report.groups, []);
      // One rejection each; ties by code: DUPLICATE before PO_MISMATCH. The hostile text is kept as data.
      assert.deepEqual(report.topRejectionReasons, [
        { code: 'DUPLICATE', text: 'Duplicate invoice', count: 1 },
        { code: 'PO_MISMATCH', text: HOSTILE_TEXT, count: 1 },
      ]);
      // Errors only: line-description-length was a warning and held nothing.
      assert.deepEqual(report.topHoldingRules, [
        { rule: 'contract-price', count: 1 },
        { rule: 'po-required', count: 1 },
      ]);
    });

    test('--by customer', async () => {
      const report = await firstPassReport(await history(), { ...base, by: 'customer' });
      // acme, B-1, B-2 = 8; held A-5; submitted 7; success, B-1, B-2 = 4;
      // decided + A-3 = 5 → 0.8; rejected A-3; pending A-7 (not overdue); unknown A-6.
      // hours 6, 12, 12, 24, 72: median rank 2 → 12; p90 rank 3.6 → 24 + 0.6·48 = 52.8.
      // globex: G-10, G-12, G-13 = 3; held G-12; submitted 3; success G-12; decided G-10, G-12 → 0.5; rejected G-10;
      // pending and overdue G-13. hours 48, 84: median rank 0.5 → 66; p90 rank 0.9 → 48 + 0.9·36 = 80.4.
      assert.deepEqual(report.groups, [
        { key: 'acme', ...m(8, 1, 7, 4, 0.8, 1, 1, 1, 0, 12, 52.8) },
        { key: 'globex', ...m(3, 1, 3, 1, 0.5, 1, 1, 0, 1, 66, 80.4) },
      ]);
    });

    test('--by channel: a chain takes the channel of its first external attempt', async () => {
      const report = await firstPassReport(await history(), { ...base, by: 'channel' });
      // none: A-5 (held only). portal: G-10, G-12 (held on "none", sent by portal), G-13. sftp: the other 7 acme chains.
      assert.deepEqual(
        report.groups.map((group) => [group.key, group.invoices]),
        [
          ['none', 1],
          ['portal', 3],
          ['sftp', 7],
        ],
      );
    });

    test('--by month in UTC: B-1 (01-31 23:30 UTC) is January, B-2 (02-01 03:00) February', async () => {
      const report = await firstPassReport(await history(), { ...base, by: 'month' });
      // 2026-01, G-10, A-5, G-12, A-6, G-13, B-1 = 9; held 2; submitted 8; success, G-12, B-1 = 4;
      // decided + A-3, G-10 = 6 → 0.6667; rejected 2; pending G-13 (overdue); unknown A-6.
      // hours 12, 12, 24, 48, 72, 84: median rank 2.5 → 24 + 0.5·24 = 36; p90 rank 4.5 → 72 + 0.5·12 = 78.
      // 2026-02: B-2, A-7 = 2; success B-2 of decided 1 → 1; pending A-7; hours 6 → 6 and 6.
      assert.deepEqual(report.groups, [
        { key: '2026-01', ...m(9, 2, 8, 4, 0.6667, 2, 1, 1, 1, 36, 78) },
        { key: '2026-02', ...m(2, 0, 2, 1, 1, 0, 1, 0, 0, 6, 6) },
      ]);
    });

    test('--by month in two time zones: Berlin moves B-1 into February, New York moves B-2 into January', async () => {
      const berlin = await firstPassReport(await history(), { ...base, by: 'month', timeZone: 'Europe/Berlin' });
      // B-1 was sent 01-31 23:30 UTC = 02-01 00:30 in Berlin (UTC+1 in winter).
      // 2026-01: the 9 above less B-1 = 8; success 3 of decided 5 → 0.6; hours 12, 24, 48, 72, 84: median 48, p90 rank 3.6 → 72 + 0.6·12 = 79.2.
      // 2026-02: B-1, B-2, A-7 = 3; success 2 of decided 2 → 1; hours 6, 12: median 9, p90 rank 0.9 → 6 + 0.9·6 = 11.4.
      assert.deepEqual(berlin.groups, [
        { key: '2026-01', ...m(8, 2, 7, 3, 0.6, 2, 1, 1, 1, 48, 79.2) },
        { key: '2026-02', ...m(3, 0, 3, 2, 1, 0, 1, 0, 0, 9, 11.4) },
      ]);
      const newYork = await firstPassReport(await history(), { ...base, by: 'month', timeZone: 'America/New_York' });
      // B-2 was sent 02-01 03:00 UTC = 01-31 22:00 in New York (UTC−5). January: 10 chains, February: A-7 alone.
      // 2026-01: success 5 of decided 7 → 0.7143 and the hours of the totals (24, 76.8).
      assert.deepEqual(newYork.groups, [
        { key: '2026-01', ...m(10, 2, 9, 5, 0.7143, 2, 1, 1, 1, 24, 76.8) },
        { key: '2026-02', ...m(1, 0, 1, 0, null, 0, 1, 0, 0, null, null) },
      ]);
    });

    test('--from/--to are inclusive dates in the time zone, by the date of the first submission', async () => {
      const february = { ...base, from: '2026-02-01', to: '2026-02-28' };
      // UTC: B-2, A-7. Berlin: B-1, B-2, A-7. New York: A-7 only.
      assert.equal((await firstPassReport(await history(), february)).totals.invoices, 2);
      assert.equal((await firstPassReport(await history(), { ...february, timeZone: 'Europe/Berlin' })).totals.invoices, 3);
      const newYork = await firstPassReport(await history(), { ...february, timeZone: 'America/New_York' });
      assert.deepEqual(newYork.totals, m(1, 0, 1, 0, null, 0, 1, 0, 0, null, null));
      assert.equal(newYork.from, '2026-02-01');
      assert.equal(newYork.to, '2026-02-28');
      // The chain G-10 + G-11 is dated by G-10 (01-20): a period holding only G-11's send (01-22) does not count it.
      const g11Only = await firstPassReport(await history(), { ...base, from: '2026-01-21', to: '2026-01-22' });
      assert.equal(g11Only.totals.invoices, 0);
      assert.deepEqual(g11Only.topRejectionReasons, []);
      // 01-20 alone: the chain with its rejection, and its acceptance (84 h) though G-11 was sent later.
      const g10Day = await firstPassReport(await history(), { ...base, from: '2026-01-20', to: '2026-01-20' });
      assert.deepEqual(g10Day.totals, m(1, 0, 1, 0, 0, 1, 0, 0, 0, 84, 84));
    });

    test('--by rule: the chains each rule held', async () => {
      const report = await firstPassReport(await history(), { ...base, by: 'rule' });
      // contract-price held G-12, later accepted first time out (48 h); po-required held A-5, never sent.
      assert.deepEqual(report.groups, [
        { key: 'contract-price', ...m(1, 1, 1, 1, 1, 0, 0, 0, 0, 48, 48) },
        { key: 'po-required', ...m(1, 1, 0, 0, null, 0, 0, 0, 0, null, null) },
      ]);
    });

    test('an empty store gives zeros and nulls, not an error', async () => {
      const target = await harness.fresh();
      const empty = await openStore(target.url, target.options);
      try {
        const report = await firstPassReport(empty, { ...base, by: 'month' });
        assert.deepEqual(report, {
          from: null,
          to: null,
          totals: m(0, 0, 0, 0, null, 0, 0, 0, 0, null, null),
          groups: [],
          topRejectionReasons: [],
          topHoldingRules: [],
        });
      } finally {
        await empty.close();
      }
    });
  });
}
