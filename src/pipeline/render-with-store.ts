import { openStore, prepareDefaultStore, type Store } from '../store/index.js';
import { renderInvoices, type RenderOptions, type WrittenDocument } from './render-invoices.js';

export type RenderWithStoreOptions = Omit<RenderOptions, 'now' | 'allocate'> & {
  /** The database for control numbers: sqlite:<file> or postgres://… */
  readonly database: string;
};

/**
 * `firstpass render` with its control numbers taken from the store at `database`, stamped now.
 * The store is opened only when the first control number is needed, which is after every
 * invoice has been read and rendered once: a run that stops on bad input writes nothing.
 */
export async function renderWithStore(options: RenderWithStoreOptions): Promise<WrittenDocument[]> {
  let store: Store | undefined;
  try {
    return await renderInvoices({
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
  } finally {
    await store?.close();
  }
}
