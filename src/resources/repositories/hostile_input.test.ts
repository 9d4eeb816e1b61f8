import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { createProject } from '../git_http/test_helpers.js';

/**
 * The issue's hostile-input list against branches, tags, files and commits: GitLab's error for
 * each, never an executed option (the sentinel file must never appear), never a 500.
 */
describe('hostile refs and paths (branches, tags, files, commits)', () => {
  let s: TestServer;
  let repo: string;
  const sentinel = path.join(os.tmpdir(), `labforge-pwned-${process.pid}`);
  const hostile = ['../x', '-x', `--upload-pack=touch ${sentinel}`, 'a..b', 'with space', 'x'.repeat(300)];
  const enc = encodeURIComponent;
  before(async () => {
    s = await startTestServer();
    const p = await createProject(s, { name: unique('hostile'), initialize_with_readme: true });
    repo = `/projects/${p.id}/repository`;
  });
  after(async () => {
    await s.close();
    assert.equal(fs.existsSync(sentinel), false, 'an option reached git');
  });

  const call = async (url: string, method = 'GET', body?: Record<string, unknown>) => {
    const r = await s.request(url, { method, body });
    assert.notEqual(r.status, 500, `${method} ${url}: ${r.text}`);
    return [r.status, r.body] as const;
  };

  test("as branch names, tag names and start refs: GitLab's 400s; lookups 404", async () => {
    for (const name of hostile) {
      const what = name.slice(0, 40);
      assert.deepEqual(
        await call(`${repo}/branches`, 'POST', { branch: name, ref: 'main' }),
        [400, { message: 'Branch name is invalid' }],
        what,
      );
      assert.deepEqual(
        await call(`${repo}/branches`, 'POST', { branch: unique('b'), ref: name }),
        [400, { message: `Invalid reference name: ${name}` }],
        what,
      );
      assert.deepEqual(await call(`${repo}/branches/${enc(name)}`), [
        404,
        { message: '404 Branch Not Found' },
      ]);
      assert.deepEqual(
        await call(`${repo}/tags`, 'POST', { tag_name: name, ref: 'main' }),
        [400, { message: 'Tag name invalid' }],
        what,
      );
      assert.deepEqual(
        await call(`${repo}/tags`, 'POST', { tag_name: unique('t'), ref: name }),
        [400, { message: `Target ${name} is invalid` }],
        what,
      );
      assert.deepEqual(await call(`${repo}/tags/${enc(name)}`), [404, { message: '404 Tag Not Found' }]);
      assert.deepEqual(
        await call(`${repo}/files/${unique('f')}.txt`, 'POST', {
          branch: name,
          content: 'x',
          commit_message: 'c',
        }),
        [400, { message: 'Branch name is invalid' }],
        what,
      );
      assert.deepEqual(
        await call(`${repo}/commits`, 'POST', {
          branch: name,
          commit_message: 'c',
          actions: [{ action: 'create', file_path: unique('c'), content: 'x' }],
        }),
        [400, { message: 'Branch name is invalid' }],
        what,
      );
      assert.deepEqual(await call(`${repo}/files/README.md?ref=${enc(name)}`), [
        404,
        { message: '404 Commit Not Found' },
      ]);
      assert.deepEqual(await call(`${repo}/commits/${enc(name)}`), [
        404,
        { message: '404 Commit Not Found' },
      ]);
      // A ref that names nothing lists nothing.
      const [status, body] = await call(`${repo}/commits?ref_name=${enc(name)}`);
      if (status === 200) assert.deepEqual(body, [], what);
      else assert.deepEqual([status, body], [404, { message: '404 Commit Not Found' }], what);
    }
  });

  test('file paths: traversal, .git and absolute paths refused; odd but valid names are plain files', async () => {
    for (const p of ['../x', 'a/../../b', '.git/config', '/etc/passwd', 'a//b']) {
      assert.deepEqual(
        await call(`${repo}/files/${enc(p)}`, 'POST', { branch: 'main', content: 'x', commit_message: 'c' }),
        [400, { error: 'file_path should be a valid file path' }],
        p,
      );
    }
    assert.deepEqual(
      await call(`${repo}/commits`, 'POST', {
        branch: 'main',
        commit_message: 'c',
        actions: [{ action: 'create', file_path: '../x', content: 'x' }],
      }),
      [400, { message: 'Path cannot include directory traversal' }],
    );
    assert.deepEqual(
      await call(`${repo}/commits`, 'POST', {
        branch: 'main',
        commit_message: 'c',
        actions: [{ action: 'create', file_path: '.git/config', content: 'x' }],
      }),
      [400, { message: "invalid path: '.git/config'" }],
    );
    // Names git could read as options, or with spaces, are only file names (after `--`).
    for (const name of ['-x', `--upload-pack=touch ${sentinel}`, 'a..b', 'with space.txt']) {
      const dir = unique('odd');
      const [status] = await call(`${repo}/files/${enc(`${dir}/${name}`)}`, 'POST', {
        branch: 'main',
        content: name,
        commit_message: `odd ${name}`,
      });
      assert.equal(status, 201, name);
      const raw = await s.request(`${repo}/files/${enc(`${dir}/${name}`)}/raw?ref=main`);
      assert.equal(raw.text, name);
    }
  });

  test('unicode and long (but valid) names round-trip; file headers carry them percent-encoded', async () => {
    const uni = 'ünï-ブランチ';
    const long = `${'a'.repeat(100)}/${'b'.repeat(100)}/${'c'.repeat(100)}`;
    for (const name of [uni, long]) {
      assert.equal((await call(`${repo}/branches`, 'POST', { branch: name, ref: 'main' }))[0], 201);
      const [, branch] = await call(`${repo}/branches/${enc(name)}`);
      assert.equal((branch as { name: string }).name, name);
      // (a tag of its own name would make the ref ambiguous, so the tag is v-<name>)
      assert.equal((await call(`${repo}/tags`, 'POST', { tag_name: `v-${name}`, ref: 'main' }))[0], 201);
      const [, tag] = await call(`${repo}/tags/${enc(`v-${name}`)}`);
      assert.equal((tag as { name: string }).name, `v-${name}`);
    }
    const file = `docs/${uni}.md`;
    assert.equal(
      (
        await call(`${repo}/files/${enc(file)}`, 'POST', { branch: uni, content: 'u', commit_message: 'u' })
      )[0],
      201,
    );
    const res = await fetch(`${s.url}/api/v4${repo}/files/${enc(file)}?ref=${enc(uni)}`, {
      headers: { 'private-token': s.rootToken },
    });
    assert.equal(res.status, 200);
    const utf8 = (h: string) => decodeURIComponent(res.headers.get(h) ?? '');
    assert.equal(utf8('x-gitlab-ref'), uni);
    assert.equal(utf8('x-gitlab-file-path'), file);
    assert.equal(utf8('x-gitlab-file-name'), `${uni}.md`);
    assert.equal(((await res.json()) as { file_path: string }).file_path, file);
  });
});
