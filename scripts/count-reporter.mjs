// A node:test reporter that only counts: it writes {"passed":N,"failed":N,"skipped":N} when the run ends.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { details, skip, todo, nesting, name, file } = event.data;
    if (details?.type === 'suite') continue;
    // With process isolation each file is reported as a test wrapping its tests; count only real tests,
    // but count a file that failed before running any test (a crash) as one failure.
    if (nesting === 0 && file && name === file && event.type === 'test:pass') continue;
    if (skip || todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  yield `${JSON.stringify(counts)}\n`;
}
