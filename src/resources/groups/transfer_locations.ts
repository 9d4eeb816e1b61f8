/**
 * Where a group or a project may be transferred to (Groups::AcceptingGroupTransfersFinder and the
 * transfer_projects scope of Groups::UserGroupsFinder): groups listed as PublicGroupDetails,
 * searchable, paginated. Both live here, beside the group transfer they prepare.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { findGroup, findProject } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { ACCESS } from '../../permissions/groups.js';
import { authorize } from '../../permissions/index.js';
import { toPublicGroupDetails } from './entity.js';
import { findGroups } from './finder.js';

const Params = { id: p.idOrPath().required(), search: p.string() };

// gitlab-compat: groups reachable only through a group share with Owner (or Maintainer) access are
// not offered, and a search does not put exact matches first.
export function transferLocationsResource(app: FastifyInstance, deps: Deps): void {
  // GET /groups/:id/transfer_locations — doc/api/groups.md#get-groups-to-which-a-user-can-transfer-a-group
  endpoint(app, deps, {
    method: 'GET',
    url: '/groups/:id/transfer_locations',
    auth: 'user',
    params: Params,
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findGroup(deps.db, user, params.id);
      authorize(user, 'admin_group', subject);
      const group = subject.group;
      // Not the group itself, nothing below it (a cycle), nor the parent it already has.
      const subtree = deps.db
        .selectFrom('namespace_hierarchy')
        .select('descendant_id')
        .where('ancestor_id', '=', group.id);
      const query = findGroups(deps.db, user, {
        min_access_level: ACCESS.OWNER,
        search: params.search,
      })
        .where('namespaces.id', 'not in', subtree)
        .$if(group.parent_id !== null, (q) => q.where('namespaces.id', '!=', group.parent_id!));
      const rows = await paginate(ctx, query);
      return rows.map((g) => toPublicGroupDetails(deps.config, g));
    },
  });

  // GET /projects/:id/transfer_locations — doc/api/projects.md#list-groups-available-for-project-transfer
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/transfer_locations',
    auth: 'user',
    params: Params,
    async handler(ctx) {
      const { user, params } = ctx;
      const subject = await findProject(deps.db, user, params.id);
      authorize(user, 'change_namespace', subject);
      const current = subject.namespace.type === 'Group' ? subject.namespace.id : null;
      const query = findGroups(deps.db, user, {
        min_access_level: ACCESS.MAINTAINER,
        search: params.search,
      })
        .where('namespaces.project_creation_level', '!=', 'noone')
        .$if(current !== null, (q) => q.where('namespaces.id', '!=', current!));
      const rows = await paginate(ctx, query);
      return rows.map((g) => toPublicGroupDetails(deps.config, g));
    },
  });
}
