/**
 * The git layer: the only code that runs git. Everything takes an absolute repository path
 * (see `repoPath`) and knows nothing of HTTP, users or permissions.
 */
export * from './archive.js';
export * from './blame.js';
export * from './catfile.js';
export { runGit, userArg, userPath } from './command.js';
export * from './commit.js';
export * from './crossrepo.js';
export * from './diff.js';
export * from './errors.js';
export * from './layer.js';
export * from './log.js';
export * from './merge.js';
export * from './objects.js';
export * from './pick.js';
export * from './read.js';
export * from './rebase.js';
export * from './refs.js';
export * from './smart-http.js';
export * from './storage.js';
