/**
 * What the rest of the app holds (as `deps.git` once wired): the storage root and the shared
 * cat-file pool. Everything else in src/git is plain functions over a repository path.
 */
import { CatFilePool, type CatFilePoolOptions } from './catfile.js';
import { removeRepository, repoPath, wikiRepoPath } from './storage.js';

export interface GitLayerOptions {
  dataDir: string;
  pool?: CatFilePoolOptions;
}

export class GitLayer {
  readonly dataDir: string;
  readonly pool: CatFilePool;

  constructor(opts: GitLayerOptions) {
    this.dataDir = opts.dataDir;
    this.pool = new CatFilePool(opts.pool);
  }

  /** The bare repository of a project (hashed storage). */
  projectRepo(projectId: number): string {
    return repoPath(this.dataDir, projectId);
  }

  wikiRepo(projectId: number): string {
    return wikiRepoPath(this.dataDir, projectId);
  }

  /** Stops the repository's readers, then deletes it (and its wiki). */
  async removeProject(projectId: number): Promise<void> {
    for (const repo of [this.projectRepo(projectId), this.wikiRepo(projectId)]) {
      this.pool.closeRepository(repo);
      await removeRepository(repo);
    }
  }

  close(): void {
    this.pool.close();
  }
}
