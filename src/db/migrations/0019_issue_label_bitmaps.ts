import { type Kysely, sql } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * SQLite: each label's issues per project and state as bitmaps, so `labels=a,b` intersects and
 * counts a few hundred bitmap rows instead of merging every index entry of both labels (issue 6:
 * two labels with 15,546 and 7,959 opened issues cost SQLite ~1.6 ms to merge for the exact
 * x-total; their bitmaps are 2 × 98 rows). A row covers BUCKET_BITS consecutive issue ids:
 * bit (id % BUCKET_BITS) of `bits`, byte-wise, least significant bit first. All-zero rows are
 * deleted. Kept by triggers on label_links, which see every change of a link's label, issue,
 * project or state (0016 copies the issue's project and state onto its links), so no writer can
 * forget it. PostgreSQL intersects its label index well enough (hash and merge joins) and would
 * serialize concurrent label writes on shared bitmap rows: nothing there.
 */
export const BUCKET_BITS = 2048;
const SHIFT = Math.log2(BUCKET_BITS);
const BYTES = BUCKET_BITS / 8;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).postgres) return;
  await sql`create table issue_label_bitmaps (
      label_id integer not null,
      project_id integer not null,
      state text not null,
      bucket integer not null,
      bits blob not null,
      primary key (label_id, project_id, state, bucket)
    ) without rowid`.execute(db);
  await backfill(db);
  for (const statement of triggers) await sql.raw(statement).execute(db);
}

// Trigger bodies: SQLite has no byte access to blobs, so a byte is read as its position in a table
// of all 256 bytes (instr), changed, and spliced back (unhex).
const ALL_BYTES = `x'${Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join('')}'`;

function where(link: 'new' | 'old') {
  return `label_id = ${link}.label_id and project_id = ${link}.issue_project_id and state = ${link}.issue_state and bucket = ${link}.target_id >> ${SHIFT}`;
}

function withByte(link: 'new' | 'old', change: (byte: string, mask: string) => string) {
  const at = `((${link}.target_id & ${BUCKET_BITS - 1}) >> 3)`;
  const byte = `(instr(${ALL_BYTES}, substr(bits, ${at} + 1, 1)) - 1)`;
  const mask = `(1 << (${link}.target_id & 7))`;
  return `cast(substr(bits, 1, ${at}) || unhex(printf('%02x', ${change(byte, mask)})) || substr(bits, ${at} + 2) as blob)`;
}

// No INSERT OR IGNORE: a trigger's conflict clause gives way to the outer statement's.
const setBit = `
     insert into issue_label_bitmaps (label_id, project_id, state, bucket, bits)
       select new.label_id, new.issue_project_id, new.issue_state, new.target_id >> ${SHIFT}, zeroblob(${BYTES})
       where new.issue_state is not null and new.issue_project_id is not null
         and not exists (select 1 from issue_label_bitmaps where ${where('new')});
     update issue_label_bitmaps set bits = ${withByte('new', (b, m) => `${b} | ${m}`)} where ${where('new')};`;

const clearBit = `
     update issue_label_bitmaps set bits = ${withByte('old', (b, m) => `${b} & ~${m}`)} where ${where('old')};
     delete from issue_label_bitmaps where ${where('old')} and bits = zeroblob(${BYTES});`;

const triggers = [
  `create trigger label_links_bitmap_on_insert after insert on label_links
   for each row when new.issue_state is not null
   begin ${setBit}
   end`,
  `create trigger label_links_bitmap_on_update after update of label_id, target_id, issue_project_id, issue_state on label_links
   for each row
   begin ${clearBit} ${setBit}
   end`,
  `create trigger label_links_bitmap_on_delete after delete on label_links
   for each row when old.issue_state is not null
   begin ${clearBit}
   end`,
];

/** The bitmaps of the links already there, built in JavaScript a batch of labels at a time. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  const labels = await sql<{ label_id: number }>`select distinct label_id from label_links
    where issue_state is not null and issue_project_id is not null order by label_id`.execute(db);
  const ids = labels.rows.map((r) => r.label_id);
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    const links = await sql<{ label_id: number; project_id: number; state: string; target_id: number }>`
      select label_id, issue_project_id as project_id, issue_state as state, target_id from label_links
      where label_id in (${sql.join(batch)}) and issue_state is not null and issue_project_id is not null`.execute(
      db,
    );
    const rows = new Map<
      string,
      { label_id: number; project_id: number; state: string; bucket: number; bits: Buffer }
    >();
    for (const l of links.rows) {
      const bucket = l.target_id >> SHIFT;
      const key = `${l.label_id} ${l.project_id} ${l.state} ${bucket}`;
      const row = rows.get(key) ?? { ...l, bucket, bits: Buffer.alloc(BYTES) };
      rows.set(key, row);
      const bit = l.target_id & (BUCKET_BITS - 1);
      row.bits[bit >> 3] = row.bits[bit >> 3]! | (1 << (bit & 7));
    }
    const values = [...rows.values()].map(
      (r) => sql`(${r.label_id}, ${r.project_id}, ${r.state}, ${r.bucket}, ${r.bits})`,
    );
    for (let j = 0; j < values.length; j += 500)
      await sql`insert into issue_label_bitmaps (label_id, project_id, state, bucket, bits)
        values ${sql.join(values.slice(j, j + 500))}`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
