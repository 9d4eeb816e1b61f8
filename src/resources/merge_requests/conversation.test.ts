import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { addMember, api, createProject, type Json } from '../issues/test_helpers.js';

/** The conversation around a merge request: award emoji, system notes, resource events, todos. */
describe('merge request conversation', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  async function setup(attrs: Json = {}) {
    const p = await createProject(s, { initialize_with_readme: true });
    await api(s, 'POST', `/projects/${p.id}/repository/commits`, {
      branch: 'feature',
      start_branch: 'main',
      commit_message: 'add a',
      actions: [{ action: 'create', file_path: 'a.txt', content: 'a\n' }],
    });
    const mr = await api<Json & { iid: number; id: number }>(s, 'POST', `/projects/${p.id}/merge_requests`, {
      source_branch: 'feature',
      target_branch: 'main',
      title: 'Add a',
      ...attrs,
    });
    return { p, mr, url: `/projects/${p.id}/merge_requests/${mr.iid}` };
  }

  test('gitbeaker: award emoji on a merge request and on its notes; upvotes; only your own removed', async () => {
    const { p, mr, url } = await setup();
    const gl = s.gitlab();
    const award = await gl.MergeRequestAwardEmojis.award(p.id, mr.iid, 'thumbsup');
    assert.deepEqual(
      [award.name, award.awardable_type, award.awardable_id],
      ['thumbsup', 'MergeRequest', mr.id],
    );
    assert.equal((await api<Json>(s, 'GET', url)).upvotes, 1);
    const note = await api<Json & { id: number }>(s, 'POST', `${url}/notes`, { body: 'nice' });
    const onNote = await gl.MergeRequestNoteAwardEmojis.award(p.id, mr.iid, note.id, 'tada');
    assert.deepEqual([onNote.awardable_type, onNote.awardable_id], ['Note', note.id]);
    assert.deepEqual(
      (await gl.MergeRequestNoteAwardEmojis.all(p.id, mr.iid, note.id)).map((a) => a.name),
      ['tada'],
    );
    let res = await s.request(`${url}/award_emoji`, { method: 'POST', body: { name: 'thumbsup' } });
    assert.deepEqual(
      [res.status, res.body],
      [404, { message: '404 Award Emoji Name has already been taken Not Found' }],
    );
    res = await s.request(`${url}/award_emoji`, { method: 'POST', body: { name: 'not_an_emoji' } });
    assert.equal(res.status, 404);
    const other = await createUser(s);
    res = await s.request(`${url}/award_emoji/${award.id}`, { method: 'DELETE', token: other.token });
    assert.equal(res.status, 401);
    await gl.MergeRequestAwardEmojis.remove(p.id, mr.iid, award.id);
    assert.equal((await api<Json>(s, 'GET', url)).upvotes, 0);
    res = await s.request(`${url}/notes/999999/award_emoji`);
    assert.deepEqual([res.status, res.body], [404, { message: '404 Note Not Found' }]);
  });

  test('a private project hides its merge request awards', async () => {
    const p = await createProject(s, { initialize_with_readme: true, visibility: 'private' });
    const outsider = await createUser(s);
    const res = await s.request(`/projects/${p.id}/merge_requests/1/award_emoji`, { token: outsider.token });
    assert.deepEqual([res.status, res.body], [404, { message: '404 Project Not Found' }]);
  });

  test('gitbeaker: system notes, resource events and todos through a merge request life (create, update, close, reopen, merge)', async () => {
    const [alice, bob, carol] = [await createUser(s), await createUser(s), await createUser(s)];
    const p = await createProject(s, { initialize_with_readme: true });
    for (const u of [alice, bob, carol]) await addMember(s, 'projects', p.id, u.id, 40);
    const milestone = await api<Json & { id: number; iid: number }>(
      s,
      'POST',
      `/projects/${p.id}/milestones`,
      {
        title: 'v1',
      },
    );
    await api(s, 'POST', `/projects/${p.id}/repository/commits`, {
      branch: 'feature',
      start_branch: 'main',
      commit_message: 'add a',
      actions: [{ action: 'create', file_path: 'a.txt', content: 'a\n' }],
    });
    const gl = s.gitlab();
    const mr = await gl.MergeRequests.create(p.id, 'feature', 'main', 'Add a', {
      assigneeIds: [bob.id],
      reviewerIds: [alice.id],
      labels: 'bug',
      milestoneId: milestone.id,
      description: `@${carol.username} please look`,
    });
    const url = `/projects/${p.id}/merge_requests/${mr.iid}`;
    const todos = async (u: { token: string }, query = '') =>
      (await api<Json[]>(s, 'GET', `/todos${query}`, undefined, u.token)).map((t) => [
        t.action_name,
        t.target_type,
        (t.target as Json).iid,
        t.state,
      ]);
    assert.deepEqual(await todos(bob), [['assigned', 'MergeRequest', mr.iid, 'pending']]);
    assert.deepEqual(await todos(alice), [['review_requested', 'MergeRequest', mr.iid, 'pending']]);
    assert.deepEqual(await todos(carol), [['directly_addressed', 'MergeRequest', mr.iid, 'pending']]);
    const viaGitbeaker = await s.gitlab(alice.token).TodoLists.all({ action: 'review_requested' as never });
    assert.deepEqual(
      viaGitbeaker.map((t) => [t.target_type, (t.target as unknown as Json).iid]),
      [['MergeRequest', mr.iid]],
    );

    await gl.MergeRequests.edit(p.id, mr.iid, { title: 'Draft: Add a' });
    await gl.MergeRequests.edit(p.id, mr.iid, { title: 'Add a and more' });
    await gl.MergeRequests.edit(p.id, mr.iid, { addLabels: 'feature', removeLabels: 'bug' });
    await gl.MergeRequests.edit(p.id, mr.iid, { reviewerIds: [carol.id], milestoneId: 0 });
    await gl.MergeRequests.edit(p.id, mr.iid, { stateEvent: 'close' });
    await gl.MergeRequests.edit(p.id, mr.iid, { stateEvent: 'reopen' });
    await api(s, 'PUT', `${url}/merge`, {}, bob.token);

    const system = (await gl.MergeRequestNotes.all(p.id, mr.iid, { sort: 'asc' } as never))
      .filter((n) => n.system)
      .map((n) => n.body);
    const allLabels = await api<Json[]>(s, 'GET', `/projects/${p.id}/labels`);
    const ref = (title: string) => `~${(allLabels.find((l) => l.name === title) as Json).id}`;
    assert.deepEqual(system, [
      'marked this merge request as **draft**',
      'marked this merge request as **ready**',
      'changed title from **Draft: Add a** to **Add a and more**',
      `added ${ref('feature')} label and removed ${ref('bug')} label`,
      `removed milestone %${milestone.iid}`,
      `requested review from @${carol.username} and removed review request for @${alice.username}`,
      'closed',
      'reopened',
      'merged',
    ]);

    assert.deepEqual(await api(s, 'GET', `${url}/notes?activity_filter=only_comments`), []);
    assert.equal((await api<Json[]>(s, 'GET', `${url}/notes?activity_filter=only_activity`)).length, 9);
    const states = await gl.MergeRequestStateEvents.all(p.id, mr.iid);
    assert.deepEqual(
      states.map((e) => [e.state, e.resource_type, e.resource_id]),
      [
        ['closed', 'MergeRequest', mr.id],
        ['reopened', 'MergeRequest', mr.id],
        ['merged', 'MergeRequest', mr.id],
      ],
    );
    const labelEvents = await api<Json[]>(s, 'GET', `${url}/resource_label_events`);
    assert.deepEqual(
      labelEvents.map((e) => [e.action, (e.label as Json).name]),
      [
        ['add', 'bug'],
        ['add', 'feature'],
        ['remove', 'bug'],
      ],
    );
    const milestoneEvents = await api<Json[]>(s, 'GET', `${url}/resource_milestone_events`);
    assert.deepEqual(
      milestoneEvents.map((e) => [e.action, (e.milestone as Json).id]),
      [
        ['add', milestone.id],
        ['remove', milestone.id],
      ],
    );
    const one = await api<Json>(s, 'GET', `${url}/resource_state_events/${states[0].id}`);
    assert.equal(one.state, 'closed');

    // The merger's todos on it are done; the others' stay (TodoService#merge_merge_request).
    assert.deepEqual(await todos(bob), []);
    assert.deepEqual(await todos(bob, '?state=done'), [['assigned', 'MergeRequest', mr.iid, 'done']]);
    assert.deepEqual(await todos(carol, '?type=MergeRequest'), [
      ['review_requested', 'MergeRequest', mr.iid, 'pending'],
      ['directly_addressed', 'MergeRequest', mr.iid, 'pending'],
    ]);
    // A mention in a comment on the merge request.
    await api(s, 'POST', `${url}/notes`, { body: `thanks @${alice.username}` }, bob.token);
    assert.deepEqual((await todos(alice))[0], ['mentioned', 'MergeRequest', mr.iid, 'pending']);
    // Deleting the merge request takes its todos along.
    await api(s, 'DELETE', url);
    assert.deepEqual(await todos(alice), []);
    assert.deepEqual(await todos(bob, '?state=done'), []);
  });
});
