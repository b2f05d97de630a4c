import assert from 'node:assert/strict';
import { test } from 'node:test';
import ssh2 from 'ssh2';

const { utils } = ssh2;
import { ed25519KeyPair } from '../../src/sandbox/ssh-keys.js';

test('every sandbox key pair is one ssh2 can read back (its generator drops a leading zero byte about once in 256)', () => {
  for (let index = 0; index < 2_000; index += 1) {
    const pair = ed25519KeyPair();
    assert.ok(!(utils.parseKey(pair.public) instanceof Error), pair.public);
    assert.ok(!(utils.parseKey(pair.private) instanceof Error));
  }
});
