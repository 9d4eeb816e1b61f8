import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { containsText } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import type { Project } from '../../permissions/projects.js';
import { issueVisibility } from '../issues/visibility.js';
import type { Label, LabelCounts, LabelExtras } from './entity.js';
import { subscribedIds } from './subscriptions.js';

/** Where labels come from: a project (and its ancestor groups), or a group (and its tree). */
export type LabelScope =
  | { kind: 'project'; project: Project; includeAncestors: boolean }
  | {
      kind: 'group';
      groupId: number;
      includeAncestors: boolean;
      includeDescendants?: boolean;
      onlyGroupLabels?: boolean;
    };

export interface LabelFilters {
  search?: string;
  /** Exact titles (issue labels= filters, find-or-create). */
  titles?: readonly string[];
}

const ancestorIds = (db: Db, namespaceId: number) =>
  db.selectFrom('namespace_hierarchy').select('ancestor_id').where('descendant_id', '=', namespaceId);
const descendantIds = (db: Db, namespaceId: number) =>
  db.selectFrom('namespace_hierarchy').select('descendant_id').where('ancestor_id', '=', namespaceId);

/** The labels available in a scope, as GitLab's LabelsFinder: ordered by title, ties by id. */
export function findLabels(db: Db, scope: LabelScope, f: LabelFilters = {}) {
  return db
    .selectFrom('labels')
    .selectAll('labels')
    .where((eb) => {
      if (scope.kind === 'project') {
        const ors = [eb('labels.project_id', '=', scope.project.id)];
        if (scope.includeAncestors)
          ors.push(eb('labels.group_id', 'in', ancestorIds(db, scope.project.namespace_id)));
        return eb.or(ors);
      }
      const ors = [eb('labels.group_id', '=', scope.groupId)];
      if (scope.includeAncestors) ors.push(eb('labels.group_id', 'in', ancestorIds(db, scope.groupId)));
      if (scope.includeDescendants) {
        ors.push(eb('labels.group_id', 'in', descendantIds(db, scope.groupId)));
        if (scope.onlyGroupLabels === false)
          ors.push(
            eb(
              'labels.project_id',
              'in',
              db
                .selectFrom('projects')
                .select('id')
                .where('namespace_id', 'in', descendantIds(db, scope.groupId)),
            ),
          );
      }
      return eb.or(ors);
    })
    .$if(Boolean(f.search), (q) =>
      q.where((eb) =>
        eb.or([containsText('labels.title', f.search!), containsText('labels.description', f.search!)]),
      ),
    )
    .$if(f.titles !== undefined, (q) =>
      q.where('labels.title', 'in', f.titles!.length ? [...f.titles!] : ['']),
    )
    .orderBy('labels.title', 'asc')
    .orderBy('labels.id', 'asc');
}

/** A label by id or by title (`/labels/:label_id` takes either), or undefined. */
export async function findLabel(db: Db, scope: LabelScope, idOrTitle: string): Promise<Label | undefined> {
  if (/^\d+$/.test(idOrTitle)) {
    const byId = await findLabels(db, scope).where('labels.id', '=', Number(idOrTitle)).executeTakeFirst();
    if (byId) return byId;
  }
  return findLabels(db, scope).where('labels.title', '=', idOrTitle).executeTakeFirst();
}

/** Issue counts per label as the viewer sees them, within the scope's projects (one query). */
async function labelCounts(
  db: Db,
  viewer: User | null,
  scope: LabelScope,
  labelIds: readonly number[],
): Promise<Map<number, LabelCounts>> {
  const out = new Map<number, LabelCounts>();
  for (const id of labelIds)
    out.set(id, { open_issues_count: 0, closed_issues_count: 0, open_merge_requests_count: 0 });
  if (labelIds.length === 0) return out;
  const rows = await db
    .selectFrom('label_links')
    .innerJoin('issues', 'issues.id', 'label_links.target_id')
    .select(['label_links.label_id', 'issues.state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('label_links.target_type', '=', 'Issue')
    .where('label_links.label_id', 'in', [...labelIds])
    .where(
      scope.kind === 'project'
        ? sql<boolean>`${sql.ref('issues.project_id')} = ${scope.project.id}`
        : sql<boolean>`${sql.ref('issues.project_id')} in (${db
            .selectFrom('projects')
            .select('id')
            .where('namespace_id', 'in', descendantIds(db, scope.groupId))})`,
    )
    .where(issueVisibility(db, viewer))
    .groupBy(['label_links.label_id', 'issues.state'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.label_id)!;
    if (r.state === 'opened') c.open_issues_count = Number(r.n);
    else c.closed_issues_count = Number(r.n);
  }
  // gitlab-compat: merge requests are not implemented yet, so open_merge_requests_count is 0.
  return out;
}

/** Subscriptions, priorities (project scope) and, when asked, counts for a page of labels. */
export async function loadLabelExtras(
  db: Db,
  viewer: User | null,
  scope: LabelScope,
  labels: readonly Label[],
  withCounts = false,
): Promise<LabelExtras> {
  const ids = labels.map((l) => l.id);
  const [subscribed, priorities, counts] = await Promise.all([
    subscribedIds(db, viewer?.id ?? null, 'Label', ids),
    scope.kind === 'project' && ids.length
      ? db
          .selectFrom('label_priorities')
          .select(['label_id', 'priority'])
          .where('project_id', '=', scope.project.id)
          .where('label_id', 'in', ids)
          .execute()
      : Promise.resolve([]),
    withCounts ? labelCounts(db, viewer, scope, ids) : Promise.resolve(undefined),
  ]);
  return { subscribed, priorities: new Map(priorities.map((p) => [p.label_id, p.priority])), counts };
}
