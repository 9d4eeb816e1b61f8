/**
 * Diff note positions (Gitlab::Diff::Position): parsed as Grape parses `position[...]`, then
 * validated as DiffNote validates them — a text position must land on a line of the diff between
 * base_sha and head_sha, or the note is refused with GitLab's `400 Bad request - Note {...}`.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { diffTrees, OID_PATTERN } from '../../git/index.js';
import { badRequest, invalidParams } from '../../http/errors.js';
import { isPlainObject, type Params } from '../../http/params.js';

export interface DiffPosition {
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string | null;
  new_path: string | null;
  position_type: 'text' | 'image' | 'file';
  old_line?: number | null;
  new_line?: number | null;
  line_range?: unknown;
  ignore_whitespace_change?: boolean;
  width?: number | null;
  height?: number | null;
  x?: number | null;
  y?: number | null;
}

const POSITION_TYPES = ['text', 'image', 'file'] as const;

const integer = (v: unknown): number | null | 'invalid' => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : 'invalid';
  if (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v)) return Number.parseInt(v, 10);
  return 'invalid';
};
const number = (v: unknown): number | null | 'invalid' => {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 'invalid';
};
const text = (v: unknown): string | null | 'invalid' =>
  v === undefined || v === null
    ? null
    : typeof v === 'string' || typeof v === 'number'
      ? String(v)
      : 'invalid';

/** The declared `position` hash of POST …/discussions: Grape's messages, `position[x] is missing`. */
export function parsePosition(raw: unknown): DiffPosition {
  if (!isPlainObject(raw)) throw invalidParams(['position is invalid']);
  const h = raw as Params;
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of ['base_sha', 'start_sha', 'head_sha', 'position_type']) {
    const v = text(h[key]);
    if (v === null) errors.push(`position[${key}] is missing`);
    else if (v === 'invalid') errors.push(`position[${key}] is invalid`);
    else out[key] = v;
  }
  if (
    typeof out.position_type === 'string' &&
    !(POSITION_TYPES as readonly string[]).includes(out.position_type)
  )
    errors.push('position[position_type] does not have a valid value');
  for (const key of ['new_path', 'old_path']) {
    const v = text(h[key]);
    if (v === 'invalid') errors.push(`position[${key}] is invalid`);
    else out[key] = v;
  }
  for (const key of ['new_line', 'old_line', 'width', 'height']) {
    const v = integer(h[key]);
    if (v === 'invalid') errors.push(`position[${key}] is invalid`);
    else out[key] = v;
  }
  for (const key of ['x', 'y']) {
    const v = number(h[key]);
    if (v === 'invalid') errors.push(`position[${key}] is invalid`);
    else out[key] = v;
  }
  // go-gitlab sends `"line_range": null` with every position: null is no range, as Grape takes it.
  if (h.line_range != null && !isPlainObject(h.line_range)) errors.push('position[line_range] is invalid');
  if (errors.length) throw invalidParams(errors);
  const base = {
    base_sha: out.base_sha as string,
    start_sha: out.start_sha as string,
    head_sha: out.head_sha as string,
    old_path: out.old_path as string | null,
    new_path: out.new_path as string | null,
    position_type: out.position_type as DiffPosition['position_type'],
  };
  if (base.position_type === 'image')
    return {
      ...base,
      width: out.width as number | null,
      height: out.height as number | null,
      x: out.x as number | null,
      y: out.y as number | null,
    };
  if (base.position_type === 'file') return base;
  return {
    ...base,
    old_line: out.old_line as number | null,
    new_line: out.new_line as number | null,
    line_range: h.line_range ?? null,
    ignore_whitespace_change: false,
  };
}

interface DiffLine {
  oldLine: number | null;
  newLine: number | null;
  code: string;
}

/** Gitlab::Diff::Parser: each hunk line with its old/new numbers and its line code `<sha1(path)>_<old>_<new>`. */
export function diffLines(path: string, patch: string): DiffLine[] {
  const digest = createHash('sha1').update(path).digest('hex');
  const out: DiffLine[] = [];
  let oldPos = 0;
  let newPos = 0;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldPos = Number(hunk[1]);
      newPos = Number(hunk[2]);
      continue;
    }
    const kind = line[0];
    if (kind === '+') {
      out.push({ oldLine: null, newLine: newPos, code: `${digest}_${oldPos}_${newPos}` });
      newPos++;
    } else if (kind === '-') {
      out.push({ oldLine: oldPos, newLine: null, code: `${digest}_${oldPos}_${newPos}` });
      oldPos++;
    } else if (kind === ' ') {
      out.push({ oldLine: oldPos, newLine: newPos, code: `${digest}_${oldPos}_${newPos}` });
      oldPos++;
      newPos++;
    }
  }
  return out;
}

/** DiffNote#line_code: the diff line the position names, or null when the diff has no such line. */
async function lineCode(deps: Deps, projectId: number, pos: DiffPosition): Promise<string | null> {
  if (!OID_PATTERN.test(pos.base_sha) || !OID_PATTERN.test(pos.head_sha)) return null;
  const path = pos.new_path ?? pos.old_path;
  if (path === null) return null;
  let entries: Awaited<ReturnType<typeof diffTrees>>;
  try {
    // Whole-tree diff, matched here: user paths never reach git as pathspecs.
    entries = await diffTrees(deps.git.projectRepo(projectId), pos.base_sha, pos.head_sha);
  } catch {
    return null;
  }
  const file = entries.find((e) => e.new_path === path) ?? entries.find((e) => e.old_path === path);
  if (!file) return null;
  const oldLine = pos.old_line ?? null;
  const newLine = pos.new_line ?? null;
  const line = diffLines(file.new_path, file.diff).find(
    (l) => l.oldLine === oldLine && l.newLine === newLine,
  );
  return line?.code ?? null;
}

/** DiffNote validations in their order (line_code, then positions_complete); GitLab's 400 when any fails. */
export async function validatePosition(deps: Deps, projectId: number, pos: DiffPosition): Promise<void> {
  const errors: string[] = [];
  if (pos.position_type === 'text') {
    if (!(await lineCode(deps, projectId, pos)))
      errors.push(':line_code=>["can\'t be blank", "must be a valid line code"]');
    if (pos.old_line == null && pos.new_line == null) errors.push(':position=>["is incomplete"]');
  } else if (pos.position_type === 'image') {
    // gitlab-compat: an image position is checked for completeness only, not against the diff's files.
    if ([pos.x, pos.y, pos.width, pos.height].some((v) => v == null))
      errors.push(':position=>["is incomplete"]');
  }
  if (errors.length) throw badRequest(`Note {${errors.join(', ')}}`);
}
