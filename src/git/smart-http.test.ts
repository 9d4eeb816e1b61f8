import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { InvalidArgumentError } from './errors.js';
import { ZERO_OID } from './objects.js';
import { FLUSH, pktLine } from './pktline.js';
import { listBranches, readRef } from './refs.js';
import {
  advertiseRefs,
  isGitService,
  type PushRequest,
  type PushValidator,
  parsePushCommands,
  type ReceivePackResult,
  receivePack,
  SMART_HTTP_NO_CACHE_HEADERS,
  smartHttpContentType,
  uploadPack,
} from './smart-http.js';
import { cli, cliOk, tempDir, tempRepo } from './test-helpers.js';

interface Seen {
  method: string;
  path: string;
  gitProtocol: string | undefined;
  contentEncoding: string | undefined;
}

/** A throwaway server mounting the smart-HTTP functions the way the HTTP layer will. */
function startServer(repos: Map<string, string>, validate: { fn?: PushValidator }) {
  const seen: Seen[] = [];
  const pushes: ReceivePackResult[] = [];
  const inflight: Promise<unknown>[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      gitProtocol: req.headers['git-protocol'] as string | undefined,
      contentEncoding: req.headers['content-encoding'],
    });
    const m = /^\/(.+?\.git)\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(url.pathname);
    const repo = m ? repos.get(m[1]!) : undefined;
    if (!m || !repo) {
      res.writeHead(404).end();
      return;
    }
    const opts = {
      gitProtocol: req.headers['git-protocol'] as string | undefined,
      contentEncoding: req.headers['content-encoding'],
    };
    const run = async () => {
      if (m[2] === 'info/refs') {
        const service = url.searchParams.get('service');
        if (!isGitService(service)) return void res.writeHead(403).end();
        res.writeHead(200, {
          'Content-Type': smartHttpContentType(service, 'advertisement'),
          ...SMART_HTTP_NO_CACHE_HEADERS,
        });
        await advertiseRefs(repo, service, res, opts);
        return;
      }
      const service = m[2] as 'git-upload-pack' | 'git-receive-pack';
      res.writeHead(200, {
        'Content-Type': smartHttpContentType(service, 'result'),
        ...SMART_HTTP_NO_CACHE_HEADERS,
      });
      if (service === 'git-upload-pack') await uploadPack(repo, req, res, opts);
      else pushes.push(await receivePack(repo, req, res, { ...opts, validate: validate.fn }));
    };
    const done = run();
    inflight.push(done);
    done.catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  /** The last push, once every request the server took has finished (the client may exit first). */
  const lastPush = async () => {
    await Promise.allSettled(inflight);
    return pushes.at(-1)!;
  };
  return new Promise<{
    url: string;
    seen: Seen[];
    lastPush: () => Promise<ReceivePackResult>;
    close: () => Promise<void>;
  }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        lastPush,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

describe('smart HTTP (real git CLI against node:http)', () => {
  let dir: string;
  let repo: string;
  let srv: Awaited<ReturnType<typeof startServer>>;
  const validate: { fn?: PushValidator } = {};
  before(async () => {
    dir = await tempDir();
    repo = await tempRepo(dir, 'origin.git');
    srv = await startServer(new Map([['group/project.git', repo]]), validate);
  });
  after(async () => {
    await srv.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('git clone over protocol v2, and over v0', async () => {
    const v2 = path.join(dir, 'clone-v2');
    await cliOk(['-c', 'protocol.version=2', 'clone', '--quiet', `${srv.url}/group/project.git`, v2], {
      cwd: dir,
    });
    assert.equal(await fs.readFile(path.join(v2, 'README.md'), 'utf8'), '# Demo\n');
    assert.ok(srv.seen.some((s) => s.method === 'POST' && s.gitProtocol === 'version=2'));

    const v0 = path.join(dir, 'clone-v0');
    await cliOk(['-c', 'protocol.version=0', 'clone', '--quiet', `${srv.url}/group/project.git`, v0], {
      cwd: dir,
    });
    assert.equal(await fs.readFile(path.join(v0, 'README.md'), 'utf8'), '# Demo\n');
    assert.equal((await cli(['ls-remote', `${srv.url}/nope.git`], { cwd: dir })).code, 128);
  });

  test('git push updates the repository; hooks inside the repository never run', async () => {
    const hookMarker = path.join(dir, 'HOOK_RAN');
    for (const hook of ['pre-receive', 'update', 'post-receive', 'post-update', 'reference-transaction']) {
      await fs.writeFile(path.join(repo, 'hooks', hook), `#!/bin/sh\ntouch '${hookMarker}'\n`, {
        mode: 0o755,
      });
    }
    const work = path.join(dir, 'clone-v2');
    await fs.writeFile(path.join(work, 'pushed.txt'), 'pushed\n');
    await cliOk(['add', 'pushed.txt'], { cwd: work });
    await cliOk(['commit', '--quiet', '-m', 'Pushed over HTTP'], { cwd: work });
    const head = (await cliOk(['rev-parse', 'HEAD'], { cwd: work })).trim();
    const before = await readRef(repo, 'refs/heads/main');
    await cliOk(['push', '--quiet', 'origin', 'main', 'main:refs/heads/topic'], { cwd: work });
    assert.equal(await readRef(repo, 'refs/heads/main'), head);
    assert.equal(await readRef(repo, 'refs/heads/topic'), head);
    const last = await srv.lastPush();
    assert.equal(last.rejected, false);
    assert.equal(last.exitCode, 0);
    assert.deepEqual(last.push.commands.map((c) => [c.ref, c.type, c.oldOid, c.newOid]).sort(), [
      ['refs/heads/main', 'update', before, head],
      ['refs/heads/topic', 'create', ZERO_OID, head],
    ]);
    assert.ok(last.push.capabilities.some((c) => c.startsWith('report-status')));
    assert.equal(last.applied.length, 2);
    await assert.rejects(fs.access(hookMarker), 'no repository hook ran');

    await cliOk(['push', '--quiet', 'origin', ':topic'], { cwd: work });
    assert.equal(await readRef(repo, 'refs/heads/topic'), null);
    assert.equal((await srv.lastPush()).push.commands[0]!.type, 'delete');
    assert.equal((await srv.lastPush()).applied[0]!.ref, 'refs/heads/topic');

    // a non-fast-forward push git itself refuses is not reported as applied
    await cliOk(['reset', '--quiet', '--hard', 'HEAD~1'], { cwd: work });
    await fs.writeFile(path.join(work, 'diverged.txt'), 'x\n');
    await cliOk(['add', 'diverged.txt'], { cwd: work });
    await cliOk(['commit', '--quiet', '-m', 'Diverged'], { cwd: work });
    const nonFf = await cli(['push', 'origin', 'main'], { cwd: work });
    assert.notEqual(nonFf.code, 0);
    assert.equal(await readRef(repo, 'refs/heads/main'), head);
    await cliOk(['reset', '--quiet', '--hard', head], { cwd: work });
  });

  test('the pre-receive check refuses a push with a message, and nothing is written', async () => {
    const calls: PushRequest[] = [];
    validate.fn = (push) => {
      calls.push(push);
      return push.commands.some((c) => c.ref === 'refs/heads/main')
        ? {
            allow: false,
            message: 'GitLab: You are not allowed to push code to protected branches on this project.',
          }
        : { allow: true };
    };
    try {
      const work = path.join(dir, 'clone-v2');
      await fs.writeFile(path.join(work, 'refused.txt'), 'no\n');
      await cliOk(['add', 'refused.txt'], { cwd: work });
      await cliOk(['commit', '--quiet', '-m', 'Refused'], { cwd: work });
      const refused = (await cliOk(['rev-parse', 'HEAD'], { cwd: work })).trim();
      const before = await readRef(repo, 'refs/heads/main');
      const r = await cli(['push', '-o', 'ci.skip', 'origin', 'main'], { cwd: work });
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /remote: GitLab: You are not allowed to push code to protected branches on this project\./,
      );
      assert.match(r.stderr, /\[remote rejected\] +main -> main \(pre-receive hook declined\)/);
      assert.equal(await readRef(repo, 'refs/heads/main'), before);
      assert.equal(
        (await cli(['cat-file', '-e', refused], { cwd: repo })).code,
        1,
        'the pack was not stored',
      );
      assert.equal((await srv.lastPush()).rejected, true);
      assert.equal(calls.at(-1)!.commands[0]!.newOid, refused);

      // other branches pass the same check; push options reach it
      await cliOk(
        [
          '-c',
          'receive.advertisePushOptions=true',
          'push',
          '--quiet',
          '-o',
          'ci.skip',
          'origin',
          'main:refs/heads/allowed',
        ],
        {
          cwd: work,
        },
      );
      assert.equal(await readRef(repo, 'refs/heads/allowed'), refused);
      assert.deepEqual(calls.at(-1)!.pushOptions, ['ci.skip']);
    } finally {
      validate.fn = undefined;
    }
  });

  test("noForcePush: labforge's pre-receive hook refuses a force push of those refs with the message; fast-forwards and other refs pass", async () => {
    const work = path.join(dir, 'clone-v2');
    await cliOk(['fetch', '--quiet', 'origin'], { cwd: work });
    await cliOk(['reset', '--quiet', '--hard', 'origin/main'], { cwd: work });
    await cliOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/protected'], { cwd: work });
    const before = (await readRef(repo, 'refs/heads/protected'))!;
    await cliOk(['commit', '--quiet', '--amend', '-m', 'Rewritten'], { cwd: work });
    validate.fn = () => ({
      allow: true,
      noForcePush: { refs: ['refs/heads/protected'], message: 'GitLab: no force push here.' },
    });
    try {
      const r = await cli(['push', '--force', 'origin', 'HEAD:refs/heads/protected'], { cwd: work });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /remote: GitLab: no force push here\./);
      assert.match(r.stderr, /\[remote rejected\].*protected.*pre-receive hook declined/);
      assert.equal(await readRef(repo, 'refs/heads/protected'), before);
      assert.deepEqual((await srv.lastPush()).applied, []);
      await cliOk(['push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/unprotected'], { cwd: work });
      // A fast-forward of a guarded ref passes the hook.
      await cliOk(['reset', '--quiet', '--hard', before], { cwd: work });
      await cliOk(['commit', '--quiet', '--allow-empty', '-m', 'On top'], { cwd: work });
      await cliOk(['push', '--quiet', 'origin', 'HEAD:refs/heads/protected'], { cwd: work });
      const forward = (await readRef(repo, 'refs/heads/protected'))!;
      assert.notEqual(forward, before);
      validate.fn = () => ({ allow: true });
      await cliOk(['commit', '--quiet', '--amend', '--allow-empty', '-m', 'Rewritten again'], { cwd: work });
      await cliOk(['push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/protected'], { cwd: work });
      assert.notEqual(await readRef(repo, 'refs/heads/protected'), forward);
    } finally {
      validate.fn = undefined;
    }
  });

  test('gzip request bodies are decoded (a protocol v2 ls-refs request by hand)', async () => {
    const body = Buffer.concat([
      pktLine('command=ls-refs\n'),
      pktLine('object-format=sha1\n'),
      Buffer.from('0001'),
      pktLine('ref-prefix refs/heads/\n'),
      FLUSH,
    ]);
    const res = await fetch(`${srv.url}/group/project.git/git-upload-pack`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-git-upload-pack-request',
        'Content-Encoding': 'gzip',
        'Git-Protocol': 'version=2',
      },
      body: zlib.gzipSync(body),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-git-upload-pack-result');
    const text = await res.text();
    const branches = await listBranches(repo);
    for (const b of branches) assert.ok(text.includes(`${b.target} refs/heads/${b.name}`), b.name);
    assert.ok(text.endsWith('0000'));
  });

  test('info/refs: v0 starts with the service line; v2 answers the capability advertisement', async () => {
    const v0 = await fetch(`${srv.url}/group/project.git/info/refs?service=git-upload-pack`);
    assert.equal(v0.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
    assert.equal(v0.headers.get('cache-control'), 'no-cache, max-age=0, must-revalidate');
    const t0 = await v0.text();
    assert.ok(t0.startsWith('001e# service=git-upload-pack\n0000'), t0.slice(0, 40));
    const v2 = await fetch(`${srv.url}/group/project.git/info/refs?service=git-upload-pack`, {
      headers: { 'Git-Protocol': 'version=2' },
    });
    const t2 = await v2.text();
    assert.ok(t2.startsWith('000eversion 2\n'), t2.slice(0, 40));
    // Only version=2 is passed to git (never the rest of the header), and only to upload-pack
    const v1 = await fetch(`${srv.url}/group/project.git/info/refs?service=git-upload-pack`, {
      headers: { 'Git-Protocol': 'version=1' },
    });
    assert.ok((await v1.text()).startsWith('001e# service=git-upload-pack\n0000'));
    const odd = await fetch(`${srv.url}/group/project.git/info/refs?service=git-upload-pack`, {
      headers: { 'Git-Protocol': 'x=--upload-pack=touch:version=2' },
    });
    assert.ok((await odd.text()).startsWith('000eversion 2\n'));
    const push = await fetch(`${srv.url}/group/project.git/info/refs?service=git-receive-pack`, {
      headers: { 'Git-Protocol': 'version=2' },
    });
    assert.equal(push.headers.get('content-type'), 'application/x-git-receive-pack-advertisement');
    assert.ok((await push.text()).startsWith('001f# service=git-receive-pack\n0000'));
  });
});

function collect(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    sink: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
    text: () => Buffer.concat(chunks).toString('latin1'),
  };
}

describe('smart HTTP functions on hostile input', () => {
  let dir: string;
  let repo: string;
  before(async () => {
    dir = await tempDir();
    repo = await tempRepo(dir);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  test('a push to a ref name git would refuse is answered with a rejection report, not run', async () => {
    const head = (await readRef(repo, 'refs/heads/main'))!;
    for (const ref of ['refs/heads/a..b', 'refs/heads/-x', 'HEAD', 'refs/heads/a b']) {
      const body = Buffer.concat([
        pktLine(`${head} ${ZERO_OID} ${ref}\0report-status side-band-64k\n`),
        FLUSH,
      ]);
      const out = collect();
      const r = await receivePack(repo, Readable.from([body]), out.sink);
      assert.equal(r.rejected, true, ref);
      assert.match(out.text(), /unpack ok/);
      assert.match(out.text(), /ng .* pre-receive hook declined/);
    }
    assert.equal(await readRef(repo, 'refs/heads/main'), head);
  });

  test('malformed push requests are refused; repository paths must be absolute', async () => {
    assert.throws(() => parsePushCommands(Buffer.from('zzzz')));
    assert.throws(() => parsePushCommands(Buffer.concat([pktLine('not a command\n'), FLUSH])));
    assert.equal(parsePushCommands(Buffer.from('00')), null);
    const out = collect();
    await assert.rejects(
      receivePack(repo, Readable.from([Buffer.from(pktLine('x').subarray(0, 6))]), out.sink),
    );
    await assert.rejects(
      advertiseRefs('--upload-pack=touch x', 'git-upload-pack', out.sink),
      InvalidArgumentError,
    );
    await assert.rejects(uploadPack('relative.git', Readable.from([]), out.sink), InvalidArgumentError);
    // a corrupt gzip body ends git, without an unhandled error
    const garbage = await uploadPack(repo, Readable.from([Buffer.from('not gzip at all')]), collect().sink, {
      contentEncoding: 'gzip',
    });
    assert.notEqual(garbage.exitCode, 0);
    await assert.rejects(
      uploadPack(repo, Readable.from([]), out.sink, { contentEncoding: 'br' }),
      /unsupported content encoding/,
    );
  });
});
