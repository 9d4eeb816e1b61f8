import { DerivedCache } from '../../db/read_cache.js';
import { JsonBody, type RouteContext } from '../../http/endpoint.js';
import { projectSubjects } from '../../http/lookups.js';
import { keysetNotAvailable, paginate, paginateKeyset, wantsKeyset } from '../../http/pagination.js';
import type { Project, ProjectSubject } from '../../permissions/projects.js';
import { toBasicProjectDetails, toProject, toProjectWithAccess } from './entity.js';
import { findProjects, type ProjectFilters } from './finder.js';
import { projectViews } from './present.js';

type Ctx = RouteContext<unknown>;

/** One project as the project's own routes answer it (after an update, a transfer…). */
export async function presentProject(ctx: Ctx, subject: ProjectSubject) {
  const [view] = await projectViews(ctx.deps.db, ctx.user, [subject]);
  return toProject(ctx.deps.config, ctx.user, view!);
}

/**
 * GET /projects/:id: with the caller's permissions when signed in, serialized once per view. The
 * view is remembered while the database is unchanged (projectViews), and so is its answer.
 */
export async function presentProjectWithAccess(ctx: Ctx, subject: ProjectSubject): Promise<JsonBody> {
  const { deps, user } = ctx;
  const [view] = await projectViews(deps.db, user, [subject]);
  return answers.read(
    view!,
    '',
    async () =>
      new JsonBody(
        JSON.stringify(
          user ? toProjectWithAccess(deps.config, user, view!) : toProject(deps.config, user, view!),
        ),
      ),
  );
}

const answers = new DerivedCache<JsonBody>();

export async function presentProjectRow(ctx: Ctx, project: Project) {
  const [subject] = await projectSubjects(ctx.deps.db, ctx.user, [project]);
  return presentProject(ctx, subject!);
}

/**
 * A page of projects: offset (capped, C43) or keyset on order_by=id (C44); entities batch-loaded.
 * Anonymous callers and simple=true get BasicProjectDetails, signed-in callers ProjectWithAccess.
 */
export async function listProjects(ctx: Ctx, filters: ProjectFilters, simple: boolean | undefined) {
  const { deps, user } = ctx;
  const query = findProjects(deps.db, user, filters);
  let rows: Project[];
  if (wantsKeyset(ctx)) {
    if ((filters.order_by ?? 'created_at') !== 'id') throw keysetNotAvailable();
    rows = await paginateKeyset(ctx, query, {
      column: 'projects.id',
      idColumn: 'projects.id',
      direction: filters.sort === 'asc' ? 'asc' : 'desc',
      key: (p) => ({ value: p.id, id: p.id }),
    });
  } else rows = await paginate(ctx, query, { keysetType: 'Project' });
  const subjects = await projectSubjects(deps.db, user, rows);
  const views = await projectViews(deps.db, user, subjects);
  if (simple || !user) return views.map((v) => toBasicProjectDetails(deps.config, user, v));
  return views.map((v) => toProjectWithAccess(deps.config, user, v));
}
