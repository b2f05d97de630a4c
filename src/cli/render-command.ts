import { renderWithStore, type RenderWithStoreOptions } from '../pipeline/render-with-store.js';
import { printable, printableJson } from './printable.js';

export type RenderCommandOptions = RenderWithStoreOptions & {
  readonly json: boolean;
};

/** `firstpass render`: the customer's document for each invoice, written to --out. */
export async function runRender(options: RenderCommandOptions): Promise<number> {
  const written = await renderWithStore({
    paths: options.paths,
    profilesDirectory: options.profilesDirectory,
    poPaths: options.poPaths,
    format: options.format,
    outDirectory: options.outDirectory,
    database: options.database,
  });
  if (options.json) {
    process.stdout.write(`${printableJson(JSON.stringify({ documents: written }, null, 2))}\n`);
  } else {
    for (const document of written)
      process.stdout.write(`${printable(`${document.invoiceNumber} (${document.customerId}) → ${document.file}`)}\n`);
    process.stdout.write(`${written.length} document${written.length === 1 ? '' : 's'} written to ${printable(options.outDirectory)}\n`);
  }
  return 0;
}
