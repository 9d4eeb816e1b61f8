import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { checkUnmodifiedSince } from '../../http/conditional.js';
import { endpoint, type RouteContext } from '../../http/endpoint.js';
import { ApiError } from '../../http/errors.js';
import { findGroup, groupSubjects, projectSubjects } from '../../http/lookups.js';
import { keysetNotAvailable, paginate, paginateKeyset, wantsKeyset } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import type { GroupSubject, Namespace } from '../../permissions/groups.js';
import { authorize, can } from '../../permissions/index.js';
import { toProject } from '../projects/entity.js';
import { findProjects, type ProjectFilters } from '../projects/finder.js';
import { projectViews } from '../projects/present.js';
import { emptyStatistics, toGroup, toGroupDetail } from './entity.js';
import { findGroups, type GroupFilters } from './finder.js';
import { CreateGroup, ListGroups, ListSubgroups, ShareGroup, UpdateGroup } from './params.js';
import { createGroup, scheduleGroupDeletion, shareGroup, unshareGroup, updateGroup } from './service.js';
import { transferGroup } from './transfer.js';
import { transferLocationsResource } from './transfer_locations.js';

/** GroupProjectsFinder::DEFAULT_PROJECTS_LIMIT */
const GROUP_PROJECTS_LIMIT = 100;

type ListParams = Omit<GroupFilters, 'membership'> & { all_available?: boolean; statistics?: boolean };

/** Lists groups: offset pagination, or keyset on order_by=name&sort=asc (C44). */
async function listGroups(ctx: RouteContext<unknown>, filters: GroupFilters, statistics: boolean) {
  const { deps, user } = ctx;
  const query = findGroups(deps.db, user, filters);
  let rows: Namespace[];
  if (wantsKeyset(ctx)) {
    if ((filters.order_by ?? 'name') !== 'name' || filters.sort === 'desc') throw keysetNotAvailable();
    rows = await paginateKeyset(ctx, query, {
      column: 'namespaces.name',
      idColumn: 'namespaces.id',
      direction: 'asc',
      key: (g) => ({ value: g.name, id: g.id }),
    });
  } else rows = await paginate(ctx, query, { keysetType: 'Group' });
  const withStats = statistics && Boolean(user?.admin);
  // gitlab-compat: storage statistics are all zero until repositories report sizes.
  return rows.map((g) => toGroup(deps.config, g, withStats ? { statistics: emptyStatistics() } : {}));
}

function listFilters(params: ListParams, signedIn: boolean, admin: boolean): GroupFilters {
  const allAvailable = params.all_available ?? (admin || !signedIn);
  return { ...params, membership: signedIn && !allAvailable };
}

/** The GroupDetail answer: shares batch-loaded. */
export async function presentGroupDetail(
  deps: Deps,
  subject: GroupSubject,
  user: RouteContext<unknown>['user'],
) {
  const links = await deps.db
    .selectFrom('group_group_links as l')
    .innerJoin('namespaces as n', 'n.id', 'l.shared_with_group_id')
    .selectAll('n')
    .select(['l.group_access', 'l.expires_at as link_expires_at'])
    .where('l.shared_group_id', '=', subject.group.id)
    .orderBy('l.id')
    .execute();
  return toGroupDetail(deps.config, subject.group, {
    sharedWith: links.map(({ group_access, link_expires_at, ...group }) => ({
      group,
      group_access,
      expires_at: link_expires_at,
    })),
    canAdmin: can(user, 'admin_group', subject),
  });
}

export function groupsResource(app: FastifyInstance, deps: Deps): void {
  transferLocationsResource(app, deps);

  // GET /groups — doc/api/groups.md#list-groups
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups',
    auth: 'public',
    params: ListGroups,
    handler: (ctx) =>
      listGroups(
        ctx,
        listFilters(ctx.params, ctx.user !== null, Boolean(ctx.user?.admin)),
        Boolean(ctx.params.statistics),
      ),
  });

  // POST /groups — doc/api/groups.md#create-a-group
  endpoint(app, deps, {
    method: 'POST',
    url: '/groups',
    auth: 'user',
    params: CreateGroup,
    async handler({ user, params, reply }) {
      let parent: GroupSubject | null = null;
      if (params.parent_id !== undefined && params.parent_id !== null) {
        parent = await findGroup(deps.db, user, String(params.parent_id));
        authorize(user, 'create_subgroup', parent);
      } else authorize(user, 'create_group', null);
      const group = await createGroup(deps, user, parent?.group ?? null, params);
      reply.code(201);
      const [subject] = await groupSubjects(deps.db, user, [group]);
      return presentGroupDetail(deps, subject!, user);
    },
  });

  // GET /groups/:id — doc/api/groups.md#get-a-single-group
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id',
    auth: 'public',
    params: { id: p.idOrPath().required(), with_projects: p.boolean().default(true) },
    async handler({ user, params }) {
      const subject = await findGroup(deps.db, user, params.id);
      const detail = await presentGroupDetail(deps, subject, user);
      if (!params.with_projects) return detail;
      const embed = async (f: ProjectFilters) => {
        const rows = await findProjects(deps.db, user, f).limit(GROUP_PROJECTS_LIMIT).execute();
        const views = await projectViews(deps.db, user, await projectSubjects(deps.db, user, rows));
        return views.map((v) => toProject(deps.config, user, v));
      };
      const [projects, shared] = await Promise.all([
        embed({ namespace_ids: [subject.group.id] }),
        embed({ namespace_ids: [], shared_with_groups: [subject.group.id] }),
      ]);
      return { ...detail, projects, shared_projects: shared };
    },
  });

  // PUT /groups/:id — doc/api/groups.md#update-group-attributes
  endpoint(app, deps, {
    method: 'PUT',
    url: '/groups/:id',
    auth: 'user',
    params: UpdateGroup,
    async handler({ user, params }) {
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'admin_group', subject);
      const { id: _id, ...attrs } = params;
      const group = await updateGroup(deps, subject.group, attrs);
      return presentGroupDetail(deps, { ...subject, group }, user);
    },
  });

  // DELETE /groups/:id — doc/api/groups.md#delete-a-group (scheduled: 202)
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/groups/:id',
    auth: 'user',
    params: { id: p.idOrPath().required() },
    async handler({ user, params, reply, request }) {
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'remove_group', subject);
      checkUnmodifiedSince(request, subject.group.updated_at);
      await scheduleGroupDeletion(deps, subject.group, user);
      reply.code(202);
      return { message: '202 Accepted' };
    },
  });

  // POST /groups/:id/transfer — doc/api/groups.md#transfer-a-group
  endpoint(app, deps, {
    method: 'POST',
    url: '/groups/:id/transfer',
    auth: 'user',
    params: { id: p.idOrPath().required(), group_id: p.integer() },
    async handler({ user, params, reply }) {
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'admin_group', subject);
      const parent =
        params.group_id === undefined || params.group_id === null
          ? null
          : await findGroup(deps.db, user, String(params.group_id));
      const group = await transferGroup(deps, user, subject, parent);
      reply.code(201); // Grape's default for POST
      const [moved] = await groupSubjects(deps.db, user, [group]);
      return presentGroupDetail(deps, moved!, user);
    },
  });

  // GET /groups/:id/subgroups — doc/api/groups.md#list-subgroups
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/subgroups',
    auth: 'public',
    params: ListSubgroups,
    async handler(ctx) {
      const { id, ...rest } = ctx.params;
      const parent = await findGroup(deps.db, ctx.user, id);
      const f = listFilters(rest, ctx.user !== null, Boolean(ctx.user?.admin));
      return listGroups(
        ctx,
        { ...f, membership: false, parent_id: parent.group.id },
        Boolean(rest.statistics),
      );
    },
  });

  // GET /groups/:id/descendant_groups — doc/api/groups.md#list-descendant-groups
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/descendant_groups',
    auth: 'public',
    params: ListSubgroups,
    async handler(ctx) {
      const { id, ...rest } = ctx.params;
      const parent = await findGroup(deps.db, ctx.user, id);
      const f = listFilters(rest, ctx.user !== null, Boolean(ctx.user?.admin));
      return listGroups(
        ctx,
        { ...f, membership: false, descendants_of: parent.group.id },
        Boolean(rest.statistics),
      );
    },
  });

  // POST /groups/:id/share — doc/api/groups.md#share-groups-with-groups
  endpoint(app, deps, {
    method: 'POST',
    url: '/groups/:id/share',
    auth: 'user',
    params: ShareGroup,
    async handler({ user, params, reply }) {
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'admin_group', subject);
      const other = await findGroup(deps.db, user, String(params.group_id));
      if (!can(user, 'read_group', other)) throw new ApiError(404, { message: '404 Group Not Found' });
      await shareGroup(deps, subject.group, other.group, params);
      reply.code(201);
      return presentGroupDetail(deps, subject, user);
    },
  });

  // DELETE /groups/:id/share/:group_id — doc/api/groups.md#delete-the-link-that-shares-a-group-with-another-group
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/groups/:id/share/:group_id',
    auth: 'user',
    params: { id: p.idOrPath().required(), group_id: p.integer().required() },
    async handler({ user, params }) {
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'admin_group', subject);
      await unshareGroup(deps, subject.group, params.group_id);
    },
  });
}
