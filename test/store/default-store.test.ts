import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStoreFile } from '../../src/store/index.js';

test('the default store is under $XDG_STATE_HOME when it is an absolute path, else under ~/.local/state', () => {
  assert.equal(defaultStoreFile({ XDG_STATE_HOME: '/srv/state' }, '/home/ann'), '/srv/state/firstpass/firstpass.sqlite');
  assert.equal(defaultStoreFile({}, '/home/ann'), '/home/ann/.local/state/firstpass/firstpass.sqlite');
  assert.equal(defaultStoreFile({ XDG_STATE_HOME: '' }, '/home/ann'), '/home/ann/.local/state/firstpass/firstpass.sqlite');
  // The XDG spec: a relative path is invalid and ignored (it would make the store per folder again).
  assert.equal(defaultStoreFile({ XDG_STATE_HOME: 'state' }, '/home/ann'), '/home/ann/.local/state/firstpass/firstpass.sqlite');
});
