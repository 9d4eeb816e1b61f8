/**
 * A project's bare repository over its life: created with the project (empty, or with a README
 * commit), copied for a fork, removed with the project. Also the bookkeeping a change of refs
 * needs on the project row (empty_repo, default_branch, last_activity_at).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/connection.js';
import { type Deps, nowIso } from '../../deps.js';
import {
  createRepository,
  headBranch,
  isEmptyRepository,
  isValidBranchName,
  listBranches,
  setDefaultBranch,
} from '../../git/index.js';
import type { User } from '../../http/auth.js';
import type { Project } from '../../permissions/projects.js';
import { effectiveDefaultBranch, readSettings } from '../application_settings/settings.js';
import { protectDefaultBranch } from '../protected_branches/service.js';

export interface RepositoryInit {
  initializeWithReadme?: boolean;
}

/** Projects::CreateService's repository part: the branch name, the bare repository, the README. */
export async function createProjectRepository(
  deps: Deps,
  project: Project,
  creator: User,
  init: RepositoryInit = {},
): Promise<Project> {
  const wanted = project.default_branch;
  // gitlab-compat: a default_branch git would refuse falls back to the instance's default.
  const branch =
    wanted && isValidBranchName(wanted) ? wanted : effectiveDefaultBranch(await readSettings(deps));
  await createRepository(deps.git.projectRepo(project.id), {
    defaultBranch: branch,
    initializeWithReadme: init.initializeWithReadme
      ? {
          author: { name: creator.name, email: creator.email },
          projectName: project.name,
          description: project.description,
        }
      : undefined,
  });
  const updated = await deps.db
    .updateTable('projects')
    .set({ default_branch: branch, empty_repo: !init.initializeWithReadme })
    .where('id', '=', project.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (init.initializeWithReadme) await protectDefaultBranch(deps, updated);
  return updated;
}

/** A fork starts as a copy of its source's repository (objects and refs; hashed storage by id). */
export async function forkProjectRepository(deps: Deps, source: Project, fork: Project): Promise<Project> {
  const from = deps.git.projectRepo(source.id);
  const to = deps.git.projectRepo(fork.id);
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.cp(from, to, { recursive: true, errorOnExist: true, force: false });
  const empty = await isEmptyRepository(to);
  const branch = (await headBranch(to)) ?? source.default_branch;
  return deps.db
    .updateTable('projects')
    .set({ default_branch: branch, empty_repo: empty })
    .where('id', '=', fork.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes a project's repository (and wiki) from storage. */
export function removeProjectRepository(deps: Pick<Deps, 'git'>, projectId: number): Promise<void> {
  return deps.git.removeProject(projectId);
}

/**
 * After refs changed (push, API commit, branch create/delete): GitLab's post-receive bookkeeping.
 * The first branch of an empty repository becomes the default when the default does not exist,
 * and the default branch is protected when it first appears.
 */
export async function afterRefsChanged(
  deps: Deps,
  project: Project,
  opts: { pushedBranches?: readonly string[] } = {},
): Promise<Project> {
  const repo = deps.git.projectRepo(project.id);
  const branches = await listBranches(repo);
  const names = branches.map((b) => b.name);
  let defaultBranch = project.default_branch;
  const hadDefault = !project.empty_repo;
  if (names.length > 0 && (!defaultBranch || !names.includes(defaultBranch))) {
    const pushed = (opts.pushedBranches ?? []).find((b) => names.includes(b));
    defaultBranch = pushed ?? names[0]!;
    await setDefaultBranch(repo, defaultBranch);
  }
  const updated = await touchProject(deps.db, project.id, {
    empty_repo: names.length === 0,
    default_branch: defaultBranch,
    now: nowIso(deps),
  });
  if (!hadDefault && defaultBranch && names.includes(defaultBranch))
    await protectDefaultBranch(deps, updated);
  return updated;
}

function touchProject(
  db: Db,
  projectId: number,
  v: { empty_repo: boolean; default_branch: string | null; now: string },
): Promise<Project> {
  return db
    .updateTable('projects')
    .set({ empty_repo: v.empty_repo, default_branch: v.default_branch, last_activity_at: v.now })
    .where('id', '=', projectId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
