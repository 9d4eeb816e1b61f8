// The real CLI, one process: `labforge serve --port 0`, SIGTERM while a request is still arriving,
// exit 0, and everything kept across a restart.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import { type Cli, createSite, runCli, type Site, testDatabase } from '../../../test/multiprocess-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `labforge serve --port 0` and reads the address it prints. */
async function serve(site: Site): Promise<Cli & { url: string }> {
  const cli = runCli(site, ['serve', '--host', '127.0.0.1', '--port', '0']);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /serving the GitLab API v4 at (http:\/\/[^\s]+)\/api\/v4/.exec(cli.output());
    if (m) return { ...cli, url: m[1]! };
    if (cli.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`labforge serve did not come up:\n${cli.output()}`);
    await sleep(50);
  }
}

describe(`labforge serve: SIGTERM drains and data survives a restart (${testDatabase})`, () => {
  let site: Site | undefined;
  const running: Cli[] = [];
  after(async () => {
    for (const cli of running) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await site?.dispose();
  });

  test('a request in flight at SIGTERM completes, the process exits 0, and root and settings persist', async () => {
    site = await createSite();
    const first = await serve(site);
    running.push(first);
    const ready = await fetch(`${first.url}/-/readiness`);
    assert.equal(ready.status, 200);

    // A PUT whose body is still arriving when SIGTERM lands.
    const body = JSON.stringify({ after_sign_up_text: 'kept across restarts', signup_enabled: false });
    const url = new URL(`${first.url}/api/v4/application/settings`);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'PUT',
          headers: {
            'private-token': site!.rootToken,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        first.child.kill('SIGTERM');
        setTimeout(() => {
          assert.equal(first.child.exitCode, null, 'still draining while the request is open');
          req.end(body.slice(10));
        }, 400);
      }, 200);
    });
    const res = await answer;
    assert.equal(res.status, 200, res.text);
    assert.equal(JSON.parse(res.text).after_sign_up_text, 'kept across restarts');
    assert.deepEqual(await first.exited, { code: 0, signal: null }, first.output());

    const second = await serve(site);
    running.push(second);
    const me = await fetch(`${second.url}/api/v4/user`, { headers: { 'private-token': site.rootToken } });
    assert.equal(me.status, 200, 'the root token from the first start still works');
    const settings = await fetch(`${second.url}/api/v4/application/settings`, {
      headers: { 'private-token': site.rootToken },
    });
    const kept = (await settings.json()) as { after_sign_up_text: string; signup_enabled: boolean };
    assert.equal(kept.after_sign_up_text, 'kept across restarts');
    assert.equal(kept.signup_enabled, false);
    second.child.kill('SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null }, second.output());
  });
});
