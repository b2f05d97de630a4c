import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../support/temp.js';
import type { StoreHarness } from '../store/store-suite.js';
import { chainSummariesSuite } from './chain-summaries-suite.js';

const folders: string[] = [];

const harness: StoreHarness = {
  dialect: 'sqlite',
  storesPerProcess: 1,
  async fresh() {
    const folder = tempFolder();
    folders.push(folder);
    return { url: `sqlite:${join(folder, 'store.sqlite')}`, options: {} };
  },
  async cleanup() {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  },
};
chainSummariesSuite(harness);
