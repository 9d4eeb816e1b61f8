import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { recordNotFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { toIssue } from '../issues/entity.js';
import { loadIssueRelations } from '../issues/present.js';
import { projectIssue, today } from '../issues/routes.js';
import { presentMergeRequestList } from '../merge_requests/present.js';
import { type Todo, type TodoPresenter, toTodo } from './entity.js';
import { ACTION, TODO_ACTIONS } from './service.js';

const ACTION_NUMBERS = new Map(Object.entries(TODO_ACTIONS).map(([n, name]) => [name, Number(n)]));

interface TodoFilters {
  action?: string;
  author_id?: number;
  project_id?: number;
  group_id?: number;
  state?: string;
  type?: string;
}

/** TodosFinder: the caller's todos, pending unless state=done; each filter leaves the query alone when absent. */
function findTodos(deps: Deps, user: User, f: TodoFilters) {
  const action = f.action === undefined ? undefined : (ACTION_NUMBERS.get(f.action) ?? -1);
  return deps.db
    .selectFrom('todos')
    .selectAll('todos')
    .where('todos.user_id', '=', user.id)
    .where('todos.state', '=', f.state === 'done' ? 'done' : 'pending')
    .$if(action !== undefined, (q) => q.where('todos.action', '=', action ?? -1))
    .$if(f.author_id !== undefined, (q) => q.where('todos.author_id', '=', f.author_id ?? -1))
    .$if(f.project_id !== undefined, (q) => q.where('todos.project_id', '=', f.project_id ?? -1))
    .$if(f.type !== undefined, (q) => q.where('todos.target_type', '=', f.type ?? ''))
    .$if(f.group_id !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('todos.group_id', '=', f.group_id ?? -1),
          eb(
            'todos.project_id',
            'in',
            eb
              .selectFrom('projects')
              .innerJoin('namespace_hierarchy', 'namespace_hierarchy.descendant_id', 'projects.namespace_id')
              .select('projects.id')
              .where('namespace_hierarchy.ancestor_id', '=', f.group_id ?? -1),
          ),
        ]),
      ),
    );
}

/** Batch-loads projects, authors and issue targets for a page of todos. */
async function presentTodos(deps: Deps, viewer: User, todos: readonly Todo[]) {
  const projectIds = [...new Set(todos.flatMap((t) => (t.project_id === null ? [] : [t.project_id])))];
  const authorIds = [...new Set(todos.flatMap((t) => (t.author_id === null ? [] : [t.author_id])))];
  const issueIds = todos.filter((t) => t.target_type === 'Issue').map((t) => t.target_id);
  const mrIds = todos.filter((t) => t.target_type === 'MergeRequest').map((t) => t.target_id);
  const [projects, authors, issues, mrs] = await Promise.all([
    projectIds.length
      ? deps.db
          .selectFrom('projects')
          .innerJoin('namespaces', 'namespaces.id', 'projects.namespace_id')
          .selectAll('projects')
          .select('namespaces.full_name as namespace_full_name')
          .where('projects.id', 'in', projectIds)
          .execute()
      : [],
    authorIds.length ? deps.db.selectFrom('users').selectAll().where('id', 'in', authorIds).execute() : [],
    issueIds.length ? deps.db.selectFrom('issues').selectAll().where('id', 'in', issueIds).execute() : [],
    mrIds.length ? deps.db.selectFrom('merge_requests').selectAll().where('id', 'in', mrIds).execute() : [],
  ]);
  // gitlab-compat: a merge request target is MergeRequestBasic (batch-loaded), not the full MergeRequest entity.
  const mrEntities = await presentMergeRequestList(deps, mrs);
  const relations = await loadIssueRelations(deps.db, viewer, issues);
  const presenter: TodoPresenter = {
    config: deps.config,
    projects: new Map(
      projects.map(({ namespace_full_name, ...project }) => [
        project.id,
        { project, namespaceFullName: namespace_full_name },
      ]),
    ),
    authors: new Map(authors.map((u) => [u.id, u])),
    targets: new Map<string, { entity: unknown; iid: number }>([
      ...issues.map(
        (i) =>
          [
            `Issue:${i.id}`,
            {
              iid: i.iid,
              entity: toIssue(
                { config: deps.config, today: today(deps), relations, contextProjectId: i.project_id },
                i,
              ),
            },
          ] as const,
      ),
      ...mrs.map((m, i) => [`MergeRequest:${m.id}`, { iid: m.iid, entity: mrEntities[i] }] as const),
    ]),
  };
  return todos.map((t) => toTodo(presenter, t));
}

export function todosResource(app: FastifyInstance, deps: Deps): void {
  // GET /todos — doc/api/todos.md#get-a-list-of-to-do-items
  endpoint(app, deps, {
    method: 'GET',
    url: '/todos',
    auth: 'user',
    params: {
      action: p.string(),
      author_id: p.integer(),
      project_id: p.integer(),
      group_id: p.integer(),
      state: p.string(),
      type: p.string(),
      ...paginationParams,
    },
    async handler(ctx) {
      const q = findTodos(deps, ctx.user, ctx.params).orderBy('todos.id', 'desc');
      return presentTodos(deps, ctx.user, await paginate(ctx, q));
    },
  });

  // POST /todos/:id/mark_as_done — doc/api/todos.md#mark-a-to-do-item-as-done
  endpoint(app, deps, {
    method: 'POST',
    url: '/todos/:id/mark_as_done',
    auth: 'user',
    params: { id: p.integer().required() },
    async handler(ctx) {
      await deps.db
        .updateTable('todos')
        .set({ state: 'done', updated_at: nowIso(deps) })
        .where('id', '=', ctx.params.id)
        .where('user_id', '=', ctx.user.id)
        .where('state', '=', 'pending')
        .execute();
      const todo = await deps.db
        .selectFrom('todos')
        .selectAll()
        .where('id', '=', ctx.params.id)
        .where('user_id', '=', ctx.user.id)
        .executeTakeFirst();
      if (!todo) throw recordNotFound();
      ctx.reply.code(201);
      return (await presentTodos(deps, ctx.user, [todo]))[0];
    },
  });

  // POST /todos/mark_as_done — doc/api/todos.md#mark-all-to-do-items-as-done
  endpoint(app, deps, {
    method: 'POST',
    url: '/todos/mark_as_done',
    auth: 'user',
    params: {},
    async handler(ctx) {
      await deps.db
        .updateTable('todos')
        .set({ state: 'done', updated_at: nowIso(deps) })
        .where('user_id', '=', ctx.user.id)
        .where('state', '=', 'pending')
        .execute();
    },
  });

  // POST /projects/:id/issues/:issue_iid/todo — doc/api/issues.md#create-a-to-do-item
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:issue_iid/todo',
    auth: 'user',
    params: { id: p.idOrPath().required(), issue_iid: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      const now = nowIso(deps);
      const todo = await deps.db.transaction().execute(async (trx) => {
        const pending = await trx
          .selectFrom('todos')
          .select('id')
          .where('user_id', '=', ctx.user.id)
          .where('target_type', '=', 'Issue')
          .where('target_id', '=', s.issue.id)
          .where('action', '=', ACTION.marked)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (pending) return undefined;
        return trx
          .insertInto('todos')
          .values({
            user_id: ctx.user.id,
            author_id: ctx.user.id,
            project_id: s.issue.project_id,
            group_id: null,
            target_type: 'Issue',
            target_id: s.issue.id,
            action: ACTION.marked,
            state: 'pending',
            body: s.issue.title,
            note_id: null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      // Already on the list: `not_modified!` (304, no body).
      if (!todo) return ctx.reply.code(304).send();
      ctx.reply.code(201);
      return (await presentTodos(deps, ctx.user, [todo]))[0];
    },
  });
}
