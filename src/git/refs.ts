/**
 * Branches, tags and ref updates. Every ref change is a compare-and-swap through
 * `git update-ref --stdin` with the expected old value, so a concurrent writer is refused
 * instead of silently losing a commit.
 */
import { gitText, runGit, userArg } from './command.js';
import { GitCommandError, InvalidRefNameError, NotFoundError, RefConflictError } from './errors.js';
import { type Commit, commitTitle, formatGitDate, OID_PATTERN, ZERO_OID } from './objects.js';

const MAX_REF_LENGTH = 1024;
const MAX_REF_COMPONENT_BYTES = 255;

/**
 * git's ref-name rules (`git check-ref-format`) plus ours: no leading `-` in any component, no
 * control characters, a sane length. Checked in-process so a bad name never reaches git.
 */
export function isValidRefName(ref: string): boolean {
  if (ref.length === 0 || ref.length > MAX_REF_LENGTH) return false;
  if (ref === '@' || ref.includes('@{')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes('..') || ref.includes('//')) return false;
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return false;
  for (const part of ref.split('/')) {
    if (part.startsWith('.') || part.startsWith('-') || part.endsWith('.lock')) return false;
    // A loose ref is a file: a component longer than a file name can be would fail to be written.
    if (Buffer.byteLength(part, 'utf8') > MAX_REF_COMPONENT_BYTES) return false;
  }
  return true;
}

export function assertValidRefName(ref: string): void {
  if (!isValidRefName(ref)) throw new InvalidRefNameError(ref);
}

/** A branch name as GitLab accepts it: a valid `refs/heads/<name>` that is not itself a full ref or a sha. */
export function isValidBranchName(name: string): boolean {
  return (
    isValidRefName(`refs/heads/${name}`) &&
    !name.startsWith('refs/') &&
    name !== 'HEAD' &&
    !OID_PATTERN.test(name)
  );
}

export function isValidTagName(name: string): boolean {
  return isValidRefName(`refs/tags/${name}`) && !name.startsWith('refs/') && name !== 'HEAD';
}

/** git's own opinion (used to check that ours is never laxer). */
export async function checkRefFormat(ref: string): Promise<boolean> {
  const r = await runGit(['check-ref-format', userArg(ref, 'ref')], { okExitCodes: [1] });
  return r.exitCode === 0;
}

/** Resolves a revision to a commit id, or null. Never runs for a value git could take as an option. */
export async function resolveCommit(repo: string, rev: string): Promise<string | null> {
  return resolveRevision(repo, `${userArg(rev, 'revision')}^{commit}`);
}

/** Resolves any revision expression (`x^{tree}`, `x:path`) to an object id, or null. */
export async function resolveRevision(repo: string, rev: string): Promise<string | null> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', userArg(rev, 'revision')], {
    repo,
    okExitCodes: [1, 128],
  });
  const oid = r.stdout.toString('utf8').trim();
  return r.exitCode === 0 && OID_PATTERN.test(oid) ? oid : null;
}

/** The current value of a full ref name, or null when it does not exist. */
export async function readRef(repo: string, ref: string): Promise<string | null> {
  assertValidRefName(ref);
  const r = await runGit(['for-each-ref', '--format=%(refname)%00%(objectname)', '--', ref], { repo });
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [name, oid] = line.split('\0');
    if (name === ref && oid) return oid;
  }
  return null;
}

/** Current values of several full ref names in one process; missing ones are absent from the map. */
export async function readRefs(repo: string, refs: readonly string[]): Promise<Map<string, string>> {
  const wanted = refs.filter(isValidRefName);
  const found = new Map<string, string>();
  if (wanted.length === 0) return found;
  const out = await gitText(['for-each-ref', '--format=%(refname)%00%(objectname)', '--', ...wanted], {
    repo,
  });
  const set = new Set(wanted);
  for (const line of out.split('\n')) {
    const [name, oid] = line.split('\0');
    if (name && oid && set.has(name)) found.set(name, oid);
  }
  return found;
}

export interface RefUpdate {
  ref: string;
  /** The new object id; ZERO_OID (or null) deletes the ref. */
  newOid: string | null;
  /** The value the ref must have now; null means it must not exist. */
  oldOid: string | null;
}

function isConflict(stderr: string): boolean {
  return /cannot lock ref|reference already exists|but expected|is at .* but|unable to create .*\.lock|File exists|reference is missing|but it does not exist/i.test(
    stderr,
  );
}

/**
 * Applies ref updates atomically, each checked against its expected old value.
 * Throws RefConflictError when any ref moved (nothing is applied then).
 */
export async function updateRefs(
  repo: string,
  updates: readonly RefUpdate[],
  message?: string,
): Promise<void> {
  if (updates.length === 0) return;
  const parts: string[] = ['start'];
  for (const u of updates) {
    assertValidRefName(u.ref);
    const oldOid = u.oldOid ?? ZERO_OID;
    if (!OID_PATTERN.test(oldOid)) throw new InvalidRefNameError(u.oldOid ?? '');
    if (u.newOid === null || u.newOid === ZERO_OID) {
      if (oldOid === ZERO_OID) throw new NotFoundError(u.ref);
      parts.push('delete', u.ref, oldOid);
    } else {
      if (!OID_PATTERN.test(u.newOid)) throw new InvalidRefNameError(u.newOid);
      parts.push('update', u.ref, u.newOid, oldOid);
    }
  }
  // -z form: "update SP <ref> NUL <new> NUL <old> NUL", "delete SP <ref> NUL <old> NUL".
  let input = '';
  for (let i = 0; i < parts.length; ) {
    const verb = parts[i++]!;
    if (verb === 'start') {
      input += 'start\0';
    } else if (verb === 'delete') {
      input += `delete ${parts[i]}\0${parts[i + 1]}\0`;
      i += 2;
    } else {
      input += `update ${parts[i]}\0${parts[i + 1]}\0${parts[i + 2]}\0`;
      i += 3;
    }
  }
  input += 'prepare\0commit\0';
  const args = ['update-ref', '--stdin', '-z'];
  if (message) args.push(`--create-reflog`, `-m`, message.replace(/[\r\n\0]/g, ' '));
  try {
    await runGit(args, { repo, input, timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof GitCommandError && isConflict(err.stderr)) {
      throw new RefConflictError(updates.map((u) => u.ref).join(', '));
    }
    throw err;
  }
}

/** Compare-and-swap one ref: `oldOid` is what the caller read (null = must not exist yet). */
export function updateRef(repo: string, ref: string, newOid: string, oldOid: string | null): Promise<void> {
  return updateRefs(repo, [{ ref, newOid, oldOid }]);
}

/** Deletes a ref only if it still points at `oldOid`. */
export function deleteRef(repo: string, ref: string, oldOid: string): Promise<void> {
  return updateRefs(repo, [{ ref, newOid: null, oldOid }]);
}

export interface RefEntry {
  /** Short name: `main`, `v1.0`. */
  name: string;
  /** Full name: `refs/heads/main`. */
  ref: string;
  /** What the ref points at (a tag object for annotated tags). */
  target: string;
  /** The commit it peels to (null for a tag of a tree or blob). */
  commit: Commit | null;
  /** Annotated tags only. */
  tag: { id: string; message: string; tagger_name: string; tagger_email: string; tagger_date: string } | null;
}

const FIELDS = [
  'refname',
  'objectname',
  'objecttype',
  'contents', // tag message for annotated tags, message for commits
  'taggername',
  'taggeremail:trim',
  'taggerdate:raw',
  // the commit the ref peels to: direct for branches and lightweight tags, `*` for annotated ones
  'objectname',
  'tree',
  'parent',
  'authorname',
  'authoremail:trim',
  'authordate:raw',
  'committername',
  'committeremail:trim',
  'committerdate:raw',
  'contents',
] as const;

function formatFor(peeled: boolean): string {
  return FIELDS.map((f, i) => (peeled && i >= 7 ? `%(*${f})` : `%(${f})`)).join('%00');
}

function dateOf(raw: string): string {
  const [s, tz] = raw.split(' ');
  return formatGitDate(Number(s), tz ?? '+0000');
}

function parseRecords(out: string, count: number): string[][] {
  const tokens = out.split('\0');
  const records: string[][] = [];
  for (let i = 0; i + count <= tokens.length; i += count) {
    const rec = tokens.slice(i, i + count);
    rec[0] = rec[0]!.replace(/^\n/, '');
    records.push(rec);
  }
  return records;
}

function toCommit(f: readonly string[], offset: number): Commit | null {
  const id = f[offset] ?? '';
  if (!OID_PATTERN.test(id)) return null;
  const message = f[offset + 9] ?? '';
  return {
    id,
    short_id: id.slice(0, 11),
    title: commitTitle(message),
    message,
    author_name: f[offset + 3] ?? '',
    author_email: f[offset + 4] ?? '',
    authored_date: dateOf(f[offset + 5] ?? ''),
    committer_name: f[offset + 6] ?? '',
    committer_email: f[offset + 7] ?? '',
    committed_date: dateOf(f[offset + 8] ?? ''),
    parent_ids: (f[offset + 2] ?? '').split(' ').filter(Boolean),
    tree_id: f[offset + 1] ?? '',
  };
}

export interface ListRefsOptions {
  /** `refs/heads/` or `refs/tags/`. */
  prefix: 'refs/heads/' | 'refs/tags/';
  /** Only these short names (exact). */
  names?: readonly string[];
  sort?: 'refname' | '-refname' | 'committerdate' | '-committerdate' | 'creatordate' | '-creatordate';
}

/**
 * Lists refs with the commit each points at, in one `for-each-ref` (commit fields come from the
 * ref itself for branches and lightweight tags, from the peeled object for annotated tags).
 */
export async function listRefs(repo: string, opts: ListRefsOptions): Promise<RefEntry[]> {
  const patterns = opts.names
    ? opts.names.map((n) => {
        const ref = `${opts.prefix}${n}`;
        assertValidRefName(ref);
        return ref;
      })
    : [opts.prefix];
  if (patterns.length === 0) return [];
  const sort = opts.sort ?? 'refname';
  // Two passes over the same refs would cost two processes; one format with both direct and
  // peeled fields keeps it to one.
  const format = `${formatFor(false)}%00${formatFor(true).split('%00').slice(7).join('%00')}%00`;
  const out = await gitText(['for-each-ref', `--sort=${sort}`, `--format=${format}`, '--', ...patterns], {
    repo,
  });
  // Records end with NUL then the newline for-each-ref adds, which parseRecords strips.
  const width = FIELDS.length + (FIELDS.length - 7);
  const entries: RefEntry[] = [];
  for (const f of parseRecords(out, width)) {
    const ref = f[0]!;
    if (opts.names && !patterns.includes(ref)) continue;
    const type = f[2];
    const annotated = type === 'tag';
    const commit = annotated ? toCommit(f, FIELDS.length) : type === 'commit' ? toCommit(f, 7) : null;
    entries.push({
      name: ref.slice(opts.prefix.length),
      ref,
      target: f[1]!,
      commit,
      tag: annotated
        ? {
            id: f[1]!,
            message: f[3] ?? '',
            tagger_name: f[4] ?? '',
            tagger_email: f[5] ?? '',
            tagger_date: dateOf(f[6] ?? ''),
          }
        : null,
    });
  }
  return entries;
}

export const listBranches = (repo: string, names?: readonly string[]) =>
  listRefs(repo, { prefix: 'refs/heads/', names });

export const listTags = (repo: string, names?: readonly string[]) =>
  listRefs(repo, { prefix: 'refs/tags/', names, sort: '-creatordate' });

/** The branch HEAD points at, or null when HEAD is detached or missing. */
export async function headBranch(repo: string): Promise<string | null> {
  const r = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { repo, okExitCodes: [1, 128] });
  const ref = r.stdout.toString('utf8').trim();
  return r.exitCode === 0 && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

/** True when the repository has no branches at all. */
export async function isEmptyRepository(repo: string): Promise<boolean> {
  const out = await gitText(['for-each-ref', '--count=1', '--format=%(refname)', '--', 'refs/heads/'], {
    repo,
  });
  return out.trim() === '';
}

/** Short names of the branches whose tips are reachable from `target` (GitLab's merged branches). */
export async function mergedBranchNames(repo: string, target: string): Promise<Set<string>> {
  if (!OID_PATTERN.test(target)) throw new InvalidRefNameError(target);
  const out = await gitText(
    ['for-each-ref', `--merged=${target}`, '--format=%(refname)', '--', 'refs/heads/'],
    {
      repo,
    },
  );
  const names = new Set<string>();
  for (const line of out.split('\n')) if (line.startsWith('refs/heads/')) names.add(line.slice(11));
  return names;
}

export interface TagIdentity {
  name: string;
  email: string;
  date?: Date;
}

/**
 * Creates `refs/tags/<name>` at commit `target` (an annotated tag object when `message` is given),
 * refusing an existing tag (compare-and-swap against "must not exist").
 */
export async function createTag(
  repo: string,
  name: string,
  target: string,
  message: string | null,
  tagger: TagIdentity,
): Promise<string> {
  const ref = `refs/tags/${name}`;
  assertValidRefName(ref);
  if (!OID_PATTERN.test(target)) throw new InvalidRefNameError(target);
  let oid = target;
  if (message) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (/[<>\u0000-\u001f]/.test(tagger.name + tagger.email)) throw new InvalidRefNameError('tagger');
    const date = Math.floor((tagger.date ?? new Date()).getTime() / 1000);
    const body = `object ${target}\ntype commit\ntag ${name}\ntagger ${tagger.name} <${tagger.email}> ${date} +0000\n\n${message.replace(/\n*$/, '\n')}`;
    oid = (await gitText(['mktag'], { repo, input: body })).trim();
  }
  await updateRef(repo, ref, oid, null);
  return oid;
}
