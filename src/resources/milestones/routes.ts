import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint, type RouteContext } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { type Milestone, toMilestone } from './entity.js';
import { findMilestones, type MilestoneScope, milestoneOwnerPaths } from './finder.js';
import { createMilestone, deleteMilestone, type MilestoneOwner, updateMilestone } from './service.js';

const ListParams = {
  id: p.idOrPath().required(),
  iids: p.array(p.integer()),
  state: p.string().values(['active', 'closed']),
  title: p.string(),
  search: p.string(),
  search_title: p.string(),
  include_parent_milestones: p.boolean(),
  include_ancestors: p.boolean(),
  include_descendants: p.boolean(),
  updated_before: p.datetime(),
  updated_after: p.datetime(),
  ...paginationParams,
};
const CreateParams = {
  id: p.idOrPath().required(),
  title: p.string().required(),
  description: p.string(),
  due_date: p.date(),
  start_date: p.date(),
};
const UpdateParams = {
  id: p.idOrPath().required(),
  milestone_id: p.integer().required(),
  title: p.string(),
  description: p.string(),
  due_date: p.date(),
  start_date: p.date(),
  state_event: p.string().values(['close', 'activate']),
};
const OneParams = { id: p.idOrPath().required(), milestone_id: p.integer().required() };

const today = (deps: Deps) => deps.clock.now().toISOString().slice(0, 10);

export async function presentMilestones(
  ctx: Pick<RouteContext<unknown>, 'deps'>,
  rows: readonly Milestone[],
) {
  const pathOf = await milestoneOwnerPaths(ctx.deps.db, rows);
  return rows.map((m) => toMilestone(ctx.deps.config, m, pathOf(m), today(ctx.deps)));
}

/** A project's or group's milestone scope, after the read check. */
export async function milestoneParent(
  deps: Deps,
  user: User | null,
  kind: 'projects' | 'groups',
  id: string,
) {
  if (kind === 'projects') {
    const subject = await findProject(deps.db, user, id);
    authorize(user, 'read_milestone', subject);
    const owner: MilestoneOwner = { kind: 'project', id: subject.project.id };
    const scope = (includeAncestors: boolean): MilestoneScope => ({
      kind: 'project',
      projectId: subject.project.id,
      namespaceId: subject.project.namespace_id,
      includeAncestors,
    });
    const mayAdmin = () => authorize(user, 'admin_milestone', subject);
    return { owner, scope, mayAdmin };
  }
  const subject = await findGroup(deps.db, user, id);
  const owner: MilestoneOwner = { kind: 'group', id: subject.group.id };
  const scope = (includeAncestors: boolean, includeDescendants = false): MilestoneScope => ({
    kind: 'group',
    groupId: subject.group.id,
    includeAncestors,
    includeDescendants,
  });
  const mayAdmin = () => authorize(user, 'admin_group_milestone', subject);
  return { owner, scope, mayAdmin };
}

/** One of the parent's own milestones, by its global id (the API's :milestone_id). */
export async function findOwnMilestone(deps: Deps, owner: MilestoneOwner, id: number): Promise<Milestone> {
  const m = await deps.db
    .selectFrom('milestones')
    .selectAll()
    .where('id', '=', id)
    .where(owner.kind === 'project' ? 'project_id' : 'group_id', '=', owner.id)
    .executeTakeFirst();
  if (!m) throw notFound('Milestone');
  return m;
}

export function milestonesResource(app: FastifyInstance, deps: Deps): void {
  for (const kind of ['projects', 'groups'] as const) {
    // GET /projects/:id/milestones, GET /groups/:id/milestones — doc/api/milestones.md, group_milestones.md
    endpoint(app, deps, {
      method: 'GET',
      url: `/${kind}/:id/milestones`,
      auth: 'public',
      params: ListParams,
      async handler(ctx) {
        const { params } = ctx;
        const parent = await milestoneParent(deps, ctx.user, kind, params.id);
        const ancestors = Boolean(params.include_ancestors ?? params.include_parent_milestones);
        const scope =
          kind === 'projects'
            ? parent.scope(ancestors)
            : parent.scope(ancestors, Boolean(params.include_descendants));
        const rows = await paginate(ctx, findMilestones(deps.db, scope, params));
        return presentMilestones(ctx, rows);
      },
    });

    // GET /:kind/:id/milestones/:milestone_id — doc/api/milestones.md, group_milestones.md
    endpoint(app, deps, {
      method: 'GET',
      url: `/${kind}/:id/milestones/:milestone_id`,
      auth: 'public',
      params: OneParams,
      async handler(ctx) {
        const parent = await milestoneParent(deps, ctx.user, kind, ctx.params.id);
        const m = await findOwnMilestone(deps, parent.owner, ctx.params.milestone_id);
        return (await presentMilestones(ctx, [m]))[0];
      },
    });

    // POST /:kind/:id/milestones — doc/api/milestones.md, group_milestones.md
    endpoint(app, deps, {
      method: 'POST',
      url: `/${kind}/:id/milestones`,
      auth: 'user',
      params: CreateParams,
      async handler(ctx) {
        const parent = await milestoneParent(deps, ctx.user, kind, ctx.params.id);
        parent.mayAdmin();
        const m = await createMilestone(deps, parent.owner, ctx.params);
        ctx.reply.code(201);
        return (await presentMilestones(ctx, [m]))[0];
      },
    });

    // PUT /:kind/:id/milestones/:milestone_id — doc/api/milestones.md, group_milestones.md
    endpoint(app, deps, {
      method: 'PUT',
      url: `/${kind}/:id/milestones/:milestone_id`,
      auth: 'user',
      params: UpdateParams,
      async handler(ctx) {
        const parent = await milestoneParent(deps, ctx.user, kind, ctx.params.id);
        parent.mayAdmin();
        const m = await findOwnMilestone(deps, parent.owner, ctx.params.milestone_id);
        const updated = await updateMilestone(deps, parent.owner, m, ctx.params);
        return (await presentMilestones(ctx, [updated]))[0];
      },
    });

    // DELETE /:kind/:id/milestones/:milestone_id — doc/api/milestones.md, group_milestones.md
    endpoint(app, deps, {
      method: 'DELETE',
      url: `/${kind}/:id/milestones/:milestone_id`,
      auth: 'user',
      params: OneParams,
      async handler(ctx) {
        const parent = await milestoneParent(deps, ctx.user, kind, ctx.params.id);
        parent.mayAdmin();
        await deleteMilestone(deps, await findOwnMilestone(deps, parent.owner, ctx.params.milestone_id));
      },
    });
  }
}
