import { cpSync, readFileSync, writeFileSync } from 'node:fs';
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
