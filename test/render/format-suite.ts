/**
 * The one test suite every registered format passes (as test/store/store-suite.ts is for store
 * drivers): formats.test.ts runs it over the table of src/render/formats/ with a harness per
 * format that holds the outside reader or validator of that format.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { ControlNumbers } from '../../src/model/control-numbers.js';
import type { Invoice } from '../../src/model/invoice.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument, type FormatDefinition, type RenderedDocument } from '../../src/render/index.js';
import { passingExamples, PROJECT_ROOT } from '../support/examples.js';
import { tempFolder } from '../support/temp.js';

export interface RenderedFile {
  readonly label: string;
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  readonly document: RenderedDocument;
  /** Where the document was written, under its own file name. */
  readonly path: string;
  /** The control numbers it was rendered with. */
  readonly controlNumbers: ControlNumbers;
}

export interface FormatHarness {
  /** Checks every rendered document with the format's outside reader or validator, in one go (a validator may start a JVM). */
  check(t: TestContext, files: readonly RenderedFile[]): Promise<void> | void;
  /** Numbered formats: the control numbers the outside reader finds in a document, by kind (those the format writes). */
  controlNumbersOf?(document: RenderedDocument): Partial<ControlNumbers>;
}

const NOW = '2026-11-20T10:00:00Z';

/** The passing examples of the customers whose profiles ask for this format, rendered and written to a folder. */
async function renderExamples(definition: FormatDefinition): Promise<RenderedFile[]> {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  const directory = tempFolder();
  const rendered: RenderedFile[] = [];
  for (const { label, invoice } of await passingExamples()) {
    const { profile } = await profiles.profile(invoice.customerId);
    if (profile.format.type !== definition.name) continue;
    const index = rendered.length;
    // Different numbers for each kind and document, so that a number written in the wrong place shows.
    const controlNumbers = { interchange: 1001 + index, group: 2001 + index, transaction: 3001 + index };
    const document = await renderDocument({ invoice, profile, format: definition.name, now: NOW, controlNumbers });
    const path = join(directory, document.fileName);
    writeFileSync(path, document.content);
    rendered.push({ label, invoice, profile, document, path, controlNumbers });
  }
  return rendered;
}

export function formatSuite(definition: FormatDefinition, harness: FormatHarness): void {
  describe(`format: ${definition.name}`, () => {
    let rendering: Promise<RenderedFile[]> | undefined;
    const rendered = () => (rendering ??= renderExamples(definition));

    test('renders the examples of its customers to documents with its name, extension and media type', async () => {
      const files = await rendered();
      assert.ok(
        files.length > 0,
        `no customer in customer-profiles/ asks for ${definition.name}: add one with an example, so that the format is tested`,
      );
      for (const { label, document } of files) {
        assert.equal(document.format, definition.name, label);
        assert.ok(document.fileName.endsWith(`.${definition.extension}`), `${label}: ${document.fileName}`);
        assert.equal(document.mediaType, definition.mediaType, label);
        assert.ok(typeof document.content === 'string' ? document.content.length > 0 : document.content.byteLength > 0, `${label}: empty`);
      }
    });

    test(definition.controlNumbers.length > 0 ? 'carries the control numbers it was given' : 'takes no control numbers', async () => {
      const files = await rendered();
      if (definition.controlNumbers.length === 0) {
        assert.equal(harness.controlNumbersOf, undefined, `${definition.name} reads control numbers, but its definition takes none`);
        return;
      }
      assert.ok(harness.controlNumbersOf, `${definition.name} takes control numbers: its harness must read them back`);
      for (const { label, document, controlNumbers } of files) {
        const found = harness.controlNumbersOf(document);
        assert.ok(Object.keys(found).length > 0, `${label}: no control number found`);
        for (const [kind, value] of Object.entries(found)) {
          assert.ok((definition.controlNumbers as readonly string[]).includes(kind), `${label}: writes a ${kind} number it does not take`);
          assert.equal(value, controlNumbers[kind as keyof ControlNumbers], `${label}: ${kind} control number`);
        }
      }
    });

    test('every document passes its outside checker', { timeout: 900_000 }, async (t) => {
      await harness.check(t, await rendered());
    });
  });
}
