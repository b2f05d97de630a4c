import { resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import { loadPurchaseOrders } from '../pipeline/inputs.js';
import { type RunningSandbox, type SandboxCustomer, startSandbox } from '../pipeline/start-sandbox.js';
import { printable } from './printable.js';

export interface SandboxCommandOptions {
  readonly directory?: string | undefined;
  readonly profilesDirectory: string;
  /** The buyer's purchase orders (files or folders); none: no PO check. */
  readonly poPaths?: readonly string[];
  /** --decision-delay as given (milliseconds). */
  readonly decisionDelay?: string | undefined;
}

/**
 * `firstpass sandbox`: starts the servers and the buyer, says how to use them, and runs until
 * Ctrl-C or SIGTERM, then stops them and exits 0. Secrets are never printed: they are in the env file.
 */
export async function runSandbox(options: SandboxCommandOptions): Promise<number> {
  const decisionDelayMs = delayOf(options.decisionDelay);
  const orders = await loadPurchaseOrders(options.poPaths ?? []);
  const sandbox = await startSandbox({
    directory: options.directory,
    profilesDirectory: options.profilesDirectory,
    purchaseOrders: orders.values(),
    decisionDelayMs,
  });
  process.stdout.write(
    describe(sandbox, orders.size, decisionDelayMs, options.poPaths ?? [])
      .map((line) => `${printable(line)}\n`)
      .join(''),
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await sandbox.stop();
  const received = sandbox.portalRequests();
  const judged = sandbox.judged.length;
  process.stdout.write(
    `\n${printable(`${signal}: sandbox stopped (${received} portal request${received === 1 ? '' : 's'} received, ${judged} document${judged === 1 ? '' : 's'} judged by the buyer); what arrived stays in ${sandbox.directory}`)}\n`,
  );
  return 0;
}

function delayOf(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,9}$/.test(text))
    throw new InputError('USAGE', 'cli', [
      { location: { file: '--decision-delay' }, message: `is "${text}": expected a whole number of milliseconds, e.g. 5000` },
    ]);
  return Number(text);
}

/** Where a customer's invoices go and where its answers come from. */
function customerLines(customer: SandboxCustomer): string[] {
  const codes = customer.rejectionCodes === undefined ? '' : `, ${customer.rejectionCodes} codes`;
  const head = `  ${customer.id} (${customer.format ?? 'no format'} by ${customer.channel}${codes})`;
  if (customer.channel === 'sftp')
    return [
      head,
      `    invoices arrive in ${customer.remoteDir ?? '/'}; the buyer answers in ${customer.ackDir ?? '(no ackDir: no answers)'}`,
    ];
  if (customer.channel === 'portal') return [head, `    posts to ${customer.url ?? '?'}; decisions at ${customer.statusUrl ?? '?'}`];
  if (customer.channel === 'email') return [head, '    kept as e-mail; no machine answer (record one with `firstpass ack`)'];
  return [head];
}

function describe(sandbox: RunningSandbox, orders: number, decisionDelayMs: number, poPaths: readonly string[]): string[] {
  const pos = poPaths.length > 0 ? ` --pos ${poPaths.map((path) => resolve(path)).join(' ')}` : '';
  return [
    `sandbox folder: ${sandbox.directory}`,
    `portal  http://127.0.0.1:${sandbox.ports.portal} (rest ${sandbox.portalUrls.rest}, cxml ${sandbox.portalUrls.cxml})`,
    `        status: ${sandbox.portalUrls.restStatus}?id=…, ${sandbox.portalUrls.cxmlStatus}?payloadID=… (same credentials)`,
    `sftp    127.0.0.1:${sandbox.ports.sftp}`,
    `smtp    127.0.0.1:${sandbox.ports.smtp} (STARTTLS)`,
    '',
    `profiles: ${sandbox.profilesDirectory} (each channel points at the sandbox)`,
    ...sandbox.channels.map(
      (channel) =>
        `  ${channel.file}: ${channel.type} → ${channel.destination ?? 'left as it was (the sandbox has no server for this channel)'}`,
    ),
    `secrets:  ${sandbox.envFile} (mode 600; the profiles name them with { "env": … })`,
    '',
    `the buyer: checks each invoice for ${orders > 0 ? `a PO among its ${orders}` : 'no PO (start with --pos to check them)'}, a number already used, totals that do not add up;`,
    `  decides ${decisionDelayMs > 0 ? `${decisionDelayMs} ms after receipt` : 'at once'}. Per customer:`,
    ...sandbox.customers.flatMap(customerLines),
    '',
    'submit to it (in another shell):',
    `  set -a; . ${sandbox.envFile}; set +a`,
    `  firstpass submit <invoices> --profiles ${sandbox.profilesDirectory}${pos} --db sqlite:${sandbox.directory}/firstpass.db`,
    `  firstpass acks --profiles ${sandbox.profilesDirectory} --db sqlite:${sandbox.directory}/firstpass.db`,
    '',
    'what arrives:',
    `  SFTP uploads   ${sandbox.pickedUpFolder}/<remoteDir>/… (the buyer picks them up; answers in ${sandbox.sftpRoot}/<ackDir>)`,
    `  e-mails        ${sandbox.mailFolder}/<n>.eml`,
    `  portal posts   ${sandbox.portalFolder}/<n>-<file>`,
    '',
    'ready: Ctrl-C stops the sandbox',
  ];
}
