/**
 * Where repositories live: GitLab's hashed storage, `@hashed/ab/cd/<sha256(id)>.git` under
 * `<dataDir>/repositories`, so a rename or transfer never moves a folder.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from './command.js';
import { type CommitIdentity, commitFiles } from './commit.js';
import { GitCommandError } from './errors.js';
import { assertValidRefName } from './refs.js';

/** `@hashed/ab/cd/<sha256>.git`, relative to the storage root (GitLab's disk_path + .git). */
export function repoRelativePath(projectId: number): string {
  if (!Number.isSafeInteger(projectId) || projectId <= 0) throw new RangeError('project id must be positive');
  const hash = createHash('sha256').update(String(projectId)).digest('hex');
  return `@hashed/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}.git`;
}

export function storageRoot(dataDir: string): string {
  return path.resolve(dataDir, 'repositories');
}

/** Absolute path of a project's bare repository. */
export function repoPath(dataDir: string, projectId: number): string {
  return path.join(storageRoot(dataDir), repoRelativePath(projectId));
}

/** The wiki lives beside the project: `<hash>.wiki.git`, as in GitLab. */
export function wikiRepoPath(dataDir: string, projectId: number): string {
  return repoPath(dataDir, projectId).replace(/\.git$/, '.wiki.git');
}

export interface CreateRepositoryOptions {
  defaultBranch?: string;
  /** Writes one commit with a README.md on the default branch. */
  initializeWithReadme?: { author: CommitIdentity; projectName: string; description?: string | null };
}

export async function repositoryExists(repo: string): Promise<boolean> {
  try {
    await fs.access(path.join(repo, 'HEAD'));
    return true;
  } catch {
    return false;
  }
}

/** Creates a bare repository (refusing to overwrite one), optionally with a README commit. */
export async function createRepository(repo: string, opts: CreateRepositoryOptions = {}): Promise<void> {
  const branch = opts.defaultBranch ?? 'main';
  assertValidRefName(`refs/heads/${branch}`);
  if (await repositoryExists(repo)) throw new GitCommandError('init', null, 'repository already exists');
  await fs.mkdir(path.dirname(repo), { recursive: true });
  await runGit(['init', '--bare', '--quiet', `--initial-branch=${branch}`, '--', repo]);
  // Make the repository answer the way GitLab's Gitaly-managed ones do for clients.
  for (const [key, value] of [
    ['core.logAllRefUpdates', 'false'],
    ['receive.advertisePushOptions', 'true'],
    ['uploadpack.allowFilter', 'true'],
    ['uploadpack.allowAnySHA1InWant', 'false'],
    ['http.receivepack', 'true'],
  ] as const) {
    await runGit(['config', '--', key, value], { repo });
  }
  if (opts.initializeWithReadme) {
    const { author, projectName, description } = opts.initializeWithReadme;
    const readme = `# ${projectName}\n\n${description ?? ''}`.trimEnd().concat('\n');
    await commitFiles(repo, {
      branch,
      message: 'Initial commit',
      author,
      actions: [{ action: 'create', file_path: 'README.md', content: readme }],
    });
  }
}

/** Removes a repository folder; a missing one is not an error. */
export async function removeRepository(repo: string): Promise<void> {
  await fs.rm(repo, { recursive: true, force: true });
}

/** Sets the branch HEAD points at (the project's default branch). */
export async function setDefaultBranch(repo: string, branch: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  assertValidRefName(ref);
  await runGit(['symbolic-ref', 'HEAD', ref], { repo });
}
