import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ENDPOINTS_FILE, renderEndpoints } from '../scripts/endpoints.js';

test('docs/ENDPOINTS.md lists exactly the served endpoints (run `npm run endpoints` after adding one)', async () => {
  const expected = await renderEndpoints();
  const actual = fs.existsSync(ENDPOINTS_FILE) ? fs.readFileSync(ENDPOINTS_FILE, 'utf8') : '';
  assert.equal(actual, expected);
});
