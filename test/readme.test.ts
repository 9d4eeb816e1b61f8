import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { SETTINGS } from '../src/config.js';

test('README opens with the two commands and lists every setting with its flag', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const firstBlock = readme.split('```')[1] ?? '';
  assert.match(firstBlock, /npm ci && npm start/);
  assert.match(firstBlock, /npm ci && npm test/);
  for (const s of SETTINGS) {
    const row = new RegExp(`\\|\\s*\`${s.env}\`\\s*\\|\\s*\`${s.flag}\`\\s*\\|`);
    assert.match(readme, row, `README lists ${s.env} / ${s.flag}`);
  }
});
