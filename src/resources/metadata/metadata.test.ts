import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/server.js';

describe('metadata and version', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ gitlabVersion: '17.11.0' });
  });
  after(() => s.close());

  const expected = {
    version: '17.11.0',
    revision: 'labforge',
    kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
    enterprise: false,
  };

  /** A token for root with the given scopes, through the admin token API. */
  async function rootToken(scopes: string[]): Promise<string> {
    const me = (await s.request('/user')).body as { id: number };
    const res = await s.request(`/users/${me.id}/personal_access_tokens`, {
      method: 'POST',
      body: { name: `scoped ${scopes.join(' ')}`, scopes },
    });
    assert.equal(res.status, 201, res.text);
    return (res.body as { token: string }).token;
  }

  test('C3: GET /metadata and GET /version answer the same metadata, exactly', async () => {
    for (const path of ['/metadata', '/version']) {
      const res = await s.request(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.text, JSON.stringify(expected), path);
    }
  });

  test('C18: both need a signed-in caller', async () => {
    for (const path of ['/metadata', '/version']) {
      const res = await s.request(path, { token: null });
      assert.equal(res.status, 401, path);
      assert.deepEqual(res.body, { message: '401 Unauthorized' });
    }
  });

  test('C19: read_user and ai_features tokens may read them; other narrow scopes may not', async () => {
    for (const scopes of [['read_user'], ['ai_features'], ['read_api']]) {
      const token = await rootToken(scopes);
      for (const path of ['/metadata', '/version'])
        assert.equal((await s.request(path, { token })).status, 200, `${scopes} ${path}`);
    }
    const repoOnly = await rootToken(['read_repository']);
    const res = await s.request('/metadata', { token: repoOnly });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api read_user ai_features',
    });
  });

  test('gitbeaker: Metadata.show', async () => {
    const shown = await s.gitlab().Metadata.show();
    assert.deepEqual(shown, expected);
  });
});
