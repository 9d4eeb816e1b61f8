import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { paginate } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { createEmail, deleteEmail, emailsOf, findEmail } from './emails.js';
import { toEmail } from './entity.js';
import { checkUnmodifiedSince, userFromPath } from './lookup.js';

export function emailsResource(app: FastifyInstance, deps: Deps): void {
  // GET /user/emails — doc/api/user_email_addresses.md#list-all-email-addresses
  endpoint(app, deps, {
    method: 'GET',
    url: '/user/emails',
    auth: 'user',
    scopes: ['read_user'],
    async handler(ctx) {
      return (await paginate(ctx, emailsOf(deps, ctx.user))).map(toEmail);
    },
  });

  // GET /user/emails/:email_id — doc/api/user_email_addresses.md#retrieve-an-email-address
  endpoint(app, deps, {
    method: 'GET',
    url: '/user/emails/:email_id',
    auth: 'user',
    scopes: ['read_user'],
    params: { email_id: p.integer().required() },
    async handler({ user, params }) {
      return toEmail(await findEmail(deps, user, params.email_id));
    },
  });

  // POST /user/emails — doc/api/user_email_addresses.md#add-an-email-address
  endpoint(app, deps, {
    method: 'POST',
    url: '/user/emails',
    auth: 'user',
    params: { email: p.string().required() },
    async handler({ user, params, reply }) {
      const email = await createEmail(deps, user, params.email, false);
      reply.code(201);
      return toEmail(email);
    },
  });

  // DELETE /user/emails/:email_id — doc/api/user_email_addresses.md#delete-one-of-your-email-addresses
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/user/emails/:email_id',
    auth: 'user',
    params: { email_id: p.integer().required() },
    async handler({ user, params, request }) {
      const email = await findEmail(deps, user, params.email_id);
      checkUnmodifiedSince(request, email.updated_at);
      await deleteEmail(deps, user, email);
      return undefined;
    },
  });

  // GET /users/:id/emails — doc/api/user_email_addresses.md#list-all-email-addresses-for-a-user
  endpoint(app, deps, {
    method: 'GET',
    url: '/users/:id/emails',
    auth: 'admin',
    params: { id: p.string().required() },
    async handler(ctx) {
      const owner = await userFromPath(deps.db, ctx.params.id);
      authorize(ctx.user, 'admin_user', owner);
      return (await paginate(ctx, emailsOf(deps, owner))).map(toEmail);
    },
  });

  // POST /users/:id/emails — doc/api/user_email_addresses.md#add-an-email-address-for-a-user
  endpoint(app, deps, {
    method: 'POST',
    url: '/users/:id/emails',
    auth: 'admin',
    params: { id: p.string().required(), email: p.string().required(), skip_confirmation: p.boolean() },
    async handler({ user, params, reply }) {
      const owner = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', owner);
      const email = await createEmail(deps, owner, params.email, params.skip_confirmation ?? false);
      reply.code(201);
      return toEmail(email);
    },
  });

  // DELETE /users/:id/emails/:email_id — doc/api/user_email_addresses.md#delete-an-email-address-for-a-user
  endpoint(app, deps, {
    method: 'DELETE',
    url: '/users/:id/emails/:email_id',
    auth: 'admin',
    params: { id: p.string().required(), email_id: p.integer().required() },
    async handler({ user, params, request }) {
      const owner = await userFromPath(deps.db, params.id);
      authorize(user, 'admin_user', owner);
      const email = await findEmail(deps, owner, params.email_id);
      checkUnmodifiedSince(request, email.updated_at);
      await deleteEmail(deps, owner, email);
      return undefined;
    },
  });
}
