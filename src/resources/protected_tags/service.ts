/** Protecting and unprotecting tags (ProtectedTags::CreateService / DestroyService). */
import { type Deps, nowIso } from '../../deps.js';
import { apiMessage, recordNotFound } from '../../http/errors.js';
import { ACCESS } from '../../permissions/groups.js';
import type { Project } from '../../permissions/projects.js';
import { loadTagRules, type ProtectedTagRule } from '../protected_branches/rules.js';

/** POST /projects/:id/protected_tags: 422 "Name has already been taken" when the name is protected already. */
export async function protectTag(
  deps: Deps,
  project: Project,
  a: { name: string; create_access_level?: number },
): Promise<ProtectedTagRule> {
  if (a.name.trim() === '') throw apiMessage(422, ["Name can't be blank"]);
  const now = nowIso(deps);
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('protected_tags')
      .select('id')
      .where('project_id', '=', project.id)
      .where('name', '=', a.name)
      .executeTakeFirst();
    if (existing) throw apiMessage(422, ['Name has already been taken']);
    const row = await trx
      .insertInto('protected_tags')
      .values({ project_id: project.id, name: a.name, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('protected_ref_access_levels')
      .values({
        protected_branch_id: null,
        protected_tag_id: row.id,
        kind: 'create',
        access_level: a.create_access_level ?? ACCESS.MAINTAINER,
        user_id: null,
        group_id: null,
        created_at: now,
      })
      .execute();
  });
  return (await loadTagRules(deps.db, project.id, a.name))[0]!;
}

/** DELETE /projects/:id/protected_tags/:name */
export async function unprotectTag(deps: Pick<Deps, 'db'>, project: Project, name: string): Promise<void> {
  const res = await deps.db
    .deleteFrom('protected_tags')
    .where('project_id', '=', project.id)
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw recordNotFound();
}
