import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { readSettings } from './settings.js';

type Body = Record<string, unknown>;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('application settings', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const put = (body: unknown, token?: string | null) =>
    s.request('/application/settings', { method: 'PUT', body, token });

  test('C18/C22: admin only — 401 anonymous, 403 for a user, for GET and PUT', async () => {
    const user = await createUser(s);
    for (const method of ['GET', 'PUT']) {
      const body = method === 'PUT' ? { signup_enabled: false } : undefined;
      const anon = await s.request('/application/settings', { method, body, token: null });
      assert.equal(anon.status, 401);
      assert.deepEqual(anon.body, { message: '401 Unauthorized' });
      const plain = await s.request('/application/settings', { method, body, token: user.token });
      assert.equal(plain.status, 403);
      assert.deepEqual(plain.body, { message: '403 Forbidden' });
    }
    assert.equal((await readSettings(s.server.deps)).signup_enabled, true, 'refused PUT changed nothing');
  });

  test('GET answers the full ApplicationSetting entity with GitLab defaults', async () => {
    const res = await s.request('/application/settings');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const b = res.body as Body;
    assert.equal(b.id, 1);
    assert.match(String(b.created_at), ISO);
    assert.match(String(b.updated_at), ISO);
    const expected: Body = {
      default_projects_limit: 100000,
      signup_enabled: true,
      default_branch_protection: 2,
      restricted_visibility_levels: [],
      password_authentication_enabled_for_web: true,
      max_attachment_size: 100,
      session_expire_delay: 10080,
      default_project_visibility: 'private',
      default_group_visibility: 'private',
      default_snippet_visibility: 'private',
      default_branch_name: null,
      deletion_adjourned_period: 7,
      user_default_external: false,
      gravatar_enabled: true,
      polling_interval_multiplier: '1.0',
      external_authorization_service_timeout: 0.5,
      throttle_authenticated_api_enabled: false,
      throttle_authenticated_api_requests_per_period: 7200,
      throttle_authenticated_api_period_in_seconds: 3600,
      throttle_unauthenticated_api_enabled: false,
      throttle_unauthenticated_api_requests_per_period: 3600,
      throttle_unauthenticated_api_period_in_seconds: 3600,
      repository_storages_weighted: { default: 100 },
      // Old names GitLab still answers.
      signin_enabled: true,
      password_authentication_enabled: true,
      throttle_unauthenticated_web_enabled: false,
      allow_local_requests_from_hooks_and_services: false,
      housekeeping_bitmaps_enabled: true,
      housekeeping_gc_period: 10,
      container_registry_import_created_before: '',
      // labforge's own (gitlab-compat: a plan limit, a feature flag and a gitlab.yml setting on GitLab).
      offset_pagination_limit: 50000,
      api_redirect_moved_projects: true,
      impersonation_enabled: true,
    };
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(b[key], value, key);
    assert.ok(Object.keys(b).length > 300, `a large object (${Object.keys(b).length} fields)`);
    for (const secret of ['asset_proxy_secret_key', 'eks_secret_access_key'])
      assert.ok(!(secret in b), secret);
  });

  test('PUT changes take effect at once: the answer, GET and readSettings() agree', async () => {
    const res = await put({
      signup_enabled: false,
      default_project_visibility: 'internal',
      default_branch_name: 'trunk',
      throttle_authenticated_api_enabled: true,
      throttle_authenticated_api_requests_per_period: 100,
      deletion_adjourned_period: 3,
      no_such_setting: 'ignored',
    });
    assert.equal(res.status, 200, res.text);
    const b = res.body as Body;
    assert.equal(b.signup_enabled, false);
    assert.equal(b.default_project_visibility, 'internal');
    assert.equal(b.default_branch_name, 'trunk');
    assert.ok(!('no_such_setting' in b));
    assert.equal(
      ((await s.request('/application/settings')).body as Body).default_project_visibility,
      'internal',
    );
    const settings = await readSettings(s.server.deps);
    assert.equal(settings.signup_enabled, false);
    assert.equal(settings.throttle_authenticated_api_requests_per_period, 100);
    assert.equal(settings.deletion_adjourned_period, 3);

    // Only changed values are stored; setting one back to its default removes it.
    await put({
      signup_enabled: true,
      default_project_visibility: 'private',
      default_branch_name: '',
      throttle_authenticated_api_enabled: false,
      throttle_authenticated_api_requests_per_period: 7200,
      deletion_adjourned_period: 7,
    });
    const row = await s.server.deps.db
      .selectFrom('application_settings')
      .select('data')
      .executeTakeFirstOrThrow();
    assert.deepEqual(Object.keys(JSON.parse(row.data)), ['created_at']);
    assert.equal((await readSettings(s.server.deps)).default_branch_name, null);
  });

  test('every process sees a change made elsewhere at once (read from the database each call)', async () => {
    await s.server.deps.db
      .updateTable('application_settings')
      .set({ data: JSON.stringify({ created_at: '2024-01-01T00:00:00.000Z', user_default_external: true }) })
      .where('id', '=', 1)
      .execute();
    assert.equal((await readSettings(s.server.deps)).user_default_external, true);
    const b = (await s.request('/application/settings')).body as Body;
    assert.equal(b.user_default_external, true);
    assert.equal(b.created_at, '2024-01-01T00:00:00.000Z');
    await put({ user_default_external: false });
  });

  test('C21/C56: typed params answer Grape errors; nothing is written', async () => {
    const before = (await s.request('/application/settings')).body as Body;
    const cases: Array<[Body, string]> = [
      [{ default_projects_limit: 'lots' }, 'default_projects_limit is invalid'],
      [{ signup_enabled: 'maybe' }, 'signup_enabled is invalid'],
      [{ default_project_visibility: 'secret' }, 'default_project_visibility does not have a valid value'],
      [{ rsa_key_restriction: 1000 }, 'rsa_key_restriction does not have a valid value'],
      [{ import_sources: 'github,svn' }, 'import_sources does not have a valid value'],
      [{ enabled_git_access_protocol: 'ftp' }, 'enabled_git_access_protocol does not have a valid value'],
      [{ akismet_enabled: true }, 'akismet_api_key is missing'],
      [{ require_two_factor_authentication: true }, 'two_factor_grace_period is missing'],
    ];
    for (const [body, error] of cases) {
      const res = await put({ ...body, signup_enabled: body.signup_enabled ?? false });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, { error }, JSON.stringify(body));
    }
    const empty = await put({ nothing_we_know: 1 });
    assert.equal(empty.status, 400);
    assert.match(
      String((empty.body as Body).error),
      /^abuse_notification_email, admin_mode, .* are missing, at least one parameter must be provided$/,
    );
    const after = (await s.request('/application/settings')).body as Body;
    assert.deepEqual(after, before);
  });

  test('C21: model validation answers {message: {field: [...]}} and writes nothing', async () => {
    const res = await put({
      signup_enabled: false,
      default_projects_limit: -1,
      deletion_adjourned_period: 91,
      throttle_unauthenticated_api_requests_per_period: 0,
      restricted_visibility_levels: ['public', 'bogus'],
      default_group_visibility: 'public',
      default_branch_name: 'bad..name',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      message: {
        default_projects_limit: ['must be greater than or equal to 0'],
        deletion_adjourned_period: ['must be less than or equal to 90'],
        throttle_unauthenticated_api_requests_per_period: ['must be greater than 0'],
        restricted_visibility_levels: ["'bogus' is not a valid visibility level"],
        default_group_visibility: ['cannot be set to a restricted visibility level'],
        default_branch_name: ['is invalid'],
      },
    });
    const settings = await readSettings(s.server.deps);
    assert.equal(settings.signup_enabled, true);
    assert.equal(settings.default_projects_limit, 100000);
  });

  test('C50/C51: form bodies, arrays, comma lists, numeric visibility levels, old names, null', async () => {
    const form = new URLSearchParams([
      ['restricted_visibility_levels[]', '20'],
      ['restricted_visibility_levels[]', 'internal'],
      ['import_sources', 'github,gitlab_project'],
      ['signin_enabled', 'false'],
      ['throttle_unauthenticated_web_enabled', 'true'],
      ['polling_interval_multiplier', '2'],
      ['external_authorization_service_timeout', '1.5'],
      ['asset_proxy_secret_key', 'shh'],
    ]);
    const res = await s.request('/application/settings', {
      method: 'PUT',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200, res.text);
    const b = res.body as Body;
    assert.deepEqual(b.restricted_visibility_levels, ['public', 'internal']);
    assert.deepEqual(b.import_sources, ['github', 'gitlab_project']);
    assert.equal(b.password_authentication_enabled_for_web, false);
    assert.equal(b.signin_enabled, false);
    assert.equal(b.throttle_unauthenticated_enabled, true);
    assert.equal(b.throttle_unauthenticated_web_enabled, true);
    assert.equal(b.polling_interval_multiplier, '2.0');
    assert.equal(b.external_authorization_service_timeout, 1.5);
    assert.ok(!('asset_proxy_secret_key' in b));
    assert.equal((await readSettings(s.server.deps)).asset_proxy_secret_key, 'shh');

    const reset = await put({
      restricted_visibility_levels: [],
      import_sources: null,
      password_authentication_enabled_for_web: null,
      throttle_unauthenticated_enabled: false,
      polling_interval_multiplier: '1.0',
      external_authorization_service_timeout: 0.5,
      asset_proxy_secret_key: null,
      home_page_url: null,
    });
    assert.equal(reset.status, 200, reset.text);
    const r = reset.body as Body;
    assert.deepEqual(r.restricted_visibility_levels, []);
    assert.deepEqual(r.import_sources, []);
    assert.equal(r.password_authentication_enabled_for_web, true, 'null puts a setting back to its default');
    assert.equal(r.home_page_url, null);
  });

  test('concurrent PUTs of different settings both land', async () => {
    const results = await Promise.all([
      put({ gravatar_enabled: false }),
      put({ default_projects_limit: 5 }),
      put({ after_sign_up_text: 'welcome' }),
    ]);
    for (const r of results) assert.equal(r.status, 200, r.text);
    const settings = await readSettings(s.server.deps);
    assert.equal(settings.gravatar_enabled, false);
    assert.equal(settings.default_projects_limit, 5);
    assert.equal(settings.after_sign_up_text, 'welcome');
    await put({ gravatar_enabled: true, default_projects_limit: 100000, after_sign_up_text: null });
  });

  test('gitbeaker: ApplicationSettings.show and edit', async () => {
    const api = s.gitlab();
    const shown = await api.ApplicationSettings.show();
    assert.equal(shown.id, 1);
    assert.equal(shown.default_project_visibility, 'private');
    const edited = await api.ApplicationSettings.edit({
      default_group_visibility: 'internal',
      signup_enabled: false,
    });
    assert.equal(edited.default_group_visibility, 'internal');
    assert.equal(edited.signup_enabled, false);
    assert.equal((await api.ApplicationSettings.show()).default_group_visibility, 'internal');
    const user = await createUser(s);
    await assert.rejects(s.gitlab(user.token).ApplicationSettings.show(), (err: Error) =>
      /Forbidden/.test(err.message),
    );
    await api.ApplicationSettings.edit({ default_group_visibility: 'private', signup_enabled: true });
  });
});
