import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReceivedRequest } from '../../src/sandbox/portal-server.js';
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

/** The invoice number of a UBL invoice a portal received: its own cbc:ID, the first in the document. */
export function ublInvoiceNumber(ubl: string): string {
  const match = /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(ubl);
  assert.ok(match, 'the portal received a UBL invoice with an ID');
  return match[1] as string;
}

/** How many times each invoice number reached the portal, over the requests `include` takes (all by default). */
export function portalArrivals(
  requests: readonly ReceivedRequest[],
  include: (request: ReceivedRequest) => boolean = () => true,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const request of requests.filter(include)) {
    const number = ublInvoiceNumber(request.parts[0]?.content.toString('utf8') ?? '');
    seen.set(number, (seen.get(number) ?? 0) + 1);
  }
  return seen;
}
