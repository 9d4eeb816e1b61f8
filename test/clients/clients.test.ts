/**
 * Other real GitLab clients than gitbeaker, each driving a short developer workflow against the
 * running server: python-gitlab, the Ruby gem, Perl's GitLab::API::v4 and go-gitlab, from Debian's packages
 * (.ci/run installs them). A client that is not installed is skipped with the package to install,
 * except when LABFORGE_TEST_REQUIRE_CLIENTS=1 (CI), where it fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unique } from '../factories.js';
import { startTestServer, type TestServer } from '../server.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const required = process.env.LABFORGE_TEST_REQUIRE_CLIENTS === '1';

interface Client {
  name: string;
  debianPackage: string;
  /** The command that runs the workflow, or null when the client is not installed. */
  prepare: () => Promise<[string, string[]] | null>;
}

/** A client run by an interpreter: the first of `interpreters` that loads the library wins. */
function scripted(interpreters: string[], probe: string[], script: string) {
  return async (): Promise<[string, string[]] | null> => {
    for (const candidate of interpreters) {
      try {
        await run(candidate, probe, { timeout: 20_000 });
        return [candidate, [path.join(here, script)]];
      } catch {}
    }
    return null;
  };
}

/** go-gitlab from Debian's GOPATH tree (no module download): built once per run into a temp dir. */
async function buildGoClient(): Promise<[string, string[]] | null> {
  const gopath = '/usr/share/gocode';
  if (!fs.existsSync(path.join(gopath, 'src/github.com/xanzy/go-gitlab'))) return null;
  const out = path.join(os.tmpdir(), `labforge-go-gitlab-${process.pid}`);
  try {
    await run('go', ['build', '-o', out, '.'], {
      cwd: path.join(here, 'go_gitlab'),
      timeout: 300_000,
      env: {
        ...process.env,
        GOPATH: gopath,
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOCACHE: path.join(os.tmpdir(), 'labforge-go-build-cache'),
      },
    });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
  return [out, []];
}

const clients: Client[] = [
  {
    name: 'python-gitlab',
    debianPackage: 'python3-gitlab',
    // pyenv's python3 may lack Debian's modules: Debian's own interpreter first.
    prepare: scripted(['/usr/bin/python3', 'python3'], ['-c', 'import gitlab'], 'python_gitlab.py'),
  },
  {
    name: 'the Ruby gem',
    debianPackage: 'ruby-gitlab',
    prepare: scripted(['ruby'], ['-e', 'require "gitlab"'], 'ruby_gitlab.rb'),
  },
  {
    name: "Perl's GitLab::API::v4",
    debianPackage: 'libgitlab-api-v4-perl',
    prepare: scripted(['perl'], ['-MGitLab::API::v4', '-e', '1'], 'perl_gitlab.pl'),
  },
  {
    name: 'go-gitlab',
    debianPackage: 'golang-go golang-github-xanzy-go-gitlab-dev',
    prepare: buildGoClient,
  },
];

describe('other GitLab clients', { concurrency: true }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  for (const client of clients) {
    test(`${client.name} runs a developer's workflow unchanged`, async (t) => {
      const command = await client.prepare();
      if (!command) {
        assert.ok(!required, `${client.name} is not installed (apt-get install ${client.debianPackage})`);
        t.skip(`${client.name} is not installed (apt-get install ${client.debianPackage})`);
        return;
      }
      const result = await run(command[0], command[1], {
        timeout: 120_000,
        env: {
          ...process.env,
          LABFORGE_URL: s.url,
          LABFORGE_TOKEN: s.rootToken,
          LABFORGE_SUFFIX: unique('c'),
        },
      }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
        assert.fail(`${client.name} failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
      });
      // A client built for this run (go-gitlab) leaves no binary behind.
      if (command[0].startsWith(os.tmpdir())) fs.rmSync(command[0], { force: true });
      assert.match(result.stdout, / ok\n$/);
    });
  }
});
