import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { portalChannel } from '../../src/channels/portal.js';
import { startPortalSandbox } from '../../src/sandbox/portal-server.js';
import { killAfterArrivals, PROJECT_ROOT, runFirstpass as run } from '../support/cli.js';
import { lindenauExport, portalArrivals } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * A `firstpass run` over an inbox of 300 invoices, killed with SIGKILL once the portal has
 * received about 50, then run again: the dead run's lock is taken over, its file (still in the
 * inbox) is read again, no invoice arrives twice and every one arrives, but the one (or two) in
 * flight at the kill, which status shows as sending or unknown and the rerun does not send again.
 */

const COUNT = 300;
const KILL_AFTER = 50;

interface RunJson {
  verdict: string;
  invoices: { invoiceNumber: string; outcome: string; state?: string }[];
  processed: { movedTo: string }[];
}

test('a run killed with SIGKILL half way, then run again: nothing sent twice, nothing lost, the file processed once', async () => {
  const portal = await startPortalSandbox();
  try {
    const root = tempFolder();
    const numbers = Array.from({ length: COUNT }, (_, index) => `CG-2026-${50_000 + index}`);
    const { profiles, inbox } = lindenauExport(root, portal, numbers);
    const database = `sqlite:${join(root, 'kill.sqlite')}`;
    const args = ['run', '--inbox', inbox, '--profiles', profiles, '--pos', join(PROJECT_ROOT, 'examples', 'purchase-orders')];
    args.push('--today', '2026-11-20', '--db', database, '--json', '--settle', '0');
    const env = { TEST_PORTAL_API_KEY: portal.apiKey };

    await killAfterArrivals(args, env, () => portal.requests.length, KILL_AFTER);
    assert.deepEqual(readdirSync(inbox), ['export.jsonl'], 'a killed run moved nothing');

    const rerun = await run(args, env);
    const report = JSON.parse(rerun.stdout) as RunJson;
    assert.equal(report.invoices.length, COUNT);
    const arrivals = portalArrivals(portal.requests);
    assert.deepEqual(
      [...arrivals].filter(([, count]) => count > 1),
      [],
      'no invoice arrived twice',
    );
    const inFlight = report.invoices.filter((entry) => entry.state === 'sending' || entry.state === 'unknown');
    // Sends overlap within the customer's limit; one answered but not yet recorded has freed its slot: at most twice the limit.
    assert.ok(inFlight.length <= 2 * portalChannel.limits.perCustomer, `in flight when killed: ${JSON.stringify(inFlight)}`);
    for (const entry of report.invoices) {
      if (inFlight.includes(entry)) continue;
      assert.ok(
        entry.outcome === 'sent' || (entry.outcome === 'unchanged' && entry.state === 'sent'),
        `${entry.invoiceNumber}: ${entry.outcome}`,
      );
      assert.equal(arrivals.get(entry.invoiceNumber), 1);
    }
    // An invoice left in flight is for a person to check (exit 1); without one, nothing is (exit 0).
    assert.equal(rerun.status, inFlight.length > 0 ? 1 : 0, rerun.stderr);
    assert.deepEqual(readdirSync(inbox).sort(), ['processed']);
    assert.deepEqual(readdirSync(join(inbox, 'processed')), ['export.jsonl']);

    const third = await run(args, env);
    assert.equal(third.status, 0, third.stderr);
    assert.equal((JSON.parse(third.stdout) as RunJson).invoices.length, 0);
  } finally {
    await portal.stop();
  }
});
