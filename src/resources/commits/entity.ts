import type { Config } from '../../config.js';
import type { Commit, CommitStats } from '../../git/index.js';
import { webUrl } from '../../http/urls.js';

type Cfg = Pick<Config, 'externalUrl'>;

/** Trailers (`Key: value` lines of the last paragraph), as Gitaly parses them. */
function trailers(message: string): { trailers: Record<string, string>; extended: Record<string, string[]> } {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const out: Record<string, string> = {};
  const extended: Record<string, string[]> = {};
  if (paragraphs.length < 2) return { trailers: out, extended };
  const lines = paragraphs[paragraphs.length - 1]!.split('\n');
  if (!lines.every((l) => /^[A-Za-z0-9-]+: .+/.test(l))) return { trailers: out, extended };
  for (const l of lines) {
    const i = l.indexOf(': ');
    const k = l.slice(0, i);
    const v = l.slice(i + 2);
    out[k] = v;
    extended[k] = [...(extended[k] ?? []), v];
  }
  return { trailers: out, extended };
}

/** lib/api/entities/commit.rb */
export function toCommit(config: Cfg, projectPath: string, c: Commit) {
  const t = trailers(c.message);
  return {
    id: c.id,
    short_id: c.short_id,
    created_at: c.committed_date,
    parent_ids: c.parent_ids,
    title: c.title,
    message: c.message,
    author_name: c.author_name,
    author_email: c.author_email,
    authored_date: c.authored_date,
    committer_name: c.committer_name,
    committer_email: c.committer_email,
    committed_date: c.committed_date,
    trailers: t.trailers,
    extended_trailers: t.extended,
    web_url: webUrl(config, `${projectPath}/-/commit/${c.id}`),
  };
}

/** lib/api/entities/commit_detail.rb */
export function toCommitDetail(
  config: Cfg,
  projectPath: string,
  projectId: number,
  c: Commit,
  stats: CommitStats | null,
) {
  return {
    ...toCommit(config, projectPath, c),
    ...(stats ? { stats } : {}),
    // gitlab-compat: pipelines are not implemented; commits have no status or pipeline.
    status: null,
    project_id: projectId,
    last_pipeline: null,
  };
}
