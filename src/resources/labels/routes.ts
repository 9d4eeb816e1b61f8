import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint, type SignedInContext } from '../../http/endpoint.js';
import { invalidParams, notFound } from '../../http/errors.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { type Label, toLabel, toProjectLabel } from './entity.js';
import { findLabel, findLabels, type LabelScope, loadLabelExtras } from './finder.js';
import { labelPromoteRoutes } from './promote.js';
import { createLabel, deleteLabel, updateLabel } from './service.js';
import { setSubscription } from './subscriptions.js';

const decode = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

/** `priority` may be an integer, or blank/null to remove it (Grape's allow_blank). */
const priorityParam = () => p.string().check((v) => v === '' || /^\s*\d{1,9}\s*$/.test(v));
const priorityValue = (v: string | null | undefined) =>
  v === undefined ? undefined : { value: v === null || v.trim() === '' ? null : Number(v) };

const UpdateFields = {
  new_name: p.string(),
  color: p.string(),
  description: p.string(),
  archived: p.boolean(),
};

async function projectScope(deps: Deps, user: User, id: string, includeAncestors = true) {
  const subject = await findProject(deps.db, user, id);
  authorize(user, 'read_label', subject);
  const scope: LabelScope = { kind: 'project', project: subject.project, includeAncestors };
  return { subject, scope };
}

async function groupScope(
  deps: Deps,
  user: User,
  id: string,
  opts: { includeAncestors?: boolean; includeDescendants?: boolean; onlyGroupLabels?: boolean } = {},
) {
  const subject = await findGroup(deps.db, user, id);
  const scope: LabelScope = {
    kind: 'group',
    groupId: subject.group.id,
    includeAncestors: opts.includeAncestors ?? true,
    includeDescendants: opts.includeDescendants,
    onlyGroupLabels: opts.onlyGroupLabels,
  };
  return { subject, scope };
}

async function mustFind(deps: Deps, scope: LabelScope, idOrTitle: string): Promise<Label> {
  const label = await findLabel(deps.db, scope, decode(idOrTitle));
  if (!label) throw notFound('Label');
  return label;
}

async function present(ctx: SignedInContext<unknown>, scope: LabelScope, label: Label) {
  const extras = await loadLabelExtras(ctx.deps.db, ctx.user, scope, [label]);
  return scope.kind === 'project' ? toProjectLabel(label, extras) : toLabel(label, extras);
}

/** POST …/subscribe and …/unsubscribe: 201 with the label, or 304 when nothing changed. */
async function subscription(
  ctx: SignedInContext<unknown>,
  scope: LabelScope,
  idOrTitle: string,
  on: boolean,
) {
  const label = await mustFind(ctx.deps, scope, idOrTitle);
  const changed = await setSubscription(ctx.deps, ctx.user.id, 'Label', label.id, on);
  if (!changed) return ctx.reply.code(304).send();
  ctx.reply.code(201);
  return present(ctx, scope, label);
}

export function labelsResource(app: FastifyInstance, deps: Deps): void {
  labelPromoteRoutes(app, deps);
  // GET /projects/:id/labels — doc/api/labels.md#list-labels
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/labels',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      with_counts: p.boolean().default(false),
      include_ancestor_groups: p.boolean().default(true),
      search: p.string(),
      ...paginationParams,
    },
    async handler(ctx) {
      const { scope } = await projectScope(deps, ctx.user, ctx.params.id, ctx.params.include_ancestor_groups);
      const rows = await paginate(ctx, findLabels(deps.db, scope, { search: ctx.params.search }));
      const extras = await loadLabelExtras(deps.db, ctx.user, scope, rows, ctx.params.with_counts);
      return rows.map((l) => toProjectLabel(l, extras));
    },
  });

  // GET /projects/:id/labels/:label_id — doc/api/labels.md#get-a-single-project-label
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/labels/:name',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      include_ancestor_groups: p.boolean().default(true),
    },
    async handler(ctx) {
      const { scope } = await projectScope(deps, ctx.user, ctx.params.id, ctx.params.include_ancestor_groups);
      return present(ctx, scope, await mustFind(deps, scope, ctx.params.name));
    },
  });

  // POST /projects/:id/labels — doc/api/labels.md#create-a-new-label
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/labels',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      color: p.string().required(),
      description: p.string(),
      archived: p.boolean(),
      priority: priorityParam(),
    },
    async handler(ctx) {
      const { subject, scope } = await projectScope(deps, ctx.user, ctx.params.id);
      authorize(ctx.user, 'admin_label', subject);
      const { name, color, description } = ctx.params;
      const label = await createLabel(
        deps,
        scope,
        { name, color, description },
        priorityValue(ctx.params.priority)?.value,
      );
      ctx.reply.code(201);
      return present(ctx, scope, label);
    },
  });

  const updateProjectLabel = async (ctx: SignedInContext<Record<string, unknown>>, idOrTitle: string) => {
    const params = ctx.params as { id: string; priority?: string | null } & typeof ctx.params;
    if (!['new_name', 'color', 'description', 'priority', 'archived'].some((k) => params[k] !== undefined))
      throw invalidParams([
        'new_name, color, description, priority, archived are missing, at least one parameter must be provided',
      ]);
    const { subject } = await projectScope(deps, ctx.user, params.id);
    authorize(ctx.user, 'admin_label', subject);
    const scope: LabelScope = { kind: 'project', project: subject.project, includeAncestors: false };
    const label = await mustFind(deps, scope, idOrTitle);
    const updated = await updateLabel(
      deps,
      scope,
      label,
      params as { new_name?: string; color?: string; description?: string },
      priorityValue(params.priority),
    );
    return present(ctx, { ...scope, includeAncestors: true }, updated);
  };

  // PUT /projects/:id/labels/:label_id — doc/api/labels.md#edit-an-existing-label
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/labels/:name',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      ...UpdateFields,
      priority: priorityParam(),
    },
    handler: (ctx) => updateProjectLabel(ctx, ctx.params.name),
  });

  // PUT /projects/:id/labels — doc/api/labels.md (deprecated form: label_id or name in the body)
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/labels',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      label_id: p.integer(),
      name: p.string(),
      ...UpdateFields,
      priority: priorityParam(),
    },
    handler: (ctx) => updateProjectLabel(ctx, exactlyOne(ctx.params.label_id, ctx.params.name)),
  });

  const deleteProjectLabel = async (ctx: SignedInContext<{ id: string }>, idOrTitle: string) => {
    const { subject } = await projectScope(deps, ctx.user, ctx.params.id);
    const scope: LabelScope = { kind: 'project', project: subject.project, includeAncestors: false };
    const label = await mustFind(deps, scope, idOrTitle);
    authorize(ctx.user, 'admin_label', subject);
    await deleteLabel(deps, label);
  };

  // DELETE /projects/:id/labels/:label_id — doc/api/labels.md#delete-a-label
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/labels/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    handler: (ctx) => deleteProjectLabel(ctx, ctx.params.name),
  });

  // DELETE /projects/:id/labels — doc/api/labels.md (deprecated form)
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/labels',
    auth: 'user',
    params: { id: p.idOrPath().required(), label_id: p.integer(), name: p.string() },
    handler: (ctx) => deleteProjectLabel(ctx, exactlyOne(ctx.params.label_id, ctx.params.name)),
  });

  for (const [action, on] of [
    ['subscribe', true],
    ['unsubscribe', false],
  ] as const) {
    // POST /projects/:id/labels/:label_id/(un)subscribe — doc/api/labels.md#subscribe-to-a-label
    endpoint(app, deps, {
      method: 'POST',
      url: `/projects/:id/labels/:name/${action}`,
      auth: 'user',
      params: { id: p.idOrPath().required(), name: p.string().required() },
      async handler(ctx) {
        const { scope } = await projectScope(deps, ctx.user, ctx.params.id);
        return subscription(ctx, scope, ctx.params.name, on);
      },
    });
    // POST /groups/:id/labels/:label_id/(un)subscribe — doc/api/group_labels.md#subscribe-to-a-group-label
    endpoint(app, deps, {
      method: 'POST',
      url: `/groups/:id/labels/:name/${action}`,
      auth: 'user',
      params: { id: p.idOrPath().required(), name: p.string().required() },
      async handler(ctx) {
        const { scope } = await groupScope(deps, ctx.user, ctx.params.id);
        return subscription(ctx, scope, ctx.params.name, on);
      },
    });
  }

  // GET /groups/:id/labels — doc/api/group_labels.md#list-group-labels
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/labels',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      with_counts: p.boolean().default(false),
      include_ancestor_groups: p.boolean().default(true),
      include_descendant_groups: p.boolean().default(false),
      only_group_labels: p.boolean().default(true),
      search: p.string(),
      ...paginationParams,
    },
    async handler(ctx) {
      const { scope } = await groupScope(deps, ctx.user, ctx.params.id, {
        includeAncestors: ctx.params.include_ancestor_groups,
        includeDescendants: ctx.params.include_descendant_groups,
        onlyGroupLabels: ctx.params.only_group_labels,
      });
      const rows = await paginate(ctx, findLabels(deps.db, scope, { search: ctx.params.search }));
      const extras = await loadLabelExtras(deps.db, ctx.user, scope, rows, ctx.params.with_counts);
      return rows.map((l) => toLabel(l, extras));
    },
  });

  // GET /groups/:id/labels/:label_id — doc/api/group_labels.md#get-a-single-group-label
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/labels/:name',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      include_ancestor_groups: p.boolean().default(true),
      include_descendant_groups: p.boolean().default(false),
      only_group_labels: p.boolean().default(true),
    },
    async handler(ctx) {
      const { scope } = await groupScope(deps, ctx.user, ctx.params.id, {
        includeAncestors: ctx.params.include_ancestor_groups,
        includeDescendants: ctx.params.include_descendant_groups,
        onlyGroupLabels: ctx.params.only_group_labels,
      });
      return present(ctx, scope, await mustFind(deps, scope, ctx.params.name));
    },
  });

  // POST /groups/:id/labels — doc/api/group_labels.md#create-a-new-group-label
  endpoint(app, deps, {
    method: 'POST',
    url: '/groups/:id/labels',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      name: p.string().required(),
      color: p.string().required(),
      description: p.string(),
      archived: p.boolean(),
    },
    async handler(ctx) {
      const { subject, scope } = await groupScope(deps, ctx.user, ctx.params.id);
      authorize(ctx.user, 'admin_group_label', subject);
      const { name, color, description } = ctx.params;
      const label = await createLabel(deps, scope, { name, color, description });
      ctx.reply.code(201);
      return present(ctx, scope, label);
    },
  });

  // PUT /groups/:id/labels/:label_id — doc/api/group_labels.md#update-a-group-label
  endpoint(app, deps, {
    method: 'PUT',
    url: '/groups/:id/labels/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required(), ...UpdateFields },
    async handler(ctx) {
      const params = ctx.params;
      if (![params.new_name, params.color, params.description, params.archived].some((v) => v !== undefined))
        throw invalidParams([
          'new_name, color, description, archived are missing, at least one parameter must be provided',
        ]);
      const { subject } = await groupScope(deps, ctx.user, params.id);
      authorize(ctx.user, 'admin_group_label', subject);
      const scope: LabelScope = { kind: 'group', groupId: subject.group.id, includeAncestors: false };
      const label = await mustFind(deps, scope, params.name);
      return present(ctx, scope, await updateLabel(deps, scope, label, params));
    },
  });

  // DELETE /groups/:id/labels/:label_id — doc/api/group_labels.md#delete-a-group-label
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/groups/:id/labels/:name',
    auth: 'user',
    params: { id: p.idOrPath().required(), name: p.string().required() },
    async handler(ctx) {
      const { subject } = await groupScope(deps, ctx.user, ctx.params.id);
      const scope: LabelScope = { kind: 'group', groupId: subject.group.id, includeAncestors: false };
      const label = await mustFind(deps, scope, ctx.params.name);
      authorize(ctx.user, 'admin_group_label', subject);
      await deleteLabel(deps, label);
    },
  });
}

/** Grape's exactly_one_of :label_id, :name. */
function exactlyOne(labelId: number | undefined, name: string | undefined): string {
  if (labelId !== undefined && name !== undefined)
    throw invalidParams(['label_id, name are mutually exclusive']);
  if (labelId === undefined && name === undefined)
    throw invalidParams(['label_id, name are missing, exactly one parameter must be provided']);
  return String(labelId ?? name);
}
