import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../test/factories.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { parseNestedQuery } from './params.js';

describe('parameters', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('C50: POST fields arrive as JSON, form, multipart or in the query string', async () => {
    const make = (u: string) => ({
      username: u,
      email: `${u}@example.com`,
      name: `N ${u}`,
      password: 'Secret-pass-123',
    });
    const viaJson = make(unique('json'));
    const viaForm = make(unique('form'));
    const viaQuery = make(unique('query'));
    const viaMultipart = make(unique('multi'));
    const form = new FormData();
    for (const [k, v] of Object.entries(viaMultipart)) form.append(k, v);
    const answers = [
      await s.request('/users', { method: 'POST', body: viaJson }),
      await s.request('/users', { method: 'POST', body: new URLSearchParams(viaForm) }),
      await s.request(`/users?${new URLSearchParams(viaQuery)}`, { method: 'POST' }),
      await fetch(`${s.url}/api/v4/users`, {
        method: 'POST',
        headers: { 'private-token': s.rootToken },
        body: form,
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    ];
    for (const [i, expected] of [viaJson, viaForm, viaQuery, viaMultipart].entries()) {
      assert.equal(answers[i]!.status, 201, JSON.stringify(answers[i]!.body));
      assert.equal((answers[i]!.body as { username: string }).username, expected.username);
    }
  });

  test('C51: arrays as a[]=1&a[]=2 in form bodies', async () => {
    const user = await createUser(s);
    const res = await s.request(`/users/${user.id}/personal_access_tokens`, {
      method: 'POST',
      body: new URLSearchParams([
        ['name', 'form-array'],
        ['scopes[]', 'read_api'],
        ['scopes[]', 'read_user'],
      ]),
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual((res.body as { scopes: string[] }).scopes, ['read_api', 'read_user']);
  });

  test('C50, C51: multipart bodies carry arrays, and file parts beside fields', async () => {
    const user = await createUser(s);
    const form = new FormData();
    form.append('name', 'multipart-array');
    form.append('scopes[]', 'read_api');
    form.append('scopes[]', 'read_user');
    const made = await fetch(`${s.url}/api/v4/users/${user.id}/personal_access_tokens`, {
      method: 'POST',
      headers: { 'private-token': s.rootToken },
      body: form,
    });
    const token = (await made.json()) as { scopes: string[]; name: string };
    assert.equal(made.status, 201, JSON.stringify(token));
    assert.equal(token.name, 'multipart-array');
    assert.deepEqual(token.scopes, ['read_api', 'read_user']);

    // A file upload (the avatar, accepted and ignored) does not disturb the fields beside it.
    const withFile = new FormData();
    withFile.append('bio', 'sent with a file');
    withFile.append('avatar', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'a.png');
    const updated = await fetch(`${s.url}/api/v4/users/${user.id}`, {
      method: 'PUT',
      headers: { 'private-token': s.rootToken },
      body: withFile,
    });
    const body = (await updated.json()) as { bio: string };
    assert.equal(updated.status, 200, JSON.stringify(body));
    assert.equal(body.bio, 'sent with a file');
  });

  test('C51: nesting as Rack nests it: arrays, hashes, arrays of hashes, indexed hashes', () => {
    assert.deepEqual(parseNestedQuery('a[]=1&a[]=2&b=x'), { a: ['1', '2'], b: 'x' });
    assert.deepEqual(parseNestedQuery('h[key]=v&h[other]=w'), { h: { key: 'v', other: 'w' } });
    assert.deepEqual(
      parseNestedQuery('variables[][key]=A&variables[][value]=1&variables[][key]=B&variables[][value]=2'),
      {
        variables: [
          { key: 'A', value: '1' },
          { key: 'B', value: '2' },
        ],
      },
    );
    assert.deepEqual(parseNestedQuery('variables[0][key]=A&variables[1][key]=B'), {
      variables: { 0: { key: 'A' }, 1: { key: 'B' } },
    });
    assert.deepEqual(parseNestedQuery('__proto__[x]=1&a[constructor]=2'), { a: {} });
  });

  test('C53: %2B is a plus in dates; a literal + is a space', async () => {
    assert.deepEqual(parseNestedQuery('t=2024-01-01T10:00:00%2B02:00&q=John+Smith'), {
      t: '2024-01-01T10:00:00+02:00',
      q: 'John Smith',
    });
    const name = unique('Plus');
    const created = await createUser(s, { name: `${name} Smith` });
    const search = await s.request(`/users?search=${name}+Smith`);
    assert.deepEqual(
      (search.body as Array<{ id: number }>).map((u) => u.id),
      [created.id],
    );
    const future = await s.request('/users?created_after=2999-01-01T00:00:00%2B02:00');
    assert.equal(future.status, 200);
    assert.deepEqual(future.body, []);
    const past = await s.request('/users?created_before=2000-01-01T00:00:00%2B02:00');
    assert.deepEqual(past.body, []);
  });

  test('C55: booleans accept true/false, 1/0 and "true"; anything else is invalid', async () => {
    for (const v of ['true', '1', 'TRUE']) {
      const res = await s.request(`/users?active=${v}`);
      assert.equal(res.status, 200, v);
    }
    const bad = await s.request('/users?active=maybe');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'active is invalid' });
  });

  test('C56/C21: unknown parameters are ignored; wrongly typed ones answer 400 naming them', async () => {
    const ok = await s.request('/users?no_such_param=1&another[x]=2');
    assert.equal(ok.status, 200);
    const bad = await s.request('/users?per_page=abc');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'per_page is invalid' });
    const badOrder = await s.request('/users?order_by=nonsense');
    assert.equal(badOrder.status, 400);
    assert.deepEqual(badOrder.body, { error: 'order_by does not have a valid value' });
  });

  test('C21: a missing required parameter answers "x is missing"; model errors by attribute', async () => {
    const missing = await s.request('/users', {
      method: 'POST',
      body: { name: 'No Username', email: `${unique('m')}@example.com`, password: 'Secret-pass-123' },
    });
    assert.equal(missing.status, 400);
    assert.match((missing.body as { error: string }).error, /username is missing/);
    const user = await createUser(s);
    const taken = await s.request('/users', {
      method: 'POST',
      body: {
        name: 'Dup',
        username: user.username.toUpperCase(),
        email: `${unique('d')}@example.com`,
        password: 'Secret-pass-123',
      },
    });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body, { message: 'Username has already been taken' });
  });

  test('C20: POST creates → 201, PUT → 200 with the resource, DELETE → 204 with no body', async () => {
    const user = await createUser(s);
    const put = await s.request(`/users/${user.id}`, { method: 'PUT', body: { bio: 'hello' } });
    assert.equal(put.status, 200);
    assert.equal((put.body as { bio: string }).bio, 'hello');
    const del = await s.request(`/users/${user.id}`, { method: 'DELETE' });
    assert.ok(del.status === 204 || del.status === 202, String(del.status));
    assert.equal(del.text, '');
  });

  test('C22: 403 and a named 404', async () => {
    const user = await createUser(s);
    const forbidden = await s.request('/users', {
      method: 'POST',
      token: user.token,
      body: { username: 'x', email: 'x@example.com', name: 'x', password: 'Secret-pass-123' },
    });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { message: '403 Forbidden' });
    const missing = await s.request('/users/999999');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 User Not Found' });
  });

  test('C31: an unexpected failure answers 500 with a generic body: no stack, no SQL', async () => {
    const other = await startTestServer();
    try {
      await other.server.deps.db.schema.dropTable('user_statuses').execute();
      const res = await other.request('/user/status');
      assert.equal(res.status, 500);
      assert.equal(res.text, '{"message":"500 Internal Server Error"}');
      // The server goes on answering.
      assert.equal((await other.request('/user')).status, 200);
    } finally {
      await other.close();
    }
  });
});
