/**
 * A store written before migration 004 (no chain_id, state_at, generated_at, held_findings) is
 * brought up to date on open, and the report counts its history as if it had been written after.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstPassReport } from '../../src/metrics/index.js';
import { sqliteDriver } from '../../src/store/drivers/sqlite.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/index.js';
import { tempFolder } from '../support/temp.js';

test('migration 004 fills chains, state times, generatedAt and held findings of an older store', async () => {
  const folder = tempFolder();
  const url = `sqlite:${join(folder, 'old.sqlite')}`;
  try {
    const db = await sqliteDriver.connect(url, {}, []);
    try {
      await migrate(
        db,
        MIGRATIONS.filter((step) => step.version <= 2),
      );
      const version = (id: number, number: string, json: object, supersedes: string | null, seen: string) => ({
        id,
        customer: 'acme',
        invoice_number: number,
        content_hash: String(id).padStart(64, '0'),
        invoice_json: JSON.stringify(json),
        supersedes,
        first_seen_at: seen,
      });
      await db
        .knex('invoice_versions')
        .insert([
          version(1, 'A-1', { generatedAt: '2026-01-01T01:00:00+01:00' }, null, '2026-01-01T06:00:00.000Z'),
          version(2, 'A-1', { note: 'second version, never sent' }, null, '2026-01-02T06:00:00.000Z'),
          version(3, 'A-2', { supersedes: 'A-1' }, 'A-1', '2026-01-03T00:00:00.000Z'),
          version(4, 'H-1', {}, null, '2026-01-05T00:00:00.000Z'),
        ]);
      await db.knex('submissions').insert([
        { id: 1, version_id: 1, channel: 'portal', format: 'cxml', state: 'rejected', created_at: '2026-01-02T00:00:00.000Z' },
        { id: 2, version_id: 3, channel: 'portal', format: 'cxml', state: 'accepted', created_at: '2026-01-03T00:00:00.000Z' },
        { id: 3, version_id: 4, channel: 'none', format: 'cxml', state: 'held', created_at: '2026-01-05T00:00:00.000Z' },
      ]);
      const event = (submission: number, at: string, from: string | null, to: string, detail?: object) => ({
        submission_id: submission,
        at,
        from_state: from,
        to_state: to,
        source: 'test',
        detail_json: detail === undefined ? null : JSON.stringify(detail),
      });
      await db.knex('submission_events').insert([
        event(1, '2026-01-02T00:00:00.000Z', null, 'sending'),
        event(1, '2026-01-02T01:00:00.000Z', 'sending', 'rejected', { code: 'X1', text: 'bad reference' }),
        event(2, '2026-01-03T00:00:00.000Z', null, 'sending'),
        event(2, '2026-01-03T00:00:01.000Z', 'sending', 'sent'),
        event(2, '2026-01-04T00:00:00.000Z', 'sent', 'accepted'),
        event(3, '2026-01-05T00:00:00.000Z', null, 'held', {
          reason: 'validation',
          findings: [
            { rule: 'po-required', severity: 'error', message: 'no PO', path: '/poNumber' },
            { rule: 'uom-allowed', severity: 'warning', message: 'EA?', path: '/lines/0/unitOfMeasure' },
          ],
        }),
      ]);
    } finally {
      await db.knex.destroy();
    }
    const store = await openStore(url);
    try {
      const report = await firstPassReport(store, { now: new Date('2026-02-01T00:00:00Z'), deadlines: new Map() });
      // Chains: A-1 (both versions, and A-2 which supersedes it) and H-1 = 2 invoices.
      // A-1's first external submission was rejected: decided, not a success (rate 0 of 1); A-2 accepted it
      // 2026-01-04 00:00, 72 h after A-1's generatedAt (01-01 01:00+01:00 = 01-01 00:00 UTC).
      assert.deepEqual(report.totals, {
        invoices: 2,
        held: 1,
        submitted: 1,
        firstPassSuccess: 0,
        firstPassRate: 0,
        rejected: 1,
        pending: 0,
        unknown: 0,
        overdue: 0,
        timeToAcceptance: { medianHours: 72, p90Hours: 72 },
      });
      assert.deepEqual(report.topRejectionReasons, [{ code: 'X1', text: 'bad reference', count: 1 }]);
      assert.deepEqual(report.topHoldingRules, [{ rule: 'po-required', count: 1 }]);
      assert.equal(report.from, '2026-01-02');
    } finally {
      await store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
