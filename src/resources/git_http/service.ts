/**
 * Answers one smart-HTTP request: who is calling (HTTP Basic with a token as the password, as
 * GitLab takes it), whether they may read or push, then the git layer streams the answer. After
 * a push, the project's bookkeeping (empty_repo, default branch, its protection, last activity).
 */
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import {
  advertiseRefs,
  receivePack,
  SMART_HTTP_NO_CACHE_HEADERS,
  smartHttpContentType,
  uploadPack,
} from '../../git/index.js';
import { type Caller, resolveCaller } from '../../http/auth.js';
import { ApiError } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { refreshMergeRequestsAfterPush } from '../merge_requests/git_state.js';
import { checkPush } from '../protected_branches/push_check.js';
import { afterRefsChanged } from '../repositories/storage.js';
import { handlePushOptions } from './push_options.js';
import type { GitRoute } from './routes.js';

/** Gitlab::GitAccess's messages, answered as text/plain as GitLab's git endpoints do. */
export const GIT_ERRORS = {
  notFound: "The project you were looking for could not be found or you don't have permission to view it.",
  download: 'You are not allowed to download code from this project.',
  push: 'You are not allowed to push code to this project.',
  archived: 'You are not allowed to push code to an archived project.',
  denied: 'HTTP Basic: Access denied',
} as const;

class GitHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const READ_SCOPES = ['api', 'read_api', 'read_repository', 'write_repository'];
const WRITE_SCOPES = ['api', 'write_repository'];

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The password of `Authorization: Basic` (any username, `oauth2` included): a personal access token. */
function basicPassword(request: FastifyRequest): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(request, 'authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
}

async function gitCaller(deps: Deps, request: FastifyRequest): Promise<Caller | null> {
  const password = basicPassword(request);
  try {
    // gitlab-compat: account passwords are not accepted for git, only tokens (as with 2FA on GitLab).
    return await resolveCaller(deps, request, password ? { private_token: password } : {});
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) throw new GitHttpError(403, String(err.message));
    throw new GitHttpError(401, GIT_ERRORS.denied);
  }
}

/** Who may do what: anonymous callers are asked to sign in rather than told a project is missing. */
async function authorizeGit(deps: Deps, caller: Caller | null, route: GitRoute): Promise<ProjectSubject> {
  const user = caller?.user ?? null;
  if (caller?.scopes && !caller.scopes.some((s) => READ_SCOPES.includes(s)))
    throw new GitHttpError(401, GIT_ERRORS.denied);
  let subject: ProjectSubject;
  try {
    subject = await findProject(deps.db, user, route.projectPath);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404)
      throw new GitHttpError(user ? 404 : 401, user ? GIT_ERRORS.notFound : GIT_ERRORS.denied);
    throw err;
  }
  if (!can(user, 'download_code', subject))
    throw new GitHttpError(user ? 403 : 401, user ? GIT_ERRORS.download : GIT_ERRORS.denied);
  if (route.service === 'git-receive-pack') {
    if (!user) throw new GitHttpError(401, GIT_ERRORS.denied);
    if (subject.project.archived) throw new GitHttpError(403, GIT_ERRORS.archived);
    if (caller?.scopes && !caller.scopes.some((s) => WRITE_SCOPES.includes(s)))
      throw new GitHttpError(403, GIT_ERRORS.push);
    if (!can(user, 'push_code', subject)) throw new GitHttpError(403, GIT_ERRORS.push);
  }
  return subject;
}

function sendError(res: ServerResponse, err: GitHttpError): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (err.status === 401) headers['www-authenticate'] = 'Basic realm="GitLab"';
  res.writeHead(err.status, headers);
  res.end(err.message);
}

export async function serveGitRequest(
  deps: Deps,
  request: FastifyRequest,
  res: ServerResponse,
  route: GitRoute,
): Promise<void> {
  let subject: ProjectSubject;
  let caller: Caller | null;
  try {
    caller = await gitCaller(deps, request);
    subject = await authorizeGit(deps, caller, route);
  } catch (err) {
    request.raw.resume();
    if (err instanceof GitHttpError) return sendError(res, err);
    request.log.error({ err, reqId: request.id }, 'git request failed');
    return sendError(res, new GitHttpError(500, 'Internal Server Error'));
  }
  const repo = deps.git.projectRepo(subject.project.id);
  const opts = {
    gitProtocol: header(request, 'git-protocol') ?? null,
    contentEncoding: header(request, 'content-encoding') ?? null,
  };
  const kind = route.action === 'advertise' ? 'advertisement' : 'result';
  res.writeHead(200, {
    'content-type': smartHttpContentType(route.service, kind),
    ...SMART_HTTP_NO_CACHE_HEADERS,
  });
  try {
    if (route.action === 'advertise') {
      await advertiseRefs(repo, route.service, res, opts);
    } else if (route.action === 'upload-pack') {
      await uploadPack(repo, request.raw, res, opts);
    } else {
      // The answer is held open until the bookkeeping is done, so a client that reads the
      // project right after its push sees the push.
      const out = new PassThrough();
      out.pipe(res, { end: false });
      res.once('close', () => out.destroy());
      const drained = finished(out).catch(() => {});
      const user = caller!.user;
      await receivePack(repo, request.raw, out, {
        ...opts,
        validate: (push) => checkPush(deps, subject, user, push),
        after: async (push, applied) => {
          if (applied.length === 0) return undefined;
          try {
            const pushedBranches = applied
              .filter((c) => c.ref.startsWith('refs/heads/') && c.type !== 'delete')
              .map((c) => c.ref.slice('refs/heads/'.length));
            await afterRefsChanged(deps, subject.project, { pushedBranches });
            const changed = applied
              .filter((c) => c.ref.startsWith('refs/heads/'))
              .map((c) => ({
                branch: c.ref.slice('refs/heads/'.length),
                oldrev: c.oldOid,
                newrev: c.newOid,
              }));
            await refreshMergeRequestsAfterPush(deps, subject.project.id, changed, user);
            if (push.pushOptions.length === 0) return undefined;
            return await handlePushOptions(deps, subject, user, push.pushOptions, applied);
          } catch (err) {
            request.log.error({ err, reqId: request.id }, 'after push failed');
            return undefined;
          }
        },
      });
      await drained;
      res.end();
    }
  } catch (err) {
    request.log.error({ err, reqId: request.id }, 'git request failed');
    if (!res.writableEnded) res.destroy();
  }
}
