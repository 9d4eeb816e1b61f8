import type { FileAtRef } from './service.js';
import { fileHeaders } from './service.js';

/** GitLab's file answer (lib/api/files.rb `blob_data`), content base64 at the end. */
export function toRepositoryFile(f: FileAtRef) {
  const h = fileHeaders(f);
  return {
    file_name: h['x-gitlab-file-name'],
    file_path: f.path,
    size: f.blob.size,
    encoding: 'base64',
    content_sha256: h['x-gitlab-content-sha256'],
    ref: f.ref,
    blob_id: f.blob.oid,
    commit_id: f.commitId,
    last_commit_id: f.lastCommitId,
    execute_filemode: f.mode === '100755',
    content: f.blob.content.toString('base64'),
  };
}
