import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { forbidden, invalidParams, notFound } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { ACCESS, MEMBER_ACCESS_LEVELS } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import { type MemberRow, toMember } from './entity.js';
import { findMembers, type MemberSource } from './finder.js';
import { addMember, addMembers, BULK_ADD_LIMIT, removeMember, updateMember } from './service.js';

interface ResolvedSource {
  source: MemberSource;
  canRead: boolean;
  canAdmin: boolean;
  /** Granting or changing the Owner role needs Owner (or admin). */
  canAdminOwner: boolean;
}

type Resolver = (deps: Deps, user: User | null, id: string) => Promise<ResolvedSource>;

const SOURCES: Array<{ prefix: string; doc: string; resolve: Resolver }> = [
  {
    prefix: 'projects',
    doc: 'doc/api/members.md',
    async resolve(deps, user, id) {
      const s = await findProject(deps.db, user, id);
      return {
        source: { type: 'Project', id: s.project.id, namespaceId: s.project.namespace_id },
        canRead: can(user, 'read_project_member', s),
        canAdmin: can(user, 'admin_project_member', s),
        canAdminOwner: can(user, 'admin_owner_member', s),
      };
    },
  },
  {
    prefix: 'groups',
    doc: 'doc/api/members.md',
    async resolve(deps, user, id) {
      const s = await findGroup(deps.db, user, id);
      return {
        source: { type: 'Namespace', id: s.group.id, namespaceId: s.group.id },
        canRead: can(user, 'read_group_member', s),
        canAdmin: can(user, 'admin_group_member', s),
        canAdminOwner: can(user, 'admin_group_member', s),
      };
    },
  },
];

/** Members with their users (and who added them), batch-loaded. */
async function present(deps: Deps, rows: MemberRow[]) {
  const ids = [
    ...new Set(rows.flatMap((r) => (r.created_by_id === null ? [r.user_id] : [r.user_id, r.created_by_id]))),
  ];
  const users = ids.length
    ? await deps.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows
    .filter((r) => byId.has(r.user_id))
    .map((r) =>
      toMember(
        deps.config,
        { ...r, access_level: Number(r.access_level) },
        byId.get(r.user_id)!,
        r.created_by_id === null ? null : (byId.get(r.created_by_id) ?? null),
      ),
    );
}

/** The bulk form of POST …/members: `user_id=1,2,3` or `username=a,b`. */
async function addMany(
  deps: Deps,
  source: MemberSource,
  by: User,
  list: string,
  byUsername: boolean,
  attrs: { access_level: number; expires_at?: string },
): Promise<{ status: 'success' } | { status: 'error'; message: string }> {
  const names = [...new Set(list.split(',').map((x) => x.trim()))].filter((x) => x !== '');
  if (names.length === 0) return { status: 'error', message: 'No users specified.' };
  if (names.length > BULK_ADD_LIMIT)
    return { status: 'error', message: `Too many users specified (limit is ${BULK_ADD_LIMIT})` };
  const q = deps.db.selectFrom('users').selectAll();
  const ids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const lower = names.map((n) => n.toLowerCase());
  const users = byUsername
    ? await q.where((eb) => eb(eb.fn('lower', ['username']), 'in', lower)).execute()
    : ids.length > 0
      ? await q.where('id', 'in', ids).execute()
      : [];
  await addMembers(deps, source, users, by, attrs);
  return { status: 'success' };
}

const listParams = {
  id: p.idOrPath().required(),
  query: p.string(),
  user_ids: p.array(p.integer()),
  skip_users: p.array(p.integer()),
};
const accessLevel = p.integer().values(MEMBER_ACCESS_LEVELS);

export function membersResource(app: FastifyInstance, deps: Deps): void {
  for (const { prefix, resolve } of SOURCES) {
    for (const all of [false, true]) {
      const base = `/${prefix}/:id/members${all ? '/all' : ''}`;
      // GET /projects|groups/:id/members[/all] — doc/api/members.md#list-all-members-of-a-group-or-project
      endpoint(app, deps, {
        method: 'GET',
        url: base,
        auth: 'public',
        params: listParams,
        async handler(ctx) {
          const r = await resolve(deps, ctx.user, ctx.params.id);
          if (!r.canRead) throw forbidden();
          const rows = await paginate(ctx, findMembers(deps.db, r.source, all, ctx.params));
          return present(deps, rows);
        },
      });

      // GET /projects|groups/:id/members[/all]/:user_id — doc/api/members.md#get-a-member-of-a-group-or-project
      endpoint(app, deps, {
        method: 'GET',
        url: `${base}/:user_id`,
        auth: 'public',
        params: { id: p.idOrPath().required(), user_id: p.integer().required() },
        async handler({ user, params }) {
          const r = await resolve(deps, user, params.id);
          if (!r.canRead) throw forbidden();
          const rows = await findMembers(deps.db, r.source, all, { user_ids: [params.user_id] }).execute();
          const [member] = await present(deps, rows);
          if (!member) throw notFound('Member');
          return member;
        },
      });
    }

    // POST /projects|groups/:id/members — doc/api/members.md#add-a-member-to-a-group-or-project
    endpoint(app, deps, {
      method: 'POST',
      url: `/${prefix}/:id/members`,
      auth: 'user',
      params: {
        id: p.idOrPath().required(),
        user_id: p.string(),
        username: p.string(),
        access_level: accessLevel.required(),
        expires_at: p.date(),
      },
      async handler({ user, params, reply }) {
        if ((params.user_id === undefined) === (params.username === undefined))
          throw invalidParams(['user_id, username are missing, exactly one parameter must be provided']);
        const r = await resolve(deps, user, params.id);
        if (!r.canAdmin) throw forbidden();
        if (params.access_level === ACCESS.OWNER && !r.canAdminOwner) throw forbidden();
        const list = params.user_id ?? params.username!;
        if (list.includes(',')) {
          // Several users at once: GitLab answers {"status":"success"} (or "error" with a message).
          reply.code(201);
          return addMany(deps, r.source, user, list, params.user_id === undefined, params);
        }
        const q = deps.db.selectFrom('users').selectAll();
        const target = await (params.user_id !== undefined
          ? /^\d+$/.test(params.user_id)
            ? q.where('id', '=', Number(params.user_id))
            : q.where('id', '=', -1)
          : q.where((eb) => eb(eb.fn('lower', ['username']), '=', params.username!.toLowerCase()))
        ).executeTakeFirst();
        if (!target) throw notFound('User');
        const row = await addMember(deps, r.source, target, user, params);
        reply.code(201);
        const [member] = await present(deps, [row]);
        return member;
      },
    });

    // PUT /projects|groups/:id/members/:user_id — doc/api/members.md#edit-a-member-of-a-group-or-project
    endpoint(app, deps, {
      method: 'PUT',
      url: `/${prefix}/:id/members/:user_id`,
      auth: 'user',
      params: {
        id: p.idOrPath().required(),
        user_id: p.integer().required(),
        access_level: accessLevel.required(),
        expires_at: p.date(),
      },
      async handler({ user, params }) {
        const r = await resolve(deps, user, params.id);
        if (!r.canAdmin) throw forbidden();
        if (params.access_level === ACCESS.OWNER && !r.canAdminOwner) throw forbidden();
        const row = await updateMember(deps, r.source, params.user_id, params);
        const [member] = await present(deps, [row]);
        return member;
      },
    });

    // DELETE /projects|groups/:id/members/:user_id — doc/api/members.md#remove-a-member-from-a-group-or-project
    endpoint(app, deps, {
      method: 'DELETE',
      url: `/${prefix}/:id/members/:user_id`,
      auth: 'user',
      params: { id: p.idOrPath().required(), user_id: p.integer().required() },
      async handler({ user, params }) {
        const r = await resolve(deps, user, params.id);
        // Members may leave on their own.
        if (!r.canAdmin && user.id !== params.user_id) throw forbidden();
        await removeMember(deps, r.source, params.user_id);
      },
    });
  }
}

/** A user's direct memberships, every source (lib/api/entities/membership.rb). */
export function userMembershipsResource(app: FastifyInstance, deps: Deps): void {
  // GET /users/:user_id/memberships — doc/api/users.md#list-projects-and-groups-that-a-user-is-a-member-of
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:user_id/memberships',
    auth: 'admin',
    params: {
      user_id: p.integer().required(),
      type: p.string().values(['Project', 'Namespace']),
      ...paginationParams,
    },
    async handler(ctx) {
      const found = await deps.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', ctx.params.user_id)
        .executeTakeFirst();
      if (!found) throw notFound('User');
      const rows = await paginate(
        ctx,
        deps.db
          .selectFrom('members as m')
          .leftJoin('projects as pr', (j) =>
            j.onRef('pr.id', '=', 'm.source_id').on('m.source_type', '=', 'Project'),
          )
          .leftJoin('namespaces as n', (j) =>
            j.onRef('n.id', '=', 'm.source_id').on('m.source_type', '=', 'Namespace'),
          )
          .select([
            'm.id',
            'm.source_id',
            'm.source_type',
            'm.access_level',
            'pr.name as project_name',
            'n.name as group_name',
          ])
          .where('m.user_id', '=', found.id)
          .$if(ctx.params.type !== undefined, (q) => q.where('m.source_type', '=', ctx.params.type!))
          .orderBy('m.id'),
      );
      return rows.map((r) => ({
        source_id: r.source_id,
        source_name: (r.source_type === 'Project' ? r.project_name : r.group_name) ?? null,
        source_type: r.source_type,
        access_level: Number(r.access_level),
      }));
    },
  });
}
