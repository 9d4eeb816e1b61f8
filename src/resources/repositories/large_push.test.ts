import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, gitOk, gitTemp } from '../git_http/test_helpers.js';

const SIZE = 50 * 1024 * 1024;

describe('a 50 MB push over HTTP', () => {
  let s: TestServer;
  let tmp: string;
  before(async () => {
    s = await startTestServer();
    tmp = await gitTemp();
  });
  after(async () => {
    await s.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  test('a 50 MB random file is pushed (chunked request body), arrives intact and clones back byte for byte', async () => {
    const p = await createProject(s, { name: unique('big') });
    const work = path.join(tmp, 'work');
    await fs.mkdir(work);
    await gitOk(['init', '-q', '-b', 'main'], work);
    const data = randomBytes(SIZE);
    const sha = createHash('sha256').update(data).digest('hex');
    await fs.writeFile(path.join(work, 'big.bin'), data);
    await gitOk(['add', 'big.bin'], work);
    await gitOk(['commit', '-q', '-m', 'Big file'], work);
    const head = (await gitOk(['rev-parse', 'HEAD'], work)).trim();
    // Random bytes do not compress: the pack is ~50 MB, sent with chunked transfer encoding.
    await gitOk(
      ['-c', 'core.compression=0', 'push', '-q', cloneUrl(s, p.path_with_namespace, s.rootToken), 'main'],
      work,
    );

    const branch = await s.request(`/projects/${p.id}/repository/branches/main`);
    assert.equal(branch.status, 200, branch.text);
    assert.equal((branch.body as { commit: { id: string } }).commit.id, head);
    const meta = await s.request(`/projects/${p.id}/repository/files/big.bin?ref=main`, { method: 'HEAD' });
    assert.equal(meta.headers.get('x-gitlab-size'), String(SIZE));
    assert.equal(meta.headers.get('x-gitlab-content-sha256'), sha);

    const clone = path.join(tmp, 'clone');
    await gitOk(['clone', '-q', cloneUrl(s, p.path_with_namespace, s.rootToken), clone], tmp);
    assert.equal((await gitOk(['rev-parse', 'HEAD'], clone)).trim(), head);
    const back = await fs.readFile(path.join(clone, 'big.bin'));
    assert.equal(createHash('sha256').update(back).digest('hex'), sha);
  });
});
