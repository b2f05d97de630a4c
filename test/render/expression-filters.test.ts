import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fill } from '../../src/render/expressions.js';

const filled = (template: string, scope: Record<string, unknown>) => fill(template, { scope, codes: {} });

test('wrap: each line of each text at each width, whatever was wrapped just before', () => {
  const long = 'Deliver to the loading bay behind the blue gate';
  const short = 'Gate 4';
  assert.equal(filled('{{ t | wrap:10:0 }}', { t: long }), 'Deliver to');
  assert.equal(filled('{{ t | wrap:10:0 }}', { t: short }), 'Gate 4');
  assert.equal(filled('{{ t | wrap:10:1 }}', { t: long }), 'the');
  assert.equal(filled('{{ t | wrap:20:1 }}', { t: long }), 'loading bay behind');
  assert.equal(filled('{{ t | wrap:10:1 }}', { t: short }), undefined);
  assert.equal(filled("{{ t | wrap:20:0:'rest' }}", { t: long }), long);
  // A short text with irregular spacing is still wrapped into single-spaced words.
  assert.equal(filled('{{ t | wrap:10:0 }}', { t: ' a  b ' }), 'a b');
});

test('repertoire: the same text fitted to one character set and then another gives each its own answer', () => {
  const name = 'Zoë – Straße';
  assert.equal(filled("{{ t | repertoire:'UNOA' }}", { t: name }), 'ZOE - STRASSE');
  assert.equal(filled("{{ t | repertoire:'UNOC' }}", { t: name }), 'Zoë - Straße');
  assert.equal(filled("{{ t | repertoire:'X12' }}", { t: name }), 'Zoe - Strasse');
  assert.equal(filled('{{ t | repertoire:r }}', { t: name, r: 'UNOA' }), 'ZOE - STRASSE');
  assert.equal(filled("{{ t | repertoire:'UNOB' }}", { t: 'Ab#' }), 'Ab?');
  assert.equal(filled("{{ t | repertoire:'UNKNOWN' }}", { t: name }), name);
});
