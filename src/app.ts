import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import FindMyWay from 'find-my-way';
import { isTransientDatabaseError, notNullViolationColumn } from './db/errors.js';
import type { Deps } from './deps.js';
import {
  ApiError,
  internalError,
  invalidParams,
  malformedBody,
  methodNotAllowed,
  payloadTooLarge,
  routeNotFound,
  serviceUnavailable,
} from './http/errors.js';
import { nestPairs, type Params, parseNestedQuery } from './http/params.js';
import { applicationSettingsResource } from './resources/application_settings/routes.js';
import { awardEmojiResource } from './resources/award_emoji/routes.js';
import { branchesResource } from './resources/branches/routes.js';
import { commitsResource } from './resources/commits/routes.js';
import { discussionsResource } from './resources/discussions/routes.js';
import { filesResource } from './resources/files/routes.js';
import { gitHttpResource } from './resources/git_http/routes.js';
import { groupsResource } from './resources/groups/routes.js';
import { healthResource } from './resources/health/routes.js';
import { impersonationTokensResource } from './resources/impersonation_tokens/routes.js';
import { issuesResource } from './resources/issues/routes.js';
import { labelsResource } from './resources/labels/routes.js';
import { membersResource, userMembershipsResource } from './resources/members/routes.js';
import { mergeRequestsResource } from './resources/merge_requests/routes.js';
import { metadataResource } from './resources/metadata/routes.js';
import { milestonesResource } from './resources/milestones/routes.js';
import { namespacesResource } from './resources/namespaces/routes.js';
import { notesResource } from './resources/notes/routes.js';
import { personalAccessTokensResource } from './resources/personal_access_tokens/routes.js';
import { projectsResource } from './resources/projects/routes.js';
import { protectedBranchesResource } from './resources/protected_branches/routes.js';
import { protectedTagsResource } from './resources/protected_tags/routes.js';
import { repositoriesResource } from './resources/repositories/routes.js';
import { resourceAccessTokensResource } from './resources/resource_access_tokens/routes.js';
import { resourceEventsResource } from './resources/resource_events/routes.js';
import { sidekiqResource } from './resources/sidekiq/routes.js';
import { tagsResource } from './resources/tags/routes.js';
import { todosResource } from './resources/todos/routes.js';
import { usersResource } from './resources/users/routes.js';

/** A resource registers its endpoints on the /api/v4 scope. */
export type Resource = (app: FastifyInstance, deps: Deps) => void;

/** Every API resource, in one list (explicit wiring: nothing is auto-loaded). */
const API_RESOURCES: readonly Resource[] = [
  metadataResource,
  usersResource,
  personalAccessTokensResource,
  impersonationTokensResource,
  applicationSettingsResource,
  sidekiqResource,
  groupsResource,
  namespacesResource,
  projectsResource,
  protectedBranchesResource,
  protectedTagsResource,
  branchesResource,
  tagsResource,
  filesResource,
  commitsResource,
  repositoriesResource,
  membersResource,
  userMembershipsResource,
  resourceAccessTokensResource,
  labelsResource,
  milestonesResource,
  issuesResource,
  notesResource,
  resourceEventsResource,
  todosResource,
  discussionsResource,
  awardEmojiResource,
  mergeRequestsResource,
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const SECRET_PARAMS = /([?&](?:private_token|access_token|job_token|password|token)=)[^&]*/gi;

/** The URL as it may be logged: secrets in the query string are masked. */
export const redactUrl = (url: string) => url.replace(SECRET_PARAMS, '$1[FILTERED]');

declare module 'fastify' {
  interface FastifyRequest {
    startedAt: bigint;
  }
  interface FastifyInstance {
    /** Every route as registered (method, full URL), for the endpoint coverage table. */
    routeTable: Array<{ method: string; url: string }>;
  }
}

export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new LogController({
      disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace',
    }),
    genReqId: () => randomUUID().replace(/-/g, ''),
    requestIdHeader: false,
    bodyLimit: deps.config.maxBodyBytes,
    // Encoded file paths and refs (C52) can be long.
    routerOptions: { maxParamLength: 4096, ignoreTrailingSlash: true, querystringParser: parseNestedQuery },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    rewriteUrl: (req) => stripJsonSuffix(req.url ?? '/'),
  });
  app.decorateRequest('startedAt', 0n);

  // A mirror of the route table, to tell "no such route" (404) from "not this method" (405).
  const routes = FindMyWay({ maxParamLength: 4096, ignoreTrailingSlash: true });
  app.decorate('routeTable', []);
  app.addHook('onRoute', (route) => {
    for (const m of [route.method].flat())
      if (m !== 'HEAD') app.routeTable.push({ method: m, url: route.url });
    for (const m of [route.method].flat()) {
      const method = m.toUpperCase() as (typeof METHODS)[number];
      if (!routes.hasRoute(method, route.url)) routes.on(method, route.url, () => {});
    }
  });

  await registerBodyParsers(app);

  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    request.startedAt = process.hrtime.bigint();
    done();
  });
  // C62: every answer names its request and how long it took.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    reply.header('x-runtime', (Number(process.hrtime.bigint() - request.startedAt) / 1e9).toFixed(6));
    // GitLab answers `application/json` without a charset parameter (C2).
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8')
      reply.header('content-type', 'application/json');
    // Draining after SIGTERM: a request still in flight is answered, then its keep-alive
    // connection is closed, so the process exits at once instead of after the keep-alive timeout.
    if (!app.server.listening) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500)
      request.log.error({ err: error, reqId: request.id, url: redactUrl(request.url) }, 'request failed');
    reply.code(apiError.status).headers(apiError.headers);
    if (apiError.text !== undefined) reply.type('text/plain').send(apiError.text);
    else reply.type('application/json').send(JSON.stringify(apiError.body));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const otherMethod = METHODS.some((m) => m !== request.method && routes.find(m, path));
    const e = otherMethod ? methodNotAllowed() : routeNotFound();
    reply.code(e.status).type('application/json').send(JSON.stringify(e.body));
  });

  healthResource(app, deps);
  gitHttpResource(app, deps);
  await app.register(
    async (api) => {
      for (const resource of API_RESOURCES) resource(api, deps);
    },
    { prefix: '/api/v4' },
  );
  return app;
}

/** GitLab tolerates a trailing `.json` on API paths (C2), except where it can be part of a file name. */
function stripJsonSuffix(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (
    !path.endsWith('.json') ||
    !path.startsWith('/api/v4/') ||
    /\/(repository|wikis|packages|uploads)\//.test(path)
  )
    return url;
  return path.slice(0, -5) + (q === -1 ? '' : url.slice(q));
}

function toApiError(error: FastifyError | ApiError): ApiError {
  if (error instanceof ApiError) return error;
  if (isTransientDatabaseError(error)) return serviceUnavailable();
  const emptyColumn = notNullViolationColumn(error);
  if (emptyColumn) return invalidParams([`${emptyColumn} is invalid`]);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedBody();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge();
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return malformedBody();
  }
  if (error instanceof SyntaxError) return malformedBody();
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, { message: `${error.statusCode} ${error.message}` });
  }
  return internalError();
}

async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  // An empty body declared as JSON is no body, as Grape takes it: python-gitlab sends
  // `Content-Type: application/json` with every DELETE and body-less POST.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });
  // Form bodies nest like query strings (C50, C51).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseNestedQuery(body as string));
  });
  // Anything else (text/plain from a bare `curl -d`, octet streams) is kept as bytes, never an error.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Multipart: the plugin's parser and its part reader, without its hooks. Those run on every
  // request as promises (onRequest, onResponse) only to delete the temporary files of
  // saveRequestFiles(), which labforge never calls; the body is read by the hook below instead.
  const withoutHooks = Object.create(app) as FastifyInstance;
  withoutHooks.addHook = (() => withoutHooks) as unknown as FastifyInstance['addHook'];
  await new Promise<void>((resolve, reject) =>
    multipart(withoutHooks, { limits: { fileSize: Number.MAX_SAFE_INTEGER } }, (err?: Error) =>
      err ? reject(err) : resolve(),
    ),
  );
  // Callback style: it costs nothing on the requests that are not multipart.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.isMultipart()) return done();
    multipartBody(request).then((body) => {
      request.body = body;
      done();
    }, done);
  });
}

/**
 * Multipart fields nest too (C50, C51); files arrive as { filename, mimetype, data }. Values of a
 * repeated name stay together, in the order the names first appear.
 */
async function multipartBody(request: FastifyRequest): Promise<Params> {
  const byName = new Map<string, unknown[]>();
  for await (const part of request.parts()) {
    const value =
      part.type === 'file'
        ? { filename: part.filename, mimetype: part.mimetype, data: await part.toBuffer() }
        : part.value;
    const values = byName.get(part.fieldname);
    if (values) values.push(value);
    else byName.set(part.fieldname, [value]);
  }
  const pairs: Array<readonly [string, unknown]> = [];
  for (const [name, values] of byName) for (const v of values) pairs.push([name, v]);
  return nestPairs(pairs);
}
