import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { paginate } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import { toSSHKey } from './entity.js';
import { findUserByIdOrUsername } from './finder.js';
import { createKey, deleteKey, findKey, keysOf } from './keys.js';
import { checkUnmodifiedSince, userFromPath } from './lookup.js';

const USAGE_TYPES = ['auth', 'signing', 'auth_and_signing'];

const NewKeyParams = {
  key: p.string().required(),
  title: p.string().required(),
  expires_at: p.datetime(),
  usage_type: p.string().values(USAGE_TYPES).default('auth_and_signing'),
};

/** `:user_id` on the read routes is an id or a username (API::USER_REQUIREMENTS). */
async function readableUser(deps: Deps, viewer: User | null, idOrUsername: string): Promise<User> {
  const user = await findUserByIdOrUsername(deps.db, idOrUsername);
  if (!user || !can(viewer, 'read_user', user)) throw notFound('User');
  return user;
}

export function keysResource(app: FastifyInstance, deps: Deps): void {
  // GET /user/keys — doc/api/user_keys.md#list-your-ssh-keys
  endpoint(app, deps, {
    method: 'GET',
    url: '/user/keys',
    auth: 'user',
    scopes: ['read_user'],
    async handler(ctx) {
      const rows = await paginate(ctx, keysOf(deps, ctx.user));
      return rows.map((k) => toSSHKey(deps.config, k, ctx.user));
    },
  });

  // GET /user/keys/:key_id — doc/api/user_keys.md#retrieve-an-ssh-key
  endpoint(app, deps, {
    method: 'GET',
    url: '/user/keys/:key_id',
    auth: 'user',
    scopes: ['read_user'],
    params: { key_id: p.integer().required() },
    async handler({ user, params }) {
      return toSSHKey(deps.config, await findKey(deps, user, params.key_id), user);
    },
  });

  // POST /user/keys — doc/api/user_keys.md#add-an-ssh-key-to-your-account
  endpoint(app, deps, {
    method: 'POST',
    url: '/user/keys',
    auth: 'user',
    params: NewKeyParams,
    async handler({ user, params, reply }) {
      const key = await createKey(deps, user.id, params);
      reply.code(201);
      return toSSHKey(deps.config, key, user);
    },
  });

  // DELETE /user/keys/:key_id — doc/api/user_keys.md#delete-an-ssh-key-from-your-account
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/user/keys/:key_id',
    auth: 'user',
    params: { key_id: p.integer().required() },
    async handler({ user, params, request }) {
      const key = await findKey(deps, user, params.key_id);
      checkUnmodifiedSince(request, key.updated_at);
      await deleteKey(deps, key);
      return undefined;
    },
  });

  // GET /users/:id_or_username/keys — doc/api/user_keys.md#list-ssh-keys-for-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:id/keys',
    auth: 'public',
    scopes: ['read_user'],
    params: { id: p.string().required() },
    async handler(ctx) {
      const owner = await readableUser(deps, ctx.user, ctx.params.id);
      const rows = await paginate(ctx, keysOf(deps, owner));
      return rows.map((k) => toSSHKey(deps.config, k, owner));
    },
  });

  // GET /users/:id_or_username/keys/:key_id — doc/api/user_keys.md#retrieve-an-ssh-key-for-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:id/keys/:key_id',
    auth: 'public',
    scopes: ['read_user'],
    params: { id: p.string().required(), key_id: p.integer().required() },
    async handler({ user, params }) {
      const owner = await readableUser(deps, user, params.id);
      return toSSHKey(deps.config, await findKey(deps, owner, params.key_id), owner);
    },
  });

  // POST /users/:id/keys — doc/api/user_keys.md#add-an-ssh-key-for-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/users/:id/keys',
    auth: 'admin',
    params: { id: p.string().required(), ...NewKeyParams },
    async handler({ user, params, reply }) {
      const owner = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', owner);
      const { id: _id, ...input } = params;
      const key = await createKey(deps, owner.id, input);
      reply.code(201);
      return toSSHKey(deps.config, key, owner);
    },
  });

  // DELETE /users/:id/keys/:key_id — doc/api/user_keys.md#delete-an-ssh-key-for-a-user
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/users/:id/keys/:key_id',
    auth: 'admin',
    params: { id: p.string().required(), key_id: p.integer().required() },
    async handler({ user, params, request }) {
      const owner = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', owner);
      const key = await findKey(deps, owner, params.key_id);
      checkUnmodifiedSince(request, key.updated_at);
      await deleteKey(deps, key);
      return undefined;
    },
  });
}
