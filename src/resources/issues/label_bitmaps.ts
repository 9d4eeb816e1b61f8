import { sql } from 'kysely';
import { isPostgres } from '../../db/columns.js';
import type { Db } from '../../db/connection.js';
import { BUCKET_BITS } from '../../db/migrations/0019_issue_label_bitmaps.js';
import { preparedRows } from '../../db/prepared.js';

const SHIFT = Math.log2(BUCKET_BITS);
const BYTES = BUCKET_BITS / 8;

/** One project's bitmap rows of some labels (a JSON array of ids), in one or two states. */
const bitmapRows = preparedRows(
  (db: Db, labelIds: string, projectId: number, state: string, otherState: string) =>
    db
      .selectFrom('issue_label_bitmaps')
      .select(['label_id', 'state', 'bucket', 'bits'])
      .where(sql<boolean>`label_id in (select value from json_each(${labelIds}))`)
      .where('project_id', '=', projectId)
      .where('state', 'in', [state, otherState]),
  ['[1]', -1, 'opened', 'closed'],
);

/**
 * labels=a,b inside one project from the label bitmaps (SQLite, migration 0019): the ids, ascending,
 * of the project's issues (in `state`, or in either) that carry a label of every set (a set is the
 * ids of one title: a project's label and its groups' may share it). One indexed read of the labels'
 * rows, then bitwise work here; null on PostgreSQL, which has no bitmaps.
 */
export async function labelBitmapIds(
  db: Db,
  projectId: number,
  sets: readonly (readonly number[])[],
  state?: string,
): Promise<number[] | null> {
  const rows = await readRows(db, projectId, sets, state);
  if (!rows) return null;
  const ids: number[] = [];
  intersect(rows, sets, ids);
  return ids;
}

/** How many of the project's issues carry labels=a,b, per state (see labelBitmapIds), or null. */
export async function labelBitmapCounts(
  db: Db,
  projectId: number,
  sets: readonly (readonly number[])[],
): Promise<{ state: string; n: number }[] | null> {
  const rows = await readRows(db, projectId, sets);
  if (!rows) return null;
  return ['opened', 'closed'].map((state) => ({
    state,
    n: intersect(
      rows.filter((r) => r.state === state),
      sets,
      null,
    ),
  }));
}

async function readRows(db: Db, projectId: number, sets: readonly (readonly number[])[], state?: string) {
  if (isPostgres(db) || !sets.length) return null;
  const labelIds = JSON.stringify([...new Set(sets.flat())]);
  return bitmapRows(db, labelIds, projectId, state ?? 'opened', state ?? 'closed');
}

/** The bits of a 32-bit word that are set. */
function bitCount(word: number): number {
  let w = word - ((word >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A bitmap row as 32-bit words (bits little-endian in each byte, so bit i of word k is id 32k + i). */
function words(bits: Uint8Array): Uint32Array {
  const aligned = bits.byteOffset % 4 === 0 ? bits : Uint8Array.from(bits);
  return new Uint32Array(aligned.buffer, aligned.byteOffset, BYTES / 4);
}

/**
 * Per bucket, each set's labels OR-ed, the sets AND-ed: how many bits are left, and (into `ids`)
 * which issues they are, ascending. An issue's links all carry its one state, so OR-ing both
 * states' rows of a label loses nothing.
 */
function intersect(
  rows: readonly { label_id: number; bucket: number; bits: Uint8Array }[],
  sets: readonly (readonly number[])[],
  ids: number[] | null,
): number {
  const setsOf = new Map<number, number[]>();
  sets.forEach((labelIds, i) => {
    for (const id of labelIds) setsOf.set(id, [...(setsOf.get(id) ?? []), i]);
  });
  const buckets = new Map<number, (Uint32Array | undefined)[]>();
  for (const row of rows) {
    const perSet = buckets.get(row.bucket) ?? new Array<Uint32Array | undefined>(sets.length).fill(undefined);
    buckets.set(row.bucket, perSet);
    for (const i of setsOf.get(row.label_id) ?? []) {
      const acc = perSet[i];
      const bits = words(row.bits);
      if (!acc) perSet[i] = bits;
      else perSet[i] = acc.map((w, k) => w | bits[k]!);
    }
  }
  let n = 0;
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    const perSet = buckets.get(bucket)!;
    if (perSet.some((bits) => !bits)) continue;
    const [first, ...others] = perSet as Uint32Array[];
    const base = bucket << SHIFT;
    for (let k = 0; k < first!.length; k++) {
      let word = first![k]!;
      for (let i = 0; word && i < others.length; i++) word &= others[i]![k]!;
      if (!word) continue;
      n += bitCount(word);
      if (!ids) continue;
      for (; word; word &= word - 1) ids.push(base + k * 32 + 31 - Math.clz32(word & -word));
    }
  }
  return n;
}
