import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { segmentSyntaxProblems } from '../../src/render/format-options.js';
import { renderDocument } from '../../src/render/render-document.js';
import { loadTemplate, type Template } from '../../src/render/template.js';
import { firstpass, PROJECT_ROOT } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const CHANNEL = { type: 'email', to: 'ap@globex.example', from: 'billing@seller.example', smtp: { host: 'localhost' } };

function profileText(format: Record<string, unknown>): string {
  return `${JSON.stringify({ id: 'globex', name: 'Globex', currencies: ['USD'], format, channel: CHANNEL }, null, 2)}\n`;
}

/** Lints one customer file; its problems, and the 1-based line of the first line holding `marker`. */
async function lint(format: Record<string, unknown>, marker: string) {
  const text = profileText(format);
  const root = tempFolder({ 'globex.json': text });
  const report = await lintProfiles(root);
  return {
    problems: report.problems,
    line: text.split('\n').findIndex((line) => line.includes(marker)) + 1,
    file: join(root, 'globex.json'),
  };
}

test('a mistyped option key is a lint error at its line, naming the nearest known key', async () => {
  const x12 = await lint({ type: 'x12-810', options: { senderID: 'CALDERPREC', receiverId: '078451236' } }, '"senderID"');
  const typo = x12.problems.find((problem) => problem.field === '/format/options/senderID');
  assert.ok(typo, JSON.stringify(x12.problems));
  assert.equal(typo.location.file, x12.file);
  assert.equal(typo.location.line, x12.line);
  assert.match(typo.message, /did you mean senderId\?/);

  const cxml = await lint({ type: 'cxml', options: { toIdentty: 'AN01' } }, '"toIdentty"');
  const near = cxml.problems.find((problem) => problem.field === '/format/options/toIdentty');
  assert.ok(near, JSON.stringify(cxml.problems));
  assert.match(near.message, /did you mean toIdentity\?/);
  assert.equal(near.location.line, cxml.line);
});

test('an X12 profile without its interchange ids is refused by lint: the template has only placeholders for them', async () => {
  const { problems, line } = await lint({ type: 'x12-810' }, '"type"');
  for (const option of ['senderId', 'receiverId']) {
    const problem = problems.find((entry) => entry.field === `/format/options/${option}`);
    assert.ok(problem, JSON.stringify(problems));
    assert.match(problem.message, /is required to write x12-810 .*a placeholder is never written/);
    assert.equal(problem.location.line, line - 1, 'at the format object, which lacks the options');
  }
  const none = await lint({ type: 'x12-810', options: { senderId: 'CALDERPREC', receiverId: '078451236' } }, '"type"');
  assert.deepEqual(none.problems, []);
});

test('an omit id the template does not have is a lint error at its line, naming the nearest real id', async () => {
  const { problems, line, file } = await lint(
    { type: 'cxml', options: { toIdentity: 'AN01', omit: ['comments', 'paymentTerms'] } },
    '"paymentTerms"',
  );
  const problem = problems.find((entry) => entry.field === '/format/options/omit/1');
  assert.ok(problem, JSON.stringify(problems));
  assert.deepEqual([problem.location.file, problem.location.line], [file, line]);
  assert.match(problem.message, /"paymentTerms" is not a part the cxml templates .*did you mean paymentTerm\?/);
  assert.equal(problems.length, 1, JSON.stringify(problems));
});

test('rendering in a format whose required ids the profile lacks is refused, naming the profile, the format and the option', async () => {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  const { profile } = await profiles.profile('pinecrest-brewing');
  const [{ document: invoice }] = (await readAllDocuments(
    [join(PROJECT_ROOT, 'examples', 'invoices', 'pinecrest-brewing', 'CP-2611-0414.json')],
    'invoice',
  )) as [{ document: Invoice }];
  await assert.rejects(
    renderDocument({
      invoice,
      profile,
      format: 'x12-810',
      controlNumbers: { interchange: 1, group: 1, transaction: 1 },
      now: '2026-11-20T10:00:00Z',
    }),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /pinecrest-brewing/);
      assert.match(error.message, /x12-810/);
      assert.match(error.message, /\/format\/options\/senderId/);
      assert.match(error.message, /\/format\/options\/receiverId/);
      return true;
    },
  );
  // A profile object that never met the schema is held to the same.
  const brightwater = (await profiles.profile('brightwater-home')).profile;
  const typo = {
    ...brightwater,
    format: { type: 'x12-810', options: { senderID: 'CALDERPREC', receiverId: '078451236' } },
  } as unknown as CustomerProfile;
  await assert.rejects(
    renderDocument({ invoice, profile: typo, controlNumbers: { interchange: 1, group: 1, transaction: 1 }, now: '2026-11-20T10:00:00Z' }),
    /\/format\/options\/senderID is not an option of x12-810; did you mean senderId\?/,
  );
});

test('render --format x12-810 for a cXML customer stops with exit 2 and writes nothing', () => {
  const root = tempFolder();
  const out = join(root, 'out');
  const result = firstpass([
    'render',
    'examples/invoices/meridian-aerospace/CP-2611-0412.json',
    '--format',
    'x12-810',
    '--out',
    out,
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /meridian-aerospace/);
  assert.match(result.stderr, /x12-810/);
  assert.match(result.stderr, /senderId/);
  assert.ok(!existsSync(out) || readdirSync(out).length === 0);
});

test('colliding separators are refused by lint, naming both options', async () => {
  const x12 = { senderId: 'CALDERPREC', receiverId: '078451236' };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [
      { type: 'x12-810', options: { ...x12, elementSeparator: '~' } },
      '"elementSeparator"',
      /elementSeparator and segmentTerminator are both "~"/,
    ],
    [
      { type: 'x12-810', options: { ...x12, subElementSeparator: '*' } },
      '"subElementSeparator"',
      /elementSeparator and subElementSeparator are both "\*"/,
    ],
    [
      { type: 'x12-810', version: '005010', options: { ...x12, repetitionSeparator: '>' } },
      '"repetitionSeparator"',
      /subElementSeparator and repetitionSeparator are both ">"/,
    ],
    [{ type: 'x12-810', options: { ...x12, elementSeparator: 'E' } }, '"elementSeparator"', /elementSeparator "E" is a letter or digit/],
    [
      { type: 'edifact-invoic', options: { componentSeparator: '+' } },
      '"componentSeparator"',
      /elementSeparator and componentSeparator are both "\+"/,
    ],
    [
      { type: 'edifact-invoic', options: { releaseCharacter: "'" } },
      '"releaseCharacter"',
      /segmentTerminator and releaseCharacter are both "'"/,
    ],
    [{ type: 'edifact-invoic', options: { elementSeparator: '.' } }, '"elementSeparator"', /elementSeparator "\." is the decimal mark/],
  ];
  for (const [format, marker, expected] of cases) {
    const { problems, line } = await lint(format, marker);
    const problem = problems.find((entry) => expected.test(entry.message));
    assert.ok(problem, `${JSON.stringify(format)}: ${JSON.stringify(problems)}`);
    assert.equal(problem.location.line, line, JSON.stringify(format));
  }
  const empty = await lint({ type: 'edifact-invoic', options: { releaseCharacter: '' } }, '"releaseCharacter"');
  assert.ok(
    empty.problems.some((problem) => problem.field === '/format/options/releaseCharacter' && problem.location.line === empty.line),
    JSON.stringify(empty.problems),
  );
});

test("colliding separators are refused at render too, and a separator in the template's fixed text is refused", async () => {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  const kessler = (await profiles.profile('kessler-automotive')).profile;
  const [{ document: invoice }] = (await readAllDocuments(
    [join(PROJECT_ROOT, 'examples', 'invoices', 'kessler-automotive', 'CG-2026-10117.json')],
    'invoice',
  )) as [{ document: Invoice }];
  for (const options of [{ componentSeparator: '+' }, { releaseCharacter: '' }, { segmentTerminator: ':' }]) {
    const profile = {
      ...kessler,
      format: { ...kessler.format, options: { ...(kessler.format.options as object), ...options } },
    } as CustomerProfile;
    await assert.rejects(
      renderDocument({ invoice, profile, controlNumbers: { interchange: 1, group: 1, transaction: 1 }, now: '2026-11-20T10:00:00Z' }),
      (error: unknown) => error instanceof InputError && /kessler-automotive/.test(error.message) && /edifact-invoic/.test(error.message),
      JSON.stringify(options),
    );
  }
  const template = {
    format: 'x12-810',
    kind: 'segments',
    segments: [{ tag: 'REF', elements: ['VR', 'A-1/{{ invoice.invoiceNumber }}', "{{ 'N/A' | unless:invoice.poNumber }}"] }],
  } as Template;
  const problems = segmentSyntaxProblems({ elementSeparator: '*', subElementSeparator: '/', segmentTerminator: '~' }, template);
  assert.ok(
    problems.some(
      (problem) =>
        problem.field === '/format/options/subElementSeparator' &&
        /"\/" appears in the template's fixed text "A-1\/"/.test(problem.message),
    ),
    JSON.stringify(problems),
  );
  assert.deepEqual(
    segmentSyntaxProblems({ elementSeparator: '*', subElementSeparator: '>', segmentTerminator: '~' }, loadTemplate('x12-810', 'invoice')),
    [],
  );
});

test('the profile schema declares every option each template reads or defaults, with matching types, and nothing else', () => {
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'profile.schema.json'), 'utf8')) as {
    $defs: Record<string, { properties: Record<string, { type?: string; enum?: unknown[] }>; additionalProperties?: boolean }>;
  };
  const definitions: Record<string, string> = {
    'x12-810': 'x12Options',
    'edifact-invoic': 'edifactOptions',
    ubl: 'ublOptions',
    cxml: 'cxmlOptions',
    pdf: 'pdfOptions',
  };
  // Read by the segment writer rather than by a template expression.
  const readByWriter = new Set([
    'elementSeparator',
    'segmentTerminator',
    'subElementSeparator',
    'componentSeparator',
    'repetitionSeparator',
    'releaseCharacter',
    'escape',
    'lineBreak',
    'characterSet',
    'omit',
    'sharedSecret',
  ]);
  for (const [format, name] of Object.entries(definitions)) {
    const declared = schema.$defs[name];
    assert.ok(declared, name);
    assert.equal(declared.additionalProperties, false, `${name} is closed`);
    const used = new Set<string>();
    for (const file of readdirSync(join(PROJECT_ROOT, 'edi-templates', format))) {
      const text = readFileSync(join(PROJECT_ROOT, 'edi-templates', format, file), 'utf8');
      const template = JSON.parse(text) as { options?: Record<string, unknown>; description?: string; requiredOptions?: string[] };
      const body = JSON.stringify({ ...template, description: undefined });
      for (const [, option] of body.matchAll(/options\.([A-Za-z]+)/g)) used.add(option as string);
      for (const [key, value] of Object.entries(template.options ?? {})) {
        used.add(key);
        // version defaults format.version, which has its own pattern per format.
        if (key === 'version' && !declared.properties.version) continue;
        const property = declared.properties[key];
        assert.ok(property, `${format}/${file}: default options.${key} is not declared in $defs/${name}`);
        if (property.type) assert.equal(typeof value, property.type, `${format}/${file}: options.${key}`);
        if (property.enum) assert.ok(property.enum.includes(value), `${format}/${file}: options.${key} ${String(value)}`);
      }
      for (const required of template.requiredOptions ?? []) {
        assert.ok(declared.properties[required], `${format}/${file}: required option ${required} is not declared in $defs/${name}`);
        assert.equal(
          template.options?.[required],
          undefined,
          `${format}/${file}: required option ${required} must have no placeholder default`,
        );
      }
    }
    for (const option of used)
      if (option !== 'version' || declared.properties.version)
        assert.ok(declared.properties[option], `${format}: the templates read options.${option}, which $defs/${name} does not declare`);
    for (const option of Object.keys(declared.properties))
      assert.ok(
        used.has(option) || readByWriter.has(option),
        `${format}: $defs/${name} declares ${option}, which no template or writer reads`,
      );
  }
});
