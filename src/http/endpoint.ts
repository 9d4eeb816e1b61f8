import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Deps } from '../deps.js';
import type { ApplicationSettings } from '../resources/application_settings/settings.js';
import { assertScopes, type Caller, resolveCallerAndSettings, type User } from './auth.js';
import { answerConditionally, weakEtag } from './conditional.js';
import {
  type ApiError,
  forbidden,
  movedPermanently,
  movedProjectWrite,
  notFound,
  unauthorized,
} from './errors.js';
import { ProjectMoved } from './lookups.js';
import { type Infer, isPlainObject, type Params, parseParams, type Shape } from './params.js';
import { enforceRateLimit } from './rate_limit.js';

/**
 * Who may call: `public` lets anonymous callers in (they see public data only), `user` needs a
 * signed-in caller (401 otherwise), `admin` an administrator (401, then 403).
 */
export type Access = 'public' | 'user' | 'admin';

export interface RouteContext<P> {
  deps: Deps;
  caller: Caller | null;
  /** The acting user (after sudo), or null for anonymous callers. */
  user: User | null;
  params: P;
  /** Every parameter as received (path + query + body), for handlers that pass some through. */
  raw: Params;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface SignedInContext<P> extends RouteContext<P> {
  caller: Caller;
  user: User;
}

interface EndpointBase<S extends Shape> {
  method: HTTPMethods | HTTPMethods[];
  /** Path below /api/v4, e.g. `/users/:id`. */
  url: string;
  params?: S;
  /** Scopes accepted besides `api` (and `read_api` on reads), e.g. `read_user`. */
  scopes?: readonly string[];
}

export type EndpointDef<S extends Shape> =
  | (EndpointBase<S> & { auth: 'public'; handler(ctx: RouteContext<Infer<S>>): unknown })
  | (EndpointBase<S> & { auth: 'user' | 'admin'; handler(ctx: SignedInContext<Infer<S>>): unknown });

/** Path, query and body merged as Grape merges them: path wins, then body, then query. */
export function requestParams(request: FastifyRequest): Params {
  const query = isPlainObject(request.query) ? request.query : {};
  const body = isPlainObject(request.body) ? request.body : {};
  const path = isPlainObject(request.params) ? request.params : {};
  return { ...query, ...body, ...path };
}

/** Registers one GitLab endpoint: credentials, scopes, declared params, then the handler. */
export function endpoint<S extends Shape>(app: FastifyInstance, deps: Deps, def: EndpointDef<S>): void {
  const shape = (def.params ?? {}) as S;
  app.route({
    method: def.method,
    url: def.url,
    handler: async (request, reply) => {
      const raw = requestParams(request);
      // Requests with bad credentials count against the unauthenticated (per-IP) limit before they fail.
      let caller: Caller | null = null;
      let settings: ApplicationSettings | null = null;
      let authError: unknown = null;
      try {
        ({ caller, settings } = await resolveCallerAndSettings(deps, request, raw));
      } catch (err) {
        authError = err;
      }
      await enforceRateLimit(deps, request, caller?.user ?? null, settings);
      if (authError) throw authError;
      if (def.auth !== 'public' && !caller) throw unauthorized();
      if (caller) assertScopes(caller, request.method, def.scopes ?? []);
      if (def.auth === 'admin' && !caller!.user.admin) throw forbidden();
      const params = parseParams(shape, raw);
      const ctx = { deps, caller, user: caller?.user ?? null, params, raw, request, reply };
      let result: unknown;
      try {
        result = await (def.handler as (c: RouteContext<Infer<S>>) => unknown)(ctx);
      } catch (err) {
        throw err instanceof ProjectMoved ? projectMovedAnswer(deps, request, raw, err) : err;
      }
      if (reply.sent) return reply;
      if (result === undefined) {
        if (reply.statusCode === 200) reply.code(204);
        return reply.send();
      }
      const answer = result instanceof JsonBody ? result : null;
      const body = answer ? answer.text : JSON.stringify(result);
      if (answerConditionally(request, reply, body, answer)) return reply;
      return reply.type('application/json').send(body);
    },
  });
}

/**
 * C27: the route's own project (`/projects/:id/...`) addressed by an old path answers 301 to the same
 * URL with the project's id (query kept), and 405 for writes; any other moved lookup is not found.
 */
function projectMovedAnswer(deps: Deps, request: FastifyRequest, raw: Params, moved: ProjectMoved): ApiError {
  const prefix = '/api/v4/projects/';
  if (raw.id !== moved.idOrPath || !request.url.startsWith(prefix)) return notFound('Project');
  if (request.method !== 'GET' && request.method !== 'HEAD') return movedProjectWrite();
  const rest = request.url.slice(prefix.length).replace(/^[^/?]*/, String(moved.projectId));
  return movedPermanently(`${deps.config.externalUrl}${prefix}${rest}`);
}

/**
 * An answer already serialized, with its ETag worked out once: for a cached entity (GET
 * /projects/:id) that many requests answer byte for byte, a handler returns one of these instead
 * of the object, and endpoint() sends it as it is.
 */
export class JsonBody {
  #etag: string | undefined;
  constructor(readonly text: string) {}
  get etag(): string {
    this.#etag ??= weakEtag(this.text);
    return this.#etag;
  }
}

/** GitLab answers `application/json` exactly (C2). */
export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json').send(JSON.stringify(value));
}
