import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FirstpassError } from '../../src/model/errors.js';
import { sqliteFile } from '../../src/store/drivers/sqlite.js';
import { defaultStoreUrl, maskUrl, openStore, storeDriverFor, type StoreLogger } from '../../src/store/index.js';
import { secretsOf } from '../../src/store/store-url.js';

/** A logger that keeps everything, to check that no secret was logged either. */
function recordingLogger(): StoreLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message), debug: (message) => lines.push(message) };
}

async function openFault(url: string, logger = recordingLogger()): Promise<FirstpassError> {
  try {
    const store = await openStore(url, { logger, connectTimeoutMs: 5_000 });
    await store.close();
  } catch (error) {
    assert.ok(error instanceof FirstpassError, String(error));
    return error;
  }
  assert.fail(`${url} opened`);
}

test('maskUrl hides the password and nothing else', () => {
  assert.equal(maskUrl('postgres://u:secret@host/db'), 'postgres://u:***@host/db');
  assert.equal(
    maskUrl('postgresql://u:s%40cr%2Fet@db.example.com:6543/billing?schema=fp'),
    'postgresql://u:***@db.example.com:6543/billing?schema=fp',
  );
  assert.equal(maskUrl('postgres://u:p@ss/w:rd@host/db'), 'postgres://u:***@host/db');
  assert.equal(maskUrl('postgres://u@host:5432/db'), 'postgres://u@host:5432/db');
  assert.equal(
    maskUrl('postgres://host/db?user=u&password=secret&sslmode=require'),
    'postgres://host/db?user=u&password=***&sslmode=require',
  );
  assert.equal(maskUrl('sqlite:data/first@pass.sqlite'), 'sqlite:data/first@pass.sqlite');
  assert.deepEqual(secretsOf('postgres://u:s%40cret@host/db').sort(), ['s%40cret', 's@cret']);
});

test('the registry: sqlite: and postgres(ql):// by scheme, any case', () => {
  assert.equal(storeDriverFor(defaultStoreUrl())?.name, 'sqlite');
  assert.equal(storeDriverFor('SQLite:x.db')?.name, 'sqlite');
  assert.equal(storeDriverFor('postgres://h/d')?.name, 'postgres');
  assert.equal(storeDriverFor('postgresql://h/d')?.name, 'postgres');
  assert.equal(storeDriverFor('mysql://h/d'), undefined);
  assert.equal(storeDriverFor('firstpass.sqlite'), undefined);
});

test('sqlite paths: relative to the working directory, sqlite:// and sqlite:/// accepted', () => {
  assert.equal(sqliteFile('sqlite:firstpass.sqlite', '/srv/billing'), '/srv/billing/firstpass.sqlite');
  assert.equal(sqliteFile('sqlite:data/fp.sqlite', '/srv/billing'), '/srv/billing/data/fp.sqlite');
  assert.equal(sqliteFile('sqlite:/var/lib/fp.sqlite', '/srv/billing'), '/var/lib/fp.sqlite');
  assert.equal(sqliteFile('sqlite:///var/lib/fp.sqlite', '/srv/billing'), '/var/lib/fp.sqlite');
  assert.equal(sqliteFile('sqlite::memory:'), ':memory:');
  assert.equal(sqliteFile('sqlite:'), undefined);
});

test('an unknown scheme: STORE_URL_INVALID, the accepted forms, and never the password', async () => {
  const logger = recordingLogger();
  const error = await openFault('mysql://u:secret@host/db', logger);
  assert.equal(error.code, 'STORE_URL_INVALID');
  assert.equal(error.component, 'store');
  assert.match(error.message, /cannot use the database URL "mysql:\/\/u:\*\*\*@host\/db" \(--db or FIRSTPASS_DB\)/);
  assert.match(error.message, /sqlite:<file>/);
  assert.match(error.message, /postgres:\/\/user:password@host:5432\/database/);
  assert.doesNotMatch(error.message, /secret/);
  assert.ok(logger.lines.every((line) => !line.includes('secret')));
});

test('a path without a scheme, an empty URL, and sqlite: without a file are refused', async () => {
  assert.match((await openFault('firstpass.sqlite')).message, /cannot use the database URL "firstpass\.sqlite"/);
  assert.match((await openFault('  ')).message, /no database URL was given/);
  const noFile = await openFault('sqlite:');
  assert.equal(noFile.code, 'STORE_URL_INVALID');
  assert.match(noFile.message, /names no file/);
});

test('postgres://u:secret@host/db that cannot be reached: STORE_UNAVAILABLE, password masked in the message and the logs', async () => {
  for (const url of ['postgres://u:secret@host/db', 'postgres://u:secret@127.0.0.1:1/db', 'postgresql://u:s%65cret@127.0.0.1:1/db']) {
    const logger = recordingLogger();
    const error = await openFault(url, logger);
    assert.equal(error.code, 'STORE_UNAVAILABLE', error.message);
    assert.match(error.message, /^cannot open the database postgres(ql)?:\/\/u:\*\*\*@(host|127\.0\.0\.1:1)\/db: /);
    assert.doesNotMatch(error.message, /secret|s%65cret/);
    for (const line of logger.lines) assert.doesNotMatch(line, /secret|s%65cret/);
  }
});

test('a postgres URL that is not a URL at all is refused with the password masked', async () => {
  const error = await openFault('postgres://u:p@ss/wd@host:port/db');
  assert.equal(error.code, 'STORE_URL_INVALID');
  assert.match(error.message, /"postgres:\/\/u:\*\*\*@host:port\/db" is not a valid URL: .*percent-encoded/);
  assert.doesNotMatch(error.message, /p@ss|ss\/wd/);
});

test('a password in a query parameter is masked too', async () => {
  const error = await openFault('postgres://127.0.0.1:1/db?user=u&password=secret');
  assert.equal(error.code, 'STORE_UNAVAILABLE');
  assert.match(error.message, /password=\*\*\*/);
  assert.doesNotMatch(error.message, /secret/);
});

test('a SQLite file in a folder that does not exist: STORE_UNAVAILABLE naming the file', async () => {
  const error = await openFault('sqlite:/nonexistent-folder-for-firstpass/fp.sqlite');
  assert.equal(error.code, 'STORE_UNAVAILABLE');
  assert.match(error.message, /cannot open the database sqlite:\/nonexistent-folder-for-firstpass\/fp\.sqlite: .*directory does not exist/);
});
