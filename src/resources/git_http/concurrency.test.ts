import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { cloneUrl, createProject, git, gitOk, gitTemp } from './test_helpers.js';

/** The errors GitLab gives the API writer that lost: its lock saw the push, or its ref update lost. */
const API_LOST = [
  'You are attempting to update a file that has changed since you started editing it.',
  'Could not update refs/heads/main. Please refresh and try again.',
];

describe('two writers on one branch at once: the files API and git push', () => {
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

  test('both start from the same branch head: exactly one wins each round, the other is refused, no commit lost', async () => {
    const p = await createProject(s, { name: unique('race'), initialize_with_readme: true });
    const files = `/projects/${p.id}/repository/files`;
    const created = await s.request(`${files}/race.txt`, {
      method: 'POST',
      body: { branch: 'main', content: 'start\n', commit_message: 'race start' },
    });
    assert.equal(created.status, 201, created.text);
    const work = path.join(tmp, unique('clone'));
    await gitOk(['clone', '--quiet', cloneUrl(s, p.path_with_namespace, s.rootToken), work], tmp);
    const wins = { api: 0, push: 0 };
    for (let round = 0; round < 4; round++) {
      // Both writers read the same state: the API writer's last_commit_id and the pusher's old value.
      await gitOk(['fetch', '--quiet', 'origin'], work);
      await gitOk(['reset', '--quiet', '--hard', 'origin/main'], work);
      const start = (await gitOk(['rev-parse', 'HEAD'], work)).trim();
      const file = (await s.request(`${files}/race.txt?ref=main`)).body as {
        commit_id: string;
        last_commit_id: string;
      };
      assert.equal(file.commit_id, start);
      await fs.writeFile(path.join(work, 'race.txt'), `push ${round}\n`);
      await gitOk(['commit', '--quiet', '-am', `push ${round}`], work);
      const pushed = (await gitOk(['rev-parse', 'HEAD'], work)).trim();

      const [api, push] = await Promise.all([
        s.request(`${files}/race.txt`, {
          method: 'PUT',
          body: {
            branch: 'main',
            content: `api ${round}\n`,
            commit_message: `api ${round}`,
            last_commit_id: file.last_commit_id,
          },
        }),
        git(['push', 'origin', 'HEAD:main'], work),
      ]);
      const apiWon = api.status === 200;
      const pushWon = push.code === 0;
      assert.equal(
        Number(apiWon) + Number(pushWon),
        1,
        `round ${round}: api ${api.status} ${api.text}; push ${push.code} ${push.stderr}`,
      );

      const head = (await s.request(`/projects/${p.id}/repository/commits/main`)).body as {
        id: string;
        parent_ids: string[];
        title: string;
      };
      const raw = (await s.request(`${files}/race.txt/raw?ref=main`)).text;
      if (pushWon) {
        wins.push++;
        assert.equal(api.status, 400, api.text);
        assert.ok(API_LOST.includes((api.body as { message: string }).message), api.text);
        assert.equal(head.id, pushed);
        assert.equal(raw, `push ${round}\n`);
      } else {
        wins.api++;
        // git's own refusal: the client saw the moved branch (fetch first), or receive-pack's
        // update of the old value lost (GitLab answers both as git does).
        assert.match(push.stderr, /\[(remote )?rejected\]/);
        assert.equal(head.title, `api ${round}`);
        assert.deepEqual(head.parent_ids, [start]);
        assert.equal(raw, `api ${round}\n`);
      }
    }
    // Every round's winner is on the branch, one after the other.
    const history = (await s.request(`/projects/${p.id}/repository/commits?ref_name=main&per_page=100`))
      .body as Array<{ title: string }>;
    const raced = history.map((c) => c.title).filter((t) => /^(api|push) \d$/.test(t));
    assert.equal(raced.length, 4);
    assert.equal(wins.api + wins.push, 4);
  });
});
