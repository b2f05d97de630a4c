#!/usr/bin/env node
/**
 * Benchmark of `firstpass validate`: the whole process (start-up, reading, schema checks, every
 * built-in rule, output), timed from outside, with the child's peak resident memory.
 *
 *   npm run build && node bench/validate.mjs              # N = 10,000 and 100,000
 *   node bench/validate.mjs 10000 100000 --repeat 3       # choose N; median of 3 runs
 *   node bench/validate.mjs 2000 --keep                   # keep the generated files
 *   node bench/validate.mjs 50000 --numbers               # line numbers and quantities as JSON numbers
 *
 * Plain Node ESM with no dependencies, so it runs on the compiled CLI (dist/) exactly as a user
 * would. See bench/README.md for what each figure means.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const TODAY = '2026-11-20';
const CUSTOMER = 'bench-co';
const DEFAULT_SIZES = [10_000, 100_000];
/** json-rules-engine is the slow reference path: only measured up to this N. */
const ENGINE_MAX_N = 10_000;
/** Invoices in the --json sanity check run before timing (enough to hit every kind of break). */
const SANITY_N = 2_000;
const BROKEN_SHARE = 0.1;
const TARGET_PER_SECOND = 10_000;

// ---------------------------------------------------------------------------------------------
// Exact decimal arithmetic on scaled BigInts. The generator must state amounts that firstpass's
// decimal.js arithmetic agrees with to the cent, so no binary floats anywhere near money.
// ---------------------------------------------------------------------------------------------

/** "12.5" at scale 3 → 12500n. Non-negative decimal strings with at most `scale` decimals. */
function toScaled(text, scale) {
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} decimals`);
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

/** 12500n at scale 3 → "12.500". */
function fromScaled(value, scale) {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  return scale === 0 ? sign + digits : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** value / divisor rounded half away from zero: decimal.js ROUND_HALF_UP, which firstpass uses. */
function roundDiv(value, divisor) {
  const magnitude = ((value < 0n ? -value : value) * 2n + divisor) / (2n * divisor);
  return value < 0n ? -magnitude : magnitude;
}

const cents = (text) => toScaled(text, 2);
const money = (amountInCents) => fromScaled(amountInCents, 2);

/** quantity × unitPrice in cents: quantity has ≤ 1 decimal, unit price ≤ 3, so the product has 4. */
function lineAmountCents(quantity, unitPrice) {
  return roundDiv(toScaled(quantity, 1) * toScaled(unitPrice, 3), 100n);
}

// ---------------------------------------------------------------------------------------------
// The customer: a catalog, purchase orders and a profile that switches on every built-in rule.
// ---------------------------------------------------------------------------------------------

const TAX_RATES = { S: '19', R: '7', Z: '0' };
const UNITS = ['EA', 'HUR', 'KGM', 'BX'];
/** Some prices carry three decimals, so lineAmount really has to be rounded. */
const PRICES = [
  '12.50',
  '3.375',
  '149.99',
  '0.875',
  '27.40',
  '8.125',
  '64.00',
  '1.999',
  '310.25',
  '45.50',
  '19.95',
  '2.625',
  '99.00',
  '5.005',
  '74.80',
  '11.111',
  '250.00',
  '6.75',
  '38.20',
  '0.995',
];
const WORDS = ['Steel widget', 'Consulting', 'Copper wire', 'Packing crate', 'Hex bolt', 'Installation', 'Cable tie', 'Valve'];

/** 20 catalog items; every PO carries all of them, one PO line each. */
const CATALOG = PRICES.map((unitPrice, index) => {
  const unitOfMeasure = UNITS[index % UNITS.length];
  return {
    sku: `SKU-${1001 + index}`,
    description: `${WORDS[index % WORDS.length]} ${1001 + index} (${unitOfMeasure})`,
    unitOfMeasure,
    unitPrice,
    taxCode: ['S', 'S', 'R', 'Z', 'S'][index % 5],
  };
});

const OPEN_POS = ['PO-10001', 'PO-10002', 'PO-10003', 'PO-10004'];
/** A PO with a small total, for the invoices that are meant to exceed it. */
const SMALL_PO = 'PO-10005';

function purchaseOrders() {
  const order = (poNumber, total) => ({
    poNumber,
    customerId: CUSTOMER,
    status: 'open',
    issueDate: '2026-06-01',
    currency: 'USD',
    total,
    lines: CATALOG.map((item, index) => ({
      poLineNumber: String(index + 1),
      sku: item.sku,
      description: item.description,
      // Large enough that 100,000 clean invoices never use a line up (the run remembers
      // what earlier invoices of the batch took from each PO and PO line).
      quantity: '100000000',
      unitOfMeasure: item.unitOfMeasure,
      unitPrice: item.unitPrice,
      quantityInvoiced: index % 3 === 0 ? '10' : '0',
    })),
  });
  return [...OPEN_POS.map((poNumber) => order(poNumber, '1000000000000.00')), order(SMALL_PO, '1.00')];
}

/** Parameters for every built-in rule id; a rule not listed here is switched on with `true`. */
const RULE_SETTINGS = {
  'po-required': true,
  'po-format': { pattern: '^PO-\\d{5}$' },
  'po-exists': true,
  'po-amount-not-exceeded': { tolerancePercent: '0' },
  'po-line-match': { tolerance: '0' },
  'invoice-number-format': { pattern: '^BN-\\d{8}$' },
  'currency-allowed': true,
  'issue-date-valid': { maxAgeDays: 120 },
  'due-date-terms': true,
  'required-fields': {
    fields: ['/buyer/name', '/buyer/taxId', '/seller/taxId', '/buyerReference', '/lines/*/sku', '/lines/*/poLineNumber'],
  },
  'allowed-values': {
    checks: [
      { field: '/buyerReference', values: ['CC-100', 'CC-200', 'CC-300'] },
      { field: '/shipTo/id', values: ['DOCK-1', 'DOCK-2'] },
    ],
  },
  'duplicate-invoice-number': true,
  'attachments-required': { types: ['timesheet'], extensions: ['.pdf'], maxBytes: 1_048_576 },
  'credit-note-reference': true,
  'line-description-required': true,
  'line-description-length': { min: 3, max: 60 },
  'line-description-pattern': { pattern: '^[A-Za-z0-9 ,.()/-]+$', forbidden: '[~*^|]' },
  'line-description-matches-po': true,
  'tax-code-allowed': { codes: Object.keys(TAX_RATES) },
  'tax-rate-matches-code': { rates: TAX_RATES },
  'uom-allowed': { units: UNITS },
  'contract-price': { tolerance: '0' },
  'line-amount-arithmetic': true,
  'quantity-positive': true,
  'tax-total-arithmetic': { tolerance: '0' },
  'invoice-total-arithmetic': { tolerance: '0' },
};

/** Every id in rules/*.json: the benchmark is only honest if all of them are on. */
function builtInRuleIds() {
  return readdirSync(join(REPO, 'rules'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(REPO, 'rules', name), 'utf8')).id)
    .sort();
}

function profile() {
  const rules = {};
  for (const id of builtInRuleIds()) {
    if (!(id in RULE_SETTINGS)) console.error(`note: bench/validate.mjs has no parameters for rule ${id}; switching it on with true`);
    rules[id] = RULE_SETTINGS[id] ?? true;
  }
  return {
    $schema: join(REPO, 'schemas', 'profile.schema.json'),
    id: CUSTOMER,
    name: 'Bench Co',
    currencies: ['USD'],
    format: { type: 'x12-810' },
    channel: { type: 'email', to: 'ap@bench-co.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
    contract: { prices: Object.fromEntries(CATALOG.map((item) => [item.sku, item.unitPrice])), paymentTerms: 'NET30' },
    rules,
  };
}

// ---------------------------------------------------------------------------------------------
// Invoices: clean ones that pass every rule, and about 10% broken, each in one known way.
// ---------------------------------------------------------------------------------------------

/** mulberry32: a seeded generator, so every run benchmarks the same invoices. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const invoiceNumber = (index) => `BN-${String(index + 1).padStart(8, '0')}`;

/** Recompute lineAmount from quantity × unitPrice. */
function priceLine(line) {
  line.lineAmount = money(lineAmountCents(line.quantity, line.unitPrice));
}

/**
 * taxTotal and totalAmount from the amounts the invoice states: tax per (taxCode, rate) of
 * round(taxable × rate / 100), where taxable = lines + charges − allowances of that group.
 */
function settleTotals(invoice) {
  const groups = new Map();
  const add = (item, amount) => {
    const rate = toScaled(item.taxRate, 2); // percent with 2 decimals: "19" → 1900n
    const key = `${item.taxCode}|${rate}`;
    const group = groups.get(key) ?? { rate, taxable: 0n };
    group.taxable += amount;
    groups.set(key, group);
  };
  let net = 0n;
  for (const line of invoice.lines) {
    add(line, cents(line.lineAmount));
    net += cents(line.lineAmount);
  }
  for (const charge of invoice.charges) {
    add(charge, cents(charge.amount));
    net += cents(charge.amount);
  }
  for (const allowance of invoice.allowances) {
    add(allowance, -cents(allowance.amount));
    net -= cents(allowance.amount);
  }
  let tax = 0n;
  for (const { rate, taxable } of groups.values()) tax += roundDiv(taxable * rate, 10_000n);
  invoice.taxTotal = money(tax);
  invoice.totalAmount = money(net + tax);
}

function cleanInvoice(index, random) {
  const pick = (count) => Math.floor(random() * count);
  const issueDate = addDays(TODAY, -pick(90));
  const first = pick(CATALOG.length);
  const lines = Array.from({ length: 10 }, (_, position) => {
    const item = CATALOG[(first + position) % CATALOG.length];
    // Hours come in halves, so quantities with a decimal appear too.
    const quantity = item.unitOfMeasure === 'HUR' ? fromScaled(BigInt(5 * (1 + pick(80))), 1) : String(1 + pick(50));
    const line = {
      lineNumber: String(position + 1),
      sku: item.sku,
      description: item.description,
      quantity,
      unitOfMeasure: item.unitOfMeasure,
      unitPrice: item.unitPrice,
      taxCode: item.taxCode,
      taxRate: TAX_RATES[item.taxCode],
      poLineNumber: String(CATALOG.indexOf(item) + 1),
    };
    priceLine(line);
    return line;
  });
  // The allowance is 5% of the first line and shares its tax group, so no group goes negative.
  const allowance = roundDiv(cents(lines[0].lineAmount), 20n) + 1n;
  const invoice = {
    invoiceNumber: invoiceNumber(index),
    customerId: CUSTOMER,
    issueDate,
    dueDate: addDays(issueDate, 30),
    generatedAt: `${issueDate}T09:30:00Z`,
    currency: 'USD',
    poNumber: OPEN_POS[index % OPEN_POS.length],
    buyerReference: ['CC-100', 'CC-200', 'CC-300'][index % 3],
    paymentTerms: 'NET30',
    seller: {
      name: 'Firstpass Bench Supplies Ltd',
      id: 'SELLER-1',
      taxId: 'US-12-3456789',
      address: { lines: ['1 Supply Way'], city: 'Springfield', postalCode: '12345', country: 'US' },
    },
    buyer: {
      name: 'Bench Co',
      id: 'BENCH-CO',
      taxId: 'US-98-7654321',
      contact: { name: 'Accounts Payable', email: 'ap@bench-co.example' },
    },
    shipTo: { name: 'Bench Co receiving', id: index % 2 === 0 ? 'DOCK-1' : 'DOCK-2' },
    lines,
    charges: [{ code: 'FREIGHT', description: 'Freight', amount: money(BigInt(2500 + pick(12_500))), taxCode: 'S', taxRate: TAX_RATES.S }],
    allowances: [
      { code: 'DISCOUNT', description: 'Volume discount', amount: money(allowance), taxCode: lines[0].taxCode, taxRate: lines[0].taxRate },
    ],
    taxTotal: '0',
    totalAmount: '0',
    attachments: [{ type: 'timesheet', file: 'timesheet.pdf' }],
  };
  settleTotals(invoice);
  return invoice;
}

/**
 * One way to break an invoice per built-in rule: `rule` must then be among its findings (other
 * rules may fire too, e.g. a wrong UoM also misses the PO line). Each keeps the invoice valid
 * against the invoice schema, since schema errors stop the whole run with exit status 2.
 */
const BREAKS = [
  {
    rule: 'po-required',
    apply: (inv) => {
      delete inv.poNumber;
    },
  },
  {
    rule: 'po-format',
    apply: (inv) => {
      inv.poNumber = 'PO-1001';
    },
  },
  {
    rule: 'po-exists',
    apply: (inv) => {
      inv.poNumber = 'PO-99999';
    },
  },
  {
    rule: 'po-amount-not-exceeded',
    apply: (inv) => {
      inv.poNumber = SMALL_PO;
    },
  },
  {
    rule: 'po-line-match',
    apply: (inv) => {
      inv.lines[1].poLineNumber = '99';
    },
  },
  {
    rule: 'invoice-number-format',
    apply: (inv) => {
      inv.invoiceNumber = inv.invoiceNumber.replace('BN-', 'INV-');
    },
  },
  {
    rule: 'currency-allowed',
    apply: (inv) => {
      inv.currency = 'EUR';
    },
  },
  {
    rule: 'issue-date-valid',
    apply: (inv) => {
      inv.issueDate = addDays(TODAY, 3);
      inv.dueDate = addDays(inv.issueDate, 30);
    },
  },
  {
    rule: 'due-date-terms',
    apply: (inv) => {
      inv.dueDate = addDays(inv.issueDate, 45);
    },
  },
  {
    rule: 'required-fields',
    apply: (inv) => {
      inv.buyer.taxId = ' ';
    },
  },
  {
    rule: 'allowed-values',
    apply: (inv) => {
      inv.buyerReference = 'CC-999';
    },
  },
  {
    rule: 'duplicate-invoice-number',
    apply: (inv, earlierNumber) => {
      inv.invoiceNumber = earlierNumber;
    },
  },
  {
    rule: 'attachments-required',
    apply: (inv) => {
      delete inv.attachments;
    },
  },
  {
    rule: 'credit-note-reference',
    apply: (inv) => {
      inv.documentType = 'credit-note';
    },
  },
  {
    rule: 'line-description-required',
    apply: (inv) => {
      delete inv.lines[4].description;
    },
  },
  {
    rule: 'line-description-length',
    apply: (inv) => {
      inv.lines[4].description += ' with a note far too long for this customer';
    },
  },
  {
    rule: 'line-description-pattern',
    apply: (inv) => {
      inv.lines[4].description += ' *urgent*';
    },
  },
  {
    rule: 'line-description-matches-po',
    apply: (inv) => {
      inv.lines[4].description = 'Something else entirely';
    },
  },
  {
    rule: 'tax-code-allowed',
    apply: (inv) => {
      inv.lines[0].taxCode = 'X';
      settleTotals(inv);
    },
  },
  {
    rule: 'tax-rate-matches-code',
    apply: (inv) => {
      inv.lines[0].taxRate = '20';
      settleTotals(inv);
    },
  },
  {
    rule: 'uom-allowed',
    apply: (inv) => {
      inv.lines[2].unitOfMeasure = 'PCE';
    },
  },
  {
    rule: 'contract-price',
    apply: (inv) => {
      inv.lines[3].unitPrice = fromScaled(toScaled(inv.lines[3].unitPrice, 3) + 1000n, 3);
      priceLine(inv.lines[3]);
      settleTotals(inv);
    },
  },
  {
    rule: 'line-amount-arithmetic',
    apply: (inv) => {
      inv.lines[5].lineAmount = money(cents(inv.lines[5].lineAmount) + 1n);
      settleTotals(inv);
    },
  },
  {
    rule: 'quantity-positive',
    apply: (inv) => {
      inv.lines[6].quantity = '0';
      priceLine(inv.lines[6]);
      settleTotals(inv);
    },
  },
  // Tax and total both up by a cent: the total still adds up, only the tax is wrong.
  {
    rule: 'tax-total-arithmetic',
    apply: (inv) => {
      inv.taxTotal = money(cents(inv.taxTotal) + 1n);
      inv.totalAmount = money(cents(inv.totalAmount) + 1n);
    },
  },
  {
    rule: 'invoice-total-arithmetic',
    apply: (inv) => {
      inv.totalAmount = money(cents(inv.totalAmount) + 100n);
    },
  },
];

/**
 * ERP exports often write line numbers and quantities as JSON numbers (`"quantity": 3`), which
 * the invoice schema accepts and firstpass reads as their exact text. The generator works in
 * decimal strings throughout, so this turns them into numbers only as the invoice is written.
 */
function withNumbers(invoice) {
  for (const line of invoice.lines) {
    line.lineNumber = Number(line.lineNumber);
    line.quantity = Number(line.quantity);
  }
  return invoice;
}

/**
 * Write `count` invoices as JSON Lines; returns what each broken invoice must be flagged for
 * (index → rule id). Written in batches: one write per invoice would slow generation down.
 * `numbers`: line numbers and quantities written as JSON numbers instead of strings.
 */
function writeInvoices(file, count, numbers = false) {
  const random = seededRandom(20261120);
  const expectedFailures = new Map();
  const descriptor = openSync(file, 'w');
  let batch = [];
  let lastCleanNumber;
  let nextBreak = 0;
  for (let index = 0; index < count; index += 1) {
    const invoice = cleanInvoice(index, random);
    // Invoice 0 stays clean, so a duplicate always has an earlier clean number to copy.
    if (index > 0 && random() < BROKEN_SHARE) {
      const broken = BREAKS[nextBreak % BREAKS.length];
      nextBreak += 1;
      broken.apply(invoice, lastCleanNumber);
      expectedFailures.set(index, broken.rule);
    } else {
      lastCleanNumber = invoice.invoiceNumber;
    }
    batch.push(JSON.stringify(numbers ? withNumbers(invoice) : invoice));
    if (batch.length === 1000 || index === count - 1) {
      writeSync(descriptor, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  closeSync(descriptor);
  return expectedFailures;
}

/** The temp folder: profiles/bench-co.json, pos.json, timesheet.pdf and the two helper scripts. */
function prepareWorkspace() {
  const root = join(tmpdir(), `firstpass-bench-${process.pid}`);
  mkdirSync(join(root, 'profiles'), { recursive: true });
  writeFileSync(join(root, 'profiles', `${CUSTOMER}.json`), `${JSON.stringify(profile(), null, 2)}\n`);
  writeFileSync(join(root, 'pos.json'), `${JSON.stringify(purchaseOrders(), null, 2)}\n`);
  // Every invoice attaches this file (relative to the invoice file); firstpass stats it each time.
  writeFileSync(join(root, 'timesheet.pdf'), '%PDF-1.4\n% firstpass benchmark timesheet\n%%EOF\n');
  // Loaded with --import into each measured process: records its peak RSS as it exits. This is
  // how peak memory is read everywhere Node runs, unlike /usr/bin/time -f %M (GNU time only).
  writeFileSync(
    join(root, 'max-rss.mjs'),
    [
      "import { writeFileSync } from 'node:fs';",
      "process.on('exit', () => writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));",
      '',
    ].join('\n'),
  );
  // The floor: the least any validator must do, reading the file line by line and parsing it.
  writeFileSync(
    join(root, 'read-floor.mjs'),
    [
      "import { createReadStream } from 'node:fs';",
      "import { createInterface } from 'node:readline';",
      'let count = 0;',
      "for await (const line of createInterface({ input: createReadStream(process.argv[2], 'utf8'), crlfDelay: Infinity })) {",
      "  if (line.trim() !== '') { JSON.parse(line); count += 1; }",
      '}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this string is the code of a script, template literal included
      'process.stdout.write(`${count} invoices read\\n`);',
      '',
    ].join('\n'),
  );
  return root;
}

// ---------------------------------------------------------------------------------------------
// Running and measuring a process.
// ---------------------------------------------------------------------------------------------

/** Build dist/ when it is missing or older than any source file. */
function ensureBuilt() {
  const newestSource = (directory) =>
    readdirSync(directory, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs), 0);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(REPO, 'src'))) return;
  console.log(existsSync(CLI) ? 'dist/ is older than src/: npm run build' : 'dist/ is missing: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) fail(`npm run build failed (exit status ${build.status})`);
  if (!existsSync(CLI)) fail(`npm run build did not produce ${CLI}`);
}

let runCounter = 0;

/**
 * Run `node <args>` with stdout into `stdoutFile`, timing it from spawn to exit (so Node's own
 * start-up counts, as it does for a user) and reading its peak RSS from the preload.
 */
async function measure(workspace, args, stdoutFile = '/dev/null') {
  const rssFile = join(workspace, `max-rss-${(runCounter += 1)}.txt`);
  const stdout = openSync(stdoutFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(workspace, 'max-rss.mjs')).href, ...args], {
    cwd: REPO,
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, BENCH_MAX_RSS_FILE: rssFile, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const [code, signal] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  closeSync(stdout);
  const rssKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN;
  return { code, signal, seconds, rssMb: rssKb / 1024, stderr };
}

function validateArgs(workspace, invoicesFile, extra = []) {
  return [
    CLI,
    'validate',
    invoicesFile,
    '--profiles',
    join(workspace, 'profiles'),
    '--pos',
    join(workspace, 'pos.json'),
    '--today',
    TODAY,
    ...extra,
  ];
}

/** firstpass exits 1 when some invoice fails, which ours do; 2 (bad input) or 3 (fault) end the benchmark. */
function checkExit(label, run) {
  if (run.code === 1) return;
  if (run.code === 0) {
    console.warn(`warning: ${label} exited 0, but about ${BROKEN_SHARE * 100}% of the invoices are broken and should fail`);
    return;
  }
  fail(`${label} exited ${run.code ?? `on signal ${run.signal}`}:\n${run.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// Sanity check: the benchmark means something only if clean invoices pass and broken ones fail.
// ---------------------------------------------------------------------------------------------

async function sanityCheck(workspace, numbers) {
  const file = join(workspace, `invoices-${SANITY_N}.jsonl`);
  const expected = writeInvoices(file, SANITY_N, numbers);
  for (const evaluator of ['compiled', 'engine']) {
    const output = join(workspace, `sanity-${evaluator}.json`);
    const run = await measure(workspace, validateArgs(workspace, file, ['--json', '--evaluator', evaluator]), output);
    checkExit(`sanity check (${evaluator})`, run);
    const { invoices, summary } = JSON.parse(readFileSync(output, 'utf8'));
    const problems = [];
    invoices.forEach((result, index) => {
      const rule = expected.get(index);
      const rules = result.findings.map((finding) => finding.rule);
      if (rule === undefined && (!result.ok || rules.length > 0))
        problems.push(`clean invoice ${result.invoiceNumber} got ${rules.join(', ')}`);
      if (rule !== undefined && (result.ok || !rules.includes(rule)))
        problems.push(`invoice ${result.invoiceNumber}, broken for ${rule}, got ${rules.join(', ') || 'no finding'}`);
    });
    if (invoices.length !== SANITY_N) problems.push(`${invoices.length} results for ${SANITY_N} invoices`);
    const missed = BREAKS.filter(({ rule }) => ![...expected.values()].includes(rule)).map(({ rule }) => rule);
    if (missed.length > 0) problems.push(`the sample has no invoice broken for ${missed.join(', ')}`);
    if (problems.length > 0) fail(`sanity check (${evaluator}) failed:\n  ${problems.slice(0, 20).join('\n  ')}`);
    console.log(
      `sanity check (${evaluator}): ${summary.passed} passed, ${summary.failed} failed, each broken invoice flagged for its rule; all ${BREAKS.length} rules exercised`,
    );
  }
  // Both evaluators must say the same thing; the unit tests hold them to it, this checks a batch.
  if (readFileSync(join(workspace, 'sanity-compiled.json'), 'utf8') !== readFileSync(join(workspace, 'sanity-engine.json'), 'utf8')) {
    console.warn('warning: the compiled evaluator and json-rules-engine gave different --json output for the sanity sample');
  }
  rmSync(file);
}

// ---------------------------------------------------------------------------------------------
// The benchmark proper.
// ---------------------------------------------------------------------------------------------

function parseArguments(argv) {
  const sizes = [];
  let repeat = 1;
  let keep = false;
  let numbers = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--keep') keep = true;
    else if (argument === '--numbers') numbers = true;
    else if (argument === '--repeat') repeat = Number(argv[(index += 1)]);
    else if (argument.startsWith('--repeat=')) repeat = Number(argument.slice('--repeat='.length));
    else if (/^\d[\d_,]*$/.test(argument)) sizes.push(Number(argument.replace(/[_,]/g, '')));
    else fail(`unknown argument ${argument}\nusage: node bench/validate.mjs [N ...] [--repeat K] [--numbers] [--keep]`);
  }
  if (!Number.isInteger(repeat) || repeat < 1) fail('--repeat needs a whole number of runs, 1 or more');
  return { sizes: sizes.length > 0 ? sizes : DEFAULT_SIZES, repeat, keep, numbers };
}

/** The modes measured for one N: label and the arguments of the node process. */
function modesFor(workspace, file, size) {
  const modes = [
    { mode: 'validate', args: validateArgs(workspace, file), firstpass: true },
    { mode: 'validate --json', args: validateArgs(workspace, file, ['--json']), firstpass: true },
  ];
  if (size <= ENGINE_MAX_N)
    modes.push({ mode: 'validate --evaluator engine', args: validateArgs(workspace, file, ['--evaluator', 'engine']), firstpass: true });
  modes.push({ mode: 'floor: readline + JSON.parse', args: [join(workspace, 'read-floor.mjs'), file], firstpass: false });
  return modes;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function benchmarkSize(workspace, size, repeat, keep, numbers) {
  const file = join(workspace, `invoices-${size}${numbers ? '-numbers' : ''}.jsonl`);
  const started = performance.now();
  const broken = writeInvoices(file, size, numbers).size;
  const megabytes = statSync(file).size / 1024 / 1024;
  console.log(
    `N = ${size.toLocaleString('en-US')}: ${megabytes.toFixed(0)} MB of JSON Lines, ${numbers ? 'line numbers and quantities as JSON numbers, ' : ''}${broken} broken, generated in ${((performance.now() - started) / 1000).toFixed(1)} s (not measured)`,
  );
  const rows = [];
  for (const { mode, args, firstpass } of modesFor(workspace, file, size)) {
    const runs = [];
    for (let attempt = 0; attempt < repeat; attempt += 1) {
      const run = await measure(workspace, args);
      if (firstpass) checkExit(`N = ${size} ${mode}`, run);
      else if (run.code !== 0) fail(`the floor exited ${run.code}:\n${run.stderr}`);
      runs.push(run);
    }
    const seconds = median(runs.map((run) => run.seconds));
    const row = { size, mode, seconds, perSecond: size / seconds, rssMb: Math.max(...runs.map((run) => run.rssMb)) };
    console.log(`  ${formatRow(row)}`);
    rows.push(row);
  }
  if (!keep) rmSync(file); // up to a few hundred MB each
  return rows;
}

const COLUMNS = [
  { title: 'N', width: 9, cell: (row) => row.size.toLocaleString('en-US') },
  { title: 'mode', width: 30, cell: (row) => row.mode, left: true },
  { title: 'seconds', width: 8, cell: (row) => row.seconds.toFixed(2) },
  { title: 'invoices/s', width: 11, cell: (row) => Math.round(row.perSecond).toLocaleString('en-US') },
  { title: 'peak RSS MB', width: 12, cell: (row) => row.rssMb.toFixed(0) },
];

function formatCells(cells) {
  return cells
    .map((text, index) => (COLUMNS[index].left ? text.padEnd(COLUMNS[index].width) : text.padStart(COLUMNS[index].width)))
    .join('  ');
}
const formatRow = (row) => formatCells(COLUMNS.map((column) => column.cell(row)));

function printTable(rows, repeat, numbers) {
  const style = numbers ? 'line numbers and quantities as JSON numbers' : 'every decimal a string';
  console.log(
    `\nfirstpass validate, whole process (node start-up included), ${repeat > 1 ? `median of ${repeat} runs, ` : ''}10 lines per invoice (${style}), every built-in rule on`,
  );
  console.log(formatCells(COLUMNS.map((column) => column.title)));
  console.log(formatCells(COLUMNS.map((column) => '-'.repeat(column.width))));
  for (const row of rows) console.log(formatRow(row));
  console.log(`\ntarget: ≥ ${TARGET_PER_SECOND.toLocaleString('en-US')} invoices/s for the whole process; memory flat as N grows`);
  for (const mode of ['validate', 'validate --json']) {
    const measured = rows.filter((row) => row.mode === mode);
    if (measured.length === 0) continue;
    const speeds = measured
      .map((row) => `${Math.round(row.perSecond).toLocaleString('en-US')}/s at N = ${row.size.toLocaleString('en-US')}`)
      .join(', ');
    const verdict = measured.every((row) => row.perSecond >= TARGET_PER_SECOND) ? 'meets' : 'misses';
    let memory = '';
    if (measured.length > 1) {
      const [smallest, largest] = [measured[0], measured[measured.length - 1]];
      memory = `; peak RSS ${smallest.rssMb.toFixed(0)} → ${largest.rssMb.toFixed(0)} MB (×${(largest.rssMb / smallest.rssMb).toFixed(2)}) from N = ${smallest.size.toLocaleString('en-US')} to ${largest.size.toLocaleString('en-US')}`;
    }
    console.log(`  ${mode}: ${verdict} the speed target (${speeds})${memory}`);
  }
}

let workspaceToRemove;

function fail(message) {
  console.error(`bench/validate.mjs: ${message}`);
  if (workspaceToRemove) rmSync(workspaceToRemove, { recursive: true, force: true });
  process.exit(1);
}

async function main() {
  const { sizes, repeat, keep, numbers } = parseArguments(process.argv.slice(2));
  ensureBuilt();
  const workspace = prepareWorkspace();
  if (!keep) workspaceToRemove = workspace;
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}); workspace ${workspace}`);
  await sanityCheck(workspace, numbers);
  const rows = [];
  for (const size of [...sizes].sort((a, b) => a - b)) rows.push(...(await benchmarkSize(workspace, size, repeat, keep, numbers)));
  printTable(rows, repeat, numbers);
  if (keep) console.log(`\nkept ${workspace}`);
  else rmSync(workspace, { recursive: true, force: true });
}

await main();
