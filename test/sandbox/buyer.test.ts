import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import SftpClient from 'ssh2-sftp-client';
import { loadPurchaseOrders } from '../../src/pipeline/inputs.js';
import { type RunningSandbox, startSandbox } from '../../src/pipeline/start-sandbox.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { readEdifactAnswer } from '../support/edifact-answer-reader.js';
import { tempFolder } from '../support/temp.js';
import { parse as parseX12 } from '../support/x12-reader.js';

/**
 * The sandbox's buyer over real sockets, as a customer system firstpass did not write would be
 * met: documents uploaded over SFTP (temporary name, then rename) and posted to the portal; the
 * answers read back over SFTP from the ackDir and parsed by node-x12 (strict) and ts-edifact, the
 * status endpoints polled over HTTP with and without credentials.
 */

const GOLDEN = join(PROJECT_ROOT, 'test', 'golden');
const golden = (path: string) => readFileSync(join(GOLDEN, path), 'utf8');
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false });

/** The golden 810 with its own control numbers (ISA13/IEA02, GS06/GE02, ST02/SE02), so each answer can be matched to what it answers. */
function x12With(text: string, numbers: { isa: string; gs: string; st: string }): string {
  return text
    .replace(/\*000001001\*/, `*${numbers.isa}*`)
    .replace(/IEA\*1\*000001001~/, `IEA*1*${numbers.isa}~`)
    .replace(/(GS\*IN\*[^~]*?\*)2001(\*X\*)/, `$1${numbers.gs}$2`)
    .replace(/GE\*1\*2001~/, `GE*1*${numbers.gs}~`)
    .replace(/ST\*810\*3001~/, `ST*810*${numbers.st}~`)
    .replace(/(SE\*\d+\*)3001~/, `$1${numbers.st}~`);
}

/** The golden INVOIC with its own interchange (UNB/UNZ 0020) and message (UNH/UNT 0062) references. */
function edifactWith(text: string, numbers: { unb: string; unh: string }): string {
  return text
    .replace(/(UNB\+[^']*\+)1001'/, `$1${numbers.unb}'`)
    .replace(/UNZ\+1\+1001'/, `UNZ+1+${numbers.unb}'`)
    .replace(/UNH\+3001\+/, `UNH+${numbers.unh}+`)
    .replace(/(UNT\+\d+\+)3001'/, `$1${numbers.unh}'`);
}

function value(segment: { elements: { value: string }[] } | undefined, position: number): string {
  return segment?.elements[position - 1]?.value ?? '';
}

describe('the sandbox buyer over SFTP and HTTP', () => {
  let sandbox: RunningSandbox;
  const sftp = new SftpClient();
  let uploads = 0;

  /** Upload as the SFTP channel does (a dot name, then the final name) and return the answers that appeared in the ackDir. */
  async function deliver(remoteDir: string, ackDir: string, name: string, content: Buffer): Promise<Map<string, string>> {
    const before = new Set((await sftp.list(ackDir)).map((entry) => entry.name));
    uploads += 1;
    const temporary = `${remoteDir}/.upload-${uploads}.tmp`;
    await sftp.put(content, temporary);
    await sftp.rename(temporary, `${remoteDir}/${name}`);
    const answers = new Map<string, string>();
    for (const entry of await sftp.list(ackDir)) {
      if (before.has(entry.name)) continue;
      answers.set(entry.name.split('_')[0] ?? '', ((await sftp.get(`${ackDir}/${entry.name}`)) as Buffer).toString('latin1'));
    }
    return answers;
  }

  function portalAuth(kind: 'rest' | 'cxml' | 'none' | 'wrong'): Record<string, string> {
    if (kind === 'none') return {};
    if (kind === 'wrong') return { authorization: 'Bearer not-the-token' };
    const secret =
      kind === 'rest' ? sandbox.environment.FIRSTPASS_SANDBOX_PORTAL_TOKEN : sandbox.environment.FIRSTPASS_SANDBOX_PORTAL_SHARED_SECRET;
    return kind === 'rest'
      ? { authorization: `Bearer ${secret}` }
      : { authorization: `Basic ${Buffer.from(`AN01000098765:${secret}`).toString('base64')}` };
  }

  function customerUrl(id: string): string {
    const url = sandbox.customers.find((customer) => customer.id === id)?.url;
    assert.ok(url, `${id} has its own portal address`);
    return url;
  }

  /** The cXML document with the Sender's SharedSecret, as the portal channel sends it. */
  function withSecret(text: string): string {
    const secret = sandbox.environment.FIRSTPASS_SANDBOX_PORTAL_SHARED_SECRET ?? '';
    return text.replace(/(<Sender>\s*<Credential[^>]*>\s*<Identity>[^<]*<\/Identity>)/, `$1<SharedSecret>${secret}</SharedSecret>`);
  }

  async function postCxml(customer: string, text: string): Promise<string> {
    const response = await fetch(customerUrl(customer), {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: withSecret(text),
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<Status code="200"/);
    return /payloadID="([^"]+)"/.exec(text)?.[1] ?? '';
  }

  async function postRest(customer: string, text: string, contentType: string): Promise<string> {
    const response = await fetch(customerUrl(customer), {
      method: 'POST',
      headers: { 'content-type': contentType, ...portalAuth('rest') },
      body: text,
    });
    assert.equal(response.status, 201);
    return ((await response.json()) as { id: string }).id;
  }

  async function restStatus(
    id: string,
    auth: 'rest' | 'none' | 'wrong' = 'rest',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${sandbox.portalUrls.restStatus}?id=${encodeURIComponent(id)}`, { headers: portalAuth(auth) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function cxmlStatus(payloadId: string, auth: 'cxml' | 'none' | 'wrong' = 'cxml'): Promise<{ status: number; text: string }> {
    const response = await fetch(`${sandbox.portalUrls.cxmlStatus}?payloadID=${encodeURIComponent(payloadId)}`, {
      headers: portalAuth(auth),
    });
    return { status: response.status, text: await response.text() };
  }

  before(async () => {
    const orders = await loadPurchaseOrders([join(PROJECT_ROOT, 'examples', 'purchase-orders')]);
    sandbox = await startSandbox({
      directory: tempFolder(),
      profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
      purchaseOrders: orders.values(),
    });
    await sftp.connect({
      host: '127.0.0.1',
      port: sandbox.ports.sftp,
      username: 'firstpass',
      password: sandbox.environment.FIRSTPASS_SANDBOX_SFTP_PASSWORD ?? '',
    });
  });

  after(async () => {
    await sftp.end();
    await sandbox.stop();
  });

  test('start-sandbox points each portal customer at its own address with a statusUrl, and each SFTP customer keeps its folders', () => {
    const profile = (id: string) =>
      JSON.parse(readFileSync(join(sandbox.profilesDirectory, `${id}.json`), 'utf8')) as { channel: Record<string, unknown> };
    assert.equal(profile('meridian-aerospace').channel.statusUrl, sandbox.portalUrls.cxmlStatus);
    assert.equal(profile('stadt-lindenau').channel.statusUrl, sandbox.portalUrls.restStatus);
    assert.match(String(profile('larkspur-health').channel.url), /\/rest\/customers\/larkspur-health\/invoices$/);
    assert.deepEqual(
      sandbox.customers
        .filter((customer) => customer.channel === 'sftp')
        .map((customer) => [customer.id, customer.remoteDir, customer.ackDir]),
      [
        ['brightwater-home', '/inbound/810', '/outbound/997'],
        ['kessler-automotive', '/in/INVOIC', '/out/CONTRL'],
      ],
    );
  });

  test('X12: a clean 810 gets a 997 (AK5 A) and an 824 TA, both naming its GS06 and ST02, sender and receiver swapped', async () => {
    const sent = x12With(golden('x12-810/CP-2611-0409.x12'), { isa: '000000501', gs: '501', st: '5001' });
    const answers = await deliver('/inbound/810', '/outbound/997', 'CP-2611-0409.x12', Buffer.from(sent, 'latin1'));
    assert.deepEqual([...answers.keys()].sort(), ['824', '997']);

    const ack = parseX12(answers.get('997') ?? '');
    assert.equal(value(ack.header, 6).trim(), '078451236', 'ISA06 is the 810 receiver');
    assert.equal(value(ack.header, 8).trim(), 'CALDERPREC', 'ISA08 is the 810 sender');
    const group = ack.functionalGroups[0];
    assert.equal(value(group?.header, 1), 'FA');
    const transaction = group?.transactions[0];
    assert.equal(value(transaction?.header, 1), '997');
    const segment = (tag: string) => transaction?.segments.find((candidate) => candidate.tag === tag);
    assert.deepEqual([value(segment('AK1'), 1), value(segment('AK1'), 2)], ['IN', '501']);
    assert.deepEqual([value(segment('AK2'), 1), value(segment('AK2'), 2)], ['810', '5001']);
    assert.equal(value(segment('AK5'), 1), 'A');
    assert.deepEqual(
      [1, 2, 3, 4].map((position) => value(segment('AK9'), position)),
      ['A', '1', '1', '1'],
    );

    const advice = parseX12(answers.get('824') ?? '');
    assert.equal(value(advice.functionalGroups[0]?.header, 1), 'AG');
    const oti = advice.functionalGroups[0]?.transactions[0]?.segments.find((candidate) => candidate.tag === 'OTI');
    assert.deepEqual(
      [1, 2, 3, 8, 9, 10].map((position) => value(oti, position)),
      ['TA', 'IV', 'CP-2611-0409', '501', '5001', '810'],
    );
    assert.notEqual(value(ack.header, 13), value(advice.header, 13), 'each answer has its own interchange control number');
  });

  test('X12: wrong PO, duplicate number and totals each give a 997 A and an 824 TR with its X12 647 code; the same bytes again are a retry', async () => {
    const cases = [
      {
        name: 'CP-2611-0449.x12',
        text: golden('x12-810/CP-2611-0449.x12').replace('*30418876~', '*99999999~'),
        expected: ['TR', 'CP-2611-0449', '011'],
      },
      {
        name: 'CP-2611-0409.x12',
        text: golden('x12-810/CP-2611-0409.x12').replace('Brightwater DC 0617 Joliet', 'Brightwater DC 0617 Joliet IL'),
        expected: ['TR', 'CP-2611-0409', '006'],
      },
      {
        name: 'CP-2610-0391.x12',
        text: golden('x12-810/CP-2610-0391.x12').replace('TDS*437472~', 'TDS*437473~'),
        expected: ['TR', 'CP-2610-0391', '010'],
      },
    ];
    for (const [index, entry] of cases.entries()) {
      const numbers = { isa: String(600 + index).padStart(9, '0'), gs: String(600 + index), st: String(6000 + index) };
      const answers = await deliver(
        '/inbound/810',
        '/outbound/997',
        entry.name.replace('.x12', `-${index}.x12`),
        Buffer.from(x12With(entry.text, numbers), 'latin1'),
      );
      const ak5 = parseX12(answers.get('997') ?? '').functionalGroups[0]?.transactions[0]?.segments.find(
        (segment) => segment.tag === 'AK5',
      );
      assert.equal(value(ak5, 1), 'A', `${entry.name}: technically accepted`);
      const transaction = parseX12(answers.get('824') ?? '').functionalGroups[0]?.transactions[0];
      const oti = transaction?.segments.find((segment) => segment.tag === 'OTI');
      const ted = transaction?.segments.find((segment) => segment.tag === 'TED');
      assert.deepEqual([value(oti, 1), value(oti, 3), value(ted, 1)], entry.expected, entry.name);
      assert.deepEqual([value(oti, 8), value(oti, 9)], [numbers.gs, numbers.st]);
    }
    const retry = await deliver(
      '/inbound/810',
      '/outbound/997',
      'CP-2611-0409-again.x12',
      Buffer.from(x12With(golden('x12-810/CP-2611-0409.x12'), { isa: '000000501', gs: '501', st: '5001' }), 'latin1'),
    );
    const oti = parseX12(retry.get('824') ?? '').functionalGroups[0]?.transactions[0]?.segments.find((segment) => segment.tag === 'OTI');
    assert.equal(value(oti, 1), 'TA', 'the same bytes again: accepted again, not a duplicate');
  });

  test('X12: an 810 that does not parse gets a 997 that rejects it (AK5 R, AK9 R) and no 824', async () => {
    const whole = x12With(golden('x12-810/CP-2611-0449.x12'), { isa: '000000701', gs: '701', st: '7001' });
    const broken = whole.replace(/SE\*\d+\*7001~/, 'SE*99*7001~');
    const answers = await deliver('/inbound/810', '/outbound/997', 'CP-2611-0449-broken.x12', Buffer.from(broken, 'latin1'));
    assert.deepEqual([...answers.keys()], ['997']);
    const transaction = parseX12(answers.get('997') ?? '').functionalGroups[0]?.transactions[0];
    const segment = (tag: string) => transaction?.segments.find((candidate) => candidate.tag === tag);
    assert.equal(value(segment('AK1'), 2), '701');
    assert.equal(value(segment('AK5'), 1), 'R');
    assert.equal(value(segment('AK9'), 1), 'R');
  });

  test('EDIFACT: a clean INVOIC gets a CONTRL (UCI 7) and an APERAK 29 naming its interchange and message references', async () => {
    const sent = edifactWith(golden('edifact-invoic/CG-2026-10117.edi'), { unb: '801', unh: '8001' });
    const answers = await deliver('/in/INVOIC', '/out/CONTRL', 'CG-2026-10117.edi', Buffer.from(sent, 'latin1'));
    assert.deepEqual([...answers.keys()].sort(), ['APERAK', 'CONTRL']);
    const contrl = readEdifactAnswer(answers.get('CONTRL') ?? '');
    const at = (segments: typeof contrl, tag: string) => segments.find((segment) => segment.tag === tag);
    assert.deepEqual(at(contrl, 'UNB')?.elements.slice(1, 3), [
      ['4051234000003', '14'],
      ['4068194000004', '14'],
    ]);
    assert.deepEqual(at(contrl, 'UNH')?.elements[1], ['CONTRL', 'D', '3', 'UN']);
    assert.deepEqual(at(contrl, 'UCI')?.elements, [['801'], ['4068194000004', '14'], ['4051234000003', '14'], ['7']]);
    assert.deepEqual(at(contrl, 'UCM')?.elements, [['8001'], ['INVOIC', 'D', '96A', 'UN'], ['7']]);

    const aperak = readEdifactAnswer(answers.get('APERAK') ?? '');
    assert.deepEqual(at(aperak, 'UNH')?.elements[1], ['APERAK', 'D', '96A', 'UN']);
    assert.equal(at(aperak, 'BGM')?.elements[2]?.[0], '29');
    assert.deepEqual(
      aperak.filter((segment) => segment.tag === 'RFF').map((segment) => segment.elements[0]),
      [
        ['IV', 'CG-2026-10117'],
        ['ACW', '801'],
      ],
    );
    assert.equal(at(aperak, 'ERC'), undefined);
  });

  test('EDIFACT: wrong PO and totals give an APERAK 27 with the ERC code; a broken INVOIC gets a CONTRL that rejects it', async () => {
    const wrongPo = await deliver(
      '/in/INVOIC',
      '/out/CONTRL',
      'CPBV-26-00341.edi',
      Buffer.from(
        edifactWith(golden('edifact-invoic/CPBV-26-00341.edi').replace("RFF+ON:4700094388'", "RFF+ON:4799999999'"), {
          unb: '802',
          unh: '8002',
        }),
        'latin1',
      ),
    );
    const totals = await deliver(
      '/in/INVOIC',
      '/out/CONTRL',
      'CG-2026-10129.edi',
      Buffer.from(
        edifactWith(golden('edifact-invoic/CG-2026-10129.edi').replace('MOA+77:5131.70', 'MOA+77:5131.71'), { unb: '803', unh: '8003' }),
        'latin1',
      ),
    );
    for (const [answers, code, reference] of [
      [wrongPo, 'PO', '802'],
      [totals, 'TOT', '803'],
    ] as const) {
      const aperak = readEdifactAnswer(answers.get('APERAK') ?? '');
      const at = (tag: string) => aperak.find((segment) => segment.tag === tag);
      assert.equal(at('BGM')?.elements[2]?.[0], '27');
      assert.deepEqual(at('ERC')?.elements[0], [code, '', '92']);
      assert.equal(at('FTX')?.elements[0]?.[0], 'AAO');
      assert.deepEqual(aperak.find((segment) => segment.tag === 'RFF' && segment.elements[0]?.[0] === 'ACW')?.elements[0], [
        'ACW',
        reference,
      ]);
      const uci = readEdifactAnswer(answers.get('CONTRL') ?? '').find((segment) => segment.tag === 'UCI');
      assert.deepEqual([uci?.elements[0]?.[0], uci?.elements[3]?.[0]], [reference, '7']);
    }
    const whole = edifactWith(golden('edifact-invoic/CG-2026-10117.edi'), { unb: '804', unh: '8004' });
    const broken = await deliver(
      '/in/INVOIC',
      '/out/CONTRL',
      'CG-2026-10117-cut.edi',
      Buffer.from(whole.slice(0, whole.indexOf('LIN+2')), 'latin1'),
    );
    assert.deepEqual([...broken.keys()], ['CONTRL']);
    const uci = readEdifactAnswer(broken.get('CONTRL') ?? '').find((segment) => segment.tag === 'UCI');
    assert.deepEqual([uci?.elements[0]?.[0], uci?.elements[3]?.[0]], ['804', '4']);
  });

  test('a file that is no document of the customer format (an attachment) is kept and not answered', async () => {
    const answers = await deliver('/inbound/810', '/outbound/997', 'CP-2611-0409.timesheet.pdf', Buffer.from('%PDF-1.7\n'));
    assert.equal(answers.size, 0);
  });

  test('portal cXML (ariba codes): accepted is reconciled, a total that does not add up is rejected with INVALID_TOTAL; status needs the shared secret', async () => {
    const clean = golden('cxml/CP-2611-0412.cxml.xml');
    const accepted = await postCxml('meridian-aerospace', clean);
    const wrongTotal = await postCxml(
      'meridian-aerospace',
      clean
        .replace('.CP-2611-0412@', '.CP-2611-0413@')
        .replace('invoiceID="CP-2611-0412"', 'invoiceID="CP-2611-0413"')
        .replace(/(<NetAmount>\s*<Money currency="USD">)18234.71/, '$118234.72'),
    );
    const ok = await cxmlStatus(accepted);
    assert.equal(ok.status, 200);
    const okRequest = xml.parse(ok.text).cXML.Request.StatusUpdateRequest;
    assert.equal(okRequest.DocumentReference['@payloadID'], accepted);
    assert.equal(okRequest.Status['@code'], '200');
    assert.equal(okRequest.InvoiceStatus['@type'], 'reconciled');

    const rejected = xml.parse((await cxmlStatus(wrongTotal)).text).cXML.Request.StatusUpdateRequest.InvoiceStatus;
    assert.equal(rejected['@type'], 'rejected');
    assert.equal(rejected.Comments['@type'], 'INVALID_TOTAL');

    assert.equal((await cxmlStatus(accepted, 'none')).status, 401);
    assert.equal((await cxmlStatus(accepted, 'wrong')).status, 403);
    assert.equal((await cxmlStatus('never-sent@example')).status, 404);
  });

  test('portal REST: coupa codes for a wrong PO (417), peppol codes for a duplicate (OTH) and totals (PRI); 401 without credentials, 404 for an unknown id', async () => {
    const wrongPo = await postRest('larkspur-health', golden('cxml/CP-2611-0412.cxml.xml'), 'text/xml');
    assert.deepEqual([(await restStatus(wrongPo)).body.status, (await restStatus(wrongPo)).body.code], ['rejected', '417']);
    const ubl = golden('ubl/CG-2026-10121.ubl.xml');
    const first = await postRest('stadt-lindenau', ubl, 'application/xml');
    const retry = await postRest('stadt-lindenau', ubl, 'application/xml');
    const duplicate = await postRest(
      'stadt-lindenau',
      ubl.replace('<cbc:IssueDate>', '<cbc:Note>again</cbc:Note><cbc:IssueDate>'),
      'application/xml',
    );
    const totals = await postRest(
      'stadt-lindenau',
      ubl
        .replace('<cbc:ID>CG-2026-10121</cbc:ID>', '<cbc:ID>CG-2026-10122</cbc:ID>')
        .replace(/(<cbc:TaxInclusiveAmount currencyID="EUR">)5300.26/, '$15300.27'),
      'application/xml',
    );
    const answer = async (id: string) => {
      const { status, body } = await restStatus(id);
      assert.equal(status, 200);
      assert.equal(body.id, id);
      assert.ok(!Number.isNaN(Date.parse(String(body.updatedAt))));
      return [body.status, body.code];
    };
    assert.deepEqual(await answer(first), ['accepted', undefined]);
    assert.deepEqual(await answer(retry), ['accepted', undefined], 'the same bytes again are a retry');
    assert.deepEqual(await answer(duplicate), ['rejected', 'OTH']);
    assert.deepEqual(await answer(totals), ['rejected', 'PRI']);

    assert.equal((await restStatus(first, 'none')).status, 401);
    assert.equal((await restStatus(first, 'wrong')).status, 403);
    assert.equal((await restStatus('PT-999999')).status, 404);
  });
});

test('with decisionDelayMs, the 997 comes at once and the 824 and portal decision later', async () => {
  const sandbox = await startSandbox({
    directory: tempFolder(),
    profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
    decisionDelayMs: 400,
  });
  const sftp = new SftpClient();
  try {
    await sftp.connect({
      host: '127.0.0.1',
      port: sandbox.ports.sftp,
      username: 'firstpass',
      password: sandbox.environment.FIRSTPASS_SANDBOX_SFTP_PASSWORD ?? '',
    });
    await sftp.put(Buffer.from(golden('x12-810/CP-2611-0409.x12'), 'latin1'), '/inbound/810/.up.tmp');
    await sftp.rename('/inbound/810/.up.tmp', '/inbound/810/CP-2611-0409.x12');
    const kinds = async () => (await sftp.list('/outbound/997')).map((entry) => entry.name.split('_')[0]).sort();
    assert.deepEqual(await kinds(), ['997']);

    const url = sandbox.customers.find((customer) => customer.id === 'stadt-lindenau')?.url ?? '';
    const headers = { authorization: `Bearer ${sandbox.environment.FIRSTPASS_SANDBOX_PORTAL_TOKEN}` };
    const posted = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: golden('ubl/CG-2026-10121.ubl.xml'),
    });
    const { id } = (await posted.json()) as { id: string };
    const status = async () =>
      ((await (await fetch(`${sandbox.portalUrls.restStatus}?id=${id}`, { headers })).json()) as { status: string }).status;
    assert.equal(await status(), 'processing');

    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(await kinds(), ['824', '997']);
    assert.equal(await status(), 'accepted');
  } finally {
    await sftp.end();
    await sandbox.stop();
  }
});
