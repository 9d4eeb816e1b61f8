import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { api, createProject, type Json } from '../issues/test_helpers.js';

type Discussion = { id: string; individual_note: boolean; notes: Json[] };

describe('discussions', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('issue threads: create, reply, list with individual notes, get, edit and delete a note', async () => {
    const project = await createProject(s);
    const alice = await createUser(s);
    await api(s, 'POST', `/projects/${project.id}/issues`, { title: 'd' });
    const base = `/projects/${project.id}/issues/1/discussions`;
    const plain = await api(s, 'POST', `/projects/${project.id}/issues/1/notes`, { body: 'plain' });
    const thread = await api<Discussion>(s, 'POST', base, { body: 'start' });
    assert.deepEqual(Object.keys(thread), ['id', 'individual_note', 'notes']);
    assert.equal(thread.individual_note, false);
    assert.match(thread.id, /^[0-9a-f]{40}$/);
    assert.deepEqual(
      thread.notes.map((n) => [n.type, n.body, n.resolvable]),
      [['DiscussionNote', 'start', false]],
    );
    const reply = await api(s, 'POST', `${base}/${thread.id}/notes`, { body: 'reply' }, alice.token);
    assert.deepEqual(
      [reply.type, reply.body, (reply.author as Json).username],
      ['DiscussionNote', 'reply', alice.username],
    );

    const list = await api<Discussion[]>(s, 'GET', base);
    assert.deepEqual(
      list.map((d) => [d.individual_note, d.notes.map((n) => n.body)]),
      [
        [true, ['plain']],
        [false, ['start', 'reply']],
      ],
    );
    const res = await s.request(`${base}?per_page=1&page=2`);
    assert.equal(res.headers.get('x-total'), '2');
    assert.deepEqual(
      (res.body as Discussion[]).map((d) => d.id),
      [thread.id],
    );
    const one = await api<Discussion>(s, 'GET', `${base}/${thread.id}`);
    assert.equal(one.notes.length, 2);
    const missing = await s.request(`${base}/${'0'.repeat(40)}`);
    assert.deepEqual([missing.status, missing.body], [404, { message: '404 Discussion Not Found' }]);

    // Replying to an individual note turns it into a thread.
    const individual = list[0];
    await api(s, 'POST', `${base}/${individual.id}/notes`, { body: 'now a thread' });
    const converted = await api<Discussion>(s, 'GET', `${base}/${individual.id}`);
    assert.deepEqual(
      [converted.individual_note, converted.notes.map((n) => n.type)],
      [false, ['DiscussionNote', 'DiscussionNote']],
    );
    assert.equal(converted.notes[0].id, plain.id);

    // Edit: author only, exactly one of body/resolved.
    const noteUrl = `${base}/${thread.id}/notes/${reply.id}`;
    const neither = await s.request(noteUrl, { method: 'PUT', body: {}, token: alice.token });
    assert.deepEqual(neither.body, {
      error: 'body, resolved are missing, exactly one parameter must be provided',
    });
    const both = await s.request(noteUrl, {
      method: 'PUT',
      body: { body: 'x', resolved: true },
      token: alice.token,
    });
    assert.deepEqual(both.body, { error: 'body, resolved are mutually exclusive' });
    const notMine = await s.request(noteUrl, { method: 'PUT', body: { body: 'x' } });
    assert.equal(notMine.status, 403);
    const edited = await api(s, 'PUT', noteUrl, { body: 'edited' }, alice.token);
    assert.equal(edited.body, 'edited');
    assert.equal((await api(s, 'GET', noteUrl)).body, 'edited');
    await api(s, 'DELETE', noteUrl, undefined, alice.token);
    assert.equal((await api<Discussion>(s, 'GET', `${base}/${thread.id}`)).notes.length, 1);

    // System notes are individual and take no replies; anonymous callers get 401.
    await api(s, 'PUT', `/projects/${project.id}/issues/1`, { state_event: 'close' });
    const system = (await api<Discussion[]>(s, 'GET', base)).find((d) => d.notes[0].system);
    assert.equal(system?.individual_note, true);
    const noReply = await s.request(`${base}/${system?.id}/notes`, { method: 'POST', body: { body: 'no' } });
    assert.deepEqual(
      [noReply.status, noReply.body],
      [400, { message: '400 Bad request - Discussion can not be replied to.' }],
    );
    assert.equal((await s.request(base, { token: null })).status, 401);
  });

  test('gitbeaker IssueDiscussions end to end', async () => {
    const gl = s.gitlab();
    const project = await createProject(s);
    const issue = await gl.Issues.create(project.id, 'threads');
    const d = await gl.IssueDiscussions.create(project.id, issue.iid, 'hello');
    const note = await gl.IssueDiscussions.addNote(project.id, issue.iid, d.id, 'world');
    assert.equal(note.body, 'world');
    const all = await gl.IssueDiscussions.all(project.id, issue.iid);
    assert.deepEqual(
      all.map((x) => (x.notes as Json[] | undefined)?.map((n) => n.body)),
      [['hello', 'world']],
    );
    const shown = await gl.IssueDiscussions.show(project.id, issue.iid, d.id);
    assert.equal(shown.id, d.id);
    const edited = await gl.IssueDiscussions.editNote(project.id, issue.iid, d.id, note.id, {
      body: 'there',
    });
    assert.equal(edited.body, 'there');
    await gl.IssueDiscussions.removeNote(project.id, issue.iid, d.id, note.id);
    assert.equal((await gl.IssueDiscussions.show(project.id, issue.iid, d.id)).notes?.length, 1);
  });
});
