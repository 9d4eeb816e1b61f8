import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Json = Record<string, unknown>;

describe('user emails and status', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('POST/GET/DELETE /user/emails: Email entity, taken and invalid addresses, 404 Email Not Found', async () => {
    const u = await createUser(s);
    const address = `${unique('second')}@example.com`;
    const created = await s.request('/user/emails', {
      method: 'POST',
      token: u.token,
      body: { email: address },
    });
    assert.equal(created.status, 201, created.text);
    const body = created.body as Json;
    assert.deepEqual(Object.keys(body), ['id', 'email', 'confirmed_at']);
    assert.equal(body.email, address);
    assert.equal(body.confirmed_at, null);

    const list = await s.request('/user/emails', { token: u.token });
    assert.deepEqual(list.body, [body]);
    assert.equal(list.headers.get('x-total'), '1');
    assert.deepEqual((await s.request(`/user/emails/${body.id}`, { token: u.token })).body, body);
    // Another user's address is hidden, even from an admin on /user/emails.
    assert.deepEqual((await s.request(`/user/emails/${body.id}`)).body, { message: '404 Email Not Found' });

    const taken = await s.request('/user/emails', {
      method: 'POST',
      token: u.token,
      body: { email: u.email },
    });
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.body, { message: { email: ['has already been taken'] } });
    const invalid = await s.request('/user/emails', {
      method: 'POST',
      token: u.token,
      body: { email: 'nope' },
    });
    assert.deepEqual(invalid.body, { message: { email: ['is invalid'] } });
    const missing = await s.request('/user/emails', { method: 'POST', token: u.token, body: {} });
    assert.deepEqual(missing.body, { error: 'email is missing' });

    assert.equal(
      (await s.request(`/user/emails/${body.id}`, { method: 'DELETE', token: u.token })).status,
      204,
    );
    assert.equal((await s.request(`/user/emails/${body.id}`, { token: u.token })).status, 404);
    const badId = await s.request('/user/emails/ASDF', { method: 'DELETE', token: u.token });
    assert.equal(badId.status, 400);
  });

  test('/users/:id/emails for admins: skip_confirmation confirms; the address becomes usable as public_email', async () => {
    const u = await createUser(s);
    const address = `${unique('verified')}@example.com`;
    const created = await s.request(`/users/${u.id}/emails`, {
      method: 'POST',
      body: { email: address, skip_confirmation: true },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(typeof (created.body as Json).confirmed_at, 'string');
    const list = await s.request(`/users/${u.id}/emails`);
    assert.deepEqual(
      (list.body as Json[]).map((e) => e.email),
      [address],
    );
    const edited = await s.request(`/users/${u.id}`, { method: 'PUT', body: { public_email: address } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((edited.body as Json).public_email, address);
    const id = (created.body as Json).id;
    assert.equal((await s.request(`/users/${u.id}/emails/${id}`, { method: 'DELETE' })).status, 204);
    // Deleting the address clears the public email that used it.
    assert.equal(((await s.request(`/users/${u.id}`)).body as Json).public_email, '');
    assert.deepEqual((await s.request('/users/999999/emails')).body, { message: '404 User Not Found' });
  });

  test('gitbeaker end-to-end: UserEmails create/all/remove', async () => {
    const u = await createUser(s);
    const api = s.gitlab(u.token);
    const address = `${unique('gb')}@example.com`;
    const created = await api.UserEmails.create(address);
    assert.equal(created.email, address);
    assert.deepEqual(
      (await api.UserEmails.all()).map((e) => e.email),
      [address],
    );
    await api.UserEmails.remove(created.id as number);
    assert.deepEqual(await api.UserEmails.all(), []);
  });

  test('status: empty by default; PUT sets (defaults emoji), PATCH keeps, PUT with nothing clears', async () => {
    const u = await createUser(s);
    const empty = {
      emoji: null,
      availability: null,
      message: null,
      message_html: '',
      clear_status_at: null,
    };
    assert.deepEqual((await s.request('/user/status', { token: u.token })).body, empty);

    const put = await s.request('/user/status', {
      method: 'PUT',
      token: u.token,
      body: { message: 'in <b>meetings</b>', clear_status_after: '3_hours' },
    });
    assert.equal(put.status, 200, put.text);
    const status = put.body as Json;
    assert.deepEqual(Object.keys(status), [
      'emoji',
      'availability',
      'message',
      'message_html',
      'clear_status_at',
    ]);
    assert.equal(status.emoji, 'speech_balloon');
    assert.equal(status.availability, 'not_set');
    assert.equal(status.message_html, 'in &lt;b&gt;meetings&lt;/b&gt;');
    const inThree = Date.parse(status.clear_status_at as string) - Date.now();
    assert.ok(inThree > 170 * 60_000 && inThree <= 180 * 60_000);

    const patch = await s.request('/user/status', {
      method: 'PATCH',
      token: u.token,
      body: { availability: 'busy' },
    });
    assert.equal((patch.body as Json).availability, 'busy');
    assert.equal((patch.body as Json).message, 'in <b>meetings</b>');

    // Read by id or username, even anonymously.
    const byName = await s.request(`/users/${u.username}/status`, { token: null });
    assert.equal((byName.body as Json).availability, 'busy');
    assert.deepEqual((await s.request(`/users/${u.id}/status`)).body, patch.body);
    assert.deepEqual((await s.request('/users/nobody-here/status')).body, { message: '404 User Not Found' });

    const invalid = await s.request('/user/status', {
      method: 'PUT',
      token: u.token,
      body: { emoji: 'does not exist', message: 'x'.repeat(101) },
    });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, {
      message: { emoji: ['does not exist'], message: ['is too long (maximum is 100 characters)'] },
    });
    const badClear = await s.request('/user/status', {
      method: 'PUT',
      token: u.token,
      body: { message: 'x', clear_status_after: 'wrong' },
    });
    assert.deepEqual(badClear.body, { error: 'clear_status_after does not have a valid value' });

    const cleared = await s.request('/user/status', { method: 'PUT', token: u.token });
    assert.equal(cleared.status, 200);
    assert.deepEqual((await s.request('/user/status', { token: u.token })).body, empty);
  });

  test('gitbeaker end-to-end: Users.editStatus / showStatus', async () => {
    const u = await createUser(s);
    const api = s.gitlab(u.token);
    const set = await api.Users.editStatus({ emoji: 'coffee', message: 'brb' });
    assert.equal(set.emoji, 'coffee');
    const shown = await api.Users.showStatus({ iDOrUsername: u.id });
    assert.equal(shown.message, 'brb');
  });
});
