import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';

describe('award emoji', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('on an issue: award, list, get, duplicates and unknown names refused, upvotes, remove own only', async () => {
    const project = await createProject(s);
    const alice = await createUser(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'a' });
    const url = `/projects/${project.id}/issues/1/award_emoji`;
    const award = await api(s, 'POST', url, { name: 'thumbsup' });
    assert.deepEqual(Object.keys(award), [
      'id',
      'name',
      'user',
      'created_at',
      'updated_at',
      'awardable_id',
      'awardable_type',
      'url',
    ]);
    assert.deepEqual(
      [award.name, award.awardable_type, (award.user as Json).username],
      ['thumbsup', 'Issue', 'root'],
    );
    const dup = await s.request(url, { method: 'POST', body: { name: 'thumbsup' } });
    assert.equal(dup.status, 404);
    assert.deepEqual(dup.body, { message: '404 Award Emoji Name has already been taken Not Found' });
    const bad = await s.request(url, { method: 'POST', body: { name: 'not_an_emoji_xx' } });
    assert.deepEqual(
      [bad.status, bad.body],
      [404, { message: '404 Award Emoji Name is not a valid emoji name Not Found' }],
    );
    const missing = await s.request(url, { method: 'POST', body: {} });
    assert.deepEqual([missing.status, missing.body], [400, { error: 'name is missing' }]);
    const mine = await api(s, 'POST', url, { name: 'thumbsup' }, alice.token);
    await api(s, 'POST', url, { name: 'tada' }, alice.token);

    const list = await api<Json[]>(s, 'GET', url);
    assert.deepEqual(
      list.map((a) => [a.name, (a.user as Json).username]),
      [
        ['thumbsup', 'root'],
        ['thumbsup', alice.username],
        ['tada', alice.username],
      ],
    );
    const issue = await api(s, 'GET', `/projects/${project.id}/issues/1`);
    assert.deepEqual([issue.upvotes, issue.downvotes], [2, 0]);
    assert.equal((await api(s, 'GET', `${url}/${award.id}`)).name, 'thumbsup');
    const none = await s.request(`${url}/999999`);
    assert.deepEqual([none.status, none.body], [404, { message: '404 Not found' }]);

    // Someone else's award: 401; the awarder removes it (204), and upvotes follow.
    const other = await s.request(`${url}/${award.id}`, { method: 'DELETE', token: alice.token });
    assert.deepEqual([other.status, other.body], [401, { message: '401 Unauthorized' }]);
    await api(s, 'DELETE', `${url}/${mine.id}`, undefined, alice.token);
    const sorted = await api<Json[]>(s, 'GET', `/projects/${project.id}/issues?order_by=popularity`);
    assert.equal(sorted[0].upvotes, 1);
    // An admin may remove anyone's.
    await api(s, 'DELETE', `${url}/${award.id}`);
    assert.equal((await api(s, 'GET', `/projects/${project.id}/issues/1`)).upvotes, 0);
  });

  test('on issue notes; hidden issues are 404; anonymous cannot award', async () => {
    const project = await createProject(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'n' });
    const note = await api(s, 'POST', `/projects/${project.id}/issues/1/notes`, { body: 'hi' });
    const url = `/projects/${project.id}/issues/1/notes/${note.id}/award_emoji`;
    const award = await api(s, 'POST', url, { name: 'heart' });
    assert.deepEqual([award.awardable_type, award.awardable_id], ['Note', note.id]);
    assert.deepEqual(
      (await api<Json[]>(s, 'GET', url)).map((a) => a.name),
      ['heart'],
    );
    await api(s, 'PUT', `/projects/${project.id}/issues/1`, { state_event: 'close' });
    const notes = await api<Json[]>(s, 'GET', `/projects/${project.id}/issues/1/notes`);
    const system = notes.find((n) => n.system);
    const onSystem = await s.request(`/projects/${project.id}/issues/1/notes/${system?.id}/award_emoji`, {
      method: 'POST',
      body: { name: 'heart' },
    });
    assert.equal(onSystem.status, 404);
    const anon = await s.request(url, { method: 'POST', body: { name: 'smile' }, token: null });
    assert.equal(anon.status, 401);

    const secret = await createProject(s, { visibility: 'private' });
    await api(s, 'POST', `/projects/${secret.id}/issues`, { title: 's' });
    const stranger = await createUser(s);
    const hidden = await s.request(`/projects/${secret.id}/issues/1/award_emoji`, { token: stranger.token });
    assert.equal(hidden.status, 404);
    await api(s, 'DELETE', `${url}/${award.id}`);
    assert.deepEqual(await api<Json[]>(s, 'GET', url), []);
  });

  test('gitbeaker IssueAwardEmojis and IssueNoteAwardEmojis end to end', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const issue = await gl.Issues.create(project.id, 'via gitbeaker');
    const award = await gl.IssueAwardEmojis.award(project.id, issue.iid, 'rocket');
    assert.equal(award.name, 'rocket');
    assert.deepEqual(
      (await gl.IssueAwardEmojis.all(project.id, issue.iid)).map((a) => a.name),
      ['rocket'],
    );
    assert.equal((await gl.IssueAwardEmojis.show(project.id, issue.iid, award.id)).id, award.id);
    await gl.IssueAwardEmojis.remove(project.id, issue.iid, award.id);
    const note = await gl.IssueNotes.create(project.id, issue.iid, 'note');
    const onNote = await gl.IssueNoteAwardEmojis.award(project.id, issue.iid, note.id, 'eyes');
    assert.equal(onNote.awardable_type, 'Note');
    assert.equal((await gl.IssueNoteAwardEmojis.all(project.id, issue.iid, note.id)).length, 1);
  });
});
