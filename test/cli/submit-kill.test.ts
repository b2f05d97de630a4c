import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { portalChannel } from '../../src/channels/portal.js';
import { startPortalSandbox } from '../../src/sandbox/portal-server.js';
import { killAfterArrivals, PROJECT_ROOT, runFirstpass as run } from '../support/cli.js';
import { profilesWithChannels, portalRestChannel, portalArrivals } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * A `firstpass submit` of 300 invoices to the sandbox portal, killed with SIGKILL once the portal
 * has received about 50, then run again: no invoice arrives twice, and every one that did not
 * arrive is one that `status` says is `sending` or `unknown` (the ones in flight when it died, no
 * more than the customer's limit of sends at once).
 */

const COUNT = 300;
const KILL_AFTER = 50;
const TODAY = '2026-11-20';

interface SubmitJson {
  invoices: { invoiceNumber: string; outcome: string; state?: string }[];
}

test('a submit of 300 invoices killed with SIGKILL half way, then run again: nothing arrives twice, nothing is lost', async () => {
  const portal = await startPortalSandbox();
  try {
    const root = tempFolder();
    const profiles = profilesWithChannels(join(root, 'profiles'), {
      'stadt-lindenau': portalRestChannel(portal),
    });
    const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples/invoices/stadt-lindenau/CG-2026-10121.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const { $schema: _schema, ...invoice } = example;
    const numbers = Array.from({ length: COUNT }, (_, index) => `CG-2026-${20_000 + index}`);
    writeFileSync(
      join(root, 'invoices.jsonl'),
      `${numbers.map((invoiceNumber) => JSON.stringify({ ...invoice, invoiceNumber })).join('\n')}\n`,
    );
    const database = `sqlite:${join(root, 'kill.db')}`;
    const args = [
      'submit',
      join(root, 'invoices.jsonl'),
      '--profiles',
      profiles,
      '--pos',
      join(PROJECT_ROOT, 'examples', 'purchase-orders'),
      '--today',
      TODAY,
      '--db',
      database,
      '--json',
    ];
    const env = { TEST_PORTAL_API_KEY: portal.apiKey };

    await killAfterArrivals(args, env, () => portal.requests.length, KILL_AFTER);
    const beforeRerun = portal.requests.length;
    assert.ok(beforeRerun >= KILL_AFTER && beforeRerun < COUNT, `${beforeRerun} arrived before the kill`);

    const rerun = await run(args, env);
    assert.equal(rerun.status, 0, `${rerun.stdout}\n${rerun.stderr}`);
    const report = JSON.parse(rerun.stdout) as SubmitJson;
    assert.equal(report.invoices.length, COUNT);

    const arrivals = portalArrivals(portal.requests);
    const twice = [...arrivals].filter(([, count]) => count > 1);
    assert.deepEqual(twice, [], 'no invoice arrived twice');

    // Every invoice is sent (this run or the killed one) or was left in flight by the kill.
    const inFlight = report.invoices.filter((entry) => entry.state === 'sending' || entry.state === 'unknown');
    for (const entry of report.invoices) {
      if (inFlight.includes(entry)) continue;
      assert.ok(
        entry.outcome === 'sent' || (entry.outcome === 'unchanged' && entry.state === 'sent'),
        `${entry.invoiceNumber}: ${entry.outcome} ${entry.state ?? ''}`,
      );
      assert.equal(arrivals.get(entry.invoiceNumber), 1, `${entry.invoiceNumber} was sent and arrived once`);
    }
    // Sends overlap within the customer's limit (the portal's default); a send whose answer came but was not
    // recorded yet has freed its slot for the next, so at most twice the limit are left `sending`.
    assert.ok(inFlight.length <= 2 * portalChannel.limits.perCustomer, `in flight when killed: ${JSON.stringify(inFlight)}`);
    const lost = numbers.filter((number) => !arrivals.has(number));
    assert.ok(
      lost.every((number) => inFlight.some((entry) => entry.invoiceNumber === number)),
      `not delivered: ${lost.join(', ')}; in flight: ${inFlight.map((entry) => entry.invoiceNumber).join(', ')}`,
    );
    // status says the same of each in-flight one; it was not sent again by the second run.
    for (const entry of inFlight) {
      const shown = await run(['status', entry.invoiceNumber, '--db', database, '--json'], env);
      assert.equal(shown.status, 0, shown.stderr);
      const versions = (JSON.parse(shown.stdout) as { versions: { state: string | null; attempts: unknown[] }[] }).versions;
      assert.equal(versions.length, 1);
      assert.ok(['sending', 'unknown'].includes(versions[0]?.state ?? ''), `${entry.invoiceNumber} is ${versions[0]?.state}`);
      assert.equal(versions[0]?.attempts.length, 1, `${entry.invoiceNumber} was not attempted again`);
      assert.ok((arrivals.get(entry.invoiceNumber) ?? 0) <= 1);
    }
  } finally {
    await portal.stop();
  }
});
