import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { p } from '../../http/params.js';
import { mergeRequestVisibility } from '../merge_requests/finder.js';
import { presentMergeRequestList } from '../merge_requests/present.js';
import { projectIssue } from './routes.js';

/** GitLab's default issue closing pattern: "Closes #1", "fixes: #2, #3", "Resolved #4 and #5". */
const CLOSING =
  /\b(?:clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|implement(?:s|ed|ing)?)(?::?)\s+((?:#\d+(?:\s*,\s*|\s+and\s+|\s+)?)+)/gi;

/** The iids a text closes in its own project. */
export function closedIids(text: string | null): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const m of text.matchAll(CLOSING)) for (const r of m[1].matchAll(/#(\d+)/g)) out.add(Number(r[1]));
  return out;
}

export function issueClosedByRoutes(app: FastifyInstance, deps: Deps): void {
  // GET /projects/:id/issues/:issue_iid/closed_by — doc/api/issues.md#list-merge-requests-that-close-a-particular-issue-on-merge
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/issues/:issue_iid/closed_by',
    auth: 'public',
    params: { id: p.idOrPath().required(), issue_iid: p.integer().required() },
    async handler(ctx) {
      const s = await projectIssue(deps, ctx.user, ctx.params.id, ctx.params.issue_iid);
      const iid = s.issue.iid;
      // gitlab-compat: computed from open and merged merge requests' titles and descriptions in the
      // issue's project (no cross-project references, no target-branch check, no closing-issues table).
      const candidates = await deps.db
        .selectFrom('merge_requests')
        .selectAll('merge_requests')
        .where('merge_requests.project_id', '=', s.issue.project_id)
        .where('merge_requests.state', 'in', ['opened', 'merged'])
        .where((eb) =>
          eb.or([
            eb('merge_requests.description', 'like', `%#${iid}%`),
            eb('merge_requests.title', 'like', `%#${iid}%`),
          ]),
        )
        .where(mergeRequestVisibility(deps.db, ctx.user))
        .orderBy('merge_requests.id', 'asc')
        .limit(100)
        .execute();
      const closing = candidates.filter(
        (mr) => closedIids(mr.description).has(iid) || closedIids(mr.title).has(iid),
      );
      return presentMergeRequestList(deps, closing);
    },
  });
}
