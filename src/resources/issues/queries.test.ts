import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { type CreatedUser, createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createGroup, createProject, type Json } from './test_helpers.js';

/**
 * Counts every query the server runs, without touching production code: a plugin on deps.db. The
 * job queue's poll runs on a timer, not for the request: it is left out.
 */
class QueryCounter implements KyselyPlugin {
  count = 0;
  readonly #background = new WeakSet<object>();
  transformQuery(args: PluginTransformQueryArgs) {
    if (JSON.stringify(args.node).includes('"background_jobs"')) this.#background.add(args.queryId);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    if (!this.#background.has(args.queryId)) this.count++;
    return args.result;
  }
}

describe('issue lists batch-load (no query per row)', () => {
  let s: TestServer;
  let dev: CreatedUser;
  let outsider: CreatedUser;
  let project: Json & { id: number };
  let group: Json & { id: number };
  const counter = new QueryCounter();
  before(async () => {
    s = await startTestServer();
    dev = await createUser(s);
    outsider = await createUser(s);
    group = await createGroup(s);
    project = await createProject(s, { namespace_id: group.id });
    await addMember(s, 'projects', project.id, dev.id, 30);
    const milestones = [];
    for (let m = 0; m < 3; m++)
      milestones.push(
        await api(s, 'POST', `/projects/${project.id}/milestones`, {
          title: `m${m}`,
          due_date: '2099-01-01',
        }),
      );
    // Variety per row: labels, assignees, milestones, authors, confidential, closed, notes, votes.
    for (let i = 0; i < 36; i++) {
      const issue = await api(
        s,
        'POST',
        `/projects/${project.id}/issues`,
        {
          title: `issue ${i}`,
          labels: ['bug', `l${i % 4}`, ...(i % 3 === 0 ? ['ui'] : [])].join(','),
          assignee_ids: i % 2 ? [dev.id] : [],
          milestone_id: milestones[i % 3]!.id,
          confidential: i % 7 === 0,
          due_date: i % 5 ? `2030-01-${String((i % 28) + 1).padStart(2, '0')}` : undefined,
        },
        i % 4 === 0 ? dev.token : undefined,
      );
      const url = `/projects/${project.id}/issues/${issue.iid}`;
      if (i % 3 === 0) await api(s, 'POST', `${url}/notes`, { body: `note ${i}` });
      if (i % 4 === 1) await api(s, 'POST', `${url}/award_emoji`, { name: 'thumbsup' }, dev.token);
      if (i % 6 === 5) await api(s, 'PUT', url, { state_event: 'close' });
    }
    const deps = s.server.deps as { db: typeof s.server.deps.db };
    deps.db = deps.db.withPlugin(counter);
  });
  after(() => s.close());

  const cost = async (path: string, token: string | null) => {
    counter.count = 0;
    const res = await s.request(path, { token });
    assert.equal(res.status, 200, res.text);
    return { queries: counter.count, rows: (res.body as unknown[]).length };
  };

  test('a page of 2 and a page of 8 issues cost the same number of queries', async () => {
    const lists = [
      `/projects/${project.id}/issues?`,
      `/projects/${project.id}/issues?labels=bug,ui&`,
      `/projects/${project.id}/issues?not[labels]=l1&state=opened&order_by=due_date&`,
      `/projects/${project.id}/issues?milestone=m1&`,
      `/projects/${project.id}/issues?assignee_id=Any&`,
      `/projects/${project.id}/issues?search=issue&with_labels_details=true&`,
      `/groups/${group.id}/issues?labels=bug&`,
      '/issues?scope=all&labels=bug&',
    ];
    for (const token of [dev.token, outsider.token, s.rootToken, null]) {
      await cost('/issues_statistics', token ?? s.rootToken); // a token's first use records it: once
      for (const list of lists) {
        if (list.startsWith('/issues') && token === null) continue;
        // Both pages have a next page (so both count the total): only the row count differs.
        const small = await cost(`${list}per_page=2`, token);
        const large = await cost(`${list}per_page=8`, token);
        assert.equal(small.rows, 2, list);
        assert.equal(large.rows, 8, list);
        assert.equal(
          large.queries,
          small.queries,
          `${list} 8 rows: ${large.queries} queries; 2 rows: ${small.queries}`,
        );
      }
    }
  });

  test('issues_statistics costs a fixed number of queries', async () => {
    for (const path of [
      `/projects/${project.id}/issues_statistics`,
      `/projects/${project.id}/issues_statistics?labels=bug,ui`,
      `/groups/${group.id}/issues_statistics`,
      '/issues_statistics?scope=all',
    ]) {
      counter.count = 0;
      const res = await s.request(path, { token: dev.token });
      assert.equal(res.status, 200, res.text);
      assert.ok(counter.count <= 10, `${path}: ${counter.count} queries`);
    }
  });
});
