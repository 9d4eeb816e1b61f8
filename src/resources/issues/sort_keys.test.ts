import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from './test_helpers.js';

/**
 * order_by=label_priority, priority and milestone_due sort by keys from other tables (the lowest
 * priority among the issue's prioritized labels, its milestone's due date), which triggers copy
 * onto the issue (migration 0020) so the orders walk an index. The expected orders here are
 * computed from what the API shows — each issue's labels and milestone, each label's priority, each
 * milestone's due date — after every kind of change that moves a key: priorities set, changed and
 * removed, labels added and removed, a due date changed, a milestone deleted, an issue moved.
 * Nulls sort last in both directions; ties by id in the sort's direction.
 */
describe('issue sorts by label priority and milestone due date follow every change', () => {
  let s: TestServer;
  let project: Json & { id: number };
  let other: Json & { id: number };
  const milestones: Record<string, number> = {};
  before(async () => {
    s = await startTestServer();
    project = await createProject(s);
    other = await createProject(s);
    for (const p of [project, other])
      for (const [name, priority] of [
        ['a', 2],
        ['b', 0],
        ['c', null],
      ] as const)
        await api(s, 'POST', `/projects/${p.id}/labels`, {
          name,
          color: '#123456',
          ...(priority === null ? {} : { priority }),
        });
    for (const [title, due] of [
      ['m1', '2027-01-10'],
      ['m2', '2027-03-01'],
      ['m3', null],
    ] as const)
      milestones[title] = (
        await api<{ id: number }>(s, 'POST', `/projects/${project.id}/milestones`, {
          title,
          ...(due ? { due_date: due } : {}),
        })
      ).id;
    const plan: [string, string | null][] = [
      ['a', 'm1'],
      ['b', 'm1'],
      ['a,b', 'm2'],
      ['c', 'm2'],
      ['', 'm3'],
      ['a,c', null],
      ['b,c', null],
      ['', null],
      ['a', 'm2'],
      ['c', 'm1'],
      ['b', null],
      ['a,b,c', 'm3'],
    ];
    for (const [i, [labels, milestone]] of plan.entries())
      await api(s, 'POST', `/projects/${project.id}/issues`, {
        title: `s${i}`,
        labels,
        ...(milestone ? { milestone_id: milestones[milestone] } : {}),
      });
  });
  after(() => s.close());

  /** The orders as the issue's rules give them, from the project's issues, labels and milestones. */
  async function assertSorted(projectId: number, step: string) {
    const issues = await api<Json[]>(s, 'GET', `/projects/${projectId}/issues?per_page=100`);
    const labels = await api<{ name: string; priority: number | null }[]>(
      s,
      'GET',
      `/projects/${projectId}/labels`,
    );
    const priority = new Map(labels.map((l) => [l.name, l.priority]));
    const keys = issues.map((i) => {
      const prios = (i.labels as string[])
        .map((l) => priority.get(l))
        .filter((p) => p !== null && p !== undefined);
      const milestone = i.milestone as { due_date: string | null } | null;
      return {
        id: i.id as number,
        label: prios.length ? Math.min(...(prios as number[])) : null,
        due: milestone?.due_date ?? null,
      };
    });
    type Key = (typeof keys)[number];
    const compare = (x: string | number | null, y: string | number | null, dir: number) =>
      x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -dir : dir;
    for (const sort of ['asc', 'desc'] as const) {
      const dir = sort === 'asc' ? 1 : -1;
      const byId = (x: Key, y: Key) => (x.id - y.id) * dir;
      const expected: Record<string, (x: Key, y: Key) => number> = {
        label_priority: (x, y) => compare(x.label, y.label, dir) || byId(x, y),
        milestone_due: (x, y) => compare(x.due, y.due, dir) || byId(x, y),
        priority: (x, y) => compare(x.due, y.due, dir) || compare(x.label, y.label, dir) || byId(x, y),
      };
      for (const [orderBy, cmp] of Object.entries(expected)) {
        const got = await api<Json[]>(
          s,
          'GET',
          `/projects/${projectId}/issues?order_by=${orderBy}&sort=${sort}&per_page=100`,
        );
        assert.deepEqual(
          got.map((i) => i.id),
          [...keys].sort(cmp).map((k) => k.id),
          `${step}: order_by=${orderBy}&sort=${sort}`,
        );
      }
    }
  }

  test('as created, and after priorities, labels, due dates, a deleted milestone and a move change', async () => {
    const url = `/projects/${project.id}`;
    await assertSorted(project.id, 'created');
    await api(s, 'PUT', `${url}/labels/c`, { priority: 1 });
    await api(s, 'PUT', `${url}/labels/b`, { priority: '' });
    await assertSorted(project.id, 'priorities changed');
    await api(s, 'PUT', `${url}/issues/5`, { add_labels: 'b' });
    await api(s, 'PUT', `${url}/issues/1`, { remove_labels: 'a' });
    await api(s, 'PUT', `${url}/issues/8`, { labels: 'c' });
    await assertSorted(project.id, 'labels changed');
    await api(s, 'PUT', `${url}/milestones/${milestones.m1}`, { due_date: '2027-06-01' });
    await api(s, 'PUT', `${url}/issues/6`, { milestone_id: milestones.m2 });
    await api(s, 'DELETE', `${url}/milestones/${milestones.m3}`);
    await assertSorted(project.id, 'due dates and milestones changed');
    await api(s, 'POST', `${url}/issues/3/move`, { to_project_id: other.id });
    await api(s, 'POST', `${url}/issues/12/move`, { to_project_id: other.id });
    await assertSorted(project.id, 'moved out');
    await assertSorted(other.id, 'moved in');
    await api(s, 'DELETE', `${url}/labels/a`);
    await assertSorted(project.id, 'a prioritized label deleted');
  });
});
