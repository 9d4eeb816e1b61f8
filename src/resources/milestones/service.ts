import { nextIid } from '../../db/internal_ids.js';
import { type Deps, nowIso } from '../../deps.js';
import { validationFailed } from '../../http/errors.js';
import type { Milestone } from './entity.js';

export type MilestoneOwner = { kind: 'project'; id: number } | { kind: 'group'; id: number };

export interface MilestoneAttrs {
  title?: string;
  description?: string | null;
  due_date?: string | null;
  start_date?: string | null;
  state_event?: string;
}

const ownerColumn = (o: MilestoneOwner) => (o.kind === 'project' ? 'project_id' : 'group_id');

/** Timebox validations in GitLab's words: title present and unique in its owner, start before due. */
async function validate(deps: Deps, owner: MilestoneOwner, attrs: MilestoneAttrs, current?: Milestone) {
  const errors: Record<string, string[]> = {};
  const title = attrs.title ?? current?.title ?? '';
  if (title.trim() === '') errors.title = ["can't be blank"];
  else if (title.length > 255) errors.title = ['is too long (maximum is 255 characters)'];
  else if (title !== current?.title) {
    const taken = await deps.db
      .selectFrom('milestones')
      .select('id')
      .where(ownerColumn(owner), '=', owner.id)
      .where('title', '=', title)
      .executeTakeFirst();
    if (taken) errors.title = ['already being used for another group or project milestone.'];
  }
  const start = attrs.start_date !== undefined ? attrs.start_date : (current?.start_date ?? null);
  const due = attrs.due_date !== undefined ? attrs.due_date : (current?.due_date ?? null);
  if (start && due && due < start) errors.due_date = ['must be greater than start date'];
  if (Object.keys(errors).length) throw validationFailed(errors);
}

/** POST /projects/:id/milestones, POST /groups/:id/milestones: the iid comes from the owner's counter. */
export async function createMilestone(
  deps: Deps,
  owner: MilestoneOwner,
  attrs: MilestoneAttrs,
): Promise<Milestone> {
  await validate(deps, owner, attrs);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const iid = await nextIid(trx, { usage: 'milestones', scopeType: owner.kind, scopeId: owner.id });
    return trx
      .insertInto('milestones')
      .values({
        iid,
        project_id: owner.kind === 'project' ? owner.id : null,
        group_id: owner.kind === 'group' ? owner.id : null,
        title: attrs.title!.trim(),
        description: attrs.description ?? null,
        due_date: attrs.due_date ?? null,
        start_date: attrs.start_date ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** PUT …/milestones/:milestone_id: fields, and state_event close | activate. */
export async function updateMilestone(
  deps: Deps,
  owner: MilestoneOwner,
  m: Milestone,
  attrs: MilestoneAttrs,
) {
  await validate(deps, owner, attrs, m);
  const state =
    attrs.state_event === 'close' ? 'closed' : attrs.state_event === 'activate' ? 'active' : undefined;
  return deps.db
    .updateTable('milestones')
    .set({
      ...(attrs.title !== undefined ? { title: attrs.title.trim() } : {}),
      ...(attrs.description !== undefined ? { description: attrs.description } : {}),
      ...(attrs.due_date !== undefined ? { due_date: attrs.due_date } : {}),
      ...(attrs.start_date !== undefined ? { start_date: attrs.start_date } : {}),
      ...(state ? { state } : {}),
      updated_at: nowIso(deps),
    })
    .where('id', '=', m.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** DELETE …/milestones/:milestone_id: issues keep existing, without the milestone. */
export async function deleteMilestone(deps: Deps, m: Milestone): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('issues').set({ milestone_id: null }).where('milestone_id', '=', m.id).execute();
    await trx.deleteFrom('milestones').where('id', '=', m.id).execute();
  });
}
