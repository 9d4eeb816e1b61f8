import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the issue lists at scale (issue 6: 200,000 issues, 2,000 labels in one project).
 * - Label and milestone filters name titles: labels(title) and milestones(title) find them without
 *   scanning every project's labels.
 * - updated_at is the other common order, usually with state=opened: (project_id, state, updated_at, id).
 * - Milestone lists filter by state and page by created_at: (milestone_id, state, created_at, id)
 *   replaces (milestone_id).
 * - due_date, relative_position and weight sort their empty values last in both directions, as
 *   GitLab does: the order is `case when col is null then 1 else 0 end, col, id`. An index on that
 *   expression, one per direction, lets the first page stop after 20 rows instead of sorting the
 *   project. Both databases match the index by the expression's text, so finder.ts's nullsLast()
 *   must stay `case when <col> is null then 1 else 0 end`.
 * label_priority, milestone_due and priority sort by other tables' values and cannot be indexed on
 * issues; they sort the filtered set.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('index_labels_on_title').on('labels').column('title').execute();
  await db.schema.createIndex('index_milestones_on_title').on('milestones').column('title').execute();
  await db.schema
    .createIndex('index_issues_on_project_id_state_updated_at_id')
    .on('issues')
    .columns(['project_id', 'state', 'updated_at', 'id'])
    .execute();
  await db.schema.dropIndex('index_issues_on_milestone_id').execute();
  await db.schema
    .createIndex('index_issues_on_milestone_id_state_created_at_id')
    .on('issues')
    .columns(['milestone_id', 'state', 'created_at', 'id'])
    .execute();
  for (const column of ['due_date', 'relative_position', 'weight']) {
    const nullsLast = sql`(case when ${sql.ref(column)} is null then 1 else 0 end)`;
    for (const dir of ['asc', 'desc'] as const)
      await sql`create index ${sql.id(`index_issues_on_project_id_${column}_nulls_last_${dir}`)} on issues (project_id, ${nullsLast}, ${sql.ref(column)} ${sql.raw(dir)}, id ${sql.raw(dir)})`.execute(
        db,
      );
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
