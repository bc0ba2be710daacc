// package.json's activation events: one onLanguage event per language the client serves, nothing VS Code derives
// by itself from contributed commands and views (onCommand/onView are implicit since VS Code 1.74).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_IDS } from '../../core/languages';

const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
  activationEvents: string[];
};

test('activation events are exactly the served languages', () => {
  assert.deepEqual([...manifest.activationEvents].sort(), LANGUAGE_IDS.map((l) => `onLanguage:${l}`).sort());
});
