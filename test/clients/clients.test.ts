/**
 * Other real GitLab clients than gitbeaker, each driving a short developer workflow against the
 * running server: python-gitlab, the Ruby gem and Perl's GitLab::API::v4, from Debian's packages
 * (.ci/run installs them). A client that is not installed is skipped with the package to install,
 * except when LABFORGE_TEST_REQUIRE_CLIENTS=1 (CI), where it fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
  /** Interpreters to try, first that can load the library wins (pyenv's python3 may lack Debian's modules). */
  interpreters: string[];
  probe: string[];
  script: string;
}

const clients: Client[] = [
  {
    name: 'python-gitlab',
    debianPackage: 'python3-gitlab',
    interpreters: ['/usr/bin/python3', 'python3'],
    probe: ['-c', 'import gitlab'],
    script: 'python_gitlab.py',
  },
  {
    name: 'the Ruby gem',
    debianPackage: 'ruby-gitlab',
    interpreters: ['ruby'],
    probe: ['-e', 'require "gitlab"'],
    script: 'ruby_gitlab.rb',
  },
  {
    name: "Perl's GitLab::API::v4",
    debianPackage: 'libgitlab-api-v4-perl',
    interpreters: ['perl'],
    probe: ['-MGitLab::API::v4', '-e', '1'],
    script: 'perl_gitlab.pl',
  },
];

async function interpreterFor(client: Client): Promise<string | null> {
  for (const candidate of client.interpreters) {
    try {
      await run(candidate, client.probe, { timeout: 20_000 });
      return candidate;
    } catch {}
  }
  return null;
}

describe('other GitLab clients', { concurrency: true }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  for (const client of clients) {
    test(`${client.name} runs a developer's workflow unchanged`, async (t) => {
      const interpreter = await interpreterFor(client);
      if (!interpreter) {
        assert.ok(!required, `${client.name} is not installed (apt-get install ${client.debianPackage})`);
        t.skip(`${client.name} is not installed (apt-get install ${client.debianPackage})`);
        return;
      }
      const result = await run(interpreter, [path.join(here, client.script)], {
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
      assert.match(result.stdout, / ok\n$/);
    });
  }
});
