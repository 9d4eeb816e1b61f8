/**
 * Push options for merge requests (`git push -o merge_request.create -o merge_request.target=main`),
 * as GitLab's Gitlab::PushOptions and MergeRequests::PushOptionsHandlerService read them: after the
 * ref updates are in, each pushed branch (not deleted, not the default branch) gets its open merge
 * request updated, or one created with `merge_request.create`. What happened is answered as text
 * the pusher sees as `remote:` lines; failures never fail the push.
 */
import type { Deps } from '../../deps.js';
import { listCommits, type PushCommand, readRef } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { ApiError } from '../../http/errors.js';
import { webUrl } from '../../http/urls.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { defaultTitleAndDescription } from '../merge_requests/default_title.js';
import { DRAFT } from '../merge_requests/entity.js';
import { createMergeRequest, type MergeRequestAttrs, updateMergeRequest } from '../merge_requests/service.js';

const KEYS = new Set([
  'assign',
  'create',
  'description',
  'draft',
  'label',
  'merge_when_pipeline_succeeds',
  'milestone',
  'remove_source_branch',
  'target',
  'target_project',
  'title',
  'unassign',
  'unlabel',
]);
const MULTI = new Set(['label', 'unlabel', 'assign', 'unassign']);
/** GitLab's PushOptionsHandlerService::LIMIT. */
const BRANCH_LIMIT = 10;

export interface MergeRequestPushOptions {
  single: Map<string, string | true>;
  multi: Map<string, string[]>;
}

/** `namespace.key[=value]`, `mr.` standing for `merge_request.`; unknown options are ignored. */
export function parseMergeRequestOptions(raw: readonly string[]): MergeRequestPushOptions | null {
  const single = new Map<string, string | true>();
  const multi = new Map<string, string[]>();
  for (const option of raw) {
    const m = /^([^.]+)\.([^=]+)=?(.*)$/s.exec(option);
    if (!m) continue;
    const namespace = m[1]!.trim();
    const key = m[2]!.trim();
    if (namespace !== 'merge_request' && namespace !== 'mr') continue;
    if (!KEYS.has(key)) continue;
    const value = m[3]!.trim();
    if (MULTI.has(key)) {
      const list = multi.get(key) ?? [];
      if (value && !list.includes(value)) list.push(value);
      multi.set(key, list);
    } else single.set(key, value === '' ? true : value);
  }
  return single.size + multi.size > 0 ? { single, multi } : null;
}

const text = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);
const flag = (v: string | true | undefined) => (v === undefined ? undefined : v === true || v === 'true');

/** An ApiError's body as the full messages GitLab collects from a model's errors. */
function errorMessages(err: unknown): string[] {
  if (!(err instanceof ApiError)) return ['An unknown error occurred'];
  const m = err.body.message;
  if (typeof m === 'string') return [m];
  if (Array.isArray(m)) return m.map(String);
  if (m && typeof m === 'object')
    return Object.entries(m as Record<string, unknown>).flatMap(([field, v]) =>
      (Array.isArray(v) ? v : [v]).map(
        (x) => `${field.charAt(0).toUpperCase()}${field.slice(1).replace(/_/g, ' ')} ${x}`,
      ),
    );
  return [err.message];
}

async function userIds(deps: Deps, usernames: readonly string[]): Promise<number[]> {
  if (usernames.length === 0) return [];
  const rows = await deps.db.selectFrom('users').select('id').where('username', 'in', usernames).execute();
  return rows.map((r) => r.id);
}

/**
 * Acts on a push's merge request options; answers the `remote:` text (links to the merge requests,
 * then GitLab's warning with the errors), or undefined when the push had none.
 */
export async function handlePushOptions(
  deps: Deps,
  s: ProjectSubject,
  user: User,
  rawOptions: readonly string[],
  applied: readonly PushCommand[],
): Promise<string | undefined> {
  const opts = parseMergeRequestOptions(rawOptions);
  if (!opts) return undefined;
  const project = s.project;
  const repo = deps.git.projectRepo(project.id);
  // gitlab-compat: merge_request.target_project is not read; merge requests target this project.
  const branches = new Map<string, string>();
  for (const c of applied) {
    if (!c.ref.startsWith('refs/heads/') || c.type === 'delete') continue;
    const branch = c.ref.slice('refs/heads/'.length);
    if (branch !== project.default_branch) branches.set(branch, c.newOid);
  }
  const errors: string[] = [];
  const target = text(opts.single.get('target'));
  if (project.merge_requests_access_level === 'disabled')
    errors.push(`Merge requests are not enabled for project ${project.path_with_namespace}`);
  if (branches.size > BRANCH_LIMIT)
    errors.push(`Too many branches pushed (${branches.size} were pushed, limit is ${BRANCH_LIMIT})`);
  if (target !== undefined && !(await readRef(repo, `refs/heads/${target}`)))
    errors.push(`Target branch ${project.path_with_namespace}:${target} does not exist`);

  const links: string[] = [];
  if (errors.length === 0) {
    for (const [branch, head] of branches) {
      try {
        const iid = await forBranch(deps, s, user, opts, branch, head, errors);
        if (iid !== null) {
          const url = webUrl(deps.config, `${project.path_with_namespace}/-/merge_requests/${iid}`);
          links.push(`View merge request for ${branch}:`, `  ${url}`, '');
        }
      } catch (err) {
        errors.push(...errorMessages(err));
      }
    }
  }
  const out: string[] = [];
  if (links.length > 0) out.push('', ...links);
  if (errors.length > 0) {
    const given = rawOptions.map((o) => `'${o}'`).join(' ');
    out.push('WARNINGS:', `Error encountered with push options ${given}: ${errors.join('\n\n')}`, '');
  }
  return out.length > 0 ? out.join('\n') : undefined;
}

/** Updates the branch's open merge request, or creates one; answers its iid (null when neither). */
async function forBranch(
  deps: Deps,
  s: ProjectSubject,
  user: User,
  opts: MergeRequestPushOptions,
  branch: string,
  head: string,
  errors: string[],
): Promise<number | null> {
  const get = (k: string) => opts.single.get(k);
  const open = await deps.db
    .selectFrom('merge_requests')
    .selectAll()
    .where('project_id', '=', s.project.id)
    .where('source_project_id', '=', s.project.id)
    .where('source_branch', '=', branch)
    .where('state', '=', 'opened')
    .executeTakeFirst();
  const attrs: MergeRequestAttrs = {};
  const title = text(get('title'));
  const description = text(get('description'));
  if (description !== undefined) attrs.description = description.replaceAll('\\n', '\n');
  const target = text(get('target'));
  const removeSource = flag(get('remove_source_branch'));
  if (removeSource !== undefined) attrs.remove_source_branch = removeSource;
  const labels = opts.multi.get('label') ?? [];
  const unlabels = opts.multi.get('unlabel') ?? [];
  if (labels.length > 0) attrs.add_labels = labels;
  if (unlabels.length > 0) attrs.remove_labels = unlabels;
  const assign = await userIds(deps, opts.multi.get('assign') ?? []);
  const unassign = await userIds(deps, opts.multi.get('unassign') ?? []);
  const draft = flag(get('draft'));
  const withDraft = (t: string) => {
    if (draft === true && !DRAFT.test(t)) return `Draft: ${t}`;
    if (draft === false) return t.replace(DRAFT, '').trim();
    return t;
  };
  // gitlab-compat: merge_request.milestone and merge_when_pipeline_succeeds are accepted and not acted on.

  if (open) {
    if (title !== undefined || draft !== undefined) attrs.title = withDraft(title ?? open.title);
    if (target !== undefined) attrs.target_branch = target;
    if (assign.length > 0 || unassign.length > 0) {
      const current = await deps.db
        .selectFrom('merge_request_assignees')
        .select('user_id')
        .where('merge_request_id', '=', open.id)
        .execute();
      const ids = new Set(current.map((r) => r.user_id));
      for (const id of assign) ids.add(id);
      for (const id of unassign) ids.delete(id);
      attrs.assignee_ids = [...ids];
    }
    if (Object.keys(attrs).length > 0) await updateMergeRequest(deps, s, user, open, attrs);
    return open.iid;
  }
  if (get('create') === undefined) {
    errors.push(
      `A merge_request.create push option is required to create a merge request for branch ${branch}`,
    );
    return null;
  }
  const targetBranch = target ?? s.project.default_branch ?? 'main';
  const repo = deps.git.projectRepo(s.project.id);
  const targetSha = await readRef(repo, `refs/heads/${targetBranch}`);
  // The commits BuildService compares: those the branch adds to its target.
  const commits = await listCommits(repo, { ref: targetSha ? `${targetSha}..${head}` : head, limit: 1000 });
  // gitlab-compat: a branch named `<issue iid>-…` does not take the title, labels and
  // milestone, nor get "Closes #<iid>" appended, as BuildService does.
  const derived = defaultTitleAndDescription(branch, commits, {
    title,
    description: attrs.description ?? undefined,
  });
  const mr = await createMergeRequest(deps, s, user, {
    ...attrs,
    title: withDraft(derived.title),
    description: derived.description,
    source_branch: branch,
    target_branch: targetBranch,
    labels: labels.length > 0 ? labels : undefined,
    add_labels: undefined,
    remove_labels: undefined,
    assignee_ids: [...new Set([user.id, ...assign])].filter((id) => !unassign.includes(id)),
  });
  return mr.iid;
}
