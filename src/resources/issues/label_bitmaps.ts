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

/** One project's bitmap rows of some labels, as label_bitmaps reads them. */
export type BitmapRows = readonly { label_id: number; state: string; bucket: number; bits: Uint8Array }[];

/**
 * The label bitmaps (SQLite, migration 0019) of one project's issues for the labels of some sets
 * (a set is the ids of one title: a project's label and its groups' may share it), in `state` or
 * in both: one indexed read. null on PostgreSQL, which has no bitmaps.
 */
export async function labelBitmaps(
  db: Db,
  projectId: number,
  sets: readonly (readonly number[])[],
  state?: string,
): Promise<BitmapRows | null> {
  if (isPostgres(db)) return null;
  const labelIds = JSON.stringify([...new Set(sets.flat())]);
  return bitmapRows(db, labelIds, projectId, state ?? 'opened', state ?? 'closed');
}

/** The issues that carry a label of every set, in the rows read: how many, and which (ascending). */
export function matching(rows: BitmapRows, sets: readonly (readonly number[])[]) {
  return { count: intersect(rows, sets, null), ids: () => collect(rows, sets) };
}

function collect(rows: BitmapRows, sets: readonly (readonly number[])[]): number[] {
  const ids: number[] = [];
  intersect(rows, sets, ids);
  return ids;
}

/** The bits of a 32-bit word that are set. */
function bitCount(word: number): number {
  let w = word - ((word >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * A bitmap row as 32-bit words, bit i of word k standing for id 32k + i: bytes 4k…4k+3 read as a
 * little-endian word (a view of the bytes on a little-endian machine, read one by one elsewhere).
 */
function words(bits: Uint8Array): Uint32Array {
  if (!littleEndian) {
    const view = new DataView(bits.buffer, bits.byteOffset, BYTES);
    return Uint32Array.from({ length: BYTES / 4 }, (_, k) => view.getUint32(k * 4, true));
  }
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
  if (!sets.length) return 0;
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
