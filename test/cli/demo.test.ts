import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstpass, runFirstpass } from '../support/cli.js';

// The demo as a newcomer runs it: from any folder, the whole flow against the sandbox, exit 0,
// and afterwards the workspace's database tells the same story as the screen.
test('firstpass demo runs the whole loop: held, sent, answered, a rejection learnt from, its correction accepted', async () => {
  const temporary = mkdtempSync(join(tmpdir(), 'firstpass-demo-test-'));
  const result = await runFirstpass(['demo'], { TMPDIR: temporary });
  assert.equal(result.status, 0, result.stderr || result.stdout);
  const out = result.stdout;

  const workspace = /^workspace: (.+)$/m.exec(out)?.[1];
  assert.ok(workspace?.startsWith(temporary), out);
  assert.deepEqual(readdirSync(temporary), [workspace.slice(temporary.length + 1)], 'one workspace, under the temp dir');

  // Step 1: broken examples stay home, the rest go out on every channel.
  assert.match(out, /^held {5}CP-2611-0457 \(brightwater-home\): invoice-total-arithmetic/m);
  for (const channel of ['sftp', 'portal', 'email']) assert.match(out, new RegExp(`^sent {5}\\S+ \\(\\S+\\) via ${channel}: `, 'm'));
  assert.match(out, /^67 invoices: 23 sent, 44 held$/m);
  // Step 2: EDI answers and portal statuses, including the buyer's rejection of the unknown PO.
  assert.match(out, /^accepted +CP-2611-0449 \(brightwater-home\) x12-824 TA/m);
  assert.match(out, /^accepted +CG-2026-10117 \(kessler-automotive\) edifact-aperak 29/m);
  assert.match(out, /^rejected +CP-2611-0433 \(meridian-aerospace\) portal:cxml rejected INVALID_ORDER_REFERENCE/m);
  // Step 4: the lesson, proven, with the diff.
  assert.match(out, /→ switch on po-exists in meridian-aerospace\.json: validated again .* it holds the invoice/);
  assert.match(out, /^- {4}"po-exists": false\n\+ {4}"po-exists": true$/m);
  // Steps 5 and 6: the superseding correction is sent and accepted.
  assert.match(out, /^sent {5}CP-2611-0433-R1 \(meridian-aerospace\) via portal: .*supersedes CP-2611-0433/m);
  assert.match(out, /^accepted +CP-2611-0433-R1 \(meridian-aerospace\) portal:cxml reconciled .*sent → accepted$/m);

  // Steps 7 and 8: the report, in the terminal and as one HTML file whose path the demo ends with.
  assert.match(out, /^meridian-aerospace +17 +11 /m);
  assert.match(out, /^ +1 +INVALID_ORDER_REFERENCE +PO 4500019201 is not one of ours$/m);
  const html = /^first-pass report: (.+\.html)$/m.exec(out)?.[1];
  assert.ok(html?.startsWith(workspace), out);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<svg/);
  assert.match(page, /INVALID_ORDER_REFERENCE/);

  const status = firstpass(['status', 'CP-2611-0433-R1', '--json', '--db', `sqlite:${join(workspace, 'firstpass.db')}`]);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /"state": "accepted"/);
});
