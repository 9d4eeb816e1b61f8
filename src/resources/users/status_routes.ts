import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { forbidden, notFound } from '../../http/errors.js';
import { p } from '../../http/params.js';
import { can } from '../../permissions/index.js';
import { toUserStatus } from './entity.js';
import { findUserByIdOrUsername } from './finder.js';
import { CLEAR_STATUS_AFTER, findStatus, setStatus } from './status.js';

const StatusParams = {
  emoji: p.string(),
  message: p.string(),
  availability: p.string(),
  clear_status_after: p.string().values(Object.keys(CLEAR_STATUS_AFTER)),
};

export function statusResource(app: FastifyInstance, deps: Deps): void {
  // GET /user/status — doc/api/users.md#retrieve-your-user-status
  endpoint(app, deps, {
    method: 'GET',
    url: '/user/status',
    auth: 'user',
    scopes: ['read_user'],
    async handler({ user }) {
      return toUserStatus(await findStatus(deps, user.id));
    },
  });

  // PUT /user/status — doc/api/users.md#set-your-user-status (absent parameters are cleared)
  endpoint(app, deps, {
    method: 'PUT',
    url: '/user/status',
    auth: 'user',
    params: StatusParams,
    async handler({ user, params }) {
      if (!can(user, 'update_user_status', user)) throw forbidden();
      return toUserStatus(
        await setStatus(deps, user, {
          emoji: params.emoji ?? null,
          message: params.message ?? null,
          availability: params.availability ?? null,
          clear_status_after: params.clear_status_after ?? null,
        }),
      );
    },
  });

  // PATCH /user/status — doc/api/users.md#set-your-user-status (absent parameters are kept)
  endpoint(app, deps, {
    method: 'PATCH',
    url: '/user/status',
    auth: 'user',
    params: StatusParams,
    async handler({ user, params }) {
      if (Object.values(params).every((v) => v === undefined)) return null;
      if (!can(user, 'update_user_status', user)) throw forbidden();
      const merged = { ...(await findStatus(deps, user.id)) };
      return toUserStatus(
        await setStatus(deps, user, {
          ...params,
          emoji: params.emoji !== undefined ? params.emoji : merged.emoji,
          message: params.message !== undefined ? params.message : merged.message,
          availability: params.availability !== undefined ? params.availability : merged.availability,
        }),
      );
    },
  });

  // GET /users/:id_or_username/status — doc/api/users.md#retrieve-the-status-of-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:id/status',
    auth: 'public',
    scopes: ['read_user'],
    params: { id: p.string().required() },
    async handler({ user, params }) {
      const target = await findUserByIdOrUsername(deps.db, params.id);
      if (!target || !can(user, 'read_user', target)) throw notFound('User');
      return toUserStatus(await findStatus(deps, target.id));
    },
  });
}
