import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint, type RouteContext } from '../../http/endpoint.js';
import { conflict, forbidden, invalidParams, notFound, unauthorized } from '../../http/errors.js';
import { keysetNotAvailable, paginate, paginateKeyset, wantsKeyset } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import { emailsResource } from './emails_routes.js';
import {
  noRelations,
  type Presenter,
  toUser,
  toUserBasic,
  toUserDetailsWithAdmin,
  toUserPublic,
  toUserWithAdmin,
} from './entity.js';
import {
  findUsers,
  highestRole,
  loadUserRelations,
  sortBySearchRelevance,
  sortUsers,
  type UserOrderBy,
} from './finder.js';
import { keysResource } from './keys_routes.js';
import { checkUnmodifiedSince, userFromPath } from './lookup.js';
import { allOrNone, ListUsers, parseCreateUser, UpdateUser } from './params.js';
import { createUser, deleteUser, isSoleGroupOwner, updateUser } from './service.js';
import { userStateResource } from './state_routes.js';
import { statusResource } from './status_routes.js';

/**
 * Orders with a (column, id) index, so a keyset page costs the same wherever it starts (C44).
 * gitlab-compat: GitLab also pages created_at and updated_at by keyset; here those answer 405.
 */
const KEYSET_ORDERS: readonly UserOrderBy[] = ['id', 'name', 'username', 'created_at', 'updated_at'];

export async function presenter(deps: Deps, viewer: User | null, users: readonly User[]): Promise<Presenter> {
  const relations = viewer?.admin ? await loadUserRelations(deps.db, users) : noRelations();
  return { config: deps.config, viewer, relations };
}

export function usersResource(app: FastifyInstance, deps: Deps): void {
  // GET /user — doc/api/users.md#retrieve-the-current-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/user',
    auth: 'user',
    scopes: ['read_user'],
    async handler({ user }) {
      const p = await presenter(deps, user, [user]);
      return user.admin ? toUserWithAdmin(p, user) : toUserPublic(p, user);
    },
  });

  // GET /users — doc/api/users.md#list-users
  endpoint(app, deps, {
    method: 'GET',
    url: '/users',
    auth: 'public',
    scopes: ['read_user'],
    params: ListUsers,
    async handler(ctx) {
      const { user, params, raw } = ctx;
      const errors: string[] = [];
      allOrNone(raw, errors);
      if (errors.length > 0) throw invalidParams(errors);
      // authenticated_as_admin!: 401 without credentials, 403 for non-admins.
      if (params.extern_uid && params.provider && !can(user, 'read_all_resources', null))
        throw user ? forbidden() : unauthorized();
      // Anonymous callers may only look a user up by username, never list the instance.
      if (!can(user, 'read_users_list', null) || (!user && !params.username))
        throw forbidden('Not authorized to access /api/v4/users');
      const admin = can(user, 'read_all_resources', null);
      const query = findUsers(deps.db, {
        admin,
        username: params.username,
        search: params.search,
        extern_uid: params.extern_uid,
        provider: params.provider,
        active: params.active,
        blocked: params.blocked,
        external: params.external,
        humans: params.humans,
        without_active: params.exclude_active,
        non_external: params.exclude_external,
        without_humans: params.exclude_humans,
        non_internal: params.exclude_internal,
        without_project_bots: params.without_project_bots,
        admins: params.admins,
        two_factor: params.two_factor,
        without_projects: params.without_projects,
        created_after: params.created_after,
        created_before: params.created_before,
      });
      const rows = await pageOfUsers(ctx, query, params);
      const p = await presenter(deps, user, rows);
      return admin ? rows.map((u) => toUserWithAdmin(p, u)) : rows.map((u) => toUserBasic(deps.config, u));
    },
  });

  // GET /users/:id — doc/api/users.md#retrieve-a-single-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:id',
    auth: 'public',
    scopes: ['read_user'],
    params: { id: p.string().required() },
    async handler({ user, params }) {
      if (!user) throw forbidden('Not authorized!');
      const target = await userFromPath(deps.db, params.id);
      if (!can(user, 'read_user', target)) throw notFound('User');
      const p = await presenter(deps, user, [target]);
      if (!can(user, 'read_all_resources', null)) return toUser(p, target);
      return toUserDetailsWithAdmin(p, target, await highestRole(deps.db, target.id));
    },
  });

  // POST /users — doc/api/users.md#create-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/users',
    auth: 'admin',
    async handler({ user, raw, reply }) {
      authorize(user, 'admin_user', null);
      const params = parseCreateUser(raw);
      const created = await createUser(deps, user, params);
      reply.code(201);
      return toUserWithAdmin(await presenter(deps, user, [created]), created);
    },
  });

  // PUT /users/:id — doc/api/users.md#modify-a-user
  endpoint(app, deps, {
    method: 'PUT',
    url: '/users/:id',
    auth: 'admin',
    params: UpdateUser,
    async handler({ user, params, raw }) {
      const target = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', target);
      const errors: string[] = [];
      allOrNone(raw, errors);
      if (errors.length > 0) throw invalidParams(errors);
      const { id: _id, avatar: _avatar, skip_reconfirmation: _skip, ...changes } = params;
      const updated = await updateUser(deps, user, target, changes);
      return toUserWithAdmin(await presenter(deps, user, [updated]), updated);
    },
  });

  // DELETE /users/:id — doc/api/users.md#delete-a-user
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/users/:id',
    auth: 'admin',
    params: { id: p.string().required(), hard_delete: p.boolean() },
    async handler({ user, params, request }) {
      const target = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', target);
      // gitlab-compat: with hard_delete the groups the user solely owns stay (GitLab deletes them).
      if (!params.hard_delete && (await isSoleGroupOwner(deps.db, target.id))) throw conflictSoleOwner();
      checkUnmodifiedSince(request, target.updated_at);
      // gitlab-compat: deleted at once, in one transaction (GitLab schedules a background job).
      await deleteUser(deps, target);
      return undefined;
    },
  });

  userStateResource(app, deps);
  keysResource(app, deps);
  emailsResource(app, deps);
  statusResource(app, deps);
}

const conflictSoleOwner = () => conflict('User cannot be removed while is the sole-owner of a group');

type ListParams = { order_by?: string; sort?: string; search?: string };

/**
 * Orders and pages the list. Without order_by/sort a search keeps its relevance order; otherwise
 * id desc is the default. Keyset pages need an indexed (column, id) order (C44).
 */
async function pageOfUsers(
  ctx: Pick<RouteContext<unknown>, 'deps' | 'request' | 'reply'>,
  query: ReturnType<typeof findUsers>,
  params: ListParams,
): Promise<User[]> {
  const custom = params.order_by !== undefined || params.sort !== undefined;
  const orderBy = (params.order_by ?? 'id') as UserOrderBy;
  const sort = (params.sort ?? 'desc') as 'asc' | 'desc';
  if (wantsKeyset(ctx)) {
    if ((params.search && !custom) || !KEYSET_ORDERS.includes(orderBy)) throw keysetNotAvailable();
    return paginateKeyset(ctx, query, {
      column: `users.${orderBy}`,
      idColumn: 'users.id',
      direction: sort,
      key: (row) => ({ value: row[orderBy] as string | number, id: row.id }),
    });
  }
  const ordered =
    params.search && !custom ? sortBySearchRelevance(query, params.search) : sortUsers(query, orderBy, sort);
  return paginate(ctx, ordered, { keysetType: 'User' });
}
