import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';
import { parseSSHPublicKey } from './keys.js';

type Json = Record<string, unknown>;

/** A fresh ed25519 public key in OpenSSH format, built from node:crypto (no ssh-keygen needed). */
function newSshKey(comment = 'someone@example.com'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

const SSH_KEY = ['id', 'title', 'created_at', 'expires_at', 'key', 'usage_type'];

describe('SSH keys', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('fingerprints match ssh-keygen (MD5 colon hex and SHA256 base64)', () => {
    const key =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrq7tsh/2VjeJDA+AKnzuXfGkNUajzoDh0xKekm2IeW me@example.com';
    const parsed = parseSSHPublicKey(key);
    assert.ok(parsed);
    assert.equal(parsed.fingerprint, '30:3b:01:6d:6d:e6:de:ba:6f:81:45:d8:66:68:ae:29');
    assert.equal(`SHA256:${parsed.fingerprintSha256}`, 'SHA256:HcRINYnhoEVJmkw5pVKJz/cTscK+5rn8h0kBvWlx1RI');
    assert.equal(parseSSHPublicKey('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDrq7tsh'), null, 'blob of another type');
    assert.equal(parseSSHPublicKey('not a key'), null);
  });

  test('POST/GET/DELETE /user/keys: SSHKey entity, publishable key, 404 Key Not Found', async () => {
    const u = await createUser(s);
    const key = newSshKey('secret-address@example.com');
    const created = await s.request('/user/keys', {
      method: 'POST',
      token: u.token,
      body: { title: 'laptop', key },
    });
    assert.equal(created.status, 201, created.text);
    const body = created.body as Json;
    assert.deepEqual(Object.keys(body), SSH_KEY);
    assert.equal(body.title, 'laptop');
    assert.equal(body.usage_type, 'auth_and_signing');
    assert.equal(body.expires_at, null);
    // The comment is replaced: a key's comment often holds an email address.
    assert.equal(body.key, `${key.split(' ').slice(0, 2).join(' ')} User ${u.username} (127.0.0.1)`);

    const list = await s.request('/user/keys', { token: u.token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body as Json[]).map((k) => k.id),
      [body.id],
    );
    assert.equal(list.headers.get('x-total'), '1');
    const one = await s.request(`/user/keys/${body.id}`, { token: u.token });
    assert.deepEqual(one.body, body);
    const other = await createUser(s);
    const hidden = await s.request(`/user/keys/${body.id}`, { token: other.token });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, { message: '404 Key Not Found' });
    const bad = await s.request('/user/keys/abc', { token: u.token });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'key_id is invalid' });

    const removed = await s.request(`/user/keys/${body.id}`, { method: 'DELETE', token: u.token });
    assert.equal(removed.status, 204);
    assert.equal((await s.request(`/user/keys/${body.id}`, { token: u.token })).status, 404);
  });

  test('validation: missing params, invalid key, duplicate key, expired key', async () => {
    const u = await createUser(s);
    const missing = await s.request('/user/keys', { method: 'POST', token: u.token, body: {} });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: 'key is missing, title is missing' });
    const invalid = await s.request('/user/keys', {
      method: 'POST',
      token: u.token,
      body: { title: 't', key: 'ssh-rsa not-base64!' },
    });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, {
      message: { key: ['is invalid'], fingerprint_sha256: ['cannot be generated'] },
    });
    const key = newSshKey();
    assert.equal(
      (await s.request('/user/keys', { method: 'POST', token: u.token, body: { title: 'a', key } })).status,
      201,
    );
    const dup = await s.request('/user/keys', { method: 'POST', token: u.token, body: { title: 'b', key } });
    assert.equal(dup.status, 400);
    assert.deepEqual(dup.body, { message: { fingerprint_sha256: ['has already been taken'] } });
    const expired = await s.request('/user/keys', {
      method: 'POST',
      token: u.token,
      body: { title: 'old', key: newSshKey(), expires_at: '2000-01-01T00:00:00Z' },
    });
    assert.deepEqual(expired.body, { message: { key: ['has expired'] } });
    const usage = await s.request('/user/keys', {
      method: 'POST',
      token: u.token,
      body: { title: 'x', key: newSshKey(), usage_type: 'nope' },
    });
    assert.deepEqual(usage.body, { error: 'usage_type does not have a valid value' });
  });

  test('/users/:id/keys: admins add and delete; anyone lists by id or username', async () => {
    const u = await createUser(s);
    const key = newSshKey();
    const created = await s.request(`/users/${u.id}/keys`, {
      method: 'POST',
      body: { title: 'deploy', key, usage_type: 'auth', expires_at: '2999-01-01T00:00:00Z' },
    });
    assert.equal(created.status, 201, created.text);
    const id = (created.body as Json).id;
    assert.equal((created.body as Json).expires_at, '2999-01-01T00:00:00.000Z');
    const byName = await s.request(`/users/${u.username}/keys`, { token: null });
    assert.equal(byName.status, 200);
    assert.deepEqual(
      (byName.body as Json[]).map((k) => k.id),
      [id],
    );
    const single = await s.request(`/users/${u.id}/keys/${id}`, { token: null });
    assert.equal((single.body as Json).title, 'deploy');
    assert.deepEqual((await s.request('/users/no-such-user/keys')).body, { message: '404 User Not Found' });
    assert.deepEqual((await s.request(`/users/${u.id}/keys/999999`)).body, { message: '404 Key Not Found' });
    const removed = await s.request(`/users/${u.id}/keys/${id}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.deepEqual((await s.request(`/users/999999/keys/${id}`, { method: 'DELETE' })).body, {
      message: '404 User Not Found',
    });
  });

  test('gitbeaker end-to-end: UserSSHKeys create/all/show/remove', async () => {
    const u = await createUser(s);
    const api = s.gitlab(u.token);
    const key = newSshKey();
    const created = await api.UserSSHKeys.create('gitbeaker', key);
    assert.equal(created.title, 'gitbeaker');
    const all = await api.UserSSHKeys.all();
    assert.deepEqual(
      all.map((k) => k.id),
      [created.id],
    );
    const shown = await api.UserSSHKeys.show(created.id as number);
    assert.equal(shown.id, created.id);
    const asAdmin = await s.gitlab().UserSSHKeys.all({ userId: u.id });
    assert.equal(asAdmin.length, 1);
    await api.UserSSHKeys.remove(created.id as number);
    assert.deepEqual(await api.UserSSHKeys.all(), []);
  });
});
