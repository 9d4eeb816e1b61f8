import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, unique } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

type Json = Record<string, unknown>;

const USER_BASIC = ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'];
const USER = [
  ...USER_BASIC,
  'created_at',
  'bio',
  'location',
  'public_email',
  'skype',
  'linkedin',
  'twitter',
  'discord',
  'website_url',
  'organization',
  'job_title',
  'pronouns',
  'bot',
  'work_information',
  'followers',
  'following',
  'is_followed',
  'local_time',
];
const USER_PUBLIC = [
  ...USER,
  'last_sign_in_at',
  'confirmed_at',
  'last_activity_on',
  'email',
  'theme_id',
  'color_scheme_id',
  'projects_limit',
  'current_sign_in_at',
  'identities',
  'can_create_group',
  'can_create_project',
  'two_factor_enabled',
  'external',
  'private_profile',
  'commit_email',
];
const USER_WITH_ADMIN = [
  ...USER_PUBLIC,
  'is_admin',
  'note',
  'namespace_id',
  'created_by',
  'email_reset_offered_at',
];
const USER_DETAILS_WITH_ADMIN = [
  ...USER_WITH_ADMIN,
  'highest_role',
  'current_sign_in_ip',
  'last_sign_in_ip',
  'sign_in_count',
];

describe('users', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('GET /user: root sees UserWithAdmin, field names and order as GitLab', async () => {
    const res = await s.request('/user');
    assert.equal(res.status, 200);
    const body = res.body as Json;
    assert.deepEqual(Object.keys(body), USER_WITH_ADMIN);
    assert.equal(body.username, 'root');
    assert.equal(body.is_admin, true);
    assert.equal(body.email, 'admin@example.com');
    assert.equal(body.web_url, `${s.url}/root`);
    assert.equal(typeof body.namespace_id, 'number');
  });

  test('GET /user: a non-admin sees UserPublic (own email, no admin fields)', async () => {
    const u = await createUser(s);
    const res = await s.request('/user', { token: u.token });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body as Json), USER_PUBLIC);
    assert.equal((res.body as Json).email, u.email);
    const anonymous = await s.request('/user', { token: null });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.body, { message: '401 Unauthorized' });
  });

  test('POST /users (C20): 201 with UserWithAdmin; created_by is the admin', async () => {
    const username = unique('alice');
    const res = await s.request('/users', {
      method: 'POST',
      body: {
        username,
        email: `${username}@example.com`,
        name: 'Alice Example',
        password: 'Str0ng-enough-pass',
        skip_confirmation: true,
        bio: 'hello',
        job_title: 'Engineer',
        organization: 'Labforge',
        projects_limit: 5,
        extern_uid: '42',
        provider: 'github',
        note: 'admin note',
      },
    });
    assert.equal(res.status, 201, res.text);
    const body = res.body as Json;
    assert.deepEqual(Object.keys(body), USER_WITH_ADMIN);
    assert.equal(body.username, username);
    assert.equal(body.state, 'active');
    assert.equal(body.is_admin, false);
    assert.equal(body.bio, 'hello');
    assert.equal(body.work_information, 'Engineer at Labforge');
    assert.equal(body.projects_limit, 5);
    assert.equal(body.note, 'admin note');
    assert.deepEqual(body.identities, [{ provider: 'github', extern_uid: '42' }]);
    assert.equal(body.commit_email, `${username}@example.com`);
    assert.equal(typeof body.confirmed_at, 'string');
    assert.equal((body.created_by as Json).username, 'root');
    assert.deepEqual(Object.keys(body.created_by as Json), USER_BASIC);
  });

  test('POST /users (C21): missing parameters answer Grape errors in declaration order', async () => {
    const res = await s.request('/users', { method: 'POST', body: {} });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error:
        'email is missing, password, reset_password, force_random_password are missing, at least one parameter must be provided, name is missing, username is missing',
    });
    const half = await s.request('/users', {
      method: 'POST',
      body: { email: 'x@example.com', name: 'X', username: 'x1', password: 'long-enough-1', extern_uid: '1' },
    });
    assert.equal(half.status, 400);
    assert.deepEqual(half.body, { error: 'extern_uid, provider provide all or none of parameters' });
  });

  test('POST /users (C21): model validation errors by attribute', async () => {
    const short = await s.request('/users', {
      method: 'POST',
      body: { email: 'short@example.com', name: 'Short', username: unique('short'), password: 'abc' },
    });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body, { message: { password: ['is too short (minimum is 8 characters)'] } });
    const weak = await s.request('/users', {
      method: 'POST',
      body: { email: 'weak@example.com', name: 'Weak', username: unique('weak'), password: 'password123' },
    });
    assert.deepEqual(weak.body, {
      message: { password: ['must not contain commonly used combinations of words and letters'] },
    });
    const bad = await s.request('/users', {
      method: 'POST',
      body: { email: 'not-an-email', name: 'Bad', username: '-bad', password: 'long-enough-1' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      message: {
        username: [
          "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.",
        ],
        email: ['is invalid'],
      },
    });
    const reserved = await s.request('/users', {
      method: 'POST',
      body: { email: 'reserved@example.com', name: 'R', username: 'admin', password: 'long-enough-1' },
    });
    assert.deepEqual(reserved.body, { message: { username: ['admin is a reserved name'] } });
    // Usernames and top-level groups share one namespace: one list of reserved names (doc/user/reserved_names.md).
    const asset = await s.request('/users', {
      method: 'POST',
      body: { email: 'asset@example.com', name: 'A', username: 'deploy.html', password: 'long-enough-1' },
    });
    assert.equal(asset.status, 400);
    assert.deepEqual(asset.body, { message: { username: ['deploy.html is a reserved name'] } });
  });

  test('POST /users (C24): a taken email or username answers 409 with GitLab sentence', async () => {
    const u = await createUser(s);
    const email = await s.request('/users', {
      method: 'POST',
      body: { email: u.email.toUpperCase(), name: 'Dup', username: unique('dup'), password: 'long-enough-1' },
    });
    assert.equal(email.status, 409);
    assert.deepEqual(email.body, { message: 'Email has already been taken' });
    const username = await s.request('/users', {
      method: 'POST',
      body: {
        email: `${unique('dup')}@example.com`,
        name: 'Dup',
        username: u.username.toUpperCase(),
        password: 'long-enough-1',
      },
    });
    assert.equal(username.status, 409);
    assert.deepEqual(username.body, { message: 'Username has already been taken' });
  });

  test('admin endpoints: non-admins get 403 {"message":"403 Forbidden"}, anonymous 401', async () => {
    const u = await createUser(s);
    const body = { email: 'z@example.com', name: 'Z', username: unique('z'), password: 'long-enough-1' };
    const calls: Array<[string, string]> = [
      ['POST', '/users'],
      ['PUT', `/users/${u.id}`],
      ['DELETE', `/users/${u.id}`],
      ['POST', `/users/${u.id}/block`],
      ['POST', `/users/${u.id}/keys`],
      ['GET', `/users/${u.id}/emails`],
    ];
    for (const [method, path] of calls) {
      const res = await s.request(path, {
        method,
        token: u.token,
        body: method === 'GET' ? undefined : body,
      });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.deepEqual(res.body, { message: '403 Forbidden' });
      const anon = await s.request(path, { method, token: null, body: method === 'GET' ? undefined : body });
      assert.equal(anon.status, 401, `${method} ${path}`);
    }
  });

  test('GET /users/:id: entity by caller; unknown ids 404; non-numeric is an unknown route', async () => {
    const u = await createUser(s, { bio: 'about me' });
    const other = await createUser(s);
    const asOther = await s.request(`/users/${u.id}`, { token: other.token });
    assert.equal(asOther.status, 200);
    assert.deepEqual(Object.keys(asOther.body as Json), USER);
    assert.equal((asOther.body as Json).bio, 'about me');
    const asAdmin = await s.request(`/users/${u.id}`);
    assert.deepEqual(Object.keys(asAdmin.body as Json), USER_DETAILS_WITH_ADMIN);
    assert.equal((asAdmin.body as Json).email, u.email);

    const missing = await s.request('/users/999999');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 User Not Found' });
    const huge = await s.request('/users/99999999999999999999');
    assert.deepEqual(huge.body, { message: '404 User Not Found' });
    const word = await s.request('/users/abc');
    assert.equal(word.status, 404);
    assert.deepEqual(word.body, { error: '404 Not Found' });
    const anonymous = await s.request(`/users/${u.id}`, { token: null });
    assert.equal(anonymous.status, 403);
    assert.deepEqual(anonymous.body, { message: '403 Forbidden - Not authorized!' });
  });

  test('a private profile hides created_at and follower counts from others', async () => {
    const u = await createUser(s, { private_profile: true });
    const other = await createUser(s);
    const res = await s.request(`/users/${u.id}`, { token: other.token });
    const keys = Object.keys(res.body as Json);
    assert.ok(!keys.includes('created_at'));
    assert.ok(!keys.includes('followers'));
    const self = await s.request('/user', { token: u.token });
    assert.ok(Object.keys(self.body as Json).includes('created_at'));
  });

  test('GET /users: UserBasic for users, UserWithAdmin for admins; offset headers (C41)', async () => {
    const u = await createUser(s);
    const asUser = await s.request('/users?per_page=2', { token: u.token });
    assert.equal(asUser.status, 200);
    const list = asUser.body as Json[];
    assert.equal(list.length, 2);
    for (const row of list) assert.deepEqual(Object.keys(row), USER_BASIC);
    assert.equal(asUser.headers.get('x-per-page'), '2');
    assert.equal(asUser.headers.get('x-page'), '1');
    assert.ok(asUser.headers.get('x-total'));
    assert.match(asUser.headers.get('link') ?? '', /rel="next"/);
    // Default order: id descending.
    assert.ok((list[0]!.id as number) > (list[1]!.id as number));

    const asAdmin = await s.request('/users?per_page=2');
    for (const row of asAdmin.body as Json[]) assert.deepEqual(Object.keys(row), USER_WITH_ADMIN);
  });

  test('GET /users anonymously: only with username (exact, any case)', async () => {
    const u = await createUser(s);
    const all = await s.request('/users', { token: null });
    assert.equal(all.status, 403);
    assert.deepEqual(all.body, { message: '403 Forbidden - Not authorized to access /api/v4/users' });
    const one = await s.request(`/users?username=${u.username.toUpperCase()}`, { token: null });
    assert.equal(one.status, 200);
    assert.deepEqual(
      (one.body as Json[]).map((r) => r.id),
      [u.id],
    );
  });

  test('GET /users filters: search, active, blocked, external, created_*, order_by', async () => {
    const tag = unique('flt');
    const a = await createUser(s, { username: `${tag}a`, name: `Zed ${tag}` });
    const b = await createUser(s, { username: `${tag}b`, name: `Amy ${tag}`, external: true });
    const c = await createUser(s, { username: `${tag}c`, name: `Bob ${tag}` });
    assert.equal((await s.request(`/users/${c.id}/block`, { method: 'POST' })).status, 201);

    const ids = async (q: string, token?: string) =>
      ((await s.request(`/users?${q}`, { token })).body as Json[]).map((r) => r.id);
    assert.deepEqual(await ids(`search=${tag}&order_by=id&sort=asc`), [a.id, b.id, c.id]);
    assert.deepEqual(await ids(`search=${tag.toUpperCase()}&order_by=name&sort=asc`), [b.id, c.id, a.id]);
    assert.deepEqual(await ids(`search=${a.email}`), [a.id], 'admins match the primary email');
    assert.deepEqual(await ids(`search=${a.email}`, b.token), [], 'others match public email only');
    assert.deepEqual(await ids(`search=${tag}&blocked=true`), [c.id]);
    assert.deepEqual(await ids(`search=${tag}&active=true&sort=asc`), [a.id, b.id]);
    assert.deepEqual(await ids(`search=${tag}&external=true`), [b.id]);
    assert.deepEqual(await ids(`search=${tag}&exclude_external=true&order_by=id&sort=asc`), [a.id, c.id]);
    // Blocked users are invisible to non-admins.
    assert.deepEqual(await ids(`search=${tag}&order_by=id&sort=asc`, a.token), [a.id, b.id]);
    // external= is honoured for everyone; extern_uid+provider needs an admin.
    const lookup = await s.request('/users?extern_uid=1&provider=github', { token: a.token });
    assert.equal(lookup.status, 403);
    const future = new Date(Date.now() + 3600_000).toISOString();
    assert.deepEqual(await ids(`search=${tag}&created_after=${encodeURIComponent(future)}`), []);
    assert.equal((await s.request('/users?order_by=email')).status, 400);
    assert.deepEqual((await s.request('/users?order_by=email')).body, {
      error: 'order_by does not have a valid value',
    });
  });

  test('C44: keyset pages by username: only rel="next", no gaps or duplicates, absent at the end', async () => {
    const tag = unique('ks');
    const created: number[] = [];
    for (let i = 0; i < 5; i++) created.push((await createUser(s, { username: `${tag}${i}` })).id);
    let url: string | null = `/users?search=${tag}&pagination=keyset&order_by=username&sort=asc&per_page=2`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const res = await s.request(url);
      assert.equal(res.status, 200);
      pages++;
      for (const row of res.body as Json[]) seen.push(row.username as string);
      const link = res.headers.get('link');
      if (!link) {
        url = null;
        continue;
      }
      assert.doesNotMatch(link, /rel="(prev|first|last)"/);
      const m = /^<([^>]+)>; rel="next"$/.exec(link);
      assert.ok(m, link);
      url = m[1]!.slice(s.url.length);
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 4].map((i) => `${tag}${i}`),
    );
    const ids: number[] = [];
    let next: string | null = `/users?search=${tag}&pagination=keyset&order_by=id&sort=desc&per_page=3`;
    while (next) {
      const res = await s.request(next);
      for (const row of res.body as Json[]) ids.push(row.id as number);
      const link = res.headers.get('link');
      next = link ? /^<([^>]+)>/.exec(link)![1]!.slice(s.url.length) : null;
    }
    assert.deepEqual(ids, [...created].reverse());
    // Keyset needs a stable order: a search ranked by relevance has none.
    const unsupported = await s.request(`/users?pagination=keyset&search=${tag}`);
    assert.equal(unsupported.status, 405);
    assert.deepEqual(unsupported.body, {
      error: 'Keyset pagination is not yet available for this type of request',
    });
  });

  test('PUT /users/:id: edits, 409 on a taken username/email, 400 on invalid values', async () => {
    const u = await createUser(s);
    const other = await createUser(s);
    const res = await s.request(`/users/${u.id}`, {
      method: 'PUT',
      body: { name: 'Renamed', bio: 'new bio', admin: true, username: `${u.username}x` },
    });
    assert.equal(res.status, 200, res.text);
    const body = res.body as Json;
    assert.deepEqual(Object.keys(body), USER_WITH_ADMIN);
    assert.equal(body.name, 'Renamed');
    assert.equal(body.username, `${u.username}x`);
    assert.equal(body.is_admin, true);
    // The personal namespace follows the username; the old path redirects.
    const db = s.server.deps.db;
    const ns = await db
      .selectFrom('namespaces')
      .selectAll()
      .where('id', '=', body.namespace_id as number)
      .executeTakeFirstOrThrow();
    assert.equal(ns.full_path, `${u.username}x`);
    assert.equal(ns.name, 'Renamed');
    const redirect = await db
      .selectFrom('redirect_routes')
      .selectAll()
      .where('source_id', '=', ns.id)
      .execute();
    assert.deepEqual(
      redirect.map((r) => r.path),
      [u.username],
    );
    const taken = await s.request(`/users/${u.id}`, { method: 'PUT', body: { username: other.username } });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body, { message: 'Username has already been taken' });
    const email = await s.request(`/users/${u.id}`, { method: 'PUT', body: { email: other.email } });
    assert.deepEqual(email.body, { message: 'Email has already been taken' });
    const long = await s.request(`/users/${u.id}`, { method: 'PUT', body: { bio: 'x'.repeat(256) } });
    assert.equal(long.status, 400);
    assert.deepEqual(long.body, { message: { bio: ['is too long (maximum is 255 characters)'] } });
    const publicEmail = await s.request(`/users/${u.id}`, {
      method: 'PUT',
      body: { public_email: 'someone-else@example.com' },
    });
    assert.deepEqual(publicEmail.body, { message: { public_email: ['is not an email you own'] } });
    const missing = await s.request('/users/999999', { method: 'PUT', body: { name: 'x' } });
    assert.deepEqual(missing.body, { message: '404 User Not Found' });
    const nullName = await s.request(`/users/${(await createUser(s)).id}`, {
      method: 'PUT',
      body: { name: null },
    });
    assert.equal(nullName.status, 400);
    assert.deepEqual(nullName.body, { message: { name: ["can't be blank"] } });
  });

  test('DELETE /users/:id: 204, then 404; If-Unmodified-Since in the past is 412 (C25)', async () => {
    const u = await createUser(s);
    const stale = await s.request(`/users/${u.id}`, {
      method: 'DELETE',
      headers: { 'if-unmodified-since': new Date(Date.now() - 86_400_000).toUTCString() },
    });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.body, { message: '412 Precondition Failed' });
    const res = await s.request(`/users/${u.id}?hard_delete=true`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal((await s.request(`/users/${u.id}`)).status, 404);
    assert.equal((await s.request('/user', { token: u.token })).status, 401);
    assert.deepEqual((await s.request('/users/999999', { method: 'DELETE' })).body, {
      message: '404 User Not Found',
    });
  });

  test('DELETE /users/:id: 409 for a sole group owner unless hard_delete; personal projects go too', async () => {
    const u = await createUser(s);
    const db = s.server.deps.db;
    const now = new Date().toISOString();
    const ns = await db
      .selectFrom('namespaces')
      .select(['id', 'full_path'])
      .where('type', '=', 'User')
      .where('owner_id', '=', u.id)
      .executeTakeFirstOrThrow();
    assert.equal(ns.full_path, u.username);
    await db
      .insertInto('projects')
      .values({
        namespace_id: ns.id,
        name: 'p',
        path: 'p',
        path_with_namespace: `${u.username}/p`,
        last_activity_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const group = await db
      .insertInto('namespaces')
      .values({
        type: 'Group',
        name: u.username.toUpperCase(),
        path: `${u.username}-group`,
        full_path: `${u.username}-group`,
        full_name: 'G',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('members')
      .values({
        source_type: 'Namespace',
        source_id: group.id,
        user_id: u.id,
        access_level: 50,
        created_at: now,
        updated_at: now,
      })
      .execute();
    // A username may not take a group's path.
    const clash = await s.request(`/users/${u.id}`, {
      method: 'PUT',
      body: { username: `${u.username}-group` },
    });
    assert.equal(clash.status, 400);
    assert.deepEqual(clash.body, { message: { username: ['has already been taken'] } });
    const refused = await s.request(`/users/${u.id}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, { message: 'User cannot be removed while is the sole-owner of a group' });
    assert.equal((await s.request(`/users/${u.id}?hard_delete=true`, { method: 'DELETE' })).status, 204);
    const left = await db.selectFrom('projects').select('id').where('namespace_id', '=', ns.id).execute();
    assert.deepEqual(left, []);
  });

  test('block, unblock, deactivate, activate, ban, unban: GitLab answers', async () => {
    const u = await createUser(s);
    const post = (action: string, id = u.id) => s.request(`/users/${id}/${action}`, { method: 'POST' });

    let res = await post('block');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'true');
    const refused = await s.request('/user', { token: u.token });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { message: '403 Forbidden - Your account has been blocked.' });
    res = await post('block');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'null');
    res = await post('deactivate');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      message: '403 Forbidden - A blocked user cannot be deactivated by the API',
    });
    res = await post('activate');
    assert.deepEqual(res.body, {
      message: '403 Forbidden - A blocked user must be unblocked to be activated',
    });
    res = await post('unblock');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'true');
    assert.equal((await s.request('/user', { token: u.token })).status, 200);

    res = await post('deactivate');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'true');
    const deactivated = await s.request('/user', { token: u.token });
    assert.equal(deactivated.status, 403);
    assert.match((deactivated.body as { message: string }).message, /has been deactivated/);
    res = await post('deactivate');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'null');
    res = await post('unblock');
    assert.deepEqual(res.body, {
      message: '403 Forbidden - Deactivated users cannot be unblocked by the API',
    });
    res = await post('activate');
    assert.equal(res.status, 201);
    assert.equal(res.text, 'true');

    res = await post('unban');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: 'You cannot unban active users.' });
    res = await post('ban');
    assert.equal(res.status, 201);
    assert.equal(
      (await s.request(`/users/${u.id}`)).body && ((await s.request(`/users/${u.id}`)).body as Json).state,
      'banned',
    );
    res = await post('ban');
    assert.deepEqual(res.body, { message: 'You cannot ban banned users.' });
    res = await post('unban');
    assert.equal(res.status, 201);

    const root = (await s.request('/user')).body as Json;
    res = await post('block', root.id as number);
    assert.deepEqual(res.body, {
      message: '403 Forbidden - The API initiating user cannot be blocked by the API',
    });
    assert.deepEqual((await post('block', 999999)).body, { message: '404 User Not Found' });
  });

  test('scopes (C19): read_user tokens may read users but not write', async () => {
    const u = await createUser(s, {}, ['read_user']);
    assert.equal((await s.request('/user', { token: u.token })).status, 200);
    assert.equal((await s.request(`/users/${u.id}`, { token: u.token })).status, 200);
    const write = await s.request('/user/emails', {
      method: 'POST',
      token: u.token,
      body: { email: 'a@b.c' },
    });
    assert.equal(write.status, 403);
    assert.equal((write.body as Json).error, 'insufficient_scope');
  });

  test('C43: offset pagination of users stops at offset 50,000', async () => {
    const res = await s.request('/users?page=2502&per_page=20');
    assert.equal(res.status, 405);
    assert.deepEqual(res.body, {
      error:
        'Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type User. Remaining records can be retrieved using keyset pagination.',
    });
  });

  test('C17: GET /user with sudo answers as the other user, with their entity', async () => {
    const u = await createUser(s);
    const res = await s.request('/user', { headers: { sudo: u.username.toUpperCase() } });
    assert.equal(res.status, 200);
    assert.equal((res.body as Json).id, u.id);
    assert.deepEqual(Object.keys(res.body as Json), USER_PUBLIC);
  });

  test('commit_email _private is the no-reply address; exclude_internal and humans filters', async () => {
    const u = await createUser(s);
    const res = await s.request(`/users/${u.id}`, { method: 'PUT', body: { commit_email: '_private' } });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Json).commit_email, `${u.id}-${u.username}@users.noreply.127.0.0.1`);
    const ids = async (q: string) => ((await s.request(`/users?${q}`)).body as Json[]).map((r) => r.id);
    assert.deepEqual(await ids(`username=${u.username}&exclude_internal=true&humans=true`), [u.id]);
    assert.deepEqual(await ids(`username=${u.username}&exclude_humans=true`), []);
    assert.deepEqual(await ids(`username=${u.username}&without_projects=true`), [u.id]);
    assert.deepEqual(await ids(`username=${u.username}&two_factor=enabled`), []);
  });

  test('gitbeaker end-to-end: Users.create/all/show/edit/remove, showCurrentUser', async () => {
    const api = s.gitlab();
    const username = unique('gb');
    const created = await api.Users.create({
      username,
      email: `${username}@example.com`,
      name: 'Gitbeaker User',
      password: 'gitbeaker-pass-1',
      skipConfirmation: true,
    });
    assert.equal(created.username, username);
    const shown = await api.Users.show(created.id as number);
    assert.equal(shown.name, 'Gitbeaker User');
    const found = await api.Users.all({ username });
    assert.deepEqual(
      found.map((x) => x.id),
      [created.id],
    );
    const edited = await api.Users.edit(created.id as number, { name: 'Edited' });
    assert.equal(edited.name, 'Edited');
    const me = await api.Users.showCurrentUser();
    assert.equal(me.username, 'root');
    await api.Users.block(created.id as number);
    await api.Users.unblock(created.id as number);
    await api.Users.remove(created.id as number);
    await assert.rejects(api.Users.show(created.id as number), /Not Found/);
  });
});
