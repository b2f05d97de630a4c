import { CHANNELS, secretReader } from '../../src/channels/index.js';

/**
 * A separate process that sends one large document over SFTP, so a test can kill it with
 * SIGKILL in the middle of the upload. Arguments: the channel config as JSON, the environment
 * its secrets are read from as JSON, the document's size in bytes.
 */
const [configJson = '{}', environmentJson = '{}', size = '0'] = process.argv.slice(2);
const channel = CHANNELS.get('sftp')!.open(JSON.parse(configJson), {
  secret: secretReader('/nonexistent', JSON.parse(environmentJson)),
  timeoutMs: 30_000,
});
await channel.send({
  idempotencyKey: 'k-BIG-1',
  invoiceNumber: 'BIG-1',
  customerId: 'acme',
  document: { fileName: 'BIG-1.ubl.xml', mediaType: 'application/xml', content: new Uint8Array(Number(size)).fill(0x41) },
  attachments: [],
  testMode: false,
});
await channel.close();
process.stdout.write('sent\n');
