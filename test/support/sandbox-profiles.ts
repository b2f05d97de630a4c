import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './cli.js';

/**
 * The example profiles copied to `folder`, with the named customers' `channel` sections replaced
 * (pointed at a sandbox server); returns the folder.
 */
export function profilesWithChannels(folder: string, channels: Readonly<Record<string, Record<string, unknown>>>): string {
  cpSync(join(PROJECT_ROOT, 'customer-profiles'), folder, { recursive: true });
  for (const [customer, channel] of Object.entries(channels)) {
    const file = join(folder, `${customer}.json`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...profile, channel }, null, 2));
  }
  return folder;
}

/** A profile's `channel` for a sandbox portal's REST endpoint (or `url`), its api key in TEST_PORTAL_API_KEY. */
export function portalRestChannel(portal: { readonly restUrl: string; readonly apiKeyHeader: string }, url = portal.restUrl) {
  return {
    type: 'portal',
    flavor: 'rest',
    url,
    auth: { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: 'TEST_PORTAL_API_KEY' } },
  };
}

/**
 * A batch for a sandbox portal: the example profiles in `root/profiles` with Stadt Lindenau's
 * channel pointed at the portal (its api key in TEST_PORTAL_API_KEY), and `root/inbox/export.jsonl`
 * holding Lindenau's example invoice once under each of `numbers`.
 */
export function lindenauExport(
  root: string,
  portal: { readonly restUrl: string; readonly apiKeyHeader: string },
  numbers: readonly string[],
): { readonly profiles: string; readonly inbox: string } {
  const profiles = profilesWithChannels(join(root, 'profiles'), {
    'stadt-lindenau': portalRestChannel(portal),
  });
  const { $schema: _schema, ...invoice } = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'examples/invoices/stadt-lindenau/CG-2026-10121.json'), 'utf8'),
  ) as Record<string, unknown>;
  const inbox = join(root, 'inbox');
  mkdirSync(inbox);
  writeFileSync(
    join(inbox, 'export.jsonl'),
    `${numbers.map((invoiceNumber) => JSON.stringify({ ...invoice, invoiceNumber })).join('\n')}\n`,
  );
  return { profiles, inbox };
}
