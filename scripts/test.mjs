#!/usr/bin/env node
// Runs the whole suite on SQLite, then again on PostgreSQL when one can be started (see
// scripts/postgres.mjs), and ends with one line: "N passed, N failed".
// LABFORGE_TEST_PASSES=sqlite (or postgres) runs one pass only; arguments filter test files by path;
// LABFORGE_TEST_REQUIRE_POSTGRES=1 (CI) fails the run when PostgreSQL cannot be started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv.slice(2);

function testFiles() {
  const files = [];
  for (const dir of ['src', 'test']) {
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true })) {
      const rel = path.join(dir, String(entry));
      if (rel.endsWith('.test.ts') && (filter.length === 0 || filter.some((f) => rel.includes(f))))
        files.push(rel);
    }
  }
  return files.sort();
}

function runSuite(label, files, env) {
  const countsFile = path.join(os.tmpdir(), `labforge-counts-${process.pid}-${label}.json`);
  fs.rmSync(countsFile, { force: true });
  const concurrency = Math.max(2, os.availableParallelism());
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'scripts/count-reporter.mjs')}`,
    `--test-reporter-destination=${countsFile}`,
    ...files,
  ];
  console.log(`\n== ${label}: ${files.length} test files`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('exit', (code) => {
      let counts = { passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 };
      try {
        counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
      } catch {}
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      console.log(
        `${label}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`,
      );
      resolve(counts);
    });
  });
}

const files = testFiles();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const passes = (process.env.LABFORGE_TEST_PASSES || 'sqlite,postgres').split(',').map((p) => p.trim());
const results = [];
if (passes.includes('sqlite'))
  results.push(await runSuite('sqlite', files, { LABFORGE_TEST_DATABASE_URL: '' }));

const pg = passes.includes('postgres') ? await startTestPostgres() : null;
if (
  passes.includes('postgres') &&
  !pg &&
  (process.env.LABFORGE_TEST_REQUIRE_POSTGRES || !passes.includes('sqlite'))
) {
  console.error(
    'postgres: the PostgreSQL pass is required (LABFORGE_TEST_REQUIRE_POSTGRES) but could not run',
  );
  process.exit(1);
}
if (pg) {
  try {
    results.push(await runSuite('postgres', files, { LABFORGE_TEST_DATABASE_URL: pg.url }));
  } finally {
    await pg.stop();
  }
}

const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(total.failed === 0 ? 0 : 1);
