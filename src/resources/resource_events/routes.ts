import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { recordNotFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { projectIssue } from '../issues/routes.js';
import { projectMergeRequest } from '../merge_requests/lookup.js';
import { presentMilestones } from '../milestones/routes.js';
import {
  type LabelEvent,
  type MilestoneEvent,
  type StateEvent,
  toResourceLabelEvent,
  toResourceMilestoneEvent,
  toResourceStateEvent,
} from './entity.js';

const EventableParams = { id: p.idOrPath().required(), eventable_id: p.integer().required() };
const OneParams = { ...EventableParams, event_id: p.integer().required() };

async function usersOf(deps: Deps, events: readonly { user_id: number | null }[]) {
  const ids = [...new Set(events.flatMap((e) => (e.user_id === null ? [] : [e.user_id])))];
  const rows = ids.length
    ? await deps.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(rows.map((u) => [u.id, u]));
  return (id: number | null) => (id === null ? undefined : byId.get(id));
}

async function presentLabelEvents(deps: Deps, events: readonly LabelEvent[]) {
  const user = await usersOf(deps, events);
  const ids = [...new Set(events.flatMap((e) => (e.label_id === null ? [] : [e.label_id])))];
  const labels = ids.length
    ? await deps.db.selectFrom('labels').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(labels.map((l) => [l.id, l]));
  return events.map((e) =>
    toResourceLabelEvent(
      deps.config,
      e,
      user(e.user_id),
      e.label_id === null ? undefined : byId.get(e.label_id),
    ),
  );
}

async function presentMilestoneEvents(deps: Deps, events: readonly MilestoneEvent[]) {
  const user = await usersOf(deps, events);
  const ids = [...new Set(events.flatMap((e) => (e.milestone_id === null ? [] : [e.milestone_id])))];
  const rows = ids.length
    ? await deps.db.selectFrom('milestones').selectAll().where('id', 'in', ids).execute()
    : [];
  const shown = await presentMilestones({ deps }, rows);
  const byId = new Map(rows.map((m, i) => [m.id, shown[i]]));
  return events.map((e) =>
    toResourceMilestoneEvent(
      deps.config,
      e,
      user(e.user_id),
      e.milestone_id === null ? undefined : byId.get(e.milestone_id),
    ),
  );
}

async function presentStateEvents(deps: Deps, events: readonly StateEvent[]) {
  const user = await usersOf(deps, events);
  return events.map((e) => toResourceStateEvent(deps.config, e, user(e.user_id)));
}

const KINDS = {
  resource_label_events: presentLabelEvents,
  resource_milestone_events: presentMilestoneEvents,
  resource_state_events: presentStateEvents,
} as const;

// GET /projects/:id/issues/:eventable_id/resource_label_events — doc/api/resource_label_events.md#list-project-issue-label-events
// GET /projects/:id/issues/:eventable_id/resource_label_events/:event_id — doc/api/resource_label_events.md#get-single-issue-label-event
// GET /projects/:id/issues/:eventable_id/resource_milestone_events — doc/api/resource_milestone_events.md#list-project-issue-milestone-events
// GET /projects/:id/issues/:eventable_id/resource_milestone_events/:event_id — doc/api/resource_milestone_events.md#get-single-issue-milestone-event
// GET /projects/:id/issues/:eventable_id/resource_state_events — doc/api/resource_state_events.md#list-project-issue-state-events
// GET /projects/:id/issues/:eventable_id/resource_state_events/:event_id — doc/api/resource_state_events.md#get-single-issue-state-event
// GET /projects/:id/merge_requests/:eventable_id/resource_label_events — doc/api/resource_label_events.md#list-project-merge-request-label-events
// GET /projects/:id/merge_requests/:eventable_id/resource_label_events/:event_id — doc/api/resource_label_events.md#get-single-merge-request-label-event
// GET /projects/:id/merge_requests/:eventable_id/resource_milestone_events — doc/api/resource_milestone_events.md#list-project-merge-request-milestone-events
// GET /projects/:id/merge_requests/:eventable_id/resource_milestone_events/:event_id — doc/api/resource_milestone_events.md#get-single-merge-request-milestone-event
// GET /projects/:id/merge_requests/:eventable_id/resource_state_events — doc/api/resource_state_events.md#list-project-merge-request-state-events
// GET /projects/:id/merge_requests/:eventable_id/resource_state_events/:event_id — doc/api/resource_state_events.md#get-single-merge-request-state-event
/** Label, milestone and state events of issues and merge requests (doc/api/resource_{label,milestone,state}_events.md). */
export function resourceEventsResource(app: FastifyInstance, deps: Deps): void {
  const owners = [
    [
      'issues',
      'issue_id',
      async (user: User | null, id: string, iid: number) =>
        (await projectIssue(deps, user, id, iid)).issue.id,
    ],
    [
      'merge_requests',
      'merge_request_id',
      async (user: User | null, id: string, iid: number) =>
        (await projectMergeRequest(deps, user, id, iid)).mr.id,
    ],
  ] as const;
  for (const [segment, column, find] of owners)
    for (const table of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
      const events = (ownerId: number) =>
        deps.db.selectFrom(table).selectAll().where(column, '=', ownerId).orderBy('id', 'asc');
      const present = (rows: readonly (LabelEvent | MilestoneEvent | StateEvent)[]) =>
        (KINDS[table] as (d: Deps, r: typeof rows) => Promise<unknown[]>)(deps, rows);

      endpoint(app, deps, {
        method: 'GET',
        url: `/projects/:id/${segment}/:eventable_id/${table}`,
        auth: 'public',
        params: { ...EventableParams, ...paginationParams },
        async handler(ctx) {
          const ownerId = await find(ctx.user, ctx.params.id, ctx.params.eventable_id);
          return present(await paginate(ctx, events(ownerId)));
        },
      });

      endpoint(app, deps, {
        method: 'GET',
        url: `/projects/:id/${segment}/:eventable_id/${table}/:event_id`,
        auth: 'public',
        params: OneParams,
        async handler(ctx) {
          const ownerId = await find(ctx.user, ctx.params.id, ctx.params.eventable_id);
          const event = await events(ownerId).where('id', '=', ctx.params.event_id).executeTakeFirst();
          if (!event) throw recordNotFound();
          return (await present([event]))[0];
        },
      });
    }
}
