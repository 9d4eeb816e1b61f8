import type { Db } from '../../db/connection.js';
import { type Deps, nowIso } from '../../deps.js';
import { conflict, validationFailed } from '../../http/errors.js';
import { colorOf, DEFAULT_LABEL_COLOR, isValidColor } from './colors.js';
import type { Label } from './entity.js';
import { findLabels, type LabelScope } from './finder.js';

export interface LabelAttrs {
  name?: string;
  color?: string;
  description?: string | null;
}

type Errors = Record<string, string[]>;

/** Label model validations (title present, no commas, ≤ 255; color a hex code), GitLab's words. */
function validate(title: string | undefined, color: string | undefined): Errors {
  const errors: Errors = {};
  if (title !== undefined) {
    const t: string[] = [];
    if (title.trim() === '') t.push("can't be blank");
    else if (title.includes(',')) t.push('is invalid');
    if (title.length > 255) t.push('is too long (maximum is 255 characters)');
    if (t.length) errors.title = t;
  }
  if (color !== undefined && !isValidColor(color)) errors.color = ['must be a valid color code'];
  return errors;
}

const owner = (scope: LabelScope) =>
  scope.kind === 'project'
    ? { project_id: scope.project.id, group_id: null, type: 'ProjectLabel' }
    : { project_id: null, group_id: scope.groupId, type: 'GroupLabel' };

/** POST /projects/:id/labels, POST /groups/:id/labels */
export async function createLabel(
  deps: Deps,
  scope: LabelScope,
  attrs: Required<Pick<LabelAttrs, 'name' | 'color'>> & LabelAttrs,
  priority?: number | null,
): Promise<Label> {
  const title = attrs.name.trim();
  const color = colorOf(attrs.color);
  const errors = validate(title, color);
  if (Object.keys(errors).length) throw validationFailed(errors);
  if (await findLabels(deps.db, scope).where('labels.title', '=', title).executeTakeFirst())
    throw conflict('Label already exists');
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const label = await trx
      .insertInto('labels')
      .values({
        title,
        color,
        description: attrs.description || null,
        ...owner(scope),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (scope.kind === 'project' && priority !== undefined && priority !== null)
      await trx
        .insertInto('label_priorities')
        .values({ project_id: scope.project.id, label_id: label.id, priority })
        .execute();
    return label;
  });
}

/** PUT /projects/:id/labels/:label_id, PUT /groups/:id/labels/:label_id */
export async function updateLabel(
  deps: Deps,
  scope: LabelScope,
  label: Label,
  attrs: { new_name?: string; color?: string; description?: string | null },
  priority?: { value: number | null },
): Promise<Label> {
  const title = attrs.new_name === undefined ? undefined : attrs.new_name.trim();
  const color = attrs.color === undefined ? undefined : colorOf(attrs.color);
  const errors = validate(title, color);
  if (title !== undefined && title !== label.title && !errors.title) {
    const taken = await deps.db
      .selectFrom('labels')
      .select('id')
      .where(label.project_id !== null ? 'project_id' : 'group_id', '=', label.project_id ?? label.group_id)
      .where('title', '=', title)
      .executeTakeFirst();
    if (taken) errors.title = ['has already been taken'];
  }
  if (Object.keys(errors).length) throw validationFailed(errors);
  return deps.db.transaction().execute(async (trx) => {
    let row = label;
    if (title !== undefined || color !== undefined || attrs.description !== undefined)
      row = await trx
        .updateTable('labels')
        .set({
          ...(title !== undefined ? { title } : {}),
          ...(color !== undefined ? { color } : {}),
          ...(attrs.description !== undefined ? { description: attrs.description || null } : {}),
          updated_at: nowIso(deps),
        })
        .where('id', '=', label.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    if (scope.kind === 'project' && priority)
      await setPriority(trx, scope.project.id, label.id, priority.value);
    return row;
  });
}

async function setPriority(db: Db, projectId: number, labelId: number, value: number | null): Promise<void> {
  if (value === null) {
    await db
      .deleteFrom('label_priorities')
      .where('project_id', '=', projectId)
      .where('label_id', '=', labelId)
      .execute();
    return;
  }
  await db
    .insertInto('label_priorities')
    .values({ project_id: projectId, label_id: labelId, priority: value })
    .onConflict((oc) => oc.columns(['project_id', 'label_id']).doUpdateSet({ priority: value }))
    .execute();
}

/** DELETE …/labels/:label_id: the label, its links and priorities go together. */
export async function deleteLabel(deps: Deps, label: Label): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('label_links').where('label_id', '=', label.id).execute();
    await trx.deleteFrom('label_priorities').where('label_id', '=', label.id).execute();
    await trx
      .deleteFrom('subscriptions')
      .where('subscribable_type', '=', 'Label')
      .where('subscribable_id', '=', label.id)
      .execute();
    await trx.deleteFrom('labels').where('id', '=', label.id).execute();
  });
}

/**
 * Labels by title for an issue, as GitLab's Labels::FindOrCreateService: titles already available
 * (the project's or an ancestor group's) are used; unknown ones become project labels when the
 * actor may create labels, and are dropped otherwise. Runs inside the caller's transaction.
 */
export async function findOrCreateLabels(
  db: Db,
  now: string,
  scope: Extract<LabelScope, { kind: 'project' }>,
  titles: readonly string[],
  mayCreate: boolean,
): Promise<Label[]> {
  const wanted = [...new Set(titles.map((t) => t.trim()).filter(Boolean))];
  if (wanted.length === 0) return [];
  const existing = await findLabels(db, scope, { titles: wanted }).execute();
  const byTitle = new Map<string, Label>();
  // A project label wins over a group label of the same title.
  for (const l of existing) if (!byTitle.has(l.title) || l.type === 'ProjectLabel') byTitle.set(l.title, l);
  const out: Label[] = [];
  for (const title of wanted) {
    let label = byTitle.get(title);
    if (!label && mayCreate && !title.includes(',') && title.length <= 255) {
      label = await db
        .insertInto('labels')
        .values({
          title,
          color: DEFAULT_LABEL_COLOR,
          description: null,
          ...owner(scope),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['project_id', 'title']).doNothing())
        .returningAll()
        .executeTakeFirst();
      label ??= await db
        .selectFrom('labels')
        .selectAll()
        .where('project_id', '=', scope.project.id)
        .where('title', '=', title)
        .executeTakeFirst();
    }
    if (label) out.push(label);
  }
  return out;
}
