import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { invalidParams, notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize, can } from '../../permissions/index.js';
import type { IssueSubject, Note } from '../../permissions/issues.js';
import { projectIssue } from '../issues/routes.js';
import { findIssueNote, issueNotes, presentNotes } from '../notes/routes.js';
import { createNote, deleteNote, updateNote } from '../notes/service.js';
import { toDiscussion } from './entity.js';
import { replyToDiscussion } from './service.js';

const IssueParams = { id: p.idOrPath().required(), noteable_id: p.integer().required() };
const ThreadParams = { ...IssueParams, discussion_id: p.string().required() };
const NoteParams = { ...ThreadParams, note_id: p.integer().required() };

/** The notes of some discussions the viewer may read, oldest first (Note.fresh). */
async function threadNotes(deps: Deps, user: User | null, s: IssueSubject, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return issueNotes(deps, user, s)
    .where('discussion_id', 'in', ids)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

async function presentDiscussions(
  deps: Deps,
  s: IssueSubject,
  ids: readonly string[],
  notes: readonly Note[],
) {
  const shown = await presentNotes(deps, notes, s.issue.iid);
  return ids.flatMap((id) => {
    const mine = notes.flatMap((n, i) => (n.discussion_id === id ? [i] : []));
    if (mine.length === 0) return [];
    return [
      toDiscussion(
        id,
        mine.map((i) => notes[i]),
        mine.map((i) => shown[i]),
      ),
    ];
  });
}

/** A discussion's notes, or `404 <what> Not Found` when the viewer sees none of them. */
async function findThread(deps: Deps, user: User | null, s: IssueSubject, id: string, what = 'Discussion') {
  const notes = await threadNotes(deps, user, s, [id]);
  if (notes.length === 0) throw notFound(what);
  return notes;
}

/** Threads on issues (doc/api/discussions.md); notes carry discussion_id, so merge requests reuse this. */
export function discussionsResource(app: FastifyInstance, deps: Deps): void {
  const base = '/projects/:id/issues/:noteable_id/discussions';

  // GET /projects/:id/issues/:issue_iid/discussions — doc/api/discussions.md#list-project-issue-discussion-items
  endpoint(app, deps, {
    method: 'GET',
    url: base,
    auth: 'user',
    params: { ...IssueParams, ...paginationParams },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.noteable_id);
      // Discussions in the order they started (Noteable#discussion_ids_relation).
      const ids = issueNotes(deps, ctx.user, s)
        .clearSelect()
        .select('discussion_id')
        .groupBy('discussion_id')
        .orderBy(sql`min(created_at)`)
        .orderBy(sql`min(id)`);
      const page = (await paginate(ctx, ids)).map((r) => r.discussion_id);
      return presentDiscussions(deps, s, page, await threadNotes(deps, ctx.user, s, page));
    },
  });

  // GET /projects/:id/issues/:issue_iid/discussions/:discussion_id — doc/api/discussions.md#get-single-issue-discussion-item
  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id`,
    auth: 'user',
    params: ThreadParams,
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const notes = await findThread(deps, ctx.user, s, params.discussion_id);
      return (await presentDiscussions(deps, s, [params.discussion_id], notes))[0];
    },
  });

  // POST /projects/:id/issues/:issue_iid/discussions — doc/api/discussions.md#create-new-issue-thread
  endpoint(app, deps, {
    method: 'POST',
    url: base,
    auth: 'user',
    params: { ...IssueParams, body: p.string().required(), created_at: p.datetime() },
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
        { body: params.body, createdAt, discussion: true },
      );
      ctx.reply.code(201);
      return (await presentDiscussions(deps, s, [note.discussion_id], [note]))[0];
    },
  });

  // GET /projects/:id/issues/:issue_iid/discussions/:discussion_id/notes — lib/api/discussions.rb
  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id/notes`,
    auth: 'user',
    params: ThreadParams,
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const notes = await findThread(deps, ctx.user, s, params.discussion_id, 'Notes');
      return presentNotes(deps, notes, s.issue.iid);
    },
  });

  // POST /projects/:id/issues/:issue_iid/discussions/:discussion_id/notes — doc/api/discussions.md#add-note-to-existing-issue-thread
  endpoint(app, deps, {
    method: 'POST',
    url: `${base}/:discussion_id/notes`,
    auth: 'user',
    params: { ...ThreadParams, body: p.string().required(), created_at: p.datetime() },
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const [first] = await findThread(deps, ctx.user, s, params.discussion_id);
      authorize(ctx.user, 'create_note', s);
      const createdAt =
        params.created_at && can(ctx.user, 'set_issue_created_at', s.project) ? params.created_at : undefined;
      const note = await replyToDiscussion(
        deps,
        { type: 'Issue', id: s.issue.id, projectId: s.issue.project_id },
        ctx.user,
        first,
        { body: params.body, createdAt },
      );
      ctx.reply.code(201);
      return (await presentNotes(deps, [note], s.issue.iid))[0];
    },
  });

  // GET /projects/:id/issues/:issue_iid/discussions/:discussion_id/notes/:note_id — lib/api/discussions.rb
  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id/notes/:note_id`,
    auth: 'user',
    params: NoteParams,
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, params.note_id);
      return (await presentNotes(deps, [note], s.issue.iid))[0];
    },
  });

  // PUT /projects/:id/issues/:issue_iid/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#modify-existing-issue-thread-note
  endpoint(app, deps, {
    method: 'PUT',
    url: `${base}/:discussion_id/notes/:note_id`,
    auth: 'user',
    params: { ...NoteParams, body: p.string(), resolved: p.boolean() },
    async handler(ctx) {
      const { params } = ctx;
      if (params.body === undefined && params.resolved === undefined)
        throw invalidParams(['body, resolved are missing, exactly one parameter must be provided']);
      if (params.body !== undefined && params.resolved !== undefined)
        throw invalidParams(['body, resolved are mutually exclusive']);
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, params.note_id);
      // gitlab-compat: issue notes are never resolvable, so `resolved` only ever answers 403.
      authorize(ctx.user, params.body === undefined ? 'resolve_note' : 'update_note', { issue: s, note });
      const updated = await updateNote(deps, note, params.body ?? note.note);
      return (await presentNotes(deps, [updated], s.issue.iid))[0];
    },
  });

  // DELETE /projects/:id/issues/:issue_iid/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#delete-an-issue-thread-note
  endpoint(app, deps, {
    method: 'DELETE',
    url: `${base}/:discussion_id/notes/:note_id`,
    auth: 'user',
    params: NoteParams,
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectIssue(deps, ctx.user, params.id, params.noteable_id);
      const note = await findIssueNote(deps, ctx.user, s, params.note_id);
      authorize(ctx.user, 'destroy_note', { issue: s, note });
      await deleteNote(deps, note);
    },
  });
}
