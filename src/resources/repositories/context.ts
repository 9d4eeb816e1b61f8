/** What every repository endpoint starts with: the project, the caller's right to read its code, its repository path. */
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { findProject } from '../../http/lookups.js';
import { authorize } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';

export interface RepoContext {
  subject: ProjectSubject;
  repo: string;
}

/** GitLab's `authorize! :download_code, user_project`: hidden projects 404, a closed repository 403. */
export async function readableRepository(deps: Deps, user: User | null, id: string): Promise<RepoContext> {
  const subject = await findProject(deps.db, user, id);
  authorize(user, 'download_code', subject);
  return { subject, repo: deps.git.projectRepo(subject.project.id) };
}

/** `authorize_push_project`. */
export async function writableRepository(deps: Deps, user: User, id: string): Promise<RepoContext> {
  const ctx = await readableRepository(deps, user, id);
  authorize(user, 'push_code', ctx.subject);
  return ctx;
}

/** A user value that may reach git as a revision: never one git could read as an option. */
export const isSafeRevision = (rev: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  rev.length > 0 && rev.length <= 1024 && !rev.startsWith('-') && !/[\u0000-\u001f\u007f]/.test(rev);
