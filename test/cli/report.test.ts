/**
 * `firstpass report` as a user runs it (the compiled CLI) on the hand-built history of
 * test/metrics/history.ts: the JSON shape of the contract, CSV, --out, bad usage, and the HTML
 * report opened in a real Chromium, its figures checked against the JSON report.
 */
import assert from 'node:assert/strict';
import { existsSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { csvField } from '../../src/metrics/formats/index.js';
import { openStore } from '../../src/store/index.js';
import { buildHistory, HOSTILE_TEXT } from '../metrics/history.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
const folder = tempFolder({ 'profiles/.keep': '' });
const db = `sqlite:${join(folder, 'history.sqlite')}`;
const common = ['--db', db, '--profiles', join(folder, 'profiles')];

before(async () => {
  const store = await openStore(db);
  try {
    await buildHistory(store);
  } finally {
    await store.close();
  }
});
after(() => rmSync(folder, { recursive: true, force: true }));

const METRIC_KEYS = [
  'invoices',
  'held',
  'submitted',
  'firstPassSuccess',
  'firstPassRate',
  'rejected',
  'pending',
  'unknown',
  'overdue',
  'timeToAcceptance',
];

function jsonReport(args: readonly string[] = []): Record<string, unknown> & { totals: Record<string, unknown> } {
  const run = firstpass(['report', ...common, '--format', 'json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown> & { totals: Record<string, unknown> };
}

test('report --format json prints exactly the contract shape', () => {
  const report = jsonReport(['--by', 'customer']);
  assert.deepEqual(Object.keys(report), ['from', 'to', 'totals', 'groups', 'topRejectionReasons', 'topHoldingRules']);
  assert.deepEqual(Object.keys(report.totals), METRIC_KEYS);
  assert.deepEqual(Object.keys(report.totals.timeToAcceptance as object), ['medianHours', 'p90Hours']);
  const groups = report.groups as Record<string, unknown>[];
  assert.deepEqual(
    groups.map((group) => Object.keys(group)),
    [
      ['key', ...METRIC_KEYS],
      ['key', ...METRIC_KEYS],
    ],
  );
  assert.deepEqual(Object.keys((report.topRejectionReasons as object[])[0] ?? {}), ['code', 'text', 'count']);
  assert.deepEqual(Object.keys((report.topHoldingRules as object[])[0] ?? {}), ['rule', 'count']);
  // The figures worked out in test/metrics/report-suite.ts (no deadlines in an empty profiles folder: no overdue).
  assert.equal(report.totals.invoices, 11);
  assert.equal(report.totals.firstPassRate, 0.7143);
});

test('report --format csv: one row per group and a total row, RFC 4180 quoting', () => {
  const run = firstpass(['report', ...common, '--format', 'csv', '--by', 'month', '--tz', 'Europe/Berlin']);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.split('\r\n');
  assert.equal(lines.at(-1), '');
  assert.match(lines[0] ?? '', /^group,invoices,held,heldRate,submitted,firstPassSuccess,firstPassRate,/);
  assert.deepEqual(
    lines.slice(1, -1).map((line) => line.split(',').slice(0, 2)),
    [
      ['2026-01', '8'],
      ['2026-02', '3'],
      ['total', '11'],
    ],
  );
  assert.equal(csvField('Müller, "Kessler" & Co\nGmbH'), '"Müller, ""Kessler"" & Co\nGmbH"');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(null), '');
});

test('report --out writes the file whole (temp file and rename) and prints nothing on stdout', () => {
  const out = join(folder, 'out', 'report.csv');
  firstpass(['report', ...common, '--format', 'csv', '--out', out]);
  assert.ok(!existsSync(out), 'a missing folder is not created');
  const run = firstpass(['report', ...common, '--format', 'csv', '--out', join(folder, 'report.csv')]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(readFileSync(join(folder, 'report.csv'), 'utf8'), /^group,/);
  assert.deepEqual(
    readdirSync(folder).filter((name) => name.endsWith('.tmp')),
    [],
  );
});

test('report: bad dates, an unknown time zone and a missing --profiles folder are bad usage (exit 2)', () => {
  for (const [args, pattern] of [
    [['--from', '2026-02-30'], /--from must be a date written YYYY-MM-DD/],
    [['--from', '2026-03-01', '--to', '2026-02-01'], /--from 2026-03-01 is after --to 2026-02-01/],
    [['--tz', 'Mars/Olympus'], /--tz must be an IANA time zone/],
  ] as const) {
    const run = firstpass(['report', ...common, ...args]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, pattern);
  }
  const missing = firstpass(['report', '--db', db, '--profiles', join(folder, 'nowhere')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /is not a folder of customer profiles/);
});

test('report --format html in Chromium: the figures equal the JSON report, charts are SVG, nothing leaves, data stays text', async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (IN_CI) assert.fail(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);
    process.stderr.write(
      `\n*** NOTICE: ${CHROMIUM} is missing, so the HTML report was not checked in a browser (apt-get install chromium)\n\n`,
    );
    t.skip('no chromium');
    return;
  }
  const json = jsonReport();
  const totals = json.totals as {
    firstPassRate: number;
    invoices: number;
    held: number;
    submitted: number;
    rejected: number;
    timeToAcceptance: { medianHours: number; p90Hours: number };
  };
  const html = join(folder, 'report.html');
  const run = firstpass(['report', ...common, '--format', 'html', '--out', html]);
  assert.equal(run.status, 0, run.stderr);
  const text = readFileSync(html, 'utf8');
  assert.doesNotMatch(text, /<script/i, 'no script in the page, not even from data');
  assert.ok(text.includes('&#60;script&#62;document.title='), 'the hostile rejection text is escaped in the table');

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const outside: string[] = [];
    await page.route('**', async (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:')) {
        outside.push(url);
        await route.abort();
      } else await route.continue();
    });
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(pathToFileURL(html).href);
    const figure = async (name: string) => ({
      value: await page.getAttribute(`[data-figure="${name}"]`, 'data-value'),
      shown: (await page.textContent(`[data-figure="${name}"]`))?.trim(),
    });
    assert.deepEqual(await figure('firstPassRate'), {
      value: String(totals.firstPassRate),
      shown: `${(totals.firstPassRate * 100).toFixed(1)} %`,
    });
    assert.deepEqual(await figure('invoices'), { value: String(totals.invoices), shown: String(totals.invoices) });
    assert.deepEqual(await figure('medianHours'), {
      value: String(totals.timeToAcceptance.medianHours),
      shown: totals.timeToAcceptance.medianHours.toFixed(1),
    });
    assert.deepEqual(await figure('p90Hours'), {
      value: String(totals.timeToAcceptance.p90Hours),
      shown: totals.timeToAcceptance.p90Hours.toFixed(1),
    });
    assert.equal((await figure('heldRate')).shown, `${((totals.held / totals.invoices) * 100).toFixed(1)} %`);
    assert.equal((await figure('rejectionRate')).shown, `${((totals.rejected / totals.submitted) * 100).toFixed(1)} %`);
    // The four charts, drawn as SVG at report time.
    assert.equal(await page.locator('figure svg').count(), 4);
    assert.deepEqual(await page.locator('figcaption').allTextContents(), [
      'First-pass rate by month',
      'First-pass rate by customer',
      'Time to acceptance (invoices by hours from generation to acceptance)',
      'Top rejection reasons',
    ]);
    // The hostile rejection text is shown as text: no element, no script ran.
    assert.equal(await page.locator('#rejection-reasons td', { hasText: 'PO not found' }).textContent(), HOSTILE_TEXT);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.title(), 'First-pass report, 2026-01-05 to 2026-02-02 (UTC)');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(outside, [], 'no request leaves the file');
    const screenshot = join(folder, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(readFileSync(screenshot).length > 10_000);
    copyFileSync(screenshot, '/tmp/report-screenshot.png');
  } finally {
    await browser.close();
  }
});
