import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPurchaseOrders } from './inputs.js';
import { startSandbox, type RunningSandbox } from './start-sandbox.js';

/**
 * The workspace `firstpass demo` plays in: a new folder under the temp dir holding a copy of the
 * bundled examples, the sandbox (portal, SFTP and SMTP servers on loopback, and the buyer that
 * judges what arrives) with the bundled profiles pointed at it, and a database of its own, so
 * the demo never touches the user's default database or a real customer.
 */

/** The bundled examples, beside `src/` (or `dist/`) in the package. */
export const examplesDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const bundledProfiles = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'customer-profiles');

/** The day the examples were written for: the date rules compare with, so every run tells the same story. */
export const DEMO_TODAY = '2026-11-20';

/**
 * The customer whose profile the demo leaves without its PO check, and the rule: the buyer
 * rejects the invoice that quotes a PO it never issued, and `profiles suggest` finds the rule.
 */
export const DEMO_LESSON = { customer: 'meridian-aerospace', rule: 'po-exists' } as const;

export interface DemoWorkspace {
  readonly directory: string;
  readonly invoices: string;
  readonly purchaseOrders: string;
  /** The corrected invoices the demo resubmits. */
  readonly corrections: string;
  readonly database: string;
  readonly report: string;
  readonly sandbox: RunningSandbox;
}

export async function prepareDemoWorkspace(): Promise<DemoWorkspace> {
  const directory = await mkdtemp(join(tmpdir(), 'firstpass-demo-'));
  const invoices = join(directory, 'invoices');
  const purchaseOrders = join(directory, 'purchase-orders');
  const corrections = join(directory, 'corrections');
  await cp(join(examplesDirectory, 'invoices'), invoices, { recursive: true });
  await cp(join(examplesDirectory, 'purchase-orders'), purchaseOrders, { recursive: true });
  await cp(join(examplesDirectory, 'demo', 'corrections'), corrections, { recursive: true });
  const sandbox = await startSandbox({
    directory: join(directory, 'sandbox'),
    profilesDirectory: bundledProfiles,
    // The buyer knows every purchase order it issued.
    purchaseOrders: (await loadPurchaseOrders([purchaseOrders])).values(),
  });
  try {
    await switchOffRule(join(sandbox.profilesDirectory, `${DEMO_LESSON.customer}.json`), DEMO_LESSON.rule);
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return {
    directory,
    invoices,
    purchaseOrders,
    corrections,
    database: `sqlite:${join(directory, 'firstpass.db')}`,
    report: join(directory, 'first-pass-report.html'),
    sandbox,
  };
}

/** Sets `rules.<rule>` to false in a profile file, as a specialist new to the customer might have left it. */
async function switchOffRule(file: string, rule: string): Promise<void> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as { rules?: Record<string, unknown> };
  profile.rules = { ...profile.rules, [rule]: false };
  await writeFile(file, `${JSON.stringify(profile, null, 2)}\n`);
}
