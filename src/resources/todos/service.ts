import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import { projectSubjects } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { Issue } from '../../permissions/issues.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import { issueVisibility } from '../issues/visibility.js';

/** Todo::ACTION_NAMES, by GitLab's action number. */
export const TODO_ACTIONS: Readonly<Record<number, string>> = {
  1: 'assigned',
  2: 'mentioned',
  3: 'build_failed',
  4: 'marked',
  5: 'approval_required',
  6: 'unmergeable',
  7: 'directly_addressed',
  8: 'merge_train_removed',
  9: 'review_requested',
  10: 'member_access_requested',
  11: 'review_submitted',
};
export const ACTION = {
  assigned: 1,
  mentioned: 2,
  marked: 4,
  directly_addressed: 7,
  review_requested: 9,
} as const;

const MENTION = /(?:^|[^\w`/@])@([A-Za-z0-9_][\w.-]*[\w-]|[A-Za-z0-9_])/g;
const MAX_MENTIONS = 50;

/** `@username` mentions in Markdown; those opening the text are "directly addressed". */
export function parseMentions(text: string | null | undefined): { direct: string[]; all: string[] } {
  if (!text) return { direct: [], all: [] };
  const all = new Set<string>();
  for (const m of text.matchAll(MENTION)) all.add(m[1].toLowerCase());
  const lead = /^\s*((?:@[\w.-]+[\s,]*)+)/.exec(text)?.[1] ?? '';
  const direct = [...lead.matchAll(/@([\w.-]+)/g)].map((m) => m[1].toLowerCase());
  return { direct, all: [...all].slice(0, MAX_MENTIONS) };
}

/** A todo's target: an issue or a merge request, with whom may read it. */
interface TodoTarget {
  type: 'Issue' | 'MergeRequest';
  id: number;
  project_id: number;
  title: string;
  /** Of these active users, those who can read the target. */
  readable: (trx: Db, users: readonly User[]) => Promise<number[]>;
}

const issueTarget = (issue: Issue): TodoTarget => ({
  type: 'Issue',
  id: issue.id,
  project_id: issue.project_id,
  title: issue.title,
  async readable(trx, users) {
    const out: number[] = [];
    for (const u of users) {
      const seen = await trx
        .selectFrom('issues')
        .select('id')
        .where('issues.id', '=', issue.id)
        .where(issueVisibility(trx, u))
        .executeTakeFirst();
      if (seen) out.push(u.id);
    }
    return out;
  },
});

const mergeRequestTarget = (mr: MergeRequest): TodoTarget => ({
  type: 'MergeRequest',
  id: mr.id,
  project_id: mr.project_id,
  title: mr.title,
  async readable(trx, users) {
    const project = await trx.selectFrom('projects').selectAll().where('id', '=', mr.project_id).execute();
    const out: number[] = [];
    for (const u of users) {
      const [subject] = await projectSubjects(trx, u, project);
      if (subject && can(u, 'read_merge_request', subject)) out.push(u.id);
    }
    return out;
  },
});

/** Active users (not the author) who can see the target: todos never point at what their owner cannot read. */
async function readers(trx: Db, target: TodoTarget, userIds: readonly number[], authorId: number) {
  const ids = [...new Set(userIds)].filter((id) => id !== authorId);
  if (ids.length === 0) return [];
  const users = await trx
    .selectFrom('users')
    .selectAll()
    .where('id', 'in', ids)
    .where('state', '=', 'active')
    .execute();
  return target.readable(trx, users);
}

async function insertTodos(
  trx: Db,
  now: string,
  target: TodoTarget,
  authorId: number,
  action: number,
  userIds: readonly number[],
  extra: { body?: string | null; noteId?: number | null } = {},
) {
  if (userIds.length === 0) return;
  await trx
    .insertInto('todos')
    .values(
      userIds.map((user_id) => ({
        user_id,
        author_id: authorId,
        project_id: target.project_id,
        group_id: null,
        target_type: target.type,
        target_id: target.id,
        action,
        state: 'pending',
        body: extra.body ?? null,
        note_id: extra.noteId ?? null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

async function usernamesToIds(trx: Db, names: readonly string[]) {
  if (names.length === 0) return new Map<string, number>();
  const rows = await trx
    .selectFrom('users')
    .select(['id', 'username'])
    .where((eb) => eb.fn<string>('lower', ['username']), 'in', names)
    .execute();
  return new Map(rows.map((r) => [r.username.toLowerCase(), r.id]));
}

interface TodoChange {
  assigned?: readonly number[];
  reviewers?: readonly number[];
  text?: string | null;
  previousText?: string | null;
  noteId?: number;
}

/**
 * TodoService, in the caller's transaction: newly assigned users get `assigned`, new reviewers
 * `review_requested`, users newly mentioned in `text` get `mentioned` (or `directly_addressed`
 * when the text opens with them).
 */
async function targetTodos(trx: Db, now: string, target: TodoTarget, authorId: number, change: TodoChange) {
  if (change.assigned?.length)
    await insertTodos(
      trx,
      now,
      target,
      authorId,
      ACTION.assigned,
      await readers(trx, target, change.assigned, authorId),
      { body: target.title },
    );
  if (change.reviewers?.length)
    await insertTodos(
      trx,
      now,
      target,
      authorId,
      ACTION.review_requested,
      await readers(trx, target, change.reviewers, authorId),
      { body: target.title },
    );
  if (change.text) {
    const { direct, all } = parseMentions(change.text);
    const before = new Set(parseMentions(change.previousText).all);
    const fresh = all.filter((n) => !before.has(n));
    const ids = await usernamesToIds(trx, fresh);
    const ok = new Set(await readers(trx, target, [...ids.values()], authorId));
    const pick = (names: readonly string[]) =>
      names.flatMap((n) => {
        const id = ids.get(n);
        return id !== undefined && ok.has(id) ? [id] : [];
      });
    const directIds = pick(fresh.filter((n) => direct.includes(n)));
    const otherIds = pick(fresh.filter((n) => !direct.includes(n)));
    const extra = { body: change.text, noteId: change.noteId ?? null };
    await insertTodos(trx, now, target, authorId, ACTION.directly_addressed, directIds, extra);
    await insertTodos(trx, now, target, authorId, ACTION.mentioned, otherIds, extra);
  }
}

export const issueTodos = (trx: Db, now: string, issue: Issue, authorId: number, change: TodoChange) =>
  targetTodos(trx, now, issueTarget(issue), authorId, change);

export const mergeRequestTodos = (
  trx: Db,
  now: string,
  mr: MergeRequest,
  authorId: number,
  change: TodoChange,
) => targetTodos(trx, now, mergeRequestTarget(mr), authorId, change);

/** TodoService#resolve_todos_for_target: the acting user's pending todos on a merged or closed target are done. */
export async function resolveTodosForTarget(
  trx: Db,
  now: string,
  target: { type: 'Issue' | 'MergeRequest'; id: number },
  userId: number,
) {
  await trx
    .updateTable('todos')
    .set({ state: 'done', updated_at: now })
    .where('user_id', '=', userId)
    .where('target_type', '=', target.type)
    .where('target_id', '=', target.id)
    .where('state', '=', 'pending')
    .execute();
}
