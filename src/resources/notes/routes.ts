import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import type { IssueSubject, Note } from '../../permissions/issues.js';
import { projectIssue } from '../issues/routes.js';
import { toNote } from './entity.js';
import { createNote, deleteNote, updateNote } from './service.js';

const IssueParams = { id: p.idOrPath().required(), noteable_id: p.integer().required() };

/** Notes of an issue the viewer may see: internal notes need Reporter+. */
export function issueNotes(deps: Deps, user: User | null, s: IssueSubject) {
  return deps.db
    .selectFrom('notes')
    .selectAll()
    .where('noteable_type', '=', 'Issue')
    .where('noteable_id', '=', s.issue.id)
    .$if(!can(user, 'read_internal_note', s), (q) => q.where('internal', '=', false));
}

export async function presentNotes(deps: Deps, notes: readonly Note[], iid: number | null) {
  const ids = [
    ...new Set(notes.flatMap((n) => [n.author_id, n.resolved_by_id]).filter((x): x is number => x !== null)),
  ];
  const users = ids.length
    ? await deps.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const user = (id: number | null) => (id === null ? undefined : byId.get(id));
  return notes.map((n) =>
    toNote(deps.config, n, { author: user(n.author_id), resolvedBy: user(n.resolved_by_id) }, iid),
  );
}

export async function findIssueNote(
  deps: Deps,
  user: User | null,
  s: IssueSubject,
  noteId: number,
): Promise<Note> {
  const note = await issueNotes(deps, user, s).where('id', '=', noteId).executeTakeFirst();
  if (!note) throw notFound('Note');
  return note;
}

export function notesResource(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/issues/:noteable_id/notes — doc/api/notes.md#list-project-issue-notes
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:noteable_id/notes',
    auth: 'public',
    params: {
      ...IssueParams,
      order_by: p.string().values(['created_at', 'updated_at']).default('created_at'),
      sort: p.string().values(['asc', 'desc']).default('desc'),
      activity_filter: p
        .string()
        .values(['all_notes', 'only_comments', 'only_activity'])
        .default('all_notes'),
      ...paginationParams,
    },
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const dir = params.sort === 'asc' ? 'asc' : 'desc';
      const q = issueNotes(deps, ctx.user, s)
        .$if(params.activity_filter === 'only_comments', (x) => x.where('system', '=', false))
        .$if(params.activity_filter === 'only_activity', (x) => x.where('system', '=', true))
        .orderBy(params.order_by === 'updated_at' ? 'updated_at' : 'created_at', dir)
        .orderBy('id', dir);
      return presentNotes(deps, await paginate(ctx, q), s.issue.iid);
    },
  });

  // GET /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#get-single-issue-note
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:noteable_id/notes/:note_id',
    auth: 'public',
    params: { ...IssueParams, note_id: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, ctx.params.note_id);
      return (await presentNotes(deps, [note], s.issue.iid))[0];
    },
  });

  // POST /projects/:id/issues/:noteable_id/notes — doc/api/notes.md#create-new-issue-note
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/issues/:noteable_id/notes',
    auth: 'user',
    params: {
      ...IssueParams,
      body: p.string().required(),
      confidential: p.boolean(),
      internal: p.boolean(),
      created_at: p.datetime(),
      merge_request_diff_head_sha: p.string(),
    },
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      authorize(ctx.user, 'create_note', s);
      const createdAt =
        params.created_at && can(ctx.user, 'set_issue_created_at', s.project) ? params.created_at : undefined;
      const note = await createNote(
        deps,
        { type: 'Issue', id: s.issue.id, projectId: s.issue.project_id },
        ctx.user,
        { body: params.body, internal: params.internal ?? params.confidential, createdAt },
      );
      ctx.reply.code(201);
      return (await presentNotes(deps, [note], s.issue.iid))[0];
    },
  });

  // PUT /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#modify-existing-issue-note
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/issues/:noteable_id/notes/:note_id',
    auth: 'user',
    params: { ...IssueParams, note_id: p.integer().required(), body: p.string().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, ctx.params.note_id);
      authorize(ctx.user, 'update_note', { issue: s, note });
      const updated = await updateNote(deps, note, ctx.params.body);
      return (await presentNotes(deps, [updated], s.issue.iid))[0];
    },
  });

  // DELETE /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#delete-an-issue-note
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/issues/:noteable_id/notes/:note_id',
    auth: 'user',
    params: { ...IssueParams, note_id: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, ctx.params.note_id);
      authorize(ctx.user, 'destroy_note', { issue: s, note });
      await deleteNote(deps, note);
    },
  });
}
