/**
 * Git object types and the parsers for raw objects as `git cat-file --batch` prints them.
 * Field names follow GitLab's commit entity (id, short_id, title, author_name, …).
 */

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObject {
  oid: string;
  type: ObjectType;
  size: number;
  /** Absent for `--batch-check` answers. */
  data?: Buffer;
}

export interface Commit {
  id: string;
  short_id: string;
  title: string;
  message: string;
  author_name: string;
  author_email: string;
  /** ISO 8601 with milliseconds and the author's UTC offset, as GitLab answers it. */
  authored_date: string;
  committer_name: string;
  committer_email: string;
  committed_date: string;
  parent_ids: string[];
  tree_id: string;
}

export interface TreeEntry {
  id: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  /** GitLab's form: six digits ("100644", "040000"). */
  mode: string;
  path: string;
}

export interface Tag {
  id: string;
  object: string;
  object_type: ObjectType;
  name: string;
  message: string;
  tagger_name: string | null;
  tagger_email: string | null;
  tagger_date: string | null;
}

export const ZERO_OID = '0000000000000000000000000000000000000000';
export const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
export const OID_PATTERN = /^[0-9a-f]{40}$/;

const SHORT_ID_LENGTH = 11; // Gitlab::Git::Commit#short_id: id[0..10]

/** GitLab's commit title: the first line, cut to 80 characters at a word when it is 100 or longer. */
export function commitTitle(message: string): string {
  if (message.trim() === '') return 'No commit message';
  const full = message.split(/[\r\n]/, 1)[0] ?? '';
  if ([...full].length < 100) return full;
  // ActiveSupport's truncate(81, separator: ' ', omission: '...'): cut at the last space at or before 78.
  const chars = [...full];
  let stop = 78;
  for (let i = 78; i >= 0; i--) {
    if (chars[i] === ' ') {
      stop = i;
      break;
    }
  }
  const cut = chars.slice(0, stop).join('');
  return `${cut}...`;
}

/** `<seconds> <+hhmm>` → `2024-01-01T10:00:00.000+02:00` (Ruby's Time#xmlschema(3) with the offset kept). */
export function formatGitDate(seconds: number, tz: string): string {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(tz);
  const sign = m?.[1] === '-' ? -1 : 1;
  const offsetMin = m ? sign * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const local = new Date((seconds + offsetMin * 60) * 1000).toISOString().slice(0, 23);
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

export interface Signature {
  name: string;
  email: string;
  date: string;
}

/** `Name <email> 1700000000 +0200` */
export function parseSignature(line: string): Signature {
  const m = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: formatGitDate(0, '+0000') };
  return { name: m[1]!, email: m[2]!, date: formatGitDate(Number(m[3]), m[4]!) };
}

function splitHeaders(data: Buffer): { headers: Array<[string, string]>; message: string } {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const message = end === -1 ? '' : text.slice(end + 2);
  const headers: Array<[string, string]> = [];
  for (const line of head.split('\n')) {
    if (line.startsWith(' ') && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += `\n${line.slice(1)}`; // continuation (gpgsig, mergetag)
      continue;
    }
    const space = line.indexOf(' ');
    if (space > 0) headers.push([line.slice(0, space), line.slice(space + 1)]);
  }
  return { headers, message };
}

export function parseCommit(oid: string, data: Buffer): Commit {
  const { headers, message } = splitHeaders(data);
  const parents: string[] = [];
  let tree = '';
  let author = parseSignature('');
  let committer = parseSignature('');
  for (const [key, value] of headers) {
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseSignature(value);
    else if (key === 'committer') committer = parseSignature(value);
  }
  return {
    id: oid,
    short_id: oid.slice(0, SHORT_ID_LENGTH),
    title: commitTitle(message),
    message,
    author_name: author.name,
    author_email: author.email,
    authored_date: author.date,
    committer_name: committer.name,
    committer_email: committer.email,
    committed_date: committer.date,
    parent_ids: parents,
    tree_id: tree,
  };
}

export function parseTag(oid: string, data: Buffer): Tag {
  const { headers, message } = splitHeaders(data);
  const get = (k: string) => headers.find(([key]) => key === k)?.[1];
  const tagger = get('tagger');
  const sig = tagger ? parseSignature(tagger) : null;
  return {
    id: oid,
    object: get('object') ?? '',
    object_type: (get('type') ?? 'commit') as ObjectType,
    name: get('tag') ?? '',
    message,
    tagger_name: sig?.name ?? null,
    tagger_email: sig?.email ?? null,
    tagger_date: sig?.date ?? null,
  };
}

export function entryType(mode: string): TreeEntry['type'] {
  if (mode === '40000' || mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** Binary tree object: `<mode> <name>\0<20-byte oid>` repeated. */
export function parseTree(data: Buffer, basePath = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = data.indexOf(0, space);
    if (space === -1 || nul === -1) break;
    const mode = data.toString('latin1', i, space);
    const name = data.toString('utf8', space + 1, nul);
    const id = data.toString('hex', nul + 1, nul + 21);
    entries.push({
      id,
      name,
      type: entryType(mode),
      mode: mode.padStart(6, '0'),
      path: basePath ? `${basePath}/${name}` : name,
    });
    i = nul + 21;
  }
  return entries;
}
