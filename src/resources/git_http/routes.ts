/**
 * Git over HTTP (smart protocol) at `<external_url>/<full_path>.git/info/refs`, `/git-upload-pack`
 * and `/git-receive-pack` (also without `.git`, any depth of groups). These live outside /api/v4 and
 * take the raw request stream, so they are answered from an onRequest hook before routing: only
 * git paths with the right method are taken, everything else goes on to the app's routes and its
 * not-found handler unchanged (C1, C23).
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { type GitService, isGitService } from '../../git/index.js';
import { serveGitRequest } from './service.js';

const GIT_PATH = /^\/(.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export interface GitRoute {
  projectPath: string;
  action: 'advertise' | 'upload-pack' | 'receive-pack';
  service: GitService;
}

/** Which git request a method and URL are, or null for every other request. */
export function matchGitRoute(method: string, url: string): GitRoute | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.startsWith('/api/') || path.startsWith('/-/')) return null;
  const m = GIT_PATH.exec(path);
  if (!m) return null;
  let projectPath: string;
  try {
    projectPath = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  const what = m[2]!;
  if (what === 'info/refs') {
    if (method !== 'GET' && method !== 'HEAD') return null;
    const service = new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('service');
    // gitlab-compat: the dumb protocol is not served (GitLab answers it with an error too).
    return { projectPath, action: 'advertise', service: isGitService(service) ? service : 'git-upload-pack' };
  }
  if (method !== 'POST') return null;
  return what === 'git-upload-pack'
    ? { projectPath, action: 'upload-pack', service: 'git-upload-pack' }
    : { projectPath, action: 'receive-pack', service: 'git-receive-pack' };
}

// GET <project>.git/info/refs, POST <project>.git/git-upload-pack|git-receive-pack — doc/topics/git (smart HTTP)
export function gitHttpResource(app: FastifyInstance, deps: Deps): void {
  // Callback style with the API prefix tested first: every API request passes through this hook,
  // and an async hook would cost it a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.url.startsWith('/api/') ? null : matchGitRoute(request.method, request.url);
    if (!route) return done();
    reply.hijack();
    if (route.action === 'advertise') {
      const service = new URLSearchParams(request.url.split('?')[1] ?? '').get('service');
      if (!isGitService(service)) {
        reply.raw.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        reply.raw.end('Dumb HTTP protocol is not supported');
        return done();
      }
    }
    serveGitRequest(deps, request, reply.raw, route).then(() => done(), done);
  });
}
