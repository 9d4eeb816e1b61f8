import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { createProject } from '../git_http/test_helpers.js';

const hasBzip2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).status === 0;

describe('repository archive formats (repositories.md)', () => {
  let s: TestServer;
  let project: { id: number; path_with_namespace: string };
  before(async () => {
    s = await startTestServer();
    project = await createProject(s, { name: unique('arch'), initialize_with_readme: true });
  });
  after(() => s.close());

  const get = (suffix: string) =>
    fetch(`${s.url}/api/v4/projects/${project.id}/repository/${suffix}`, {
      headers: { 'private-token': s.rootToken },
    });
  const name = () => project.path_with_namespace.split('/').pop()!;

  test('tar.gz, tar.bz2, tbz, tbz2, tb2, bz2, tar and zip, as a suffix or format=; unknown formats 404', async () => {
    const cases: Array<[string, string, (b: Buffer) => Buffer | null]> = [
      ['tar.gz', 'tar.gz', (b) => zlib.gunzipSync(b)],
      ['tar', 'tar', (b) => b],
      ['zip', 'zip', () => null],
      ...['tar.bz2', 'tbz', 'tbz2', 'tb2', 'bz2'].map(
        (f) =>
          [f, 'tar.bz2', (b: Buffer) => spawnSync('bzip2', ['-dc'], { input: b }).stdout] as [
            string,
            string,
            (b: Buffer) => Buffer | null,
          ],
      ),
    ];
    for (const [format, ext, untar] of cases) {
      for (const suffix of [`archive.${format}`, `archive?format=${format}`]) {
        const res = await get(suffix);
        if (ext === 'tar.bz2' && !hasBzip2) {
          assert.equal(res.status, 404, suffix);
          continue;
        }
        assert.equal(res.status, 200, suffix);
        assert.equal(
          res.headers.get('content-disposition'),
          `attachment; filename="${name()}-main.${ext}"`,
          suffix,
        );
        const body = Buffer.from(await res.arrayBuffer());
        if (ext === 'zip') {
          assert.equal(body.subarray(0, 2).toString(), 'PK', suffix);
          assert.ok(body.includes(Buffer.from(`${name()}-main/README.md`)), suffix);
          continue;
        }
        if (ext === 'tar.bz2') assert.equal(body.subarray(0, 3).toString(), 'BZh', suffix);
        const tar = untar(body)!;
        assert.equal(tar.subarray(257, 262).toString(), 'ustar', suffix);
        assert.ok(tar.includes(Buffer.from(`${name()}-main/README.md`)), suffix);
      }
    }
    for (const bad of ['archive.rar', 'archive?format=7z', 'archive.tar.xz']) {
      const res = await get(bad);
      assert.equal(res.status, 404, bad);
    }
  });
});
