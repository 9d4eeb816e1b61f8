/** Notes on merge requests (doc/api/notes.md#merge-requests), on the shared notes module. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import type { MergeRequestSubject } from '../../permissions/merge_requests.js';
import { presentNotes } from '../notes/routes.js';
import { createNote, deleteNote, updateNote } from '../notes/service.js';
import { projectMergeRequest } from './lookup.js';

const MrParams = { id: p.idOrPath().required(), noteable_id: p.integer().required() };

// gitlab-compat: internal notes on merge requests are not offered (GitLab allows them on issues and epics only).
const mrNotes = (deps: Deps, s: MergeRequestSubject) =>
  deps.db
    .selectFrom('notes')
    .selectAll()
    .where('noteable_type', '=', 'MergeRequest')
    .where('noteable_id', '=', s.mr.id);

async function findNote(deps: Deps, user: User | null, id: string, iid: number, noteId: number) {
  const s = await projectMergeRequest(deps, user, id, iid);
  const note = await mrNotes(deps, s).where('id', '=', noteId).executeTakeFirst();
  if (!note) throw notFound('Note');
  return { s, note };
}

export function mergeRequestNotesRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/merge_requests/:noteable_id/notes — doc/api/notes.md#list-all-merge-request-notes
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:noteable_id/notes',
    auth: 'public',
    params: {
      ...MrParams,
      order_by: p.string().values(['created_at', 'updated_at']).default('created_at'),
      sort: p.string().values(['asc', 'desc']).default('desc'),
      ...paginationParams,
    },
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectMergeRequest(deps, ctx.user, params.id, params.noteable_id);
      const dir = params.sort === 'asc' ? 'asc' : 'desc';
      const q = mrNotes(deps, s)
        .orderBy(params.order_by === 'updated_at' ? 'updated_at' : 'created_at', dir)
        .orderBy('id', dir);
      return presentNotes(deps, await paginate(ctx, q), s.mr.iid);
    },
  });

  // GET /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#get-single-merge-request-note
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/merge_requests/:noteable_id/notes/:note_id',
    auth: 'public',
    params: { ...MrParams, note_id: p.integer().required() },
    async handler(ctx) {
      const { s, note } = await findNote(
        deps,
        ctx.user,
        ctx.params.id,
        ctx.params.noteable_id,
        ctx.params.note_id,
      );
      return (await presentNotes(deps, [note], s.mr.iid))[0];
    },
  });

  // POST /projects/:id/merge_requests/:noteable_id/notes — doc/api/notes.md#create-new-merge-request-note
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/merge_requests/:noteable_id/notes',
    auth: 'user',
    params: { ...MrParams, body: p.string().required(), merge_request_diff_head_sha: p.string() },
    async handler(ctx) {
      const { params } = ctx;
      const s = await projectMergeRequest(deps, ctx.user, params.id, params.noteable_id);
      authorize(ctx.user, 'create_merge_request_note', s);
      const note = await createNote(
        deps,
        { type: 'MergeRequest', id: s.mr.id, projectId: s.mr.project_id },
        ctx.user,
        { body: params.body },
      );
      ctx.reply.code(201);
      return (await presentNotes(deps, [note], s.mr.iid))[0];
    },
  });

  // PUT /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#modify-existing-merge-request-note
  endpoint(app, deps, {
    method: 'PUT',
    url: '/projects/:id/merge_requests/:noteable_id/notes/:note_id',
    auth: 'user',
    params: { ...MrParams, note_id: p.integer().required(), body: p.string().required() },
    async handler(ctx) {
      const { s, note } = await findNote(
        deps,
        ctx.user,
        ctx.params.id,
        ctx.params.noteable_id,
        ctx.params.note_id,
      );
      authorize(ctx.user, 'update_merge_request_note', { mr: s, note });
      const updated = await updateNote(deps, note, ctx.params.body);
      return (await presentNotes(deps, [updated], s.mr.iid))[0];
    },
  });

  // DELETE /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#delete-a-merge-request-note
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/projects/:id/merge_requests/:noteable_id/notes/:note_id',
    auth: 'user',
    params: { ...MrParams, note_id: p.integer().required() },
    async handler(ctx) {
      const { s, note } = await findNote(
        deps,
        ctx.user,
        ctx.params.id,
        ctx.params.noteable_id,
        ctx.params.note_id,
      );
      authorize(ctx.user, 'destroy_merge_request_note', { mr: s, note });
      await deleteNote(deps, note);
    },
  });
}
