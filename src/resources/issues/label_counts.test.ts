import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CreatedUser, createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createGroup, createProject, type Json } from './test_helpers.js';

/**
 * labels=a,b&state=… pages and totals read the issue's state off its label links
 * (label_links.issue_state, kept by triggers: migration 0016), and the total drives from the label
 * links. The expected answers here come from the label filter without a state (which does not read
 * that column), filtered by each issue's state in the JSON, so a link whose copied state went stale
 * fails them. per_page=1 makes every list count its total (C41).
 */
describe('label filters with a state: pages, totals and statistics stay exact', () => {
  let s: TestServer;
  let dev: CreatedUser;
  let outsider: CreatedUser;
  let project: Json & { id: number };
  let other: Json & { id: number };
  let group: Json & { id: number };
  let url: string;
  before(async () => {
    s = await startTestServer();
    dev = await createUser(s);
    outsider = await createUser(s);
    group = await createGroup(s);
    project = await createProject(s, { namespace_id: group.id });
    other = await createProject(s, { namespace_id: group.id });
    await addMember(s, 'projects', project.id, dev.id, 30);
    await addMember(s, 'projects', other.id, dev.id, 30);
    await api(s, 'POST', `/groups/${group.id}/labels`, { name: 'grouplabel', color: '#00ff00' });
    url = `/projects/${project.id}/issues`;
    const issues: Json[] = [
      { title: 'i1', labels: 'bug,ui' },
      { title: 'i2', labels: 'bug' },
      { title: 'i3', labels: 'bug,ui', confidential: true },
      { title: 'i4', labels: 'ui' },
      { title: 'i5', labels: 'bug,ui,grouplabel' },
      { title: 'i6', labels: 'bug,grouplabel', confidential: true },
      { title: 'i7' },
    ];
    for (const issue of issues) await api(s, 'POST', url, issue);
    for (const iid of [2, 3, 5]) await api(s, 'PUT', `${url}/${iid}`, { state_event: 'close' });
    // The same titles in another project of the group: a label title names several labels.
    await api(s, 'POST', `/projects/${other.id}/issues`, { title: 'o1', labels: 'bug,ui,grouplabel' });
  });
  after(() => s.close());

  const queries = [
    'labels=bug',
    'labels=bug,ui',
    'labels=ui,bug,grouplabel',
    'labels=grouplabel',
    'labels=nosuch',
    'not[labels]=bug',
    'not[labels]=bug,ui',
    'labels=ui&not[labels]=grouplabel',
  ];

  /** Every page of a list (the group's and the instance's lists outgrow one page in the later tests). */
  async function everyPage(path: string, token: string | null) {
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const rows = await api<Json[]>(s, 'GET', `${path}&per_page=100&page=${page}`, undefined, token);
      out.push(...rows);
      if (rows.length < 100) return out;
    }
  }

  /** For every query, state and viewer: the page and x-total against the state-less answer. */
  async function assertExact(path: string) {
    const instance = path.startsWith('/issues');
    const base = instance ? '/issues' : path;
    const scope = instance ? 'scope=all&' : '';
    for (const token of instance ? [dev.token, outsider.token] : [dev.token, outsider.token, null]) {
      for (const bare of queries) {
        const q = `${scope}${bare}`;
        const everything = await everyPage(`${base}?${q}`, token);
        for (const state of ['opened', 'closed'] as const) {
          const expected = everything.filter((i) => i.state === state).map((i) => i.id);
          const all = await everyPage(`${base}?${q}&state=${state}`, token);
          assert.deepEqual(
            all.map((i) => i.id),
            expected,
            `${base}?${q}&state=${state} as ${token}`,
          );
          const first = await s.request(`${base}?${q}&state=${state}&per_page=1`, { token });
          assert.equal(first.status, 200);
          assert.equal(
            first.headers.get('x-total'),
            String(expected.length),
            `${base}?${q}&state=${state} total`,
          );
        }
        if (instance) continue;
        const stats = await api<{ statistics: { counts: Json } }>(
          s,
          'GET',
          `${base.replace(/issues$/, 'issues_statistics')}?${q}`,
          undefined,
          token,
        );
        const n = (st: string) => everything.filter((i) => i.state === st).length;
        assert.deepEqual(
          stats.statistics.counts,
          { all: everything.length, closed: n('closed'), opened: n('opened') },
          `statistics ${base}?${q}`,
        );
      }
    }
  }

  test('project and group lists, as a member, an outsider and anonymously', async () => {
    const opened = await s.request(`${url}?labels=bug,ui&state=opened&per_page=1`, { token: dev.token });
    assert.equal(opened.headers.get('x-total'), '1'); // i1 (i3 and i5 are closed)
    const closed = await s.request(`${url}?labels=bug,ui&state=closed&per_page=1`, { token: outsider.token });
    assert.equal(closed.headers.get('x-total'), '1'); // i5 (i3 is confidential)
    await assertExact(url);
    await assertExact(`/groups/${group.id}/issues`);
    await assertExact('/issues?scope=all');
  });

  test('more matches than a page reads by id: the walked page and the index-only total', async () => {
    const big = await createProject(s, { namespace_id: group.id });
    await addMember(s, 'projects', big.id, dev.id, 30);
    const bigUrl = `/projects/${big.id}/issues`;
    for (let i = 1; i <= 130; i++)
      await api(s, 'POST', bigUrl, { title: `b${i}`, labels: i % 3 ? 'many,also' : 'many' });
    for (let i = 1; i <= 130; i += 10) await api(s, 'PUT', `${bigUrl}/${i}`, { state_event: 'close' });
    for (const q of ['labels=many', 'labels=many,also']) {
      const everything = [
        ...(await api<Json[]>(s, 'GET', `${bigUrl}?${q}&per_page=100`, undefined, dev.token)),
        ...(await api<Json[]>(s, 'GET', `${bigUrl}?${q}&per_page=100&page=2`, undefined, dev.token)),
      ];
      for (const state of ['opened', 'closed']) {
        const expected = everything.filter((i) => i.state === state).map((i) => i.id);
        const first = await s.request(`${bigUrl}?${q}&state=${state}&per_page=5`, { token: dev.token });
        assert.deepEqual(
          (first.body as Json[]).map((i) => i.id),
          expected.slice(0, 5),
          `${q}&state=${state}`,
        );
        assert.equal(first.headers.get('x-total'), String(expected.length), `${q}&state=${state} total`);
        // Past the first page, and past the last one (an empty page counts its total apart), in
        // another order, as a member (page and total in one statement when there are more than
        // 100 matches) and as an outsider (the total by lookups).
        for (const token of [dev.token, outsider.token]) {
          for (const page of [2, 3, 4]) {
            const res = await s.request(
              `${bigUrl}?${q}&state=${state}&per_page=50&page=${page}&order_by=updated_at&sort=asc`,
              { token },
            );
            const ascending = [...expected].reverse(); // created in order, never updated since
            assert.deepEqual(
              (res.body as Json[]).map((i) => i.id),
              ascending.slice((page - 1) * 50, page * 50),
              `${q}&state=${state}&page=${page}`,
            );
            assert.equal(
              res.headers.get('x-total'),
              String(expected.length),
              `${q}&state=${state}&page=${page}`,
            );
          }
        }
      }
    }
  });

  test('closing, reopening, relabelling and moving keep the copied state right', async () => {
    await api(s, 'PUT', `${url}/1`, { state_event: 'close' });
    await api(s, 'PUT', `${url}/3`, { state_event: 'reopen' });
    await api(s, 'PUT', `${url}/2`, { add_labels: 'ui' }); // a link added to a closed issue
    await api(s, 'PUT', `${url}/4`, { labels: 'bug,grouplabel' }); // links replaced on an open one
    await api(s, 'POST', `${url}/6/move`, { to_project_id: other.id }); // closes 6, opens a copy
    const closed = await s.request(`${url}?labels=bug,ui&state=closed&per_page=1`, { token: dev.token });
    assert.equal(closed.headers.get('x-total'), '3'); // i1, i2, i5
    await assertExact(url);
    await assertExact(`/groups/${group.id}/issues`);
    await assertExact(`/projects/${other.id}/issues`);
    await assertExact('/issues?scope=all');
  });

  test('a project list follows every label change, as the group list sees it (bitmaps on SQLite)', async () => {
    // On SQLite a project's labels=a,b lists and statistics read the label bitmaps (migration
    // 0019); the group's list reads the label links. Both must name the same issues after each
    // kind of change: links added, removed and replaced, state changes, moves in and out, deleted
    // issues, a deleted label and a promoted one. More than 100 matches, so the walked page counts.
    // not[labels] alone, and with labels=, counts from the bitmaps too.
    const proj = await createProject(s, { namespace_id: group.id });
    const purl = `/projects/${proj.id}/issues`;
    for (const name of ['alpha', 'beta', 'gamma'])
      await api(s, 'POST', `/projects/${proj.id}/labels`, { name, color: '#123456' });
    for (let i = 1; i <= 120; i++) {
      const labels = ['alpha', i % 2 ? 'beta' : '', i % 3 ? '' : 'gamma', i % 5 ? '' : 'grouplabel'];
      await api(s, 'POST', purl, { title: `p${i}`, labels: labels.filter(Boolean).join(',') });
    }
    const lists = [
      'labels=alpha',
      'labels=alpha,beta',
      'labels=beta,gamma',
      'labels=alpha,beta,grouplabel',
      'not[labels]=gamma',
      'not[labels]=beta',
      'not[labels]=beta,grouplabel',
      'labels=alpha&not[labels]=gamma',
      'labels=beta&not[labels]=gamma,grouplabel',
    ];
    async function assertSameAsGroup(step: string) {
      for (const q of lists) {
        for (const state of ['', '&state=opened', '&state=closed']) {
          const inGroup = (await everyPage(`/groups/${group.id}/issues?${q}${state}`, dev.token))
            .filter((i) => i.project_id === proj.id)
            .map((i) => i.id);
          const inProject = (await everyPage(`${purl}?${q}${state}`, dev.token)).map((i) => i.id);
          assert.deepEqual(inProject, inGroup, `${step}: ${q}${state}`);
          const first = await s.request(`${purl}?${q}${state}&per_page=3`, { token: dev.token });
          assert.equal(first.headers.get('x-total'), String(inGroup.length), `${step}: ${q}${state} total`);
          assert.deepEqual(
            (first.body as Json[]).map((i) => i.id),
            inGroup.slice(0, 3),
            `${step}: ${q}${state} page`,
          );
        }
        const everything = await everyPage(`/groups/${group.id}/issues?${q}`, dev.token);
        const n = (st: string) => everything.filter((i) => i.project_id === proj.id && i.state === st).length;
        const stats = await api<{ statistics: { counts: Json } }>(
          s,
          'GET',
          `/projects/${proj.id}/issues_statistics?${q}`,
          undefined,
          dev.token,
        );
        assert.deepEqual(
          stats.statistics.counts,
          { all: n('opened') + n('closed'), closed: n('closed'), opened: n('opened') },
          `${step}: statistics ${q}`,
        );
      }
    }
    await assertSameAsGroup('created');
    for (let iid = 1; iid <= 120; iid += 4) await api(s, 'PUT', `${purl}/${iid}`, { state_event: 'close' });
    await api(s, 'PUT', `${purl}/5`, { state_event: 'reopen' });
    await assertSameAsGroup('closed and reopened');
    await api(s, 'PUT', `${purl}/2`, { add_labels: 'beta,gamma' });
    await api(s, 'PUT', `${purl}/3`, { remove_labels: 'alpha' });
    await api(s, 'PUT', `${purl}/9`, { labels: 'beta,gamma,grouplabel' }); // closed: replaced
    await assertSameAsGroup('relabelled');
    await api(s, 'POST', `${purl}/7/move`, { to_project_id: other.id });
    const incoming = await api(s, 'POST', `/projects/${other.id}/issues`, {
      title: 'in',
      labels: 'alpha,beta',
    });
    await api(s, 'POST', `/projects/${other.id}/issues/${incoming.iid}/move`, { to_project_id: proj.id });
    await api(s, 'DELETE', `${purl}/11`);
    await assertSameAsGroup('moved and deleted');
    await api(s, 'DELETE', `/projects/${proj.id}/labels/gamma`);
    await api(s, 'PUT', `/projects/${proj.id}/labels/beta/promote`);
    await assertSameAsGroup('a label deleted, another promoted');
  });
});
