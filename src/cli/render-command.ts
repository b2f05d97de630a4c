import { renderInvoices, type RenderOptions } from '../pipeline/render-invoices.js';
import { openStore, prepareDefaultStore, type Store } from '../store/index.js';
import { printable, printableJson } from './printable.js';

export type RenderCommandOptions = Omit<RenderOptions, 'now' | 'allocate'> & {
  /** The database for control numbers: sqlite:<file> or postgres://… */
  readonly database: string;
  readonly json: boolean;
};

/** `firstpass render`: the customer's document for each invoice, written to --out. */
export async function runRender(options: RenderCommandOptions): Promise<number> {
  // The store is opened only when the first control number is needed, which is after every
  // invoice has been read and rendered once: a run that stops on bad input writes nothing.
  let store: Store | undefined;
  try {
    const written = await renderInvoices({
      paths: options.paths,
      profilesDirectory: options.profilesDirectory,
      poPaths: options.poPaths,
      format: options.format,
      outDirectory: options.outDirectory,
      now: new Date().toISOString(),
      allocate: async (partner, kinds) => {
        if (!store) {
          await prepareDefaultStore(options.database);
          store = await openStore(options.database);
        }
        return store.controlNumbers.next(partner, kinds);
      },
    });
    if (options.json) {
      process.stdout.write(`${printableJson(JSON.stringify({ documents: written }, null, 2))}\n`);
    } else {
      for (const document of written) process.stdout.write(printable(`${document.invoiceNumber} (${document.customerId}) → ${document.file}`) + '\n');
      process.stdout.write(`${written.length} document${written.length === 1 ? '' : 's'} written to ${printable(options.outDirectory)}\n`);
    }
    return 0;
  } finally {
    await store?.close();
  }
}
