import type { FastifyInstance } from 'fastify';
import { type Deps, nowIso } from '../../deps.js';
import { endpoint, type SignedInContext } from '../../http/endpoint.js';
import { apiMessage, invalidParams, notFound } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { type Label, toLabel } from './entity.js';
import { findLabel, type LabelScope, loadLabelExtras } from './finder.js';

const failed = () => apiMessage(400, 'Failed to promote project label to group label');

/**
 * Labels::PromoteService: the project label becomes a group label of the project's group (an
 * existing group label of the same title is reused). Every project label of that title in the
 * group's projects is merged into it: issues and merge requests, priorities and subscriptions
 * move over, duplicates are dropped, then those project labels are deleted. One transaction.
 */
export async function promoteLabel(deps: Deps, label: Label, groupId: number): Promise<Label> {
  if (label.type !== 'ProjectLabel') throw failed();
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const group =
      (await trx
        .selectFrom('labels')
        .selectAll()
        .where('group_id', '=', groupId)
        .where('title', '=', label.title)
        .executeTakeFirst()) ??
      (await trx
        .insertInto('labels')
        .values({
          title: label.title,
          color: label.color,
          description: label.description,
          project_id: null,
          group_id: groupId,
          type: 'GroupLabel',
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow());
    const projectsInGroup = trx
      .selectFrom('projects')
      .innerJoin('namespace_hierarchy', 'namespace_hierarchy.descendant_id', 'projects.namespace_id')
      .select('projects.id')
      .where('namespace_hierarchy.ancestor_id', '=', groupId);
    const merged = (
      await trx
        .selectFrom('labels')
        .select('id')
        .where('type', '=', 'ProjectLabel')
        .where('title', '=', label.title)
        .where((eb) => eb.or([eb('project_id', 'in', projectsInGroup), eb('id', '=', label.id)]))
        .execute()
    ).map((r) => r.id);
    const links = await trx.selectFrom('label_links').selectAll().where('label_id', 'in', merged).execute();
    const linked = await trx
      .selectFrom('label_links')
      .select(['target_type', 'target_id'])
      .where('label_id', '=', group.id)
      .execute();
    const seen = new Set(linked.map((l) => `${l.target_type}:${l.target_id}`));
    const fresh = links.filter((l) => {
      const key = `${l.target_type}:${l.target_id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (fresh.length)
      await trx
        .insertInto('label_links')
        .values(
          fresh.map((l) => ({
            label_id: group.id,
            target_type: l.target_type,
            target_id: l.target_id,
            created_at: l.created_at,
          })),
        )
        .execute();
    await trx
      .updateTable('label_priorities')
      .set({ label_id: group.id })
      .where('label_id', 'in', merged)
      .execute();
    await trx
      .updateTable('resource_label_events')
      .set({ label_id: group.id })
      .where('label_id', 'in', merged)
      .execute();
    const subscribed = await trx
      .selectFrom('subscriptions')
      .select('user_id')
      .where('subscribable_type', '=', 'Label')
      .where('subscribable_id', '=', group.id)
      .execute();
    const already = new Set(subscribed.map((s) => s.user_id));
    const moving = await trx
      .selectFrom('subscriptions')
      .selectAll()
      .where('subscribable_type', '=', 'Label')
      .where('subscribable_id', 'in', merged)
      .execute();
    for (const sub of moving) {
      if (already.has(sub.user_id)) continue;
      already.add(sub.user_id);
      await trx
        .updateTable('subscriptions')
        .set({ subscribable_id: group.id })
        .where('id', '=', sub.id)
        .execute();
    }
    await trx
      .deleteFrom('subscriptions')
      .where('subscribable_type', '=', 'Label')
      .where('subscribable_id', 'in', merged)
      .execute();
    await trx.deleteFrom('label_links').where('label_id', 'in', merged).execute();
    await trx.deleteFrom('labels').where('id', 'in', merged).execute();
    return group;
  });
}

/** PUT /projects/:id/labels/promote and /projects/:id/labels/:label_id/promote. */
export function labelPromoteRoutes(app: FastifyInstance, deps: Deps): void {
  const promote = async (ctx: SignedInContext<{ id: string }>, idOrTitle: string) => {
    const subject = await findProject(deps.db, ctx.user, ctx.params.id);
    authorize(ctx.user, 'read_label', subject);
    const scope: LabelScope = { kind: 'project', project: subject.project, includeAncestors: false };
    const label = await findLabel(deps.db, scope, idOrTitle);
    if (!label) throw notFound('Label');
    authorize(ctx.user, 'admin_label', subject);
    if (subject.namespace.type !== 'Group') throw failed();
    const group = await findGroup(deps.db, ctx.user, String(subject.namespace.id));
    authorize(ctx.user, 'admin_group_label', group);
    const promoted = await promoteLabel(deps, label, group.group.id);
    const groupScope: LabelScope = { kind: 'group', groupId: group.group.id, includeAncestors: true };
    return toLabel(promoted, await loadLabelExtras(deps.db, ctx.user, groupScope, [promoted]));
  };

  // PUT /projects/:id/labels/promote — doc/api/labels.md#promote-a-project-label-to-a-group-label
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/labels/promote',
    auth: 'user',
    params: { id: p.idOrPath().required(), label_id: p.integer(), name: p.string() },
    handler: (ctx) => {
      const { label_id, name } = ctx.params;
      if (label_id !== undefined && name !== undefined)
        throw invalidParams(['label_id, name are mutually exclusive']);
      if (label_id === undefined && name === undefined)
        throw invalidParams(['label_id, name are missing, exactly one parameter must be provided']);
      return promote(ctx, String(label_id ?? name));
    },
  });

  // PUT /projects/:id/labels/:label_id/promote — doc/api/labels.md#promote-a-project-label-to-a-group-label
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/labels/:name/promote',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    handler: (ctx) => promote(ctx, decodeURIComponent(ctx.params.name)),
  });
}
