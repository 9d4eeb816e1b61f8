import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createProject, type Json } from '../issues/test_helpers.js';

const LINES = Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join('\n');

interface Note extends Json {
  id: number;
  type: string | null;
  resolvable: boolean;
  resolved?: boolean;
  resolved_by?: { username: string } | null;
  position?: Json;
}
interface Discussion {
  id: string;
  individual_note: boolean;
  notes: Note[];
}

describe('merge request discussions', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  /** A project whose merge request !1 changes line 5 of code.txt (l5 → L5). */
  async function setup(attrs: Json = {}) {
    const p = await createProject(s, { initialize_with_readme: true, ...attrs });
    const commit = (branch: string, content: string, start?: string) =>
      api<Json>(s, 'POST', `/projects/${p.id}/repository/commits`, {
        branch,
        start_branch: start,
        commit_message: `${branch} code`,
        actions: [{ action: start ? 'update' : 'create', file_path: 'code.txt', content }],
      });
    await commit('main', `${LINES}\n`);
    await commit('feature', `${LINES.replace('l5', 'L5')}\n`, 'main');
    const mr = await api<Json & { iid: number; diff_refs: Record<string, string> }>(
      s,
      'POST',
      `/projects/${p.id}/merge_requests`,
      { source_branch: 'feature', target_branch: 'main', title: 'Change l5' },
    );
    const position = (lines: Json) => ({
      position_type: 'text',
      ...mr.diff_refs,
      old_path: 'code.txt',
      new_path: 'code.txt',
      ...lines,
    });
    return { p, mr, position, url: `/projects/${p.id}/merge_requests/${mr.iid}` };
  }

  test('gitbeaker: a diff note on a changed line, a reply, resolve the thread; blocking_discussions_resolved', async () => {
    const { p, mr, position, url } = await setup({ only_allow_merge_if_all_discussions_are_resolved: true });
    const gl = s.gitlab();
    const created = (await gl.MergeRequestDiscussions.create(p.id, mr.iid, 'why L5?', {
      position: position({ new_line: 5 }) as never,
    })) as unknown as Discussion;
    assert.equal(created.individual_note, false);
    const [first] = created.notes;
    assert.equal(first.type, 'DiffNote');
    assert.deepEqual(first.position, {
      base_sha: mr.diff_refs.base_sha,
      start_sha: mr.diff_refs.start_sha,
      head_sha: mr.diff_refs.head_sha,
      old_path: 'code.txt',
      new_path: 'code.txt',
      position_type: 'text',
      old_line: null,
      new_line: 5,
      line_range: null,
      ignore_whitespace_change: false,
    });
    assert.deepEqual(
      [first.resolvable, first.resolved, first.resolved_by, first.resolved_at, first.commit_id],
      [true, false, null, null, null],
    );
    let merge = await api<Json>(s, 'GET', url);
    assert.deepEqual(
      [merge.blocking_discussions_resolved, merge.detailed_merge_status],
      [false, 'discussions_not_resolved'],
    );
    let res = await s.request(`${url}/merge`, { method: 'PUT' });
    assert.deepEqual([res.status, res.body], [405, { message: '405 Method Not Allowed' }]);

    const reply = (await gl.MergeRequestDiscussions.addNote(
      p.id,
      mr.iid,
      created.id,
      'because',
    )) as unknown as Note;
    assert.equal(reply.type, 'DiffNote');
    assert.deepEqual(reply.position, first.position);
    const resolved = (await gl.MergeRequestDiscussions.resolve(
      p.id,
      mr.iid,
      created.id,
      true,
    )) as unknown as Discussion;
    assert.deepEqual(
      resolved.notes.map((n) => [n.resolved, n.resolved_by?.username]),
      [
        [true, 'root'],
        [true, 'root'],
      ],
    );
    merge = await api<Json>(s, 'GET', url);
    assert.deepEqual([merge.blocking_discussions_resolved, merge.detailed_merge_status], [true, 'mergeable']);
    // A reply in a resolved thread keeps it resolved (Notes::BuildService).
    const late = await api<Note>(s, 'POST', `${url}/discussions/${created.id}/notes`, { body: 'ok' });
    assert.equal(late.resolved, true);
    // Unresolve one note: the thread blocks again.
    const un = await api<Note>(s, 'PUT', `${url}/discussions/${created.id}/notes/${first.id}`, {
      resolved: false,
    });
    assert.deepEqual([un.resolved, un.resolved_by, un.resolved_at], [false, null, null]);
    assert.equal((await api<Json>(s, 'GET', url)).detailed_merge_status, 'discussions_not_resolved');
    const list = (await gl.MergeRequestDiscussions.all(p.id, mr.iid)) as unknown as Discussion[];
    assert.deepEqual(
      list.map((d) => d.notes.length),
      [3],
    );
    res = await s.request(`${url}/discussions/${created.id}?resolved=true`, { method: 'PUT' });
    assert.equal(res.status, 200);
    assert.equal((await api<Json>(s, 'GET', url)).blocking_discussions_resolved, true);
  });

  test('positions on removed and unchanged lines; plain threads are resolvable, individual notes are not', async () => {
    const { mr, position, url } = await setup();
    const removed = await api<Discussion>(s, 'POST', `${url}/discussions`, {
      body: 'gone',
      position: position({ old_line: 5 }),
    });
    assert.deepEqual([removed.notes[0].position?.old_line, removed.notes[0].position?.new_line], [5, null]);
    // go-gitlab sends "line_range": null with every position.
    const nullRange = await s.request(`${url}/discussions`, {
      method: 'POST',
      body: { body: 'null range', position: { ...position({ new_line: 5 }), line_range: null } },
    });
    assert.equal(nullRange.status, 201, nullRange.text);
    const context = await api<Discussion>(s, 'POST', `${url}/discussions`, {
      body: 'ctx',
      position: position({ old_line: 3, new_line: 3 }),
    });
    assert.equal(context.notes[0].type, 'DiffNote');
    const thread = await api<Discussion>(s, 'POST', `${url}/discussions`, { body: 'overview' });
    assert.deepEqual([thread.notes[0].type, thread.notes[0].resolvable], ['DiscussionNote', true]);
    const single = await api<Note>(s, 'POST', `${url}/notes`, { body: 'plain' });
    assert.deepEqual([single.type, single.resolvable, 'resolved' in single], [null, false, false]);
    const res = await s.request(`${url}/discussions/${single.discussion_id ?? 'x'}/notes/${single.id}`, {
      method: 'PUT',
      body: { resolved: true },
    });
    assert.deepEqual([res.status, res.body], [400, { message: '400 Bad request - Note is not resolvable' }]);
    assert.equal(mr.iid, 1);
  });

  test('bad positions: GitLab 400 bodies, nothing written', async () => {
    const { position, url } = await setup();
    const post = (pos: unknown) =>
      s.request(`${url}/discussions`, { method: 'POST', body: { body: 'x', position: pos } });
    const lineCode = `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"]}`;
    // An unchanged line named by its new number only, and a line outside the diff.
    for (const lines of [{ new_line: 3 }, { new_line: 50 }, { old_line: 5, new_line: 5 }]) {
      const res = await post(position(lines));
      assert.deepEqual([res.status, res.body], [400, { message: lineCode }], JSON.stringify(lines));
    }
    let res = await post(position({}));
    assert.deepEqual(
      [res.status, res.body],
      [
        400,
        {
          message: `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"], :position=>["is incomplete"]}`,
        },
      ],
    );
    res = await post(position({ new_line: 5, new_path: 'nope.txt', old_path: 'nope.txt' }));
    assert.deepEqual([res.status, res.body], [400, { message: lineCode }]);
    res = await post(position({ new_line: 5, head_sha: '0'.repeat(40) }));
    assert.deepEqual([res.status, res.body], [400, { message: lineCode }]);
    res = await post({ position_type: 'text', new_line: 5 });
    assert.deepEqual(
      [res.status, res.body],
      [
        400,
        {
          error:
            'position[base_sha] is missing, position[start_sha] is missing, position[head_sha] is missing',
        },
      ],
    );
    res = await post(position({ position_type: 'video', new_line: 5 }));
    assert.deepEqual(
      [res.status, res.body],
      [400, { error: 'position[position_type] does not have a valid value' }],
    );
    res = await post(position({ new_line: 'five' }));
    assert.deepEqual([res.status, res.body], [400, { error: 'position[new_line] is invalid' }]);
    assert.deepEqual(await api(s, 'GET', `${url}/discussions`), []);
  });

  test('who may resolve: the author and Developer+; a Reporter gets 403; missing thread 404', async () => {
    const { p, position, url } = await setup();
    const reporter = await createUser(s);
    await addMember(s, 'projects', p.id, reporter.id, 20);
    const d = await api<Discussion>(s, 'POST', `${url}/discussions`, {
      body: 'x',
      position: position({ new_line: 5 }),
    });
    let res = await s.request(`${url}/discussions/${d.id}?resolved=true`, {
      method: 'PUT',
      token: reporter.token,
    });
    assert.deepEqual([res.status, res.body], [403, { message: '403 Forbidden' }]);
    res = await s.request(`${url}/discussions/${d.id}/notes/${d.notes[0].id}`, {
      method: 'PUT',
      token: reporter.token,
      body: { resolved: true },
    });
    assert.equal(res.status, 403);
    res = await s.request(`${url}/discussions/${'f'.repeat(40)}?resolved=true`, { method: 'PUT' });
    assert.deepEqual([res.status, res.body], [404, { message: '404 Discussion Not Found' }]);
    // A Reporter may comment and reply.
    const r = await api<Note>(
      s,
      'POST',
      `${url}/discussions/${d.id}/notes`,
      { body: 'me too' },
      reporter.token,
    );
    assert.equal(r.type, 'DiffNote');
  });
});
