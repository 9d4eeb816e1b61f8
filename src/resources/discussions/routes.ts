import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { badRequest, forbidden, invalidParams, notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import type { Note } from '../../permissions/issues.js';
import { parsePosition, validatePosition } from '../merge_requests/position.js';
import { isResolvable } from '../notes/entity.js';
import { presentNotes } from '../notes/routes.js';
import { createNote, deleteNote, setResolved, updateNote } from '../notes/service.js';
import { issueTarget, mergeRequestTarget, type NoteTarget } from '../notes/target.js';
import { toDiscussion } from './entity.js';
import { replyToDiscussion } from './service.js';

const NoteableParams = { id: p.idOrPath().required(), noteable_id: p.integer().required() };
const ThreadParams = { ...NoteableParams, discussion_id: p.string().required() };
const NoteParams = { ...ThreadParams, note_id: p.integer().required() };

type Resolve = (deps: Deps, user: User | null, id: string, iid: number) => Promise<NoteTarget>;

/** The notes of some discussions the viewer may read, oldest first (Note.fresh). */
async function threadNotes(t: NoteTarget, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return t
    .notes()
    .where('discussion_id', 'in', ids)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

async function presentDiscussions(deps: Deps, t: NoteTarget, ids: readonly string[], notes: readonly Note[]) {
  const shown = await presentNotes(deps, notes, t.iid);
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
async function findThread(t: NoteTarget, id: string, what = 'Discussion') {
  const notes = await threadNotes(t, [id]);
  if (notes.length === 0) throw notFound(what);
  return notes;
}

async function findNote(t: NoteTarget, noteId: number) {
  const note = await t.notes().where('id', '=', noteId).executeTakeFirst();
  if (!note) throw notFound('Note');
  return note;
}

/**
 * Threads (doc/api/discussions.md) on one kind of noteable: the same routes serve issues and
 * merge requests; merge requests add diff positions and resolvable threads.
 */
function threadRoutes(app: FastifyInstance, deps: Deps, segment: string, resolve: Resolve): void {
  const base = `/projects/:id/${segment}/:noteable_id/discussions`;
  const target = (user: User | null, params: { id: string; noteable_id: number }) =>
    resolve(deps, user, params.id, params.noteable_id);

  endpoint(app, deps, {
    method: 'GET',
    url: base,
    auth: 'user',
    params: { ...NoteableParams, ...paginationParams },
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      // Discussions in the order they started (Noteable#discussion_ids_relation).
      const ids = t
        .notes()
        .clearSelect()
        .select('discussion_id')
        .groupBy('discussion_id')
        .orderBy(sql`min(created_at)`)
        .orderBy(sql`min(id)`);
      const page = (await paginate(ctx, ids)).map((r) => r.discussion_id);
      return presentDiscussions(deps, t, page, await threadNotes(t, page));
    },
  });

  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id`,
    auth: 'user',
    params: ThreadParams,
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const notes = await findThread(t, ctx.params.discussion_id);
      return (await presentDiscussions(deps, t, [ctx.params.discussion_id], notes))[0];
    },
  });

  endpoint(app, deps, {
    method: 'POST',
    url: base,
    auth: 'user',
    params: {
      ...NoteableParams,
      body: p.string().required(),
      created_at: p.datetime(),
      position: p.hash(),
      commit_id: p.string(),
    },
    async handler(ctx) {
      const { params } = ctx;
      const t = await target(ctx.user, params);
      // Grape declares `position` for merge requests (and commits) only; elsewhere it is dropped.
      const position = t.resolvable && params.position ? parsePosition(params.position) : undefined;
      if (!t.mayCreateNote) throw forbidden();
      if (position) await validatePosition(deps, t.project.project.id, position);
      const note = await createNote(deps, t.noteable, ctx.user, {
        body: params.body,
        createdAt: params.created_at && t.maySetCreatedAt ? params.created_at : undefined,
        discussion: true,
        position: position ? JSON.stringify(position) : undefined,
      });
      ctx.reply.code(201);
      return (await presentDiscussions(deps, t, [note.discussion_id], [note]))[0];
    },
  });

  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id/notes`,
    auth: 'user',
    params: ThreadParams,
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const notes = await findThread(t, ctx.params.discussion_id, 'Notes');
      return presentNotes(deps, notes, t.iid);
    },
  });

  endpoint(app, deps, {
    method: 'POST',
    url: `${base}/:discussion_id/notes`,
    auth: 'user',
    params: { ...ThreadParams, body: p.string().required(), created_at: p.datetime() },
    async handler(ctx) {
      const { params } = ctx;
      const t = await target(ctx.user, params);
      const thread = await findThread(t, params.discussion_id);
      if (!t.mayCreateNote) throw forbidden();
      const note = await replyToDiscussion(deps, t.noteable, ctx.user, thread, {
        body: params.body,
        createdAt: params.created_at && t.maySetCreatedAt ? params.created_at : undefined,
      });
      ctx.reply.code(201);
      return (await presentNotes(deps, [note], t.iid))[0];
    },
  });

  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:discussion_id/notes/:note_id`,
    auth: 'user',
    params: NoteParams,
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const note = await findNote(t, ctx.params.note_id);
      return (await presentNotes(deps, [note], t.iid))[0];
    },
  });

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
      const t = await target(ctx.user, params);
      const note = await findNote(t, params.note_id);
      if (params.resolved === undefined) {
        if (!t.mayUpdateNote(note)) throw forbidden();
        const updated = await updateNote(deps, note, params.body ?? note.note);
        return (await presentNotes(deps, [updated], t.iid))[0];
      }
      // NotesHelpers#resolve_note: authorize, then "Note is not resolvable".
      if (!t.mayResolve) throw forbidden();
      if (!isResolvable(note)) throw badRequestNotResolvable();
      await setResolved(deps, [note], ctx.user, params.resolved);
      return (await presentNotes(deps, [await findNote(t, note.id)], t.iid))[0];
    },
  });

  endpoint(app, deps, {
    method: 'DELETE',
    url: `${base}/:discussion_id/notes/:note_id`,
    auth: 'user',
    params: NoteParams,
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const note = await findNote(t, ctx.params.note_id);
      if (!t.mayDestroyNote(note)) throw forbidden();
      await deleteNote(deps, note);
    },
  });
}

const badRequestNotResolvable = () => badRequest('Note is not resolvable');

/** PUT …/discussions/:discussion_id?resolved=: resolves or unresolves every resolvable note of a thread. */
function resolveThreadRoute(app: FastifyInstance, deps: Deps): void {
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:noteable_id/discussions/:discussion_id',
    auth: 'user',
    params: { ...ThreadParams, resolved: p.boolean().required() },
    async handler(ctx) {
      const { params } = ctx;
      const t = await mergeRequestTarget(deps, ctx.user, params.id, params.noteable_id);
      // gitlab-compat: GitLab fails on an unknown discussion id here; labforge answers 404 Discussion Not Found.
      const notes = await findThread(t, params.discussion_id);
      // Discussion#can_resolve?: a resolvable thread, and the MR's author or Developer+.
      if (!t.mayResolve || !notes.some(isResolvable)) throw forbidden();
      await setResolved(deps, notes, ctx.user, params.resolved);
      return (
        await presentDiscussions(deps, t, [params.discussion_id], await findThread(t, params.discussion_id))
      )[0];
    },
  });
}

// GET /projects/:id/issues/:noteable_id/discussions — doc/api/discussions.md#list-project-issue-discussion-items
// GET /projects/:id/issues/:noteable_id/discussions/:discussion_id — doc/api/discussions.md#get-single-issue-discussion-item
// POST /projects/:id/issues/:noteable_id/discussions — doc/api/discussions.md#create-new-issue-thread
// GET /projects/:id/issues/:noteable_id/discussions/:discussion_id/notes — lib/api/discussions.rb
// POST /projects/:id/issues/:noteable_id/discussions/:discussion_id/notes — doc/api/discussions.md#add-note-to-existing-issue-thread
// GET /projects/:id/issues/:noteable_id/discussions/:discussion_id/notes/:note_id — lib/api/discussions.rb
// PUT /projects/:id/issues/:noteable_id/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#modify-existing-issue-thread-note
// DELETE /projects/:id/issues/:noteable_id/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#delete-an-issue-thread-note
// GET /projects/:id/merge_requests/:noteable_id/discussions — doc/api/discussions.md#list-project-merge-request-discussion-items
// GET /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id — doc/api/discussions.md#get-single-merge-request-discussion-item
// POST /projects/:id/merge_requests/:noteable_id/discussions — doc/api/discussions.md#create-new-merge-request-thread
// PUT /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id — doc/api/discussions.md#resolve-a-merge-request-thread
// GET /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id/notes — lib/api/discussions.rb
// POST /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id/notes — doc/api/discussions.md#add-note-to-existing-merge-request-thread
// GET /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id/notes/:note_id — lib/api/discussions.rb
// PUT /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#modify-an-existing-merge-request-thread-note
// DELETE /projects/:id/merge_requests/:noteable_id/discussions/:discussion_id/notes/:note_id — doc/api/discussions.md#delete-a-merge-request-thread-note
export function discussionsResource(app: FastifyInstance, deps: Deps): void {
  threadRoutes(app, deps, 'issues', issueTarget);
  threadRoutes(app, deps, 'merge_requests', mergeRequestTarget);
  resolveThreadRoute(app, deps);
}
