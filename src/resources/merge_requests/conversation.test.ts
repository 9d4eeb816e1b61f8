import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';

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
});
