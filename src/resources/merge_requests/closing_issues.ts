/**
 * The issues a merge request closes and mentions (MergeRequest#closes_issues with GitLab's
 * default closing pattern, over the title, the description and the commit messages — closing
 * only when the target is the default branch), and closing them when it merges.
 */
import type { Deps } from '../../deps.js';
import { listCommits } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { ApiError } from '../../http/errors.js';
import { findProject } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { IssueSubject } from '../../permissions/issues.js';
import type { MergeRequestSubject } from '../../permissions/merge_requests.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { findIssue } from '../issues/routes.js';
import { updateIssue } from '../issues/service.js';
import { mergeRequestGitState } from './git_state.js';

const ISSUE_REF = String.raw`(?:[\w.-]+(?:\/[\w.-]+)+)?#\d+`;
/** GitLab's default closing pattern: "Closes #1", "fixes: #2, #3", "Resolves group/p#4 and #5". */
const CLOSING = new RegExp(
  String.raw`\b(?:clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|implement(?:s|ed|ing)?):?\s+((?:${ISSUE_REF}(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s+)?)+)`,
  'gi',
);
const REF = /(?<![\w&#])(?:([\w.-]+(?:\/[\w.-]+)+))?#(\d+)\b/g;

type Ref = { path: string; iid: number };

const refsIn = (text: string): Ref[] =>
  [...text.matchAll(REF)].map((m) => ({ path: m[1] ?? '', iid: Number(m[2]) }));

async function messages(deps: Deps, s: MergeRequestSubject): Promise<string[]> {
  const git = await mergeRequestGitState(deps, s.mr);
  const head = git.sourceSha ?? s.mr.diff_head_sha;
  const base = git.sourceSha ? git.baseSha : s.mr.diff_base_sha;
  const repo = deps.git.projectRepo(s.project.project.id);
  const commits = head ? await listCommits(repo, { ref: base ? `${base}..${head}` : head, limit: 1000 }) : [];
  return [s.mr.title, s.mr.description ?? '', ...commits.map((c) => c.message)];
}

/** Issues behind references, each once, in order, those the viewer cannot see left out. */
async function resolve(deps: Deps, user: User | null, s: MergeRequestSubject, refs: Ref[]) {
  const projects = new Map<string, ProjectSubject | null>([['', s.project]]);
  const out: IssueSubject[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    if (!projects.has(r.path))
      projects.set(
        r.path,
        await findProject(deps.db, user, r.path).catch((err) => {
          if (err instanceof ApiError) return null;
          throw err;
        }),
      );
    const project = projects.get(r.path);
    if (!project) continue;
    const issue = await findIssue(deps, user, project, r.iid).catch((err) => {
      if (err instanceof ApiError) return null;
      throw err;
    });
    if (!issue || seen.has(`${issue.issue.id}`)) continue;
    seen.add(`${issue.issue.id}`);
    out.push(issue);
  }
  return out;
}

export async function referencedIssues(deps: Deps, user: User | null, s: MergeRequestSubject) {
  const texts = await messages(deps, s);
  const closingRefs: Ref[] = [];
  if (s.mr.target_branch === s.project.project.default_branch)
    for (const t of texts) for (const m of t.matchAll(CLOSING)) closingRefs.push(...refsIn(m[1]!));
  const closing = await resolve(deps, user, s, closingRefs);
  const closingIds = new Set(closing.map((i) => i.issue.id));
  const all = await resolve(deps, user, s, texts.flatMap(refsIn));
  return { closing, mentioned: all.filter((i) => !closingIds.has(i.issue.id)) };
}

/** After a merge: the issues it closes are closed through the issue module, by the merging user. */
export async function closeIssuesOnMerge(deps: Deps, user: User, s: MergeRequestSubject): Promise<void> {
  const { closing } = await referencedIssues(deps, user, s);
  for (const i of closing) {
    if (i.issue.state !== 'opened' || !can(user, 'update_issue', i)) continue;
    await updateIssue(deps, i.project, user, i.issue, { state_event: 'close' });
  }
}
