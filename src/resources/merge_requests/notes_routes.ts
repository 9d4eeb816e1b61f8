/** Notes on merge requests (doc/api/notes.md#merge-requests): the shared notes routes over a merge request target. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { noteRoutes } from '../notes/routes.js';
import { mergeRequestTarget } from '../notes/target.js';

// GET /projects/:id/merge_requests/:noteable_id/notes — doc/api/notes.md#list-all-merge-request-notes
// GET /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#get-single-merge-request-note
// POST /projects/:id/merge_requests/:noteable_id/notes — doc/api/notes.md#create-new-merge-request-note
// PUT /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#modify-existing-merge-request-note
// DELETE /projects/:id/merge_requests/:noteable_id/notes/:note_id — doc/api/notes.md#delete-a-merge-request-note
export function mergeRequestNotesRoutes(app: FastifyInstance, deps: Deps): void {
  noteRoutes(app, deps, 'merge_requests', mergeRequestTarget);
}
