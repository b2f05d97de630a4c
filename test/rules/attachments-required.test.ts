import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttachmentInfo } from '../../src/rules/index.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'attachments-required';
const TIMESHEETS = { types: ['timesheet'], extensions: ['.pdf'], maxBytes: 5_000_000 };
const on = profileWith({ [RULE]: TIMESHEETS });
const withTimesheet = invoiceWith({ attachments: [{ type: 'timesheet', file: 'timesheet.pdf' }] });
const readable = (entries: [string, number][]): ReadonlyMap<string, AttachmentInfo> =>
  new Map(entries.map(([file, bytes]) => [file, { bytes }]));

test('an invoice with its readable timesheet attached passes', async () => {
  assert.deepEqual(await check(on, withTimesheet, { attachments: readable([['timesheet.pdf', 1200]]) }), []);
});

test('an invoice without the required attachment is rejected at /attachments', async () => {
  const finding = onlyFinding(await check(on, invoiceWith()), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/attachments');
  assert.equal(finding.message, 'Acme Corp needs supporting documents: no timesheet is attached.');
});

test('an attachment of another type does not count', async () => {
  const invoice = invoiceWith({ attachments: [{ type: 'receipt', file: 'receipt.pdf' }] });
  const finding = onlyFinding(await check(on, invoice, { attachments: readable([['receipt.pdf', 1200]]) }), RULE);
  assert.match(finding.message, /no timesheet is attached/);
});

test('an attached file that cannot be read is rejected', async () => {
  const finding = onlyFinding(await check(on, withTimesheet), RULE);
  assert.equal(finding.message, 'Acme Corp needs supporting documents: timesheet timesheet.pdf cannot be read.');
});

test('what the pipeline found wrong with an attached file is named in the finding', async () => {
  const finding = onlyFinding(
    await check(on, withTimesheet, { attachments: new Map([['timesheet.pdf', { problem: 'is a folder, not a file' }]]) }),
    RULE,
  );
  assert.equal(finding.message, 'Acme Corp needs supporting documents: timesheet timesheet.pdf is a folder, not a file.');
  assert.equal(finding.path, '/attachments/0/file');
});

test('an attached file of an extension the customer does not take is rejected, listing the allowed ones', async () => {
  const profile = profileWith({ [RULE]: { types: ['timesheet'], extensions: ['.pdf', '.tif'] } });
  const invoice = invoiceWith({ attachments: [{ type: 'timesheet', file: 'hours.xlsx' }] });
  const finding = onlyFinding(await check(profile, invoice, { attachments: readable([['hours.xlsx', 1200]]) }), RULE);
  assert.equal(finding.message, 'Acme Corp needs supporting documents: timesheet hours.xlsx is not one of .pdf, .tif.');
});

test('extensions compare without regard to case', async () => {
  const invoice = invoiceWith({ attachments: [{ type: 'timesheet', file: 'TIMESHEET.PDF' }] });
  assert.deepEqual(await check(on, invoice, { attachments: readable([['TIMESHEET.PDF', 1200]]) }), []);
});

test('a file without an extension is not of an allowed extension', async () => {
  const invoice = invoiceWith({ attachments: [{ type: 'timesheet', file: 'timesheet' }] });
  const finding = onlyFinding(await check(on, invoice, { attachments: readable([['timesheet', 1200]]) }), RULE);
  assert.match(finding.message, /timesheet timesheet is not one of \.pdf/);
});

test('a file over the size limit is rejected, stating its size and the limit', async () => {
  const profile = profileWith({ [RULE]: { types: ['timesheet'], maxBytes: 1000 } });
  const finding = onlyFinding(await check(profile, withTimesheet, { attachments: readable([['timesheet.pdf', 1200]]) }), RULE);
  assert.equal(finding.message, 'Acme Corp needs supporting documents: timesheet timesheet.pdf is 1200 bytes, over the 1000 allowed.');
});

test('a file exactly at the size limit passes', async () => {
  const profile = profileWith({ [RULE]: { types: ['timesheet'], maxBytes: 1200 } });
  assert.deepEqual(await check(profile, withTimesheet, { attachments: readable([['timesheet.pdf', 1200]]) }), []);
});

test('without extensions or a size limit any readable file of the type passes', async () => {
  const profile = profileWith({ [RULE]: { types: ['timesheet'] } });
  const invoice = invoiceWith({ attachments: [{ type: 'timesheet', file: 'hours.xlsx' }] });
  assert.deepEqual(await check(profile, invoice, { attachments: readable([['hours.xlsx', 99_000_000]]) }), []);
});

test('every missing type and every bad file is listed in one finding', async () => {
  const profile = profileWith({ [RULE]: { types: ['timesheet', 'acceptance-form'], extensions: ['.pdf'], maxBytes: 1000 } });
  const invoice = invoiceWith({
    attachments: [
      { type: 'timesheet', file: 'week1.pdf' },
      { type: 'timesheet', file: 'week2.doc' },
    ],
  });
  const finding = onlyFinding(await check(profile, invoice, { attachments: readable([['week1.pdf', 2000]]) }), RULE);
  assert.equal(
    finding.message,
    'Acme Corp needs supporting documents: timesheet week1.pdf is 2000 bytes, over the 1000 allowed; timesheet week2.doc is not one of .pdf; timesheet week2.doc cannot be read; no acceptance-form is attached.',
  );
});

test('a problem with one attached file points at that attachment', async () => {
  const invoice = invoiceWith({
    attachments: [
      { type: 'receipt', file: 'receipt.pdf' },
      { type: 'timesheet', file: 'hours.xlsx' },
    ],
  });
  const finding = onlyFinding(
    await check(on, invoice, {
      attachments: readable([
        ['receipt.pdf', 100],
        ['hours.xlsx', 100],
      ]),
    }),
    RULE,
  );
  assert.equal(finding.path, '/attachments/1/file');
});

test('the profile can lower missing attachments to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { ...TIMESHEETS, severity: 'warning' } }), invoiceWith()), RULE);
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off no attachment is required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith()), []);
});
