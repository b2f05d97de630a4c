import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import { ProfileLibrary } from '../../src/profiles/index.js';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { tempFolder } from '../support/temp.js';

const ARIBA_BASE = {
  format: { type: 'cxml', options: { toDomain: 'NetworkID', toIdentity: 'AN01000000001' } },
  channel: {
    type: 'portal',
    flavor: 'cxml',
    url: 'https://service.ariba.example/invoice',
    auth: { type: 'shared-secret', token: { env: 'ARIBA_SHARED_SECRET' } },
  },
  rules: { 'po-required': true, 'duplicate-invoice-number': true, 'invoice-number-format': { pattern: '^[A-Z0-9-]{1,16}$' } },
  submission: { checklist: ['The PO is in the Ariba network'] },
};

function customer(overrides: Record<string, unknown> = {}) {
  return {
    $schema: '../schemas/profile.schema.json',
    extends: '_networks/ariba.json',
    id: 'globex',
    name: 'Globex',
    currencies: ['USD'],
    rules: { 'invoice-number-format': { pattern: '^GX-\\d{6}$' }, 'duplicate-invoice-number': false },
    ...overrides,
  };
}

test('extends: the base gives defaults, the customer overrides key by key, and each setting knows its file', async () => {
  const root = tempFolder({ '_networks/ariba.json': ARIBA_BASE, 'globex.json': customer() });
  const resolved = await new ProfileLibrary(root).profile('globex');
  const { profile } = resolved;
  assert.equal(profile.format.type, 'cxml');
  assert.deepEqual(profile.rules, {
    'po-required': true,
    'duplicate-invoice-number': false,
    'invoice-number-format': { pattern: '^GX-\\d{6}$' },
  });
  assert.deepEqual(resolved.chain, [join(root, '_networks/ariba.json'), join(root, 'globex.json')]);
  assert.equal(resolved.origins.get('/rules/po-required'), join(root, '_networks/ariba.json'));
  assert.equal(resolved.origins.get('/rules/invoice-number-format/pattern'), join(root, 'globex.json'));
  assert.equal(resolved.origins.get('/channel/auth/token/env'), join(root, '_networks/ariba.json'));
  assert.equal(resolved.origins.get('/name'), join(root, 'globex.json'));
});

test('a secret written in plain text is refused with its position and the accepted forms', async () => {
  const text = JSON.stringify(
    customer({
      extends: undefined,
      format: { type: 'pdf' },
      channel: {
        type: 'email',
        to: 'ap@globex.example',
        from: 'billing@seller.example',
        smtp: { host: 'smtp.seller.example', password: 'hunter2' },
      },
    }),
    null,
    2,
  );
  const root = tempFolder({ 'globex.json': text });
  const { problems } = await new ProfileLibrary(root).loadAll();
  const problem = problems.find((entry) => entry.field === '/channel/smtp/password');
  assert.ok(problem, JSON.stringify(problems));
  assert.match(problem.message, /\{ "env": "VARIABLE_NAME" \} or \{ "file": "path" \}/);
  assert.equal(problem.location.line, text.split('\n').findIndex((line) => line.includes('"password"')) + 1);
  assert.ok(!JSON.stringify(problems).includes('hunter2'), 'the secret itself is never repeated');
});

test('lint reports every problem in every file with file, line, column, field and the expected shape', async () => {
  const badRule =
    '{\n  "id": "initech",\n  "name": "Initech",\n  "currencies": ["usd"],\n  "format": { "type": "x12" },\n  "channel": { "type": "email", "to": "ap@initech.example", "from": "b@s.example", "smtp": { "host": "h" } },\n  "rules": { "po-requried": true, "tax-code-allowed": { "codes": [] } }\n}\n';
  const root = tempFolder({ 'initech.json': badRule, 'globex.json': customer({ extends: '_networks/missing.json' }) });
  const report = await lintProfiles(root);
  const described = report.problems.map(
    (problem) =>
      `${problem.location.file.slice(root.length + 1)}:${problem.location.line ?? '-'}:${problem.location.column ?? '-'} ${problem.field} ${problem.message}`,
  );
  const expectOne = (pattern: RegExp) =>
    assert.ok(
      described.some((line) => pattern.test(line)),
      `${pattern} not in\n${described.join('\n')}`,
    );
  expectOne(/^initech\.json:4:18 \/currencies\/0 must be an ISO 4217 code such as USD$/);
  expectOne(/^initech\.json:5:15 \/format\/type must be one of "x12-810", "edifact-invoic", "ubl", "cxml", "pdf"$/);
  expectOne(/^initech\.json:7:14 \/rules\/po-requried is not a known field here; expected one of: po-required, po-format/);
  expectOne(/^initech\.json:7:57 \/rules\/tax-code-allowed\/codes must list at least 1 item$/);
  expectOne(/^globex\.json:-:- \/extends extends "_networks\/missing\.json", but .* does not exist$/);
});

test('a malformed profile names its line and column', async () => {
  const root = tempFolder({ 'acme.json': '{\n  "id": "acme",\n  "name": "Acme"\n  "currencies": ["USD"]\n}\n' });
  await assert.rejects(new ProfileLibrary(root).profile('acme'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /acme\.json:4:3: malformed JSON: expected ',' between items/);
    return true;
  });
});

test('a customer without a profile is named, with the file that was expected', async () => {
  const root = tempFolder({});
  await assert.rejects(new ProfileLibrary(root).profile('hooli'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'PROFILE_MISSING');
    assert.match(error.message, /no profile for customer "hooli": create .*hooli\.json/);
    return true;
  });
});

test('the id must equal the file name, and a customer needs its essential sections', async () => {
  const root = tempFolder({ 'acme.json': { id: 'acme-corp', name: 'Acme' } });
  await assert.rejects(new ProfileLibrary(root).profile('acme'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /\/currencies is required/);
    assert.match(error.message, /\/format is required/);
    assert.match(error.message, /\/channel is required/);
    return true;
  });
  const named = tempFolder({
    'acme.json': { ...customer({ extends: undefined, id: 'acme-corp' }), format: { type: 'pdf' }, channel: ARIBA_BASE.channel },
  });
  await assert.rejects(new ProfileLibrary(named).profile('acme'), /is "acme-corp" but the file is acme\.json/);
});

test('an extends cycle is reported, not followed forever', async () => {
  const root = tempFolder({
    '_a.json': { extends: '_b.json' },
    '_b.json': { extends: '_a.json' },
    'acme.json': customer({ extends: '_a.json' }),
  });
  const report = await lintProfiles(root);
  assert.ok(
    report.problems.some((problem) => /makes a cycle: acme\.json → _a\.json → _b\.json → _a\.json/.test(problem.message)),
    JSON.stringify(report.problems),
  );
});

const BAD_OPERATOR = {
  id: 'globex-terms',
  scope: 'invoice',
  severity: 'error',
  message: 'NET60 only',
  path: '/paymentTerms',
  conditions: { all: [{ fact: 'invoice', path: '$.paymentTerms', operator: 'equals', value: 'NET60' }] },
};
const BUILT_IN_ID = {
  id: 'po-required',
  scope: 'invoice',
  severity: 'error',
  message: 'x',
  path: '/poNumber',
  conditions: { all: [{ fact: 'invoice', path: '$.poNumber', operator: 'present', value: true }] },
};

test('a custom rule with an unknown operator is reported by lint with its position and the operators there are', async () => {
  const text = JSON.stringify(customer({ customRules: [BAD_OPERATOR] }), null, 2);
  const root = tempFolder({ 'globex.json': text, '_networks/ariba.json': ARIBA_BASE });
  const report = await lintProfiles(root);
  const problem = report.problems.find((entry) => entry.field === '/customRules/0/conditions/all/0/operator');
  assert.ok(problem, JSON.stringify(report.problems));
  assert.match(problem.message, /must be one of "equal", "notEqual", .*"sameText"/);
  assert.equal(problem.location.line, text.split('\n').findIndex((line) => line.includes('"equals"')) + 1);
});

test('a custom rule that reuses a built-in id is reported by lint', async () => {
  const root = tempFolder({ 'globex.json': customer({ customRules: [BUILT_IN_ID] }), '_networks/ariba.json': ARIBA_BASE });
  const report = await lintProfiles(root);
  assert.ok(
    report.problems.some(
      (problem) => problem.field === '/customRules/0/id' && /"po-required" is already the id of a built-in rule/.test(problem.message),
    ),
    JSON.stringify(report.problems),
  );
});

test('lint reports a format.template that does not exist, at the profile that names it', async () => {
  const root = tempFolder({
    'globex.json': customer({ format: { type: 'cxml', template: 'ariba-special' } }),
    '_networks/ariba.json': ARIBA_BASE,
  });
  const report = await lintProfiles(root);
  const problem = report.problems.find((entry) => /no template "ariba-special" for format cxml/.test(entry.message));
  assert.ok(problem, JSON.stringify(report.problems));
  assert.equal(problem.location.file, join(root, 'globex.json'));
  assert.equal(problem.field, '/format/template');
});

test('an X12 repetition separator is refused for 004010, where ISA11 must be U, and accepted from 004020 on', async () => {
  const x12 = (format: Record<string, unknown>) =>
    customer({ extends: undefined, format: { type: 'x12-810', ...format }, channel: { type: 'email', to: 'ap@globex.example' } });
  const refused = await lintProfiles(
    tempFolder({ 'globex.json': JSON.stringify(x12({ options: { repetitionSeparator: '^' } }), null, 2) }),
  );
  const problem = refused.problems.find((entry) => /repetitionSeparator/.test(entry.message));
  assert.ok(problem, JSON.stringify(refused.problems));
  assert.equal(problem.field, '/format');
  assert.match(problem.message, /only from version 004020 on .*ISA11 is the control standards identifier U/);
  const stillOld = await lintProfiles(
    tempFolder({ 'globex.json': x12({ version: '005010', options: { repetitionSeparator: '^', version: '004010' } }) }),
  );
  assert.ok(
    stillOld.problems.some((entry) => /repetitionSeparator/.test(entry.message)),
    'options.version 004010 wins over format.version',
  );
  for (const format of [
    { version: '004030', options: { repetitionSeparator: '^' } },
    { options: { repetitionSeparator: '^', version: '005010' } },
    { version: '004010' },
  ]) {
    const accepted = await lintProfiles(tempFolder({ 'globex.json': x12(format) }));
    assert.deepEqual(
      accepted.problems.filter((entry) => /repetitionSeparator/.test(entry.message)),
      [],
      JSON.stringify(format),
    );
  }
});

// Issue 8 item 12.
test('a currency that is three capitals but no ISO 4217 code (UDS) is refused at its position', async () => {
  const text = JSON.stringify(customer({ currencies: ['USD', 'UDS'] }), null, 2);
  const root = tempFolder({ 'globex.json': text, '_networks/ariba.json': ARIBA_BASE });
  const { problems } = await lintProfiles(root);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]?.field, '/currencies/1');
  assert.match(problems[0]?.message ?? '', /"UDS" is not an active ISO 4217 currency code/);
  assert.equal(problems[0]?.location.line, text.split('\n').findIndex((line) => line.includes('"UDS"')) + 1);
  assert.equal(
    (
      await lintProfiles(
        tempFolder({ 'globex.json': customer({ currencies: ['USD', 'JPY', 'KWD', 'EUR'] }), '_networks/ariba.json': ARIBA_BASE }),
      )
    ).problems.length,
    0,
  );
});

test('extends may not leave the profiles folder, by .. or by an absolute path', async () => {
  const outside = tempFolder({ 'x.json': ARIBA_BASE });
  for (const base of ['../../x.json', join(outside, 'x.json'), '_networks/../../x.json']) {
    const root = tempFolder({ 'profiles/globex.json': customer({ extends: base }), 'x.json': ARIBA_BASE });
    const { problems } = await lintProfiles(join(root, 'profiles'));
    assert.ok(
      problems.some(
        (problem) =>
          problem.field === '/extends' &&
          problem.location.file === join(root, 'profiles', 'globex.json') &&
          /which is (outside the profiles folder|an absolute path)/.test(problem.message),
      ),
      `${base}: ${JSON.stringify(problems)}`,
    );
    await assert.rejects(new ProfileLibrary(join(root, 'profiles')).profile('globex'), /\/extends extends ".*x\.json", which is/);
  }
  const inside = tempFolder({
    'globex.json': customer({ extends: '_networks/../_networks/ariba.json' }),
    '_networks/ariba.json': ARIBA_BASE,
  });
  assert.deepEqual((await lintProfiles(inside)).problems, []);
});

test('a problem in a base names the profile that extends it', async () => {
  const root = tempFolder({ '_networks/ariba.json': { ...ARIBA_BASE, rules: { 'po-requried': true } }, 'globex.json': customer() });
  await assert.rejects(new ProfileLibrary(root).profile('globex'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(
      error.message,
      /_networks\/ariba\.json:\d+:\d+: \/rules\/po-requried is not a known field here.* \(in a base that globex\.json extends\)/,
    );
    return true;
  });
  const { problems } = await lintProfiles(root);
  assert.equal(problems.filter((problem) => problem.field === '/rules/po-requried').length, 1, JSON.stringify(problems));
});

// Issue 8 item 14: amounts and percentages written as JSON numbers are read from their text.
test('decimal settings written as JSON numbers are read exactly as written, never through a float', async () => {
  const text = `{
  "id": "globex", "name": "Globex", "currencies": ["USD"],
  "format": { "type": "pdf" },
  "channel": { "type": "email", "to": "ap@globex.example", "from": "b@s.example", "smtp": { "host": "h" } },
  "contract": { "prices": { "W-1": 10.10, "BIG": 12345678901234567.89, "TINY": 0.1 }, "discountPercent": 1e2 },
  "rules": {
    "po-amount-not-exceeded": { "tolerancePercent": 0 },
    "po-line-match": { "tolerance": 1.5E-3 },
    "tax-rate-matches-code": { "rates": { "S": 8.250, "Z": 0 } },
    "issue-date-valid": { "maxAgeDays": 90 }
  }
}
`;
  const { profile } = await new ProfileLibrary(tempFolder({ 'globex.json': text })).profile('globex');
  assert.deepEqual(profile.contract, { prices: { 'W-1': '10.10', BIG: '12345678901234567.89', TINY: '0.1' }, discountPercent: '100' });
  assert.deepEqual(profile.rules, {
    'po-amount-not-exceeded': { tolerancePercent: '0' },
    'po-line-match': { tolerance: '0.0015' },
    'tax-rate-matches-code': { rates: { S: '8.250', Z: '0' } },
    'issue-date-valid': { maxAgeDays: 90 },
  });
});

test('a decimal setting that is neither a number nor a decimal string is refused, saying both forms', async () => {
  const root = tempFolder({ 'globex.json': customer({ contract: { prices: { 'W-1': '10,10' } } }), '_networks/ariba.json': ARIBA_BASE });
  const { problems } = await lintProfiles(root);
  assert.ok(
    problems.some(
      (problem) => problem.field === '/contract/prices/W-1' && /must be a decimal such as 12\.50 or "12\.50"/.test(problem.message),
    ),
    JSON.stringify(problems),
  );
});
