import { type Kysely, sql } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The two issue sort keys that live in other tables, copied onto the issue so `order_by=
 * label_priority`, `priority` and `milestone_due` walk an index instead of computing the key for
 * every issue of the list and sorting them all (issue 6: 450, 500 and 120 ms for a project of
 * 200,000 issues). GitLab computes them per issue.
 * - highest_label_priority: the lowest `priority` among the issue's labels that its project
 *   prioritizes (label_priorities), or null;
 * - milestone_due_date: its milestone's due date, or null.
 * Kept by triggers, so every writer keeps them right: label links added, removed or re-pointed,
 * priorities set, changed or removed, an issue moved or given another milestone, a milestone's due
 * date changed (a deleted milestone sets issues' milestone_id to null, which the issue trigger sees).
 * Indexes: per project, nulls last, both directions, as 0012's for due_date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('issues').addColumn('highest_label_priority', 'integer').execute();
  await db.schema.alterTable('issues').addColumn('milestone_due_date', t.date).execute();
  await sql
    .raw(`update issues set highest_label_priority = ${PRIORITY},
      milestone_due_date = (select due_date from milestones where milestones.id = issues.milestone_id)`)
    .execute(db);
  for (const statement of t.postgres ? postgresTriggers : sqliteTriggers)
    await sql.raw(statement).execute(db);
  const nullsLast = (column: string) => sql`(case when ${sql.ref(column)} is null then 1 else 0 end)`;
  for (const dir of ['asc', 'desc'] as const) {
    const d = sql.raw(dir);
    await sql`create index ${sql.id(`index_issues_on_project_id_label_priority_nulls_last_${dir}`)}
      on issues (project_id, ${nullsLast('highest_label_priority')}, highest_label_priority ${d}, id ${d})`.execute(
      db,
    );
    await sql`create index ${sql.id(`index_issues_on_project_id_milestone_due_nulls_last_${dir}`)}
      on issues (project_id, ${nullsLast('milestone_due_date')}, milestone_due_date ${d}, id ${d})`.execute(
      db,
    );
    await sql`create index ${sql.id(`index_issues_on_project_id_priority_nulls_last_${dir}`)}
      on issues (project_id, ${nullsLast('milestone_due_date')}, milestone_due_date ${d},
        ${nullsLast('highest_label_priority')}, highest_label_priority ${d}, id ${d})`.execute(db);
  }
}

/** The lowest priority among the issue's labels that its project prioritizes (in an `update issues`). */
const PRIORITY = `(select min(lp.priority) from label_links ll
    inner join label_priorities lp on lp.label_id = ll.label_id and lp.project_id = issues.project_id
    where ll.target_type = 'Issue' and ll.target_id = issues.id)`;

const sqliteTriggers = [
  `create trigger issues_priority_on_link_insert after insert on label_links
   for each row when new.target_type = 'Issue'
   begin update issues set highest_label_priority = ${PRIORITY} where id = new.target_id; end`,
  `create trigger issues_priority_on_link_delete after delete on label_links
   for each row when old.target_type = 'Issue'
   begin update issues set highest_label_priority = ${PRIORITY} where id = old.target_id; end`,
  `create trigger issues_priority_on_link_update after update of label_id, target_type, target_id on label_links
   for each row
   begin
     update issues set highest_label_priority = ${PRIORITY}
       where (old.target_type = 'Issue' and id = old.target_id) or (new.target_type = 'Issue' and id = new.target_id);
   end`,
  ...(['insert', 'delete', 'update'] as const).map((op) => {
    const links = (row: 'new' | 'old') =>
      `update issues set highest_label_priority = ${PRIORITY} where project_id = ${row}.project_id and id in
         (select target_id from label_links where label_id = ${row}.label_id and target_type = 'Issue' and issue_project_id = ${row}.project_id);`;
    return `create trigger issues_priority_on_label_priority_${op} after ${op} on label_priorities
     for each row
     begin ${op === 'insert' ? links('new') : op === 'delete' ? links('old') : `${links('old')} ${links('new')}`} end`;
  }),
  `create trigger issues_priority_on_move after update of project_id on issues
   for each row when new.project_id is not old.project_id
   begin update issues set highest_label_priority = ${PRIORITY} where id = new.id; end`,
  `create trigger issues_milestone_due_on_insert after insert on issues
   for each row when new.milestone_id is not null
   begin update issues set milestone_due_date = (select due_date from milestones where id = new.milestone_id) where id = new.id; end`,
  `create trigger issues_milestone_due_on_update after update of milestone_id on issues
   for each row
   begin update issues set milestone_due_date = (select due_date from milestones where id = new.milestone_id) where id = new.id; end`,
  `create trigger issues_milestone_due_on_milestone after update of due_date on milestones
   for each row
   begin update issues set milestone_due_date = new.due_date where milestone_id = new.id; end`,
];

const postgresTriggers = [
  `create function issues_priority_from_links() returns trigger language plpgsql as $$
   begin
     if tg_op <> 'INSERT' and old.target_type = 'Issue' then
       update issues set highest_label_priority = ${PRIORITY} where id = old.target_id;
     end if;
     if tg_op <> 'DELETE' and new.target_type = 'Issue' then
       update issues set highest_label_priority = ${PRIORITY} where id = new.target_id;
     end if;
     return null;
   end $$`,
  `create trigger issues_priority_from_links after insert or delete or update of label_id, target_type, target_id
   on label_links for each row execute function issues_priority_from_links()`,
  `create function issues_priority_from_label_priorities() returns trigger language plpgsql as $$
   begin
     if tg_op <> 'INSERT' then
       update issues set highest_label_priority = ${PRIORITY} where project_id = old.project_id and id in
         (select target_id from label_links where label_id = old.label_id and target_type = 'Issue' and issue_project_id = old.project_id);
     end if;
     if tg_op <> 'DELETE' then
       update issues set highest_label_priority = ${PRIORITY} where project_id = new.project_id and id in
         (select target_id from label_links where label_id = new.label_id and target_type = 'Issue' and issue_project_id = new.project_id);
     end if;
     return null;
   end $$`,
  `create trigger issues_priority_from_label_priorities after insert or delete or update
   on label_priorities for each row execute function issues_priority_from_label_priorities()`,
  // Before the row is written: a move takes the new project's priorities, a milestone its due date.
  `create function issues_sort_keys() returns trigger language plpgsql as $$
   begin
     if tg_op = 'INSERT' or new.milestone_id is distinct from old.milestone_id then
       new.milestone_due_date := (select due_date from milestones where id = new.milestone_id);
     end if;
     if tg_op = 'UPDATE' and new.project_id is distinct from old.project_id then
       new.highest_label_priority := (select min(lp.priority) from label_links ll
         inner join label_priorities lp on lp.label_id = ll.label_id and lp.project_id = new.project_id
         where ll.target_type = 'Issue' and ll.target_id = new.id);
     end if;
     return new;
   end $$`,
  `create trigger issues_sort_keys before insert or update of milestone_id, project_id on issues
   for each row execute function issues_sort_keys()`,
  `create function issues_milestone_due_from_milestones() returns trigger language plpgsql as $$
   begin
     update issues set milestone_due_date = new.due_date where milestone_id = new.id;
     return null;
   end $$`,
  `create trigger issues_milestone_due_from_milestones after update of due_date on milestones
   for each row when (new.due_date is distinct from old.due_date)
   execute function issues_milestone_due_from_milestones()`,
];

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
